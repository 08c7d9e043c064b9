import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { outOption, scenarioArg } from "../options.js"
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
  Options.withDescription("text (the waterfall) or json (the derivation tree, exact values)")
)

export const explain = Command.make(
  "explain",
  { scenario: scenarioArg, policy: policyOption, year: yearOption, format: explainFormat, out: outOption },
  (args) =>
    lazily(
      () => import("../actions/explain.js"),
      (m) => m.explainAction({ ...args, policy: Option.toArray(args.policy), out: Option.getOrUndefined(args.out) })
    )
).pipe(
  Command.withDescription(
    "Show why a year's numbers are what they are: the waterfall from provider and peer baselines through blend, " +
      "trend, risk, discount and rounding to the settlement, each step with its inputs, rule and source.\n" +
      "Example: pbpsim explain scenarios/issue-brief.yaml --policy annual-rebase --year 3"
  )
)
