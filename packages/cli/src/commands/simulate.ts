import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { UserError } from "../errors.js"
import { formatOption, outOption, scenarioArg, splitNames } from "../options.js"
import { writeOutput } from "../output.js"
import { renderSimulation } from "../report/simulationRender.js"
import { load } from "../scenarioInput.js"
import { shardFor, simulationViewFor } from "../simulation.js"

const trialsOption = Options.integer("trials").pipe(Options.withAlias("n"), Options.withDefault(10_000), Options.withDescription("Number of trials (default 10,000)"))
const seedOption = Options.text("seed").pipe(
  Options.withDefault("1"),
  Options.withDescription("Seed of the random draws (any text; default 1). Trial t draws from \"<seed>:<t>\" only")
)
const workersOption = Options.integer("workers").pipe(
  Options.withAlias("w"),
  Options.withDefault(1),
  Options.withDescription("Worker threads (default 1); the output is identical for any number")
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

const parseShard = (text: string): Effect.Effect<{ index: number; count: number }, UserError> => {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  return match && index >= 1 && count >= 1 && index <= count
    ? Effect.succeed({ index, count })
    : Effect.fail(new UserError({ message: `--shard: expected i/n with 1 ≤ i ≤ n (like 1/2), got "${text}"` }))
}

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
    format: formatOption,
    out: outOption
  },
  (args) =>
    Effect.gen(function* () {
      const scenario = yield* load(args.scenario)
      const common = {
        scenario,
        policies: Option.match(args.policies, { onNone: () => [], onSome: splitNames }),
        trials: args.trials,
        seed: args.seed,
        workers: args.workers,
        quiet: args.quiet
      }
      const out = Option.getOrUndefined(args.out)
      if (Option.isSome(args.shard)) {
        const shard = yield* parseShard(args.shard.value)
        if (out === undefined) return yield* Effect.fail(new UserError({ message: "--shard needs --out FILE: a shard's state is a JSON file for pbpsim merge" }))
        const file = yield* shardFor({ ...common, shard })
        return yield* writeOutput(JSON.stringify(file), out)
      }
      const view = yield* simulationViewFor(common)
      yield* writeOutput(renderSimulation(view, args.format), out)
    })
).pipe(
  Command.withDescription(
    "Monte Carlo: run every policy on the same random draws (common random numbers) and report mean, sd, P5/P50/P95,\n" +
      "P(shared savings) and P(shared loss) per year and over the contract, and paired differences between policies.\n" +
      "Example: pbpsim simulate scenarios/issue-brief.yaml --trials 100000 --workers 2 --format markdown"
  )
)
