import { constants } from "node:fs"
import { open } from "node:fs/promises"
import { AccumulatorStateSchema, blockCount, MAX_TRIALS, shardBlocks, showText, trialsInBlocks, type AccumulatorState, type Scenario, type ScenarioError } from "@pbpsim/simulator"
import { Effect, Either, ParseResult, Schema } from "effect"
import { UserError } from "../errors.js"
import { provenanceOf } from "../provenance.js"
import type { Provenance } from "../render/comparisonView.js"
import { load } from "../scenarioInput.js"

/**
 * Shard files, whatever ran them (`simulate --shard`, `market --simulate --shard`): read safely,
 * checked against a schema, and checked to come from one run and to cover every block once.
 * Each kind adds its own fields and `format` (what merge tells them apart by); the envelope
 * here is what every kind has.
 */

/**
 * Largest shard file: 256 MiB. A shard holds, per statistic, its exact sums and a quantile
 * sketch: about 1.6 KB at a thousand trials (ratchet.yaml, 126 statistics, writes 200 KB), up to
 * about 10 KB with millions of trials, so the limit holds 25,000–150,000 statistics (3 policies
 * × 5 years have 126; 50 policies × 10 years about 3,500). Node cannot parse JSON text beyond
 * about 512 MB at all.
 */
export const MAX_SHARD_BYTES = 256 * 1024 * 1024

/** A file name or value from the user as a message shows it: control characters escaped, clipped to 80. */
export const shown = (text: string, max = 80): string => showText(text, max)

export const Whole = (min: number, max: number) => Schema.Number.pipe(Schema.int(), Schema.between(min, max))

/** The fields every shard file has, every number bounded (the kind's own checks follow). */
export const SHARD_ENVELOPE = {
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
}

export interface ShardEnvelope {
  readonly format: string
  readonly engine: { readonly name: "pbpsim"; readonly version: string }
  readonly scenario: { readonly name: string; readonly file: string; readonly sha256: string }
  readonly policies: ReadonlyArray<string>
  readonly seed: string
  readonly trials: number
  readonly shard: { readonly index: number; readonly count: number }
  readonly blocks: { readonly first: number; readonly end: number }
  readonly state: AccumulatorState
}

/** A shard file read and parsed as JSON, not yet checked. */
export interface ShardInput {
  readonly path: string
  readonly raw: unknown
}

/** The `format` a parsed file names (undefined when it names none). */
export const formatOf = (raw: unknown): unknown => (typeof raw === "object" && raw !== null ? (raw as { format?: unknown }).format : undefined)

/** The shard's own consistency: its index within its count, its blocks those of that shard, its state that many trials. */
const envelopeProblems = (s: ShardEnvelope): ReadonlyArray<string> => {
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

/** A shard file read and parsed: a UserError naming the file otherwise. */
export const readShardJson = (path: string): Effect.Effect<ShardInput, UserError> =>
  Effect.tryPromise({
    try: async () => ({ path, raw: JSON.parse(await readBounded(path, MAX_SHARD_BYTES)) as unknown }),
    catch: (e) =>
      new UserError({
        message: `${shown(path)}: cannot read the shard (${
          e instanceof SyntaxError ? `not JSON: ${shown(e.message)}` : e instanceof TypeError ? "not UTF-8 text" : ((e as NodeJS.ErrnoException).code ?? shown(e instanceof Error ? e.message : String(e)))
        })`
      })
  })

/** A parsed file checked against its kind's schema and the envelope's consistency: every problem named with the file. */
export const decodeShard = <A extends ShardEnvelope>(
  input: ShardInput,
  decode: (raw: unknown) => Either.Either<A, ParseResult.ParseError>
): Effect.Effect<A, UserError> => {
  const decoded = decode(input.raw)
  if (Either.isLeft(decoded)) return Effect.fail(new UserError({ message: schemaLines(decoded.left).map((line) => `${shown(input.path)}: ${line}`).join("\n") }))
  const problems = envelopeProblems(decoded.right)
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.map((p) => `${shown(input.path)}: ${p}`).join("\n") })) : Effect.succeed(decoded.right)
}

/**
 * Shards must come from one run: same engine, scenario bytes, policies, seed, trials and shard
 * count (and whatever else `same` names for the kind), and cover every block once.
 */
export const checkShards = <A extends ShardEnvelope>(
  paths: ReadonlyArray<string>,
  shards: ReadonlyArray<A>,
  same: (s: A) => ReadonlyArray<readonly [string, unknown]> = () => []
): Effect.Effect<void, UserError> => {
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
    const theirs = same(first)
    same(s).forEach(([what, value], k) => differs(what, value, theirs[k]?.[1]))
  })
  // Shards of different runs cover different blocks: which are missing or twice is then no question.
  if (problems.length > 0) return Effect.fail(new UserError({ message: problems.join("\n") }))
  const covered = new Array<number>(blockCount(first.trials)).fill(0)
  for (const s of shards) for (let b = s.blocks.first; b < s.blocks.end; b++) covered[b] = (covered[b] ?? 0) + 1
  const missing = first.shard.count - new Set(shards.map((s) => s.shard.index)).size
  if (covered.some((c) => c > 1)) problems.push(`shard ${shards.map((s) => `${s.shard.index}/${s.shard.count}`).join(", ")}: some shards are given twice`)
  else if (covered.some((c) => c === 0)) problems.push(`${missing} of ${first.shard.count} shards missing: got ${shards.map((s) => `${s.shard.index}/${s.shard.count}`).join(", ")}`)
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.join("\n") })) : Effect.void
}

/** The scenario the shards name, read again: its bytes (and its experience CSV's) must be those the shards ran on. */
export const scenarioOfShards = (first: ShardEnvelope): Effect.Effect<{ readonly scenario: Scenario; readonly provenance: Provenance }, UserError | ScenarioError> =>
  Effect.flatMap(load(first.scenario.file), (scenario) => {
    const provenance = provenanceOf(scenario)
    return provenance.scenario.sha256 === first.scenario.sha256
      ? Effect.succeed({ scenario, provenance })
      : Effect.fail(
          new UserError({ message: `${shown(first.scenario.file)}: the scenario (or its experience CSV) changed since the shards ran (sha256 ${provenance.scenario.sha256.slice(0, 12)}…, shards ${first.scenario.sha256.slice(0, 12)}…)` })
        )
  })
