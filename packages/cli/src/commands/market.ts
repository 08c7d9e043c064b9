import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { FORMATS, outOption, scenarioArg, setOption, splitNames, tableWidth, wideOption } from "../options.js"
import { lazily } from "./lazy.js"

const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to run, the first being the one differences are taken against (default: all, in file order)")
)
const providersOption = Options.text("providers").pipe(
  Options.optional,
  Options.withDescription("Comma-separated entity ids to run as contracting providers (default: the scenario's market.providers, else every entity)")
)
const incentivePowerOption = Options.boolean("incentive-power").pipe(
  Options.withDescription(
    "Also measure each provider-year's incentive power (the slope, docs/model.md §7); off by default because it about doubles the time of a large market, and the CSV and JSON then leave it empty"
  )
)
const marketFormatOption = Options.choice("format", [...FORMATS, "html"] as const).pipe(
  Options.withAlias("f"),
  Options.withDefault("table" as (typeof FORMATS)[number] | "html"),
  Options.withDescription(
    "Output format: aligned tables (default), csv (see --level), json (the whole run with scenario hash and engine version), markdown (a memo) or html (a self-contained page with charts; needs --out)"
  )
)
// render/market.ts's CSV_LEVELS, written out: importing the renderer here would load it at start-up.
const levelOption = Options.choice("level", ["provider", "market"] as const).pipe(
  Options.optional,
  Options.withDescription("Rows of --format csv: provider (default: one per policy, provider and year, every figure) or market (one per policy and year)")
)

export const market = Command.make(
  "market",
  {
    scenario: scenarioArg,
    policies: policiesOption,
    providers: providersOption,
    incentivePower: incentivePowerOption,
    set: setOption,
    format: marketFormatOption,
    level: levelOption,
    wide: wideOption,
    out: outOption
  },
  (args) =>
    lazily(
      () => import("../actions/market.js"),
      (m) =>
        m.marketAction({
          scenario: args.scenario,
          sets: args.set,
          policies: Option.match(args.policies, { onNone: () => [], onSome: splitNames }),
          providers: Option.getOrUndefined(Option.map(args.providers, splitNames)),
          incentivePower: args.incentivePower,
          format: args.format,
          level: Option.getOrUndefined(args.level),
          width: tableWidth(args.wide),
          out: Option.getOrUndefined(args.out)
        })
    )
).pipe(
  Command.withDescription(
    "Run the policies for every provider of the market (each against its peer group) on one projection: who joins and who leaves, " +
      "what the programme costs the payer, earned against windfall savings, and how risk-adjusted benchmarks converge (docs/market.md).\n" +
      "Example: pbpsim market scenarios/issue-brief.yaml --policies trending,annual-rebase --format csv --level market --out market.csv"
  )
)
