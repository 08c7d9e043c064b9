import {
  marketStateProblems,
  mergeMarketStates,
  simulateMarket,
  type MarketRun,
  type MarketSimulation,
  type MarketSimulationLayout,
  type Scenario,
  type ScenarioError,
  type Shard
} from "@pbpsim/simulator"
import { Effect, Schema } from "effect"
import { UserError } from "../errors.js"
import { provenanceOf } from "../provenance.js"
import { marketSimulationView, type MarketSimulationView, type MergedMarketSimulationView } from "../render/marketSimulationView.js"
import { rulesOf } from "../scenarioInput.js"
import { ENGINE_VERSION } from "../version.js"
import { checkShards, decodeShard, scenarioOfShards, SHARD_ENVELOPE, shown, Whole, type ShardEnvelope, type ShardInput } from "./shardFiles.js"
import { runWithProgress } from "./simulationPipeline.js"

/**
 * `market --simulate` and the merge of its shards: the deterministic market run (runMarket)
 * fixes who takes part, simulateMarket varies the outcomes on common random numbers, with
 * simulate's progress bar and its way of turning the library's refusals into user errors. A
 * shard writes its mergeable state with what merge needs to check and add it up: the scenario
 * (and its hash), the policies and providers asked for, seed, trials, the blocks it ran and the
 * layout of its statistics. Merge needs no market run: the layout says where every statistic is.
 */

/** What `market --simulate` was asked for. */
export interface MarketSimulationRequest {
  readonly trials: number
  readonly seed: string
  readonly workers: number
  readonly quiet: boolean
  readonly shard?: Shard
}

/**
 * simulateMarket on the deterministic run; what it refuses is the user's (InvalidArgument: a
 * figure that is not finite; RangeError: counts), a one-line UserError. Anything else is a bug.
 */
export const simulateMarketRun = (scenario: Scenario, run: MarketRun, request: MarketSimulationRequest): Effect.Effect<MarketSimulation, UserError> =>
  runWithProgress(scenario, "market --simulate", request.quiet, (onProgress) =>
    simulateMarket(scenario, run, {
      seed: request.seed,
      trials: request.trials,
      workers: request.workers,
      ...(request.shard ? { shard: request.shard } : {}),
      onProgress
    })
  )

/** The simulation of the whole run as the market's outputs print it. */
export const simulationOf = (sim: MarketSimulation, request: MarketSimulationRequest): MarketSimulationView =>
  marketSimulationView({ summary: sim.summary, seed: request.seed, trials: request.trials })

/**
 * Version 2 (engine 0.2.0): the 256-layer ziggurat and the kernel's own exponentials moved every
 * simulated figure within Monte Carlo error (as simulate's version 5), so a version 1 shard cannot
 * be merged with them.
 * Version 1. Its own format, not simulate's: the statistics are the market's (programme cost,
 * savings paid, losses collected per policy), laid out by `layout`, so merge must not mix them.
 */
export const MARKET_SHARD_FORMAT = "pbpsim-market-shard/2"

export interface MarketShardFile extends ShardEnvelope {
  readonly format: typeof MARKET_SHARD_FORMAT
  /** `--providers` as given; null: the scenario's own (market.providers, else every entity). */
  readonly providers: ReadonlyArray<string> | null
  readonly layout: MarketSimulationLayout
}

/** One shard's mergeable state, as written by `market --simulate --shard i/n`. */
export const marketShardFile = (args: {
  readonly scenario: Scenario
  readonly policies: ReadonlyArray<string>
  readonly providers: ReadonlyArray<string> | undefined
  readonly request: MarketSimulationRequest & { readonly shard: Shard }
  readonly sim: MarketSimulation
}): MarketShardFile => ({
  format: MARKET_SHARD_FORMAT,
  engine: { name: "pbpsim", version: ENGINE_VERSION },
  scenario: provenanceOf(args.scenario).scenario,
  policies: args.policies,
  providers: args.providers ?? null,
  seed: args.request.seed,
  trials: args.request.trials,
  shard: args.request.shard,
  blocks: args.sim.blocks,
  layout: args.sim.layout,
  state: args.sim.state
})

const MarketShardFileSchema = Schema.Struct({
  format: Schema.Literal(MARKET_SHARD_FORMAT),
  ...SHARD_ENVELOPE,
  providers: Schema.NullOr(Schema.Array(Schema.String.pipe(Schema.maxLength(10_000))).pipe(Schema.maxItems(1_000_000))),
  layout: Schema.Struct({
    policies: Schema.NonEmptyArray(Schema.Struct({ name: Schema.String.pipe(Schema.maxLength(10_000)), startYear: Whole(0, 100_000), years: Whole(1, 1000) })).pipe(
      Schema.maxItems(1000)
    )
  })
})
const decodeMarketShard = Schema.decodeUnknownEither(MarketShardFileSchema, { errors: "all", onExcessProperty: "error" })

/** The layout must be that of the policies the shard names, as the scenario runs them (first year, number of years). */
const layoutProblems = (scenario: Scenario, path: string, s: MarketShardFile): ReadonlyArray<string> => {
  const names = s.layout.policies.map((p) => p.name)
  if (JSON.stringify(names) !== JSON.stringify(s.policies)) return [`${shown(path)}: layout.policies: expected the policies ${shown(s.policies.join(", "))}, got ${shown(names.join(", "))}`]
  return s.layout.policies.flatMap((p) => {
    const contract = scenario.policies.find((x) => x.name === p.name)?.body.contract
    if (contract === undefined) return [`${shown(path)}: layout.policies: the scenario has no policy named ${shown(JSON.stringify(p.name))}`]
    return contract.startYear === p.startYear && contract.years === p.years
      ? []
      : [`${shown(path)}: layout: policy ${shown(p.name)} runs ${contract.years} years from ${contract.startYear} in the scenario, the shard says ${p.years} from ${p.startYear}`]
  })
}

/**
 * merge for market shards (files of MARKET_SHARD_FORMAT): check they are one run's and cover it,
 * that the scenario they name is unchanged, that each state fits the layout; add them up.
 */
export const mergeMarketShards = (files: ReadonlyArray<ShardInput>): Effect.Effect<MergedMarketSimulationView, UserError | ScenarioError> =>
  Effect.gen(function* () {
    const paths = files.map((f) => f.path)
    const shards: ReadonlyArray<MarketShardFile> = yield* Effect.forEach(files, (f) => decodeShard(f, decodeMarketShard))
    yield* checkShards(paths, shards, (s) => [
      ["providers", s.providers],
      ["layout", s.layout]
    ])
    const first = shards[0]!
    const { scenario, provenance } = yield* scenarioOfShards(first)
    const problems = [
      ...layoutProblems(scenario, paths[0] ?? "", first),
      ...shards.flatMap((s, i) => marketStateProblems(first.layout, s.state, s.state.trials).map((p) => `${shown(paths[i] ?? "")}: ${p}`))
    ]
    if (problems.length > 0) return yield* Effect.fail(new UserError({ message: problems.slice(0, 20).join("\n") }))
    const merged = yield* rulesOf(scenario, "merge", () => mergeMarketStates(first.layout, shards.map((s) => s.state)))
    return { ...provenance, simulation: marketSimulationView({ summary: merged.summary, seed: first.seed, trials: first.trials }) }
  })
