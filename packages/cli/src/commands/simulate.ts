import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { formatOption, outOption, scenarioArg, setOption, splitNames, tableWidth, wideOption } from "../options.js"
import { lazily } from "./lazy.js"

const trialsOption = Options.integer("trials").pipe(Options.withAlias("n"), Options.withDefault(10_000), Options.withDescription("Number of trials (default 10,000; at most 10,000,000)"))
const seedOption = Options.text("seed").pipe(
  Options.withDefault("1"),
  Options.withDescription("Seed of the random draws (any text; default 1). Trial t draws from \"<seed>:<t>\" only")
)
const workersOption = Options.integer("workers").pipe(
  Options.withAlias("w"),
  Options.withDefault(1),
  Options.withDescription("Worker threads (default 1; at most twice the CPUs); the output is identical for any number")
)
const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to simulate on the same draws (default: all, in file order)")
)
const shardOption = Options.text("shard").pipe(
  Options.optional,
  Options.withDescription("Run only shard i of n (\"2/4\") and write its mergeable state as JSON; combine the shards with pbpsim merge")
)
const quietOption = Options.boolean("quiet").pipe(Options.withAlias("q"), Options.withDescription("No progress bar on standard error"))

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
