import { runMarket, type Scenario, type ScenarioError } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import type { Io } from "../io.js"
import { writeOutput } from "../output.js"
import { provenanceOf } from "../provenance.js"
import { renderMarket, type CsvLevel } from "../render/market.js"
import { marketView, type MarketView } from "../render/marketView.js"
import { load, rulesOf, selectPolicies } from "../scenarioInput.js"
import type { Format } from "../options.js"

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
 * The market view of a loaded scenario: runMarket (every provider under every policy, who
 * takes part, what the programme costs the payer), rendered once as strings with provenance.
 * A provider the market does not have, or one alone in its peer group, is a ScenarioError from
 * the engine; a rule the scenario breaks is a user error naming the file.
 */
export const marketViewOf = (scenario: Scenario, request: MarketRequest): Effect.Effect<MarketView, UserError | ScenarioError> =>
  Effect.map(
    rulesOf(scenario, "market", () =>
      runMarket(scenario, {
        policies: request.policies,
        ...(request.providers === undefined ? {} : { providers: request.providers }),
        incentivePower: request.incentivePower
      })
    ),
    (run) => marketView(provenanceOf(scenario), run, { incentivePower: request.incentivePower })
  )

/** market: load (with --set), pick policies, run the market, render in the format asked for, write. */
export const marketAction = (args: {
  readonly scenario: string
  readonly sets: ReadonlyArray<string>
  readonly policies: ReadonlyArray<string>
  readonly providers: ReadonlyArray<string> | undefined
  readonly incentivePower: boolean
  readonly format: MarketFormat
  /** `--level`: CSV rows per provider-year (default) or per market-year; CSV only. */
  readonly level: CsvLevel | undefined
  readonly width: number
  readonly out: string | undefined
}): Effect.Effect<void, UserError | ScenarioError, Io> =>
  Effect.gen(function* () {
    if (args.level !== undefined && args.format !== "csv") {
      return yield* Effect.fail(new UserError({ message: `market: --level ${args.level} chooses the rows of --format csv; it does nothing with --format ${args.format}` }))
    }
    if (args.format === "html" && args.out === undefined) {
      return yield* Effect.fail(new UserError({ message: `market: --format html needs --out (the page is one HTML file), e.g. pbpsim market ${args.scenario} --format html --out market.html` }))
    }
    const scenario = yield* load(args.scenario, args.sets)
    const policies = yield* selectPolicies(scenario, args.policies)
    const view = yield* marketViewOf(scenario, { policies, ...(args.providers === undefined ? {} : { providers: args.providers }), incentivePower: args.incentivePower })
    const text = args.format === "html" ? yield* htmlPage(view) : renderMarket(view, args.format, args.level ?? "provider", args.width)
    yield* writeOutput(text, args.out)
  })

/** The HTML page, its charting code loaded only when asked for. A chart that fails to render is a bug: a defect. */
const htmlPage = (view: MarketView): Effect.Effect<string> =>
  Effect.flatMap(
    Effect.promise(() => import("../render/html/marketPage.js")),
    (m) => Effect.tryPromise({ try: () => m.marketPage(view), catch: (e) => e }).pipe(Effect.orDie)
  )
