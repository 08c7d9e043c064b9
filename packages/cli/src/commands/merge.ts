import { Args, Command } from "@effect/cli"
import { Effect, Option } from "effect"
import { formatOption, outOption } from "../options.js"
import { writeOutput } from "../output.js"
import { renderSimulation } from "../report/simulationRender.js"
import { mergeShards } from "../simulation.js"

const shardsArg = Args.text({ name: "shard" }).pipe(Args.atLeast(1), Args.withDescription("Shard files written by simulate --shard i/n --out FILE"))

export const merge = Command.make("merge", { shards: shardsArg, format: formatOption, out: outOption }, (args) =>
  Effect.gen(function* () {
    const view = yield* mergeShards(args.shards)
    yield* writeOutput(renderSimulation(view, args.format), Option.getOrUndefined(args.out))
  })
).pipe(
  Command.withDescription(
    "Combine the shards of one simulation into the statistics of the whole run (identical to running it unsharded).\n" +
      "Example: pbpsim merge shard-1.json shard-2.json --format json --out simulation.json"
  )
)
