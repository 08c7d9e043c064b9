import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { reportPolicies } from "../scenarioInput.js"
import { formatOption, outOption, scenarioArg, splitNames } from "../options.js"

const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to compare, the first being the one differences are taken against (default: all, in file order)")
)

export const compare = Command.make("compare", { scenario: scenarioArg, policies: policiesOption, format: formatOption, out: outOption }, (args) =>
  reportPolicies({
    scenario: args.scenario,
    requested: Option.match(args.policies, { onNone: () => [], onSome: splitNames }),
    kind: "compare",
    format: args.format,
    out: Option.getOrUndefined(args.out)
  })
).pipe(
  Command.withDescription(
    "Run policies on the same projection and show them side by side per year, with differences against the first.\n" +
      "Example: pbpsim compare scenarios/issue-brief.yaml --policies trending,annual-rebase --format csv --out compare.csv"
  )
)
