import { InvalidArgument } from "@pbpsim/benchmark"
import { loadScenarioWithOverrides, parseOverride, policyNames, refusalIssue, resolvePolicy, runPolicy, scenarioError, showText, type PolicyRun, type Scenario, type ScenarioError } from "@pbpsim/simulator"
import { Effect, Either } from "effect"
import { UserError } from "./errors.js"

/** A scenario file and its policies as the commands take them: load, pick policies, run them with the exact engine. */

/**
 * Read a scenario file, with the `--set path=value` overrides given applied before it is
 * decoded (checked as the file is; provenance lists them). A `--set` that is not path=value is
 * a user error naming it.
 */
export const load = (path: string, sets: ReadonlyArray<string> = []): Effect.Effect<Scenario, ScenarioError | UserError> =>
  Effect.flatMap(
    Effect.forEach(sets, (text) =>
      Either.match(parseOverride(text), {
        onLeft: (message) => Effect.fail(new UserError({ message: `--set ${showText(text, 80)}: ${message}` })),
        onRight: Effect.succeed
      })
    ),
    (overrides) => loadScenarioWithOverrides(path, overrides)
  )

/** Which policies to run: all by default, or the names given (unknown names are a user error listing the known ones). */
export const selectPolicies = (scenario: Scenario, requested: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string>, UserError> => {
  const known = policyNames(scenario)
  if (requested.length === 0) return Effect.succeed(known)
  const unknown = requested.filter((n) => !known.includes(n))
  return unknown.length > 0
    ? Effect.fail(new UserError({ message: `${scenario.file}: no policy named ${unknown.map((n) => `"${n}"`).join(", ")}; the scenario has ${known.join(", ")}` }))
    : Effect.succeed(requested)
}

/**
 * Apply the rules to a scenario. Rule violations the schema cannot see (a variable MSR below
 * 500 members, say) surface as InvalidArgument and become user errors naming the file and what
 * was being done; anything else is a bug and stays a defect.
 */
export const rulesOf = <A>(scenario: Scenario, doing: string, f: () => A): Effect.Effect<A, UserError | ScenarioError> =>
  Effect.try({
    try: f,
    catch: (e) => {
      if (e instanceof InvalidArgument) return new UserError({ message: `${scenario.file}: ${doing}: ${e.message}` })
      if (e instanceof Error && "_tag" in e && e._tag === "ScenarioError") return e as unknown as ScenarioError
      throw e
    }
  })

/** Run policies with the exact engine; a rule the scenario breaks is reported at its field, as validate reports it. */
export const runPolicies = (scenario: Scenario, names: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<PolicyRun>, UserError | ScenarioError> =>
  Effect.forEach(names, (name) =>
    Effect.try({
      try: () => runPolicy(resolvePolicy(scenario, name)),
      catch: (e) => {
        if (e instanceof InvalidArgument) return scenarioError([refusalIssue(scenario, name, e)])
        if (e instanceof Error && "_tag" in e && e._tag === "ScenarioError") return e as unknown as ScenarioError
        throw e
      }
    })
  )

