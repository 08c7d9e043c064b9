import { runMarket, type MarketRun, type Scenario, type ScenarioError, type Shard } from "@pbpsim/simulator"
import { Effect } from "effect"
import { lazily } from "../commands/lazy.js"
import { UserError } from "../errors.js"
import type { Io } from "../io.js"
import { writeOutput } from "../output.js"
import { provenanceOf } from "../provenance.js"
import { renderMarket, type CsvLevel } from "../render/market.js"
import { marketView, type MarketView } from "../render/marketView.js"
import { load, rulesOf, selectPolicies } from "../scenarioInput.js"
import type { Format } from "../options.js"
import type { MarketSimulationRequest } from "./marketSimulation.js"
import { checkCounts, parseShard, SET_WITH_SHARD, SHARD_NEEDS_OUT } from "./simulationCounts.js"

/** `pbpsim market --format`: the four text formats, or a self-contained HTML page. */
export type MarketFormat = Format | "html"

export interface MarketRequest {
  /** Policies in order (the first is the one differences are taken against). */
  readonly policies: ReadonlyArray<string>
  /** Entity ids to run as contracting providers (`--providers`); absent: the scenario's market.providers, else every entity. */
  readonly providers?: ReadonlyArray<string>
  readonly incentivePower: boolean
}

/**
 * runMarket on a loaded scenario: every provider under every policy, who takes part. A provider
 * the market does not have, or one alone in its peer group, is a ScenarioError from the engine;
 * a rule the scenario breaks is a user error naming the file.
 */
const marketRunOf = (scenario: Scenario, request: MarketRequest): Effect.Effect<MarketRun, UserError | ScenarioError> =>
  rulesOf(scenario, "market", () =>
    runMarket(scenario, {
      policies: request.policies,
      ...(request.providers === undefined ? {} : { providers: request.providers }),
      incentivePower: request.incentivePower
    })
  )

const viewOf = (scenario: Scenario, run: MarketRun, request: MarketRequest): MarketView => marketView(provenanceOf(scenario), run, { incentivePower: request.incentivePower })

/** The market view of a loaded scenario (what the programme costs the payer, …), rendered once as strings with provenance. */
export const marketViewOf = (scenario: Scenario, request: MarketRequest): Effect.Effect<MarketView, UserError | ScenarioError> =>
  Effect.map(marketRunOf(scenario, request), (run) => viewOf(scenario, run, request))

/** The Monte Carlo code, loaded only with --simulate. */
const simulation = () => import("./marketSimulation.js")

/**
 * The market view with its simulation (`market --simulate`, `report --market --simulate`): the
 * deterministic run first (it fixes participation), then simulateMarket on it.
 */
export const simulatedMarketViewOf = (scenario: Scenario, request: MarketRequest, simulate: MarketSimulationRequest): Effect.Effect<MarketView, UserError | ScenarioError> =>
  Effect.gen(function* () {
    yield* checkCounts(simulate)
    const run = yield* marketRunOf(scenario, request)
    return yield* lazily(simulation, (m) =>
      Effect.map(m.simulateMarketRun(scenario, run, simulate), (sim): MarketView => ({ ...viewOf(scenario, run, request), simulation: m.simulationOf(sim, simulate) }))
    )
  })

/** `market --simulate --shard i/n`: the deterministic run, then one shard of the simulation, written as its mergeable state. */
const writeShard = (scenario: Scenario, request: MarketRequest, simulate: MarketSimulationRequest & { readonly shard: Shard }, out: string) =>
  Effect.gen(function* () {
    yield* checkCounts(simulate)
    const run = yield* marketRunOf(scenario, request)
    const file = yield* lazily(simulation, (m) =>
      Effect.map(m.simulateMarketRun(scenario, run, simulate), (sim) => m.marketShardFile({ scenario, policies: request.policies, providers: request.providers, request: simulate, sim }))
    )
    yield* writeOutput(JSON.stringify(file), out)
  })

/** market: load (with --set), pick policies, run the market (and with --simulate its simulation), render in the format asked for, write. */
export const marketAction = (args: {
  readonly scenario: string
  readonly sets: ReadonlyArray<string>
  readonly policies: ReadonlyArray<string>
  readonly providers: ReadonlyArray<string> | undefined
  readonly incentivePower: boolean
  readonly format: MarketFormat
  /** `--level`: CSV rows per provider-year (default), per market-year or per simulated policy-year; CSV only. */
  readonly level: CsvLevel | undefined
  /** `--simulate`: the market on common random numbers, with `simulation`'s counts (simulate's options and defaults). */
  readonly simulate: boolean
  readonly simulation: Omit<MarketSimulationRequest, "shard">
  /** `--shard i/n` as given (with `--simulate` only). */
  readonly shard: string | undefined
  readonly width: number
  readonly out: string | undefined
}): Effect.Effect<void, UserError | ScenarioError, Io> =>
  Effect.gen(function* () {
    const fail = (message: string) => Effect.fail(new UserError({ message }))
    if (args.level === "simulation" && !args.simulate) {
      return yield* fail(`market: --level simulation prints the rows of the Monte Carlo run: add --simulate, e.g. pbpsim market ${args.scenario} --simulate --format csv --level simulation`)
    }
    if (args.level !== undefined && args.format !== "csv") {
      return yield* fail(`market: --level ${args.level} chooses the rows of --format csv; it does nothing with --format ${args.format}`)
    }
    if (args.shard !== undefined && !args.simulate) {
      return yield* fail(`market: --shard runs one shard of the Monte Carlo run: add --simulate, e.g. pbpsim market ${args.scenario} --simulate --shard 1/2 --out shard-1.json`)
    }
    if (args.shard !== undefined && args.sets.length > 0) return yield* fail(SET_WITH_SHARD)
    const shard = args.shard === undefined ? undefined : yield* parseShard(args.shard)
    if (shard !== undefined && args.out === undefined) return yield* fail(SHARD_NEEDS_OUT)
    if (args.format === "html" && args.out === undefined) {
      return yield* fail(`market: --format html needs --out (the page is one HTML file), e.g. pbpsim market ${args.scenario} --format html --out market.html`)
    }
    const scenario = yield* load(args.scenario, args.sets)
    const policies = yield* selectPolicies(scenario, args.policies)
    const request: MarketRequest = { policies, ...(args.providers === undefined ? {} : { providers: args.providers }), incentivePower: args.incentivePower }
    // With --shard the output is the shard's state, whatever --format says (as simulate).
    if (shard !== undefined && args.out !== undefined) return yield* writeShard(scenario, request, { ...args.simulation, shard }, args.out)
    const view = args.simulate ? yield* simulatedMarketViewOf(scenario, request, args.simulation) : yield* marketViewOf(scenario, request)
    const text = args.format === "html" ? yield* htmlPage(view) : renderMarket(view, args.format, args.level ?? "provider", args.width)
    yield* writeOutput(text, args.out)
  })

/** The HTML page, its charting code loaded only when asked for. A chart that fails to render is a bug: a defect. */
const htmlPage = (view: MarketView): Effect.Effect<string> =>
  Effect.flatMap(
    Effect.promise(() => import("../render/html/marketPage.js")),
    (m) => Effect.tryPromise({ try: () => m.marketPage(view), catch: (e) => e }).pipe(Effect.orDie)
  )
