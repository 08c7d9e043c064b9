import type { ScenarioError } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import type { Io } from "../io.js"
import type { Format } from "../options.js"
import { writeOutput } from "../output.js"
import { renderMergedMarketSimulation } from "../render/marketSimulation.js"
import { renderSimulation } from "../render/simulationFormats.js"
import { MARKET_SHARD_FORMAT, mergeMarketShards } from "./marketSimulation.js"
import { formatOf, readShardJson, shown, type ShardInput } from "./shardFiles.js"
import { mergeShards, SHARD_FORMAT } from "./simulationPipeline.js"

/**
 * merge: read the shard files, tell their kind by `format` (simulate's or market --simulate's),
 * refuse a set that mixes kinds, and merge them as the command that wrote them would have run
 * the whole thing.
 */

const KINDS = {
  [SHARD_FORMAT]: "simulate --shard",
  [MARKET_SHARD_FORMAT]: "market --simulate --shard"
} as const
type Kind = keyof typeof KINDS

const kindOf = (file: ShardInput): Kind | undefined => {
  const format = formatOf(file.raw)
  return format === SHARD_FORMAT || format === MARKET_SHARD_FORMAT ? format : undefined
}

/** Every file one kind of shard: the first that is none names what a shard is, the first of another kind names both. */
const kindOfAll = (files: ReadonlyArray<ShardInput>): Effect.Effect<Kind, UserError> => {
  const kinds = files.map(kindOf)
  const unknown = kinds.findIndex((k) => k === undefined)
  if (unknown >= 0) {
    const format = formatOf(files[unknown]!.raw)
    const family = [SHARD_FORMAT, MARKET_SHARD_FORMAT].find((f) => typeof format === "string" && format.split("/")[0] === f.split("/")[0])
    // A shard of another pbpsim version: its trials were drawn or realised differently, so its sums cannot join these.
    if (family !== undefined)
      return Effect.fail(
        new UserError({
          message: `${shown(files[unknown]!.path)}: written by another version of pbpsim ("format": "${String(format).slice(0, 60)}"; this version reads "${family}", whose trials draw and realise differently): run every shard again with this version`
        })
      )
    return Effect.fail(
      new UserError({
        message: `${shown(files[unknown]!.path)}: not a pbpsim simulation shard (expected "format": "${SHARD_FORMAT}", as written by simulate --shard i/n --out FILE, or "${MARKET_SHARD_FORMAT}", as written by market --simulate --shard i/n --out FILE)`
      })
    )
  }
  const first = kinds[0]!
  const other = kinds.findIndex((k) => k !== first)
  if (other >= 0)
    return Effect.fail(
      new UserError({
        message: `${shown(files[other]!.path)}: written by ${KINDS[kinds[other]!]}, but ${shown(files[0]!.path)} by ${KINDS[first]}: merge the shards of one run (a market's statistics and a simulation's do not add up)`
      })
    )
  return Effect.succeed(first)
}

export const mergeAction = (args: { readonly shards: ReadonlyArray<string>; readonly format: Format; readonly width: number; readonly out: string | undefined }): Effect.Effect<void, UserError | ScenarioError, Io> =>
  Effect.gen(function* () {
    const files = yield* Effect.forEach(args.shards, readShardJson)
    const kind = yield* kindOfAll(files)
    const text =
      kind === MARKET_SHARD_FORMAT
        ? renderMergedMarketSimulation(yield* mergeMarketShards(files), args.format, args.width)
        : renderSimulation(yield* mergeShards(files), args.format, args.width)
    yield* writeOutput(text, args.out)
  })
