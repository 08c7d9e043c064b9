import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { InvalidArgument } from "@pbpsim/benchmark"
import { loadScenario, policyNames, resolvePolicy, runPolicy, type PolicyRun, type Scenario, type ScenarioError } from "@pbpsim/simulator"
import { Effect } from "effect"
import type { Format } from "./options.js"
import type { Io } from "./io.js"
import { writeOutput } from "./output.js"
import { renderComparison } from "./report/render.js"
import { comparisonView } from "./report/results.js"
import { UserError } from "./errors.js"
import type { Provenance } from "./report/results.js"
import { ENGINE_VERSION } from "./version.js"

/**
 * Scenario hash for provenance: the scenario file's bytes and, when experience comes from a
 * CSV, that file's bytes too, so a JSON result names exactly the inputs that produced it.
 */
const scenarioHash = (scenario: Scenario): string => {
  const hash = createHash("sha256").update(readFileSync(scenario.file))
  const experience = scenario.document.experience
  if (!Array.isArray(experience) && typeof experience === "object" && experience !== null && "csv" in experience) {
    hash.update(readFileSync(resolve(dirname(scenario.file), String((experience as { csv: string }).csv))))
  }
  return hash.digest("hex")
}

export const provenanceOf = (scenario: Scenario): Provenance => ({
  engine: { name: "pbpsim", version: ENGINE_VERSION },
  scenario: { name: scenario.name, file: scenario.file, sha256: scenarioHash(scenario) }
})

export const load = (path: string): Effect.Effect<Scenario, ScenarioError> => loadScenario(path)

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

/** Run policies with the exact engine. */
export const runPolicies = (scenario: Scenario, names: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<PolicyRun>, UserError | ScenarioError> =>
  Effect.forEach(names, (name) => rulesOf(scenario, `policy ${name}`, () => runPolicy(resolvePolicy(scenario, name))))

/** run and compare: load, pick policies, run them exactly, render the one results view, write it. */
export const reportPolicies = (args: {
  readonly scenario: string
  readonly requested: ReadonlyArray<string>
  readonly kind: "run" | "compare"
  readonly format: Format
  /** Widest terminal table (TABLE_WIDTH, or unbounded with --wide). */
  readonly width: number
  readonly out: string | undefined
}): Effect.Effect<void, UserError | ScenarioError, Io> =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario)
    const names = yield* selectPolicies(scenario, args.requested)
    const runs = yield* runPolicies(scenario, args.kind === "run" ? names.slice(0, 1) : names)
    yield* writeOutput(renderComparison(comparisonView(provenanceOf(scenario), runs), args.format, args.kind, args.width), args.out)
  })
