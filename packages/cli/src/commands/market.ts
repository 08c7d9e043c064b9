import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { FORMATS, outOption, quietOption, scenarioArg, seedOption, setOption, shardOption, splitNames, tableWidth, trialsOption, wideOption, workersOption } from "../options.js"
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
const levelOption = Options.choice("level", ["provider", "market", "simulation"] as const).pipe(
  Options.optional,
  Options.withDescription(
    "Rows of --format csv: provider (default: one per policy, provider and year, every figure), market (one per policy and year) or simulation (with --simulate: one per policy and year or contract, the simulated distributions)"
  )
)
const simulateOption = Options.boolean("simulate").pipe(
  Options.withDescription(
    "Also run the market on common random numbers (as pbpsim simulate): participation stays as the expected-value run decides it, outcomes vary by trial; " +
      "mean, sd and P5–P95 of the programme's cost to the payer per policy, and each policy's paired difference from the first. Takes --trials, --seed, --workers, --shard and --quiet"
  )
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
    simulate: simulateOption,
    trials: trialsOption,
    seed: seedOption,
    workers: workersOption,
    shard: shardOption,
    quiet: quietOption,
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
          simulate: args.simulate,
          simulation: { trials: args.trials, seed: args.seed, workers: args.workers, quiet: args.quiet },
          shard: Option.getOrUndefined(args.shard),
          width: tableWidth(args.wide),
          out: Option.getOrUndefined(args.out)
        })
    )
).pipe(
  Command.withDescription(
    "Run the policies for every provider of the market (each against its peer group) on one projection: who joins and who leaves, " +
      "what the programme costs the payer, earned against windfall savings, and how risk-adjusted benchmarks converge (docs/market.md).\n" +
      "With --simulate, the payer's programme cost under uncertainty (mean, P5–P95, paired differences), identical for any --workers and --shard split.\n" +
      "Example: pbpsim market scenarios/issue-brief.yaml --policies trending,annual-rebase --format csv --level market --out market.csv"
  )
)
