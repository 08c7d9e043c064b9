// Types only from the package index, and the dependency-free message helpers: this module is part of start-up.
import type { ScenarioWarning } from "@pbpsim/simulator"
import { clipText, escapeText, showText } from "@pbpsim/simulator/messageText"
import { Effect, FiberRef, GlobalValue } from "effect"
import type { CliIo } from "./io.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * A scenario's warnings (unusual figures, docs/scenario-reference.md#plausibility-checks) as
 * every command prints them: on standard error, one `file: path: warning: …` line each, so
 * standard output stays the command's result (`compare … --format csv > out.csv` is clean).
 */

/** Warnings printed per scenario; the rest are counted (as errors are). */
const MAX_PRINTED_WARNINGS = 100
/** Longest line printed: MAX_ISSUE_LINE of @pbpsim/simulator's scenario errors, as the error printer (cli.ts) clips. */
const MAX_LINE = 600

/**
 * The simulator's warning listener (loadScenario reports to it), reached by its key in Effect's
 * global store (SCENARIO_WARNINGS_KEY in @pbpsim/simulator's scenario/warnings.ts): importing
 * the package index here would load the whole engine at start-up.
 */
const listener = GlobalValue.globalValue(Symbol.for("@pbpsim/simulator/scenarioWarnings"), () =>
  FiberRef.unsafeMake<(warnings: ReadonlyArray<ScenarioWarning>) => void>(() => {})
)

/** `file: path: warning: message`, escaped and clipped as formatWarning (@pbpsim/simulator) writes it. */
const warningLine = (warning: ScenarioWarning): string => {
  const file = showText(warning.file, 160)
  return clipText(escapeText(warning.path === "" ? `${file}: warning: ${warning.message}` : `${file}: ${warning.path}: warning: ${warning.message}`), MAX_LINE)
}

/** Prints warnings on standard error, at most 100 (then how many more). */
export const printWarnings =
  (io: CliIo) =>
  (warnings: ReadonlyArray<ScenarioWarning>): void => {
    const lines = warnings.slice(0, MAX_PRINTED_WARNINGS).map(warningLine)
    const more = warnings.length - lines.length
    if (more > 0) lines.push(`… and ${showCount(more)} more warnings (${showCount(warnings.length)} in all)`)
    if (lines.length > 0) io.err(`${lines.join("\n")}\n`)
  }

/** Runs a command with every scenario it reads printing its warnings through `onWarnings`. */
export const withWarningsPrinted =
  (onWarnings: (warnings: ReadonlyArray<ScenarioWarning>) => void) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(effect, listener, onWarnings)
