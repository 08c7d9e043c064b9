import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { outOption, scenarioArg, setOption } from "../options.js"
import { lazily } from "./lazy.js"

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
  Options.withDescription("text (a summary of the year; the whole waterfall with --verbose) or json (the whole derivation tree, exact values)")
)
const verboseOption = Options.boolean("verbose").pipe(
  Options.withAlias("v"),
  Options.withDescription("After the summary, the whole waterfall: every step with its rule, formula, inputs, notes and source")
)

export const explain = Command.make(
  "explain",
  { scenario: scenarioArg, policy: policyOption, year: yearOption, format: explainFormat, verbose: verboseOption, set: setOption, out: outOption },
  (args) =>
    lazily(
      () => import("../actions/explain.js"),
      (m) => m.explainAction({ ...args, sets: args.set, policy: Option.toArray(args.policy), out: Option.getOrUndefined(args.out) })
    )
).pipe(
  Command.withDescription(
    "Show why a year's numbers are what they are: a summary of about twelve lines (terms, the benchmark built from " +
      "provider and peer baselines through blend, trend and risk, the actual cost, the settlement, the incentive power); " +
      "with --verbose the whole waterfall, each step with its inputs, rule and source.\n" +
      "Example: pbpsim explain scenarios/issue-brief.yaml --policy annual-rebase --year 3 --verbose"
  )
)
