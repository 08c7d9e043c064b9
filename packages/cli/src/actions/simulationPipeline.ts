import { InvalidArgument } from "@pbpsim/benchmark"
import {
  checkSimulationPlan,
  compileSimulation,
  mergeStates,
  resolvePolicy,
  simulatePlan,
  stateProblems,
  type ContractModel,
  type Scenario,
  type ScenarioError,
  type SimulationPlan
} from "@pbpsim/simulator"
import { Effect, Schema } from "effect"
import { UserError } from "../errors.js"
import { progressBar } from "../progress.js"
import { simulationView, type SimulationView } from "../render/simulationView.js"
import { rulesOf, selectPolicies } from "../scenarioInput.js"
import { provenanceOf } from "../provenance.js"
import { ENGINE_VERSION } from "../version.js"
import { checkCounts } from "./simulationCounts.js"
import { checkShards, decodeShard, scenarioOfShards, SHARD_ENVELOPE, shown, type ShardEnvelope, type ShardInput } from "./shardFiles.js"

/**
 * simulate and merge: resolve the policies, compile them for the kernel, run the trials (in
 * worker threads when asked), and build the one SimulationView every format prints. A shard
 * writes its mergeable state instead, as JSON that names the scenario (and its hash), seed,
 * trials and the blocks it ran; merge checks the shards fit together (shardFiles.ts) before
 * adding them up.
 */

export interface SimulationArgs {
  readonly scenario: Scenario
  readonly policies: ReadonlyArray<string>
  readonly trials: number
  readonly seed: string
  readonly workers: number
  readonly quiet: boolean
  readonly shard?: { readonly index: number; readonly count: number }
}

/** Resolve and compile the policies, and check that the float kernel can simulate them (no overflow, no runaway noise). */
const compile = (scenario: Scenario, names: ReadonlyArray<string>): Effect.Effect<{ models: ReadonlyArray<ContractModel>; plan: SimulationPlan }, UserError | ScenarioError> =>
  rulesOf(scenario, "simulate", () => {
    const models = names.map((n) => resolvePolicy(scenario, n))
    const plan = compileSimulation(models)
    checkSimulationPlan(plan)
    return { models, plan }
  })

/**
 * A Monte Carlo run (simulate's, the market's) with its progress bar while it runs; what it refuses
 * is the user's (InvalidArgument: a figure that is not finite; RangeError: counts) and becomes a
 * one-line UserError naming the scenario and `command`. Anything else is a bug.
 */
export const runWithProgress = <A>(
  scenario: Scenario,
  command: string,
  quiet: boolean,
  start: (onProgress: (done: number, total: number) => void) => Promise<A>
): Effect.Effect<A, UserError> => {
  const progress = progressBar(quiet)
  return Effect.tryPromise({ try: () => start(progress.update), catch: (e) => e }).pipe(
    Effect.ensuring(Effect.sync(progress.stop)),
    Effect.catchAll((e) =>
      e instanceof InvalidArgument
        ? Effect.fail(new UserError({ message: `${scenario.file}: ${command}: ${e.message}` }))
        : e instanceof RangeError
          ? Effect.fail(new UserError({ message: e.message }))
          : Effect.die(e)
    )
  )
}

const run = (args: SimulationArgs) =>
  Effect.gen(function* () {
    yield* checkCounts(args)
    const names = yield* selectPolicies(args.scenario, args.policies)
    const { models, plan } = yield* compile(args.scenario, names)
    const sim = yield* runWithProgress(args.scenario, "simulate", args.quiet, (onProgress) =>
      simulatePlan(plan, { seed: args.seed, trials: args.trials, workers: args.workers, ...(args.shard ? { shard: args.shard } : {}), onProgress })
    )
    return { names, models, sim }
  })

/** The whole run's view (what the report's --simulate calls). */
export const simulationViewFor = (args: SimulationArgs): Effect.Effect<SimulationView, UserError | ScenarioError> =>
  Effect.map(run(args), ({ models, sim }) =>
    simulationView({ provenance: provenanceOf(args.scenario), models, summary: sim.summary, trials: args.trials, seed: args.seed, shard: null })
  )

/**
 * Version 5 (engine 0.2.0): normals from a 256-layer ziggurat (128 before) and the kernel's own
 * exponentials (expFloat, the same bits in WebAssembly and TypeScript), so every simulated figure
 * moved within Monte Carlo error and a version 4 shard cannot be merged with them.
 * Version 4: a trial's draws come from sfc32 seeded by alea from "<seed>:<trial>" (version 3 drew from
 * alea itself), so every simulated figure moved within Monte Carlo error and a version 3 shard cannot
 * be merged with them. Version 3: the P(shared savings) and P(shared loss) counters count years in which savings are paid or
 * losses owed (version 2 counted years that qualified, paid or not), so a version 2 shard cannot be merged
 * with them. Version 2: sketch counts write runs of empty buckets as one negative entry (version 1 wrote every zero).
 */
export const SHARD_FORMAT = "pbpsim-simulation-shard/5"

export interface ShardFile extends ShardEnvelope {
  readonly format: typeof SHARD_FORMAT
}

/** One shard's mergeable state, as written by `simulate --shard i/n`. */
export const shardFor = (args: SimulationArgs & { readonly shard: { readonly index: number; readonly count: number } }): Effect.Effect<ShardFile, UserError | ScenarioError> =>
  Effect.map(run(args), ({ names, sim }) => ({
    format: SHARD_FORMAT,
    engine: { name: "pbpsim", version: ENGINE_VERSION },
    scenario: provenanceOf(args.scenario).scenario,
    policies: names,
    seed: args.seed,
    trials: args.trials,
    shard: args.shard,
    blocks: sim.blocks,
    state: sim.state
  }))

/** A shard file as `merge` accepts it: the envelope and the state's shape, every number bounded (the plan-dependent checks follow). */
const ShardFileSchema = Schema.Struct({ format: Schema.Literal(SHARD_FORMAT), ...SHARD_ENVELOPE })
const decodeShardFile = Schema.decodeUnknownEither(ShardFileSchema, { errors: "all", onExcessProperty: "error" })

/** merge: check the shards (files of SHARD_FORMAT), recompile the scenario they name (its bytes must be unchanged), add the states up. */
export const mergeShards = (files: ReadonlyArray<ShardInput>): Effect.Effect<SimulationView, UserError | ScenarioError> =>
  Effect.gen(function* () {
    const paths = files.map((f) => f.path)
    const shards: ReadonlyArray<ShardFile> = yield* Effect.forEach(files, (f) => decodeShard(f, decodeShardFile))
    yield* checkShards(paths, shards)
    const first = shards[0]!
    const { scenario, provenance } = yield* scenarioOfShards(first)
    const { models, plan } = yield* compile(scenario, first.policies)
    // The state's numbers must fit this plan's statistics before they are added up.
    const problems = shards.flatMap((s, i) => stateProblems(plan, s.state, s.state.trials).map((p) => `${shown(paths[i] ?? "")}: ${p}`))
    if (problems.length > 0) return yield* Effect.fail(new UserError({ message: problems.slice(0, 20).join("\n") }))
    const merged = yield* rulesOf(scenario, "merge", () => mergeStates(plan, shards.map((s) => s.state)))
    return simulationView({ provenance, models, summary: merged.summary, trials: first.trials, seed: first.seed, shard: null })
  })
