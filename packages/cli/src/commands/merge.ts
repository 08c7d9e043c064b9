import { Args, Command } from "@effect/cli"
import { Option } from "effect"
import { formatOption, outOption, tableWidth, wideOption } from "../options.js"
import { lazily } from "./lazy.js"

const shardsArg = Args.text({ name: "shard" }).pipe(Args.atLeast(1), Args.withDescription("Shard files written by simulate --shard i/n --out FILE, or by market --simulate --shard i/n --out FILE"))

export const merge = Command.make("merge", { shards: shardsArg, format: formatOption, wide: wideOption, out: outOption }, (args) =>
  lazily(
    () => import("../actions/merge.js"),
    (m) => m.mergeAction({ shards: args.shards, format: args.format, width: tableWidth(args.wide), out: Option.getOrUndefined(args.out) })
  )
).pipe(
  Command.withDescription(
    "Combine the shards of one simulation (simulate's, or market --simulate's) into the statistics of the whole run (identical to running it unsharded).\n" +
      "Example: pbpsim merge shard-1.json shard-2.json --format json --out simulation.json"
  )
)
