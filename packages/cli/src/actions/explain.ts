import { Effect } from "effect"
import { UserError } from "../errors.js"
import { writeOutput } from "../output.js"
import { explainYear } from "../render/explain.js"
import { load, runPolicies, selectPolicies } from "../scenarioInput.js"
import { provenanceOf } from "../provenance.js"

/**
 * explain: run the chosen policy exactly and print one year: a short summary (text), the summary
 * and the whole waterfall (text, --verbose) or the whole derivation tree (json, verbose or not).
 */
export const explainAction = (args: {
  readonly scenario: string
  /** `--set path=value` overrides, applied before the scenario is decoded. */
  readonly sets: ReadonlyArray<string>
  readonly policy: ReadonlyArray<string>
  readonly year: number
  readonly format: "text" | "json"
  readonly verbose: boolean
  readonly out: string | undefined
}) =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario, args.sets)
    const names = yield* selectPolicies(scenario, args.policy)
    const [run] = yield* runPolicies(scenario, names.slice(0, 1))
    const years = run!.result.years
    const k = args.year >= 1 && args.year <= years.length ? args.year : years.findIndex((y) => y.year === args.year) + 1
    const explainedYear = k >= 1 ? explainYear(run!, k) : undefined
    if (!explainedYear) {
      return yield* Effect.fail(
        new UserError({
          message: `--year ${args.year}: expected a contract year 1–${years.length} or a calendar year ${years[0]!.year}–${years[years.length - 1]!.year}`
        })
      )
    }
    const text = args.format === "json" ? JSON.stringify(explainedYear.json(provenanceOf(scenario)), null, 2) : explainedYear.text(args.verbose)
    yield* writeOutput(text, args.out)
  })
