import { Args, Command } from "@effect/cli"
import { Option } from "effect"
import { formatOption, outOption, tableWidth, wideOption } from "../options.js"
import { lazily } from "./lazy.js"

const fileArg = Args.text({ name: "results.csv" }).pipe(
  Args.withDescription('A CMS MSSP "Performance Year Financial and Quality Results" public use file, PY2019 to PY2024 layouts (columns found by name)')
)

export const reconcile = Command.make("reconcile", { file: fileArg, format: formatOption, wide: wideOption, out: outOption }, (args) =>
  lazily(() => import("../actions/reconcile.js"), (m) => m.reconcileAction({ ...args, width: tableWidth(args.wide), out: Option.getOrUndefined(args.out) }))
).pipe(
  Command.withDescription(
    "Recompute the settlement of every ACO in a CMS MSSP results file with pbpsim's rules and report computed vs " +
      "reported earned savings/losses and MSR per row, with a summary: the layout recognised, parity per rule path (savings, losses, none, " +
      "reduced shared savings, guardrail, alternative quality standard, AIP recoupment) and every row off, with why.\n" +
      "Example: pbpsim reconcile py2023-aco-results-puf.csv --format csv --out reconcile.csv"
  )
)

