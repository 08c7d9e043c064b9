import { Effect, Option } from "effect"
import { UserError } from "../errors.js"
import type { Format } from "../options.js"
import { writeOutput } from "../output.js"
import { renderSimulation } from "../render/simulationFormats.js"
import { load } from "../scenarioInput.js"
import { shardFor, simulationViewFor } from "./simulationPipeline.js"

const parseShard = (text: string): Effect.Effect<{ index: number; count: number }, UserError> => {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  return match && index >= 1 && count >= 1 && index <= count
    ? Effect.succeed({ index, count })
    : Effect.fail(new UserError({ message: `--shard: expected i/n with 1 ≤ i ≤ n (like 1/2), got "${text}"` }))
}

/** simulate: the whole run's statistics in any format, or with --shard one shard's mergeable state. */
export const simulateAction = (args: {
  readonly scenario: string
  readonly policies: ReadonlyArray<string>
  readonly trials: number
  readonly seed: string
  readonly workers: number
  readonly shard: Option.Option<string>
  readonly quiet: boolean
  /** `--set path=value` overrides, applied before the scenario is decoded. */
  readonly set?: ReadonlyArray<string>
  readonly format: Format
  readonly width: number
  readonly out: string | undefined
}) =>
  Effect.gen(function* () {
    // merge re-reads the scenario file as it is: a shard of an overridden scenario could not be merged.
    if (Option.isSome(args.shard) && (args.set ?? []).length > 0)
      return yield* Effect.fail(new UserError({ message: "--set cannot be used with --shard: pbpsim merge re-reads the scenario file as it is, without the overrides (write the changes into a copy of the file instead)" }))
    const scenario = yield* load(args.scenario, args.set)
    const common = { scenario, policies: args.policies, trials: args.trials, seed: args.seed, workers: args.workers, quiet: args.quiet }
    if (Option.isSome(args.shard)) {
      const shard = yield* parseShard(args.shard.value)
      if (args.out === undefined) return yield* Effect.fail(new UserError({ message: "--shard needs --out FILE: a shard's state is a JSON file for pbpsim merge" }))
      const file = yield* shardFor({ ...common, shard })
      return yield* writeOutput(JSON.stringify(file), args.out)
    }
    const view = yield* simulationViewFor(common)
    yield* writeOutput(renderSimulation(view, args.format, args.width), args.out)
  })
