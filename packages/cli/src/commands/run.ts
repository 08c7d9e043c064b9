import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { formatOption, outOption, scenarioArg, setOption, tableWidth, wideOption } from "../options.js"
import { lazily } from "./lazy.js"

const policyOption = Options.text("policy").pipe(
  Options.withAlias("p"),
  Options.optional,
  Options.withDescription("Policy to run (default: the scenario's first policy)")
)

export const run = Command.make("run", { scenario: scenarioArg, policy: policyOption, set: setOption, format: formatOption, wide: wideOption, out: outOption }, (args) =>
  lazily(
    () => import("../actions/runCompare.js"),
    (m) =>
      m.reportPolicies({
        scenario: args.scenario,
        sets: args.set,
        requested: Option.toArray(args.policy),
        kind: "run",
        format: args.format,
        width: tableWidth(args.wide),
        out: Option.getOrUndefined(args.out)
      })
  )
).pipe(
  Command.withDescription(
    "Project one policy year by year: benchmark build-up, actual cost, settlement, incentive power.\n" +
      "Example: pbpsim run scenarios/ratchet.yaml --policy annual-rebase --format markdown"
  )
)
