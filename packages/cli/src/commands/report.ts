import { Command, Options } from "@effect/cli"
import type { ScenarioError } from "@pbpsim/simulator"
import { Effect, Option } from "effect"
import { UserError } from "../errors.js"
import { outOption, scenarioArg, splitNames } from "../options.js"
import { writeOutput } from "../output.js"
import { reportDocument } from "../report/html/document.js"
import { scenarioSummary } from "../report/html/summary.js"
import { comparisonView } from "../report/results.js"
import type { SimulationView } from "../report/simulationView.js"
import { load, provenanceOf, runPolicies, selectPolicies } from "../scenarioInput.js"
import { simulationViewFor, type SimulationArgs } from "../simulation.js"

/** How the report gets a Monte Carlo run: the simulate command's own pipeline, so both print the same figures. */
export type SimulationSource = (args: SimulationArgs) => Effect.Effect<SimulationView, UserError | ScenarioError>

export type SimulationRequest = Pick<SimulationArgs, "trials" | "seed" | "workers" | "quiet">

/**
 * The report as HTML text: load the scenario, run the policies with the exact engine (the
 * same comparison view `compare --format json` prints), optionally simulate them, and lay
 * it all out with charts.
 */
export const reportHtml = (args: {
  readonly scenario: string
  readonly requested: ReadonlyArray<string>
  readonly simulation?: SimulationRequest
  /** Where the simulation comes from (tests pass a fixed view); simulate's own pipeline by default. */
  readonly simulate?: SimulationSource
}): Effect.Effect<string, UserError | ScenarioError> =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario)
    const names = yield* selectPolicies(scenario, args.requested)
    const runs = yield* runPolicies(scenario, names)
    const comparison = comparisonView(provenanceOf(scenario), runs)
    const simulation = args.simulation ? yield* (args.simulate ?? simulationViewFor)({ scenario, policies: names, ...args.simulation }) : undefined
    return yield* Effect.tryPromise({
      try: () => reportDocument({ summary: scenarioSummary(scenario), comparison, ...(simulation ? { simulation } : {}) }),
      // A chart that fails to render is a bug in pbpsim, not a user mistake: let it surface as a defect.
      catch: (e) => e
    }).pipe(Effect.orDie)
  })

/** `--out` is required: an HTML document on a terminal helps nobody. */
export const writeReport = (args: Parameters<typeof reportHtml>[0] & { readonly out: string | undefined }): Effect.Effect<void, UserError | ScenarioError> =>
  args.out === undefined
    ? Effect.fail(new UserError({ message: `report: --out is required (the report is one HTML file), e.g. pbpsim report ${args.scenario} --out report.html` }))
    : Effect.flatMap(reportHtml(args), (html) => writeOutput(html, args.out))

const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to report, the first being the one differences are taken against (default: all, in file order)")
)
const simulateOption = Options.boolean("simulate").pipe(Options.withDescription("Add the Monte Carlo simulation: fan charts per policy and paired differences between policies"))
// The same defaults as simulate, so `report --simulate` shows what `simulate` prints.
const trialsOption = Options.integer("trials").pipe(Options.withAlias("n"), Options.withDefault(10_000), Options.withDescription("Simulated trials with --simulate (default 10,000)"))
const seedOption = Options.text("seed").pipe(Options.withDefault("1"), Options.withDescription("Seed of the simulation's draws with --simulate (any text; default 1); the same seed gives the same report"))
const workersOption = Options.integer("workers").pipe(Options.withAlias("w"), Options.withDefault(1), Options.withDescription("Worker threads for the simulation (default 1); the report is identical for any number"))
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
    out: outOption
  },
  (args) =>
    writeReport({
      scenario: args.scenario,
      requested: Option.match(args.policies, { onNone: () => [], onSome: splitNames }),
      ...(args.simulate ? { simulation: { trials: args.trials, seed: args.seed, workers: args.workers, quiet: args.quiet } } : {}),
      out: Option.getOrUndefined(args.out)
    })
).pipe(
  Command.withDescription(
    "Write one self-contained HTML report (no network needed to view it): the scenario, each policy's year-by-year tables and charts, the policies compared and, with --simulate, fan charts of the Monte Carlo run.\n" +
      "Example: pbpsim report scenarios/issue-brief.yaml --out issue-brief.html"
  )
)
