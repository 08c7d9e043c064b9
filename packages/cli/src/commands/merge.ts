import { Args, Command } from "@effect/cli"
import { Effect, Option } from "effect"
import { formatOption, outOption, tableWidth, wideOption } from "../options.js"
import { writeOutput } from "../output.js"
import { lazily } from "./lazy.js"

const shardsArg = Args.text({ name: "shard" }).pipe(Args.atLeast(1), Args.withDescription("Shard files written by simulate --shard i/n --out FILE"))

export const merge = Command.make("merge", { shards: shardsArg, format: formatOption, wide: wideOption, out: outOption }, (args) =>
  lazily(
    () => Promise.all([import("../actions/simulationPipeline.js"), import("../render/simulationFormats.js")]),
    ([simulation, render]) =>
      Effect.gen(function* () {
        const view = yield* simulation.mergeShards(args.shards)
        yield* writeOutput(render.renderSimulation(view, args.format, tableWidth(args.wide)), Option.getOrUndefined(args.out))
      })
  )
).pipe(
  Command.withDescription(
    "Combine the shards of one simulation into the statistics of the whole run (identical to running it unsharded).\n" +
      "Example: pbpsim merge shard-1.json shard-2.json --format json --out simulation.json"
  )
)
