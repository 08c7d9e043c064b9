import { Effect, Option } from "effect"
import { UserError } from "../errors.js"
import type { Format } from "../options.js"
import { writeOutput } from "../output.js"
import { renderSimulation } from "../render/simulationFormats.js"
import { load } from "../scenarioInput.js"
import { parseShard, SET_WITH_SHARD, SHARD_NEEDS_OUT } from "./simulationCounts.js"
import { shardFor, simulationViewFor } from "./simulationPipeline.js"

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
    if (Option.isSome(args.shard) && (args.set ?? []).length > 0) return yield* Effect.fail(new UserError({ message: SET_WITH_SHARD }))
    const scenario = yield* load(args.scenario, args.set)
    const common = { scenario, policies: args.policies, trials: args.trials, seed: args.seed, workers: args.workers, quiet: args.quiet }
    if (Option.isSome(args.shard)) {
      const shard = yield* parseShard(args.shard.value)
      if (args.out === undefined) return yield* Effect.fail(new UserError({ message: SHARD_NEEDS_OUT }))
      const file = yield* shardFor({ ...common, shard })
      return yield* writeOutput(JSON.stringify(file), args.out)
    }
    const view = yield* simulationViewFor(common)
    yield* writeOutput(renderSimulation(view, args.format, args.width), args.out)
  })
