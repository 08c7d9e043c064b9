import { constants } from "node:fs"
import { open } from "node:fs/promises"
import { InvalidArgument } from "@pbpsim/benchmark"
import {
  AccumulatorStateSchema,
  blockCount,
  checkSimulationPlan,
  compileSimulation,
  MAX_TRIALS,
  mergeStates,
  resolvePolicy,
  runCountProblems,
  shardBlocks,
  showText,
  simulatePlan,
  stateProblems,
  trialsInBlocks,
  type AccumulatorState,
  type ContractModel,
  type Scenario,
  type ScenarioError,
  type SimulationPlan
} from "@pbpsim/simulator"
import { Effect, ParseResult, Schema } from "effect"
import { UserError } from "../errors.js"
import { progressBar } from "../progress.js"
import { simulationView, type SimulationView } from "../render/simulationView.js"
import { load, rulesOf, selectPolicies } from "../scenarioInput.js"
import { provenanceOf } from "../provenance.js"
import { ENGINE_VERSION } from "../version.js"

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

/** Resolve and compile the policies, and check that the float kernel can simulate them (no overflow, no runaway noise). */
const compile = (scenario: Scenario, names: ReadonlyArray<string>): Effect.Effect<{ models: ReadonlyArray<ContractModel>; plan: SimulationPlan }, UserError | ScenarioError> =>
  rulesOf(scenario, "simulate", () => {
    const models = names.map((n) => resolvePolicy(scenario, n))
    const plan = compileSimulation(models)
    checkSimulationPlan(plan)
    return { models, plan }
  })

/** --trials, --workers and --shard within the limits (MAX_TRIALS, twice the CPUs), every problem at once. */
const checkCounts = (args: { readonly trials: number; readonly workers: number; readonly shard?: { readonly index: number; readonly count: number } }): Effect.Effect<void, UserError> => {
  const problems = runCountProblems(args, { trials: "--trials", workers: "--workers", shard: "--shard" })
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.join("\n") })) : Effect.void
}

/**
 * Run the plan; what it refuses is the user's (InvalidArgument: a figure that is not finite;
 * RangeError: counts) and becomes a one-line UserError naming the scenario. Anything else is a bug.
 */
const runPlan = (scenario: Scenario, plan: SimulationPlan, options: Parameters<typeof simulatePlan>[1]) =>
  Effect.tryPromise({
    try: () => simulatePlan(plan, options),
    catch: (e) => e
  }).pipe(
    Effect.catchAll((e) =>
      e instanceof InvalidArgument
        ? Effect.fail(new UserError({ message: `${scenario.file}: simulate: ${e.message}` }))
        : e instanceof RangeError
          ? Effect.fail(new UserError({ message: e.message }))
          : Effect.die(e)
    )
  )

const run = (args: SimulationArgs) =>
  Effect.gen(function* () {
    yield* checkCounts(args)
    const names = yield* selectPolicies(args.scenario, args.policies)
    const { models, plan } = yield* compile(args.scenario, names)
    const progress = progressBar(args.quiet)
    const sim = yield* runPlan(args.scenario, plan, {
      seed: args.seed,
      trials: args.trials,
      workers: args.workers,
      ...(args.shard ? { shard: args.shard } : {}),
      onProgress: progress.update
    }).pipe(Effect.ensuring(Effect.sync(progress.stop)))
    return { names, models, sim }
  })

/** The whole run's view (what the report's --simulate calls). */
export const simulationViewFor = (args: SimulationArgs): Effect.Effect<SimulationView, UserError | ScenarioError> =>
  Effect.map(run(args), ({ models, sim }) =>
    simulationView({ provenance: provenanceOf(args.scenario), models, summary: sim.summary, trials: args.trials, seed: args.seed, shard: null })
  )

/**
 * Version 4: a trial's draws come from sfc32 seeded by alea from "<seed>:<trial>" (version 3 drew from
 * alea itself), so every simulated figure moved within Monte Carlo error and a version 3 shard cannot
 * be merged with them. Version 3: the P(shared savings) and P(shared loss) counters count years in which savings are paid or
 * losses owed (version 2 counted years that qualified, paid or not), so a version 2 shard cannot be merged
 * with them. Version 2: sketch counts write runs of empty buckets as one negative entry (version 1 wrote every zero).
 */
export const SHARD_FORMAT = "pbpsim-simulation-shard/4"

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

/**
 * Largest shard file: 256 MiB. A shard holds, per statistic, its exact sums and a quantile
 * sketch: about 1.6 KB at a thousand trials (ratchet.yaml, 126 statistics, writes 200 KB), up to
 * about 10 KB with millions of trials, so the limit holds 25,000–150,000 statistics (3 policies
 * × 5 years have 126; 50 policies × 10 years about 3,500). Node cannot parse JSON text beyond
 * about 512 MB at all.
 */
export const MAX_SHARD_BYTES = 256 * 1024 * 1024

/** A file name or value from the user as a message shows it: control characters escaped, clipped to 80. */
const shown = (text: string, max = 80): string => showText(text, max)

const Whole = (min: number, max: number) => Schema.Number.pipe(Schema.int(), Schema.between(min, max))

