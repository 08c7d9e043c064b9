import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { outOption, scenarioArg, setOption, splitNames } from "../options.js"
import { lazily } from "./lazy.js"

const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to report, the first being the one differences are taken against (default: all, in file order)")
)
const simulateOption = Options.boolean("simulate").pipe(
  Options.withDescription("Add the Monte Carlo simulation: fan charts per policy and paired differences between policies (with --market, the market's too: the payer's programme cost per policy with P5–P95)")
)
// The same defaults as simulate, so `report --simulate` shows what `simulate` prints.
const trialsOption = Options.integer("trials").pipe(Options.withAlias("n"), Options.withDefault(10_000), Options.withDescription("Simulated trials with --simulate (default 10,000)"))
const seedOption = Options.text("seed").pipe(Options.withDefault("1"), Options.withDescription("Seed of the simulation's draws with --simulate (any text; default 1); the same seed gives the same report"))
const workersOption = Options.integer("workers").pipe(Options.withAlias("w"), Options.withDefault(1), Options.withDescription("Worker threads for the simulation (default 1); the report is identical for any number"))
const noSensitivityOption = Options.boolean("no-sensitivity").pipe(
  Options.withDescription("Leave out the sensitivity section (a tornado chart of what moves the first policy's totals, as pbpsim sensitivity computes it)")
)
const marketOption = Options.boolean("market").pipe(
  Options.withDescription("Add the market section: the policies run for every provider of the market against its peer group (as pbpsim market), with participation, the programme's cost to the payer, earned against windfall savings and convergence")
)
const quietOption = Options.boolean("quiet").pipe(Options.withAlias("q"), Options.withDescription("No simulation progress bar on standard error"))

export const report = Command.make(
  "report",
  {
    scenario: scenarioArg,
    policies: policiesOption,
    simulate: simulateOption,
    trials: trialsOption,
    seed: seedOption,
    workers: workersOption,
    quiet: quietOption,
    noSensitivity: noSensitivityOption,
    market: marketOption,
    set: setOption,
    out: outOption
  },
  (args) =>
    lazily(() => import("../actions/report.js"), (m) => m.writeReport({
      scenario: args.scenario,
      sets: args.set,
      requested: Option.match(args.policies, { onNone: () => [], onSome: splitNames }),
      ...(args.noSensitivity ? { sensitivity: false } : {}),
      ...(args.market ? { market: true } : {}),
      ...(args.simulate ? { simulation: { trials: args.trials, seed: args.seed, workers: args.workers, quiet: args.quiet } } : {}),
      out: Option.getOrUndefined(args.out)
    }))
).pipe(
  Command.withDescription(
    "Write one self-contained HTML report (no network needed to view it): totals at a glance, the scenario, the policies compared, what moves the first policy's totals (a tornado chart), each policy's year-by-year tables and charts, with --market the market's participation, payer cost and convergence and, with --simulate, fan charts of the Monte Carlo run.\n" +
      "Example: pbpsim report scenarios/issue-brief.yaml --out issue-brief.html"
  )
)
