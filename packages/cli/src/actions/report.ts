import { InvalidArgument } from "@pbpsim/benchmark"
import { sensitivity, type ScenarioError } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import type { Io } from "../io.js"
import { writeOutput } from "../output.js"
import { reportDocument } from "../render/html/document.js"
import { scenarioSummary } from "../render/html/summary.js"
import { comparisonView } from "../render/comparisonView.js"
import { sensitivityView } from "../render/sensitivity.js"
import type { SimulationView } from "../render/simulationView.js"
import { load, runPolicies, selectPolicies } from "../scenarioInput.js"
import { provenanceOf } from "../provenance.js"
import type { SimulationArgs } from "./simulationPipeline.js"
import { lazily } from "../commands/lazy.js"
import { marketViewOf, simulatedMarketViewOf } from "./market.js"

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
  /** `--set path=value` overrides, applied before the scenario is decoded. */
  readonly sets?: ReadonlyArray<string>
  readonly requested: ReadonlyArray<string>
  readonly simulation?: SimulationRequest
  /** Where the simulation comes from (tests pass a fixed view); simulate's own pipeline by default. */
  readonly simulate?: SimulationSource
  /** false: leave out the sensitivity section (its tornado chart); default: the first policy's. */
  readonly sensitivity?: boolean
  /**
   * true: add the market section (pbpsim market on the same policies, every provider, incentive power not measured: the section
   * does not show it); with `simulation` too, the market is simulated as `market --simulate` does it.
   */
  readonly market?: boolean
}): Effect.Effect<string, UserError | ScenarioError> =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario, args.sets)
    const names = yield* selectPolicies(scenario, args.requested)
    const runs = yield* runPolicies(scenario, names)
    const comparison = comparisonView(provenanceOf(scenario), runs)
    const simulation = args.simulation ? yield* (args.simulate ?? simulateOwnPipeline)({ scenario, policies: names, ...args.simulation }) : undefined
    // What moves the first policy's totals (pbpsim sensitivity's defaults). Its base run is the one
    // compare just made, so a refusal here can only be a variation's, which the result carries.
    const moved = args.sensitivity === false ? undefined : sensitivityView(provenanceOf(scenario), sensitivityOrThrow(() => sensitivity(scenario, names[0]!)))
    // With --simulate too, the market section shows the market's own simulation (same trials, seed and workers).
    const marketRequest = { policies: names, incentivePower: false }
    const market =
      args.market !== true ? undefined : args.simulation ? yield* simulatedMarketViewOf(scenario, marketRequest, args.simulation) : yield* marketViewOf(scenario, marketRequest)
    return yield* Effect.tryPromise({
      try: () =>
        reportDocument({
          summary: scenarioSummary(scenario),
          comparison,
          ...(simulation ? { simulation } : {}),
          ...(moved ? { sensitivity: moved } : {}),
          ...(market ? { market } : {})
        }),
      // A chart that fails to render is a bug in pbpsim, not a user mistake: let it surface as a defect.
      catch: (e) => e
    }).pipe(Effect.orDie)
  })

/** The sensitivity result; the rules refusing its base run would have refused compare's first. */
const sensitivityOrThrow = <A>(run: () => A): A => {
  try {
    return run()
  } catch (e) {
    if (e instanceof InvalidArgument) throw new Error(`report: the sensitivity base run was refused after compare accepted it: ${e.message}`)
    throw e
  }
}

/** simulate's own pipeline, loaded only when the report has a simulation. */
const simulateOwnPipeline: SimulationSource = (args) => lazily(() => import("./simulationPipeline.js"), (m) => m.simulationViewFor(args))

/** `--out` is required: an HTML document on a terminal helps nobody. */
export const writeReport = (args: Parameters<typeof reportHtml>[0] & { readonly out: string | undefined }): Effect.Effect<void, UserError | ScenarioError, Io> =>
  args.out === undefined
    ? Effect.fail(new UserError({ message: `report: --out is required (the report is one HTML file), e.g. pbpsim report ${args.scenario} --out report.html` }))
    : Effect.flatMap(reportHtml(args), (html) => writeOutput(html, args.out))
