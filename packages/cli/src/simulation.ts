import { readFile } from "node:fs/promises"
import { compileSimulation, mergeStates, resolvePolicy, simulatePlan, blockCount, type AccumulatorState, type ContractModel, type Scenario, type ScenarioError, type SimulationPlan } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "./errors.js"
import { progressBar } from "./progress.js"
import { simulationView, type SimulationView } from "./report/simulationView.js"
import { load, provenanceOf, rulesOf, selectPolicies } from "./scenarioInput.js"
import { ENGINE_VERSION } from "./version.js"

/**
 * simulate and merge: resolve the policies, compile them for the kernel, run the trials (in
 * worker threads when asked), and build the one SimulationView every format prints. A shard
 * writes its mergeable state instead, as JSON that names the scenario (and its hash), seed,
 * trials and the blocks it ran; merge checks the shards fit together before adding them up.
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

const compile = (scenario: Scenario, names: ReadonlyArray<string>): Effect.Effect<{ models: ReadonlyArray<ContractModel>; plan: SimulationPlan }, UserError | ScenarioError> =>
  rulesOf(scenario, "simulate", () => {
    const models = names.map((n) => resolvePolicy(scenario, n))
    return { models, plan: compileSimulation(models) }
  })

const checkCounts = (args: SimulationArgs): Effect.Effect<void, UserError> => {
  const problems: Array<string> = []
  if (!Number.isInteger(args.trials) || args.trials < 1) problems.push(`--trials must be a whole number ≥ 1, got ${args.trials}`)
  if (!Number.isInteger(args.workers) || args.workers < 1) problems.push(`--workers must be a whole number ≥ 1, got ${args.workers}`)
  if (args.shard && blockCount(args.trials) < args.shard.count)
    problems.push(`--shard ${args.shard.index}/${args.shard.count}: ${args.trials} trials make ${blockCount(args.trials)} blocks of 1,000, fewer than ${args.shard.count} shards`)
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.join("\n") })) : Effect.void
}

const run = (args: SimulationArgs) =>
  Effect.gen(function* () {
    yield* checkCounts(args)
    const names = yield* selectPolicies(args.scenario, args.policies)
    const { models, plan } = yield* compile(args.scenario, names)
    const progress = progressBar(args.quiet)
    const sim = yield* Effect.promise(() =>
      simulatePlan(plan, {
        seed: args.seed,
        trials: args.trials,
        workers: args.workers,
        ...(args.shard ? { shard: args.shard } : {}),
        onProgress: progress.update
      })
    ).pipe(Effect.ensuring(Effect.sync(progress.stop)))
    return { names, models, sim }
  })

/** The whole run's view (what the report's --simulate calls). */
export const simulationViewFor = (args: SimulationArgs): Effect.Effect<SimulationView, UserError | ScenarioError> =>
  Effect.map(run(args), ({ models, sim }) =>
    simulationView({ provenance: provenanceOf(args.scenario), models, summary: sim.summary, trials: args.trials, seed: args.seed, shard: null })
  )

export const SHARD_FORMAT = "pbpsim-simulation-shard/1"

export interface ShardFile {
  readonly format: typeof SHARD_FORMAT
  readonly engine: { readonly name: "pbpsim"; readonly version: string }
  readonly scenario: { readonly name: string; readonly file: string; readonly sha256: string }
  readonly policies: ReadonlyArray<string>
  readonly seed: string
  readonly trials: number
  readonly shard: { readonly index: number; readonly count: number }
  readonly blocks: { readonly first: number; readonly end: number }
  readonly state: AccumulatorState
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

const readShard = (path: string): Effect.Effect<ShardFile, UserError> =>
  Effect.tryPromise({
    try: async () => JSON.parse(await readFile(path, "utf8")) as ShardFile,
    catch: (e) =>
      new UserError({
        message: `${path}: cannot read the shard (${e instanceof SyntaxError ? `not JSON: ${e.message}` : ((e as NodeJS.ErrnoException).code ?? String(e))})`
      })
  }).pipe(
    Effect.filterOrFail(
      (s) => typeof s === "object" && s !== null && s.format === SHARD_FORMAT,
      () => new UserError({ message: `${path}: not a pbpsim simulation shard (expected "format": "${SHARD_FORMAT}", as written by simulate --shard i/n --out FILE)` })
    )
  )

/** Shards must come from one run: same engine, scenario bytes, policies, seed, trials and shard count, and cover every block once. */
const checkShards = (paths: ReadonlyArray<string>, shards: ReadonlyArray<ShardFile>): Effect.Effect<void, UserError> => {
  const first = shards[0]!
  const problems: Array<string> = []
  shards.forEach((s, i) => {
    const differs = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${paths[i]}: ${what} ${JSON.stringify(a)} differs from ${paths[0]}'s ${JSON.stringify(b)}`)
    }
    differs("engine version", s.engine.version, first.engine.version)
    differs("scenario sha256", s.scenario.sha256, first.scenario.sha256)
    differs("policies", s.policies, first.policies)
    differs("seed", s.seed, first.seed)
    differs("trials", s.trials, first.trials)
    differs("shard count", s.shard.count, first.shard.count)
  })
  const covered = new Array<number>(blockCount(first.trials)).fill(0)
  for (const s of shards) for (let b = s.blocks.first; b < s.blocks.end; b++) covered[b] = (covered[b] ?? 0) + 1
  const missing = first.shard.count - new Set(shards.map((s) => s.shard.index)).size
  if (covered.some((c) => c > 1)) problems.push(`shard ${shards.map((s) => `${s.shard.index}/${s.shard.count}`).join(", ")}: some shards are given twice`)
  else if (covered.some((c) => c === 0)) problems.push(`${missing} of ${first.shard.count} shards missing: got ${shards.map((s) => `${s.shard.index}/${s.shard.count}`).join(", ")}`)
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.join("\n") })) : Effect.void
}

/** merge: check the shards, recompile the scenario they name (its bytes must be unchanged), add the states up. */
export const mergeShards = (paths: ReadonlyArray<string>): Effect.Effect<SimulationView, UserError | ScenarioError> =>
  Effect.gen(function* () {
    const shards = yield* Effect.forEach(paths, readShard)
    yield* checkShards(paths, shards)
    const first = shards[0]!
    const scenario = yield* load(first.scenario.file)
    const provenance = provenanceOf(scenario)
    if (provenance.scenario.sha256 !== first.scenario.sha256)
      return yield* Effect.fail(
        new UserError({ message: `${first.scenario.file}: the scenario (or its experience CSV) changed since the shards ran (sha256 ${provenance.scenario.sha256.slice(0, 12)}…, shards ${first.scenario.sha256.slice(0, 12)}…)` })
      )
    const { models, plan } = yield* compile(scenario, first.policies)
    const merged = yield* rulesOf(scenario, "merge", () => mergeStates(plan, shards.map((s) => s.state)))
    return simulationView({ provenance, models, summary: merged.summary, trials: first.trials, seed: first.seed, shard: null })
  })
