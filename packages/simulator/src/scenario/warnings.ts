import { Effect, FiberRef, GlobalValue } from "effect"
import type { ScenarioWarning } from "./errors.js"

/** What receives a loaded scenario's warnings. */
export type WarningListener = (warnings: ReadonlyArray<ScenarioWarning>) => void

/**
 * Key of the listener's FiberRef in Effect's global store. The pbpsim command reaches the same
 * FiberRef by this key (packages/cli/src/warnings.ts) instead of importing this package at
 * start-up, which would load the whole engine before `--help` prints.
 */
export const SCENARIO_WARNINGS_KEY = "@pbpsim/simulator/scenarioWarnings"

/**
 * Where loadScenario reports a scenario's warnings (docs/scenario-reference.md#plausibility-checks):
 * to the listener in force on the fiber, by default none, so a library caller sees nothing it
 * did not ask for. The pbpsim command installs one that prints them to standard error. A
 * FiberRef rather than a global: two commands running in one process each get their own.
 */
const listener = GlobalValue.globalValue(Symbol.for(SCENARIO_WARNINGS_KEY), () => FiberRef.unsafeMake<WarningListener>(() => {}))

/** Runs `effect` with `onWarnings` receiving the warnings of every scenario it loads (once per load, only when there are some). */
export const onScenarioWarnings =
  (onWarnings: WarningListener) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(effect, listener, onWarnings)

/** Hands a loaded scenario's warnings to the listener in force. */
export const reportScenarioWarnings = (warnings: ReadonlyArray<ScenarioWarning>): Effect.Effect<void> =>
  warnings.length === 0 ? Effect.void : Effect.flatMap(FiberRef.get(listener), (onWarnings) => Effect.sync(() => onWarnings(warnings)))
