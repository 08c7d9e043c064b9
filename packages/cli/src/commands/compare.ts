import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { formatOption, outOption, scenarioArg, setOption, splitNames, tableWidth, wideOption } from "../options.js"
import { lazily } from "./lazy.js"

const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to compare, the first being the one differences are taken against (default: all, in file order)")
)

export const compare = Command.make("compare", { scenario: scenarioArg, policies: policiesOption, set: setOption, format: formatOption, wide: wideOption, out: outOption }, (args) =>
  lazily(() => import("../actions/runCompare.js"), (m) => m.reportPolicies({
    scenario: args.scenario,
    sets: args.set,
    requested: Option.match(args.policies, { onNone: () => [], onSome: splitNames }),
    kind: "compare",
    format: args.format,
    width: tableWidth(args.wide),
    out: Option.getOrUndefined(args.out)
  }))
).pipe(
  Command.withDescription(
    "Run policies on the same projection and show them side by side per year, with differences against the first.\n" +
      "Example: pbpsim compare scenarios/issue-brief.yaml --policies trending,annual-rebase --format csv --out compare.csv"
  )
)
