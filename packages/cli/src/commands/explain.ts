import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { UserError } from "../errors.js"
import { load, provenanceOf, runPolicies, selectPolicies } from "../scenarioInput.js"
import { outOption, scenarioArg } from "../options.js"
import { explainYear } from "../report/explain.js"
import { writeOutput } from "../output.js"

const policyOption = Options.text("policy").pipe(
  Options.withAlias("p"),
  Options.optional,
  Options.withDescription("Policy to explain (default: the scenario's first policy)")
)
const yearOption = Options.integer("year").pipe(
  Options.withAlias("y"),
  Options.withDescription("Contract year to explain: 1-based contract year (1, 2, …) or a calendar year (2027)")
)
const explainFormat = Options.choice("format", ["text", "json"] as const).pipe(
  Options.withAlias("f"),
  Options.withDefault("text" as const),
  Options.withDescription("text (the waterfall) or json (the derivation tree, exact values)")
)

export const explain = Command.make(
  "explain",
  { scenario: scenarioArg, policy: policyOption, year: yearOption, format: explainFormat, out: outOption },
  (args) =>
    Effect.gen(function* () {
      const scenario = yield* load(args.scenario)
      const names = yield* selectPolicies(scenario, Option.toArray(args.policy))
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
      const text = args.format === "json" ? JSON.stringify(explainedYear.json(provenanceOf(scenario)), null, 2) : explainedYear.text
      yield* writeOutput(text, Option.getOrUndefined(args.out))
    })
).pipe(
  Command.withDescription(
    "Show why a year's numbers are what they are: the waterfall from provider and peer baselines through blend, " +
      "trend, risk, discount and rounding to the settlement, each step with its inputs, rule and source.\n" +
      "Example: pbpsim explain scenarios/issue-brief.yaml --policy annual-rebase --year 3"
  )
)
