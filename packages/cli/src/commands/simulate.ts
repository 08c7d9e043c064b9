import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { formatOption, outOption, quietOption, scenarioArg, seedOption, setOption, shardOption, splitNames, tableWidth, trialsOption, wideOption, workersOption } from "../options.js"
import { lazily } from "./lazy.js"

const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to simulate on the same draws (default: all, in file order)")
)

export const simulate = Command.make(
  "simulate",
  {
    scenario: scenarioArg,
    trials: trialsOption,
    seed: seedOption,
    workers: workersOption,
    policies: policiesOption,
    shard: shardOption,
    quiet: quietOption,
    set: setOption,
    format: formatOption,
    wide: wideOption,
    out: outOption
  },
  (args) =>
    lazily(
      () => import("../actions/simulate.js"),
      (m) =>
        m.simulateAction({
          ...args,
          policies: Option.match(args.policies, { onNone: () => [], onSome: splitNames }),
          width: tableWidth(args.wide),
          out: Option.getOrUndefined(args.out)
        })
    )
).pipe(
  Command.withDescription(
    "Monte Carlo: run every policy on the same random draws (common random numbers) and report mean, sd, P5/P50/P95,\n" +
      "P(shared savings) and P(shared loss) per year and over the contract, and each policy's paired difference from the first.\n" +
      "Example: pbpsim simulate scenarios/issue-brief.yaml --trials 100000 --workers 2 --format markdown"
  )
)
