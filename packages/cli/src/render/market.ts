import type { Format } from "../options.js"
import { wrapText } from "../text.js"
import { marketMemo } from "./marketMemo.js"
import { renderSimulationCsv, simulationNote, simulationTables } from "./marketSimulation.js"
import { marketProvidersTable, marketTotalsTable, marketYearTable, YEAR_TABLE_NOTE } from "./marketTables.js"
import type { MarketView } from "./marketView.js"
import { renderCsv, renderText, TABLE_WIDTH } from "./table.js"

/**
 * `pbpsim market` in every text format. JSON is the view itself (exact strings, provenance);
 * CSV is one tidy table at the level asked for; the terminal tables and the Markdown memo are
 * made of the same strings, made readable.
 */

/**
 * What one CSV row is: a provider in a year under a policy (default), the market in a year under
 * a policy, or (with --simulate) a policy's simulated year or contract.
 */
export const CSV_LEVELS = ["provider", "market", "simulation"] as const
export type CsvLevel = (typeof CSV_LEVELS)[number]

export const PROVIDER_CSV_COLUMNS = [
  "policy", "entity", "name", "peerGroup", "peerCount", "baselineRelative", "year", "memberMonths", "riskScore",
  "benchmarkPmpm", "benchmarkPerRisk", "costPerRisk", "benchmark", "expenditure", "counterfactual", "sharedSavings",
  "sharedLosses", "providerNet", "windfall", "earned", "incentivePower", "expectedNetRate", "participation"
] as const

export const MARKET_CSV_COLUMNS = [
  "policy", "year", "participants", "leaving", "counterfactualSpending", "programmeSpending", "programmeCost", "savingsPaid",
  "lossesCollected", "earned", "windfall", "costReduction", "nonParticipantSpending", "forgoneReduction",
  "participantsBaselineRelative", "allBaselineRelative", "benchmarkMean", "benchmarkCv", "benchmarkP10", "benchmarkP90",
  "benchmarkP90P10", "costMean", "costCv", "costP10", "costP90", "costP90P10", "equityMedianRisk", "equityHighRisk",
  "equityLowRisk", "equityRatio"
] as const

const orEmpty = (text: string | null): string => text ?? ""

/** One row per policy × provider × year, every field of the provider-year (null: empty cell). */
export const providerCsvRows = (view: MarketView): ReadonlyArray<ReadonlyArray<string>> =>
  view.policies.flatMap((p) =>
    p.providers.flatMap((x) =>
      x.years.map((y) => [
        p.policy, x.entity, x.name, x.peerGroup, String(x.peerCount), x.baselineRelative, String(y.year), y.memberMonths, y.riskScore,
        y.benchmarkPmpm, y.benchmarkPerRisk, y.costPerRisk, y.benchmark, y.expenditure, y.counterfactual, y.sharedSavings,
        y.sharedLosses, y.providerNet, y.windfall, y.earned, orEmpty(y.incentivePower), y.expectedNetRate, y.participation
      ])
    )
  )

/** One row per policy × year: the market's figures, dispersions flattened (benchmarkCv = benchmarkDispersion.cv). */
export const marketCsvRows = (view: MarketView): ReadonlyArray<ReadonlyArray<string>> =>
  view.policies.flatMap((p) =>
    p.years.map((y) => [
      p.policy, String(y.year), y.participants, y.leaving, y.counterfactualSpending, y.programmeSpending, y.programmeCost, y.savingsPaid,
      y.lossesCollected, y.earned, y.windfall, y.costReduction, y.nonParticipantSpending, y.forgoneReduction,
      orEmpty(y.participantsBaselineRelative), y.allBaselineRelative,
      y.benchmarkDispersion.mean, y.benchmarkDispersion.cv, y.benchmarkDispersion.p10, y.benchmarkDispersion.p90, y.benchmarkDispersion.p90p10,
      y.costDispersion.mean, y.costDispersion.cv, y.costDispersion.p10, y.costDispersion.p90, y.costDispersion.p90p10,
      y.equity.medianRisk, orEmpty(y.equity.highRisk), orEmpty(y.equity.lowRisk), orEmpty(y.equity.ratio)
    ])
  )

export const renderMarketCsv = (view: MarketView, level: CsvLevel): string => {
  if (level === "simulation") {
    // The action refuses --level simulation without --simulate; a view without one is a bug.
    if (view.simulation === undefined) throw new Error("market: --level simulation needs the simulation")
    return renderSimulationCsv(view.simulation)
  }
  return level === "market" ? renderCsv(MARKET_CSV_COLUMNS, marketCsvRows(view)) : renderCsv(PROVIDER_CSV_COLUMNS, providerCsvRows(view))
}

/** The first line of the terminal output: what was run, from which file, by which engine. */
const header = (view: MarketView): string => {
  const providers = view.policies[0]?.providers.length ?? 0
  const groups = new Set(view.policies[0]?.providers.map((p) => p.peerGroup) ?? []).size
  const read = view.scenario.overrides && view.scenario.overrides.length > 0 ? `; read with ${view.scenario.overrides.map((o) => `--set ${o}`).join(" ")}` : ""
  return `${view.scenario.name} — market of ${providers} provider${providers === 1 ? "" : "s"} in ${groups} peer group${groups === 1 ? "" : "s"} (${view.scenario.file}, pbpsim ${view.engine.version}${read})`
}

export const renderMarket = (view: MarketView, format: Format, level: CsvLevel = "provider", width: number = TABLE_WIDTH): string => {
  if (format === "json") return JSON.stringify(view, null, 2)
  if (format === "csv") return renderMarketCsv(view, level)
  if (format === "markdown") return marketMemo(view)
  return [
    wrapText(header(view), width),
    ...view.policies.map((p) => renderText(marketYearTable(p), width)),
    wrapText(YEAR_TABLE_NOTE, width),
    ...(view.policies.length > 0 ? [renderText(marketTotalsTable(view), width), renderText(marketProvidersTable(view), width)] : []),
    ...(view.simulation ? [...simulationTables(view.simulation).map((t) => renderText(t, width)), wrapText(simulationNote(view.simulation), width)] : [])
  ].join("\n\n")
}