/** A shard file as `merge` accepts it: the envelope and the state's shape, every number bounded (the plan-dependent checks follow). */
const ShardFileSchema = Schema.Struct({
  format: Schema.Literal(SHARD_FORMAT),
  engine: Schema.Struct({ name: Schema.Literal("pbpsim"), version: Schema.String.pipe(Schema.maxLength(100)) }),
  scenario: Schema.Struct({
    name: Schema.String.pipe(Schema.maxLength(10_000)),
    file: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4096)),
    sha256: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))
  }),
  policies: Schema.NonEmptyArray(Schema.String.pipe(Schema.maxLength(10_000))).pipe(Schema.maxItems(1000)),
  seed: Schema.String.pipe(Schema.maxLength(10_000)),
  trials: Whole(1, MAX_TRIALS),
  shard: Schema.Struct({ index: Whole(1, MAX_TRIALS), count: Whole(1, MAX_TRIALS) }),
  blocks: Schema.Struct({ first: Whole(0, MAX_TRIALS), end: Whole(0, MAX_TRIALS) }),
  state: AccumulatorStateSchema
})
const decodeShardFile = Schema.decodeUnknownEither(ShardFileSchema, { errors: "all", onExcessProperty: "error" })

/** The shard's own consistency: its index within its count, its blocks those of that shard, its state that many trials. */
const shardProblems = (s: ShardFile): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (s.shard.index > s.shard.count) problems.push(`shard: index ${s.shard.index} is above the count ${s.shard.count}`)
  else if (s.shard.count > blockCount(s.trials)) problems.push(`shard: ${s.shard.count} shards, but ${s.trials} trials make only ${blockCount(s.trials)} blocks`)
  else {
    const expected = shardBlocks(s.trials, s.shard)
    if (s.blocks.first !== expected.first || s.blocks.end !== expected.end)
      problems.push(`blocks: shard ${s.shard.index}/${s.shard.count} of ${s.trials} trials runs blocks ${expected.first}–${expected.end}, got ${s.blocks.first}–${s.blocks.end}`)
    else if (s.state.trials !== trialsInBlocks(s.trials, s.blocks.first, s.blocks.end))
      problems.push(`state.trials: blocks ${s.blocks.first}–${s.blocks.end} hold ${trialsInBlocks(s.trials, s.blocks.first, s.blocks.end)} trials, got ${s.state.trials}`)
  }
  return problems
}

/** Reads a text file of at most `limit` bytes: a regular file (never a FIFO or device, which could block or never end), UTF-8. */
const readBounded = async (path: string, limit: number): Promise<string> => {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw new Error("not a regular file")
    if (stats.size > limit) throw new Error(`${(stats.size / 2 ** 20).toFixed(1)} MiB, over the limit of ${limit / 2 ** 20} MiB for a shard`)
    const buffer = Buffer.alloc(stats.size + 1)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    if (bytesRead > stats.size) throw new Error("the file grew while it was read")
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}

/** One line per schema problem: `path: message`, at most 10. */
const schemaLines = (error: ParseResult.ParseError): ReadonlyArray<string> => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const lines = issues.slice(0, 10).map((i) => `${i.path.length === 0 ? "" : `${i.path.join(".")}: `}${shown(i.message, 160)}`)
  return issues.length > 10 ? [...lines, `… and ${issues.length - 10} more problems`] : lines
}

/** A shard file read, parsed and checked against the schema: a UserError naming the file and every problem otherwise. */
const readShard = (path: string): Effect.Effect<ShardFile, UserError> =>
  Effect.tryPromise({
    try: async () => JSON.parse(await readBounded(path, MAX_SHARD_BYTES)) as unknown,
    catch: (e) =>
      new UserError({
        message: `${shown(path)}: cannot read the shard (${
          e instanceof SyntaxError ? `not JSON: ${shown(e.message)}` : e instanceof TypeError ? "not UTF-8 text" : ((e as NodeJS.ErrnoException).code ?? shown(e instanceof Error ? e.message : String(e)))
        })`
      })
  }).pipe(
    Effect.flatMap((raw) => {
      if (typeof raw !== "object" || raw === null || (raw as { format?: unknown }).format !== SHARD_FORMAT)
        return Effect.fail(
          new UserError({ message: `${shown(path)}: not a pbpsim simulation shard (expected "format": "${SHARD_FORMAT}", as written by simulate --shard i/n --out FILE)` })
        )
      const decoded = decodeShardFile(raw)
      if (decoded._tag === "Left") return Effect.fail(new UserError({ message: schemaLines(decoded.left).map((line) => `${shown(path)}: ${line}`).join("\n") }))
      const file = decoded.right as ShardFile
      const problems = shardProblems(file)
      return problems.length > 0 ? Effect.fail(new UserError({ message: problems.map((p) => `${shown(path)}: ${p}`).join("\n") })) : Effect.succeed(file)
    })
  )

/** Shards must come from one run: same engine, scenario bytes, policies, seed, trials and shard count, and cover every block once. */
const checkShards = (paths: ReadonlyArray<string>, shards: ReadonlyArray<ShardFile>): Effect.Effect<void, UserError> => {
  const first = shards[0]!
  const problems: Array<string> = []
  shards.forEach((s, i) => {
    const differs = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        problems.push(`${shown(paths[i] ?? "")}: ${what} ${shown(JSON.stringify(a))} differs from ${shown(paths[0] ?? "")}'s ${shown(JSON.stringify(b))}`)
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
        new UserError({ message: `${shown(first.scenario.file)}: the scenario (or its experience CSV) changed since the shards ran (sha256 ${provenance.scenario.sha256.slice(0, 12)}…, shards ${first.scenario.sha256.slice(0, 12)}…)` })
      )
    const { models, plan } = yield* compile(scenario, first.policies)
    // The state's numbers must fit this plan's statistics before they are added up.
    const problems = shards.flatMap((s, i) => stateProblems(plan, s.state, s.state.trials).map((p) => `${shown(paths[i] ?? "")}: ${p}`))
    if (problems.length > 0) return yield* Effect.fail(new UserError({ message: problems.slice(0, 20).join("\n") }))
    const merged = yield* rulesOf(scenario, "merge", () => mergeStates(plan, shards.map((s) => s.state)))
    return simulationView({ provenance, models, summary: merged.summary, trials: first.trials, seed: first.seed, shard: null })
  })
