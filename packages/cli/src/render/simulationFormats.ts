import { POLICY_METRICS } from "@pbpsim/simulator"
import type { Format } from "../options.js"
import type { DistributionView, SimulationView } from "./simulationView.js"
import { renderAlignedMarkdown } from "./comparisonFormats.js"
import { wrapText } from "../text.js"
import { grouped, left, renderCsv, renderText, right, TABLE_WIDTH, type Table } from "./table.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * simulate and merge output: JSON is the view itself; the table, CSV and Markdown forms are
 * tables of the same strings, the table and Markdown with money grouped by thousands
 * (1,845,514.83), CSV as plain as JSON. Markdown is meant to be pasted into a contract memo
 * (aligned columns, the notes a reader needs to trust the figures).
 */

type Money = (text: string) => string

const band = (d: DistributionView | undefined, money: Money): string => (d ? `${money(d.p5)} – ${money(d.p95)}` : "")

/** Per policy: the benchmark against actual cost (PMPM), then what the provider is paid. */
const policyTables = (view: SimulationView, money: Money): ReadonlyArray<Table> =>
  view.policies.flatMap((p) => {
    const rows = [...p.years, p.contract]
    return [
      {
        title: `${p.name}: benchmark and actual PMPM over ${showCount(view.trials)} trials`,
        columns: [left("Year"), right("Benchmark PMPM mean ($)"), right("Benchmark P5 – P95 ($)"), right("Actual PMPM mean ($)"), right("Actual P5 – P95 ($)")],
        rows: p.years.map((r) => [r.label, money(r.benchmarkPmpm?.mean ?? ""), band(r.benchmarkPmpm, money), money(r.actualPmpm?.mean ?? ""), band(r.actualPmpm, money)])
      },
      {
        title: `${p.name}: provider net (shared savings − shared losses), ${p.settlementTerms}`,
        columns: [
          left("Year"),
          right("Mean ($)"),
          right("SD ($)"),
          right("P5 ($)"),
          right("P50 ($)"),
          right("P95 ($)"),
          right("P(shared savings)"),
          right("P(shared loss)")
        ],
        rows: rows.map((r) => [
          r.label,
          money(r.providerNet.mean),
          money(r.providerNet.sd),
          money(r.providerNet.p5),
          money(r.providerNet.p50),
          money(r.providerNet.p95),
          r.pSharedSavings,
          r.pSharedLoss
        ])
      }
    ]
  })

/** Each policy after the first against the first (Δ = policy − first, as `compare` takes them). */
const pairTables = (view: SimulationView, money: Money): ReadonlyArray<Table> =>
  view.pairs.map((p) => ({
    title: `${p.a} minus ${p.b} (the first policy), same draws`,
    columns: [
      left("Year"),
      right("Δ provider net mean ($)"),
      right("Δ provider net P5 ($)"),
      right("Δ provider net P95 ($)"),
      right("Δ payer cost mean ($)"),
      right(`P(${p.a} better for payer)`),
      right(`P(${p.a} better for provider)`)
    ],
    rows: [...p.years, p.contract].map((r) => [
      r.label,
      money(r.providerNet.mean),
      money(r.providerNet.p5),
      money(r.providerNet.p95),
      money(r.payerCost.mean),
      r.pABetterForPayer,
      r.pABetterForProvider
    ])
  }))

const assumptionsTable = (view: SimulationView): Table => ({
  title: "Stochastic assumptions (scenario `stochastic`, docs/model.md §8)",
  columns: [left("Policy"), right("Market trend sd"), right("Member cost sd"), right("Savings sd"), right("Risk drift sd")],
  rows: view.policies.map((p) => [p.name, p.assumptions.marketTrendSd, p.assumptions.memberCostSd, p.assumptions.savingsSd, p.assumptions.riskDriftSd])
})

/** The metrics the Monte Carlo reports per policy and year, in the simulator's one list. */
const DISTRIBUTIONS = POLICY_METRICS

const csvRows = (view: SimulationView): ReadonlyArray<ReadonlyArray<string>> => {
  const stat = (d: DistributionView) => [d.mean, d.sd, d.p5, d.p25, d.p50, d.p75, d.p95, ""]
  const probability = (p: string) => ["", "", "", "", "", "", "", p]
  return [
    ...view.policies.flatMap((p) =>
      [...p.years, p.contract].flatMap((r) => [
        ...DISTRIBUTIONS.flatMap((m) => {
          const d = r[m]
          return d ? [["policy", p.name, r.label, m, ...stat(d)]] : []
        }),
        ["policy", p.name, r.label, "pSharedSavings", ...probability(r.pSharedSavings)],
        ["policy", p.name, r.label, "pSharedLoss", ...probability(r.pSharedLoss)]
      ])
    ),
    ...view.pairs.flatMap((p) =>
      [...p.years, p.contract].flatMap((r) => [
        ["pair", `${p.a} - ${p.b}`, r.label, "providerNet", ...stat(r.providerNet)],
        ["pair", `${p.a} - ${p.b}`, r.label, "payerCost", ...stat(r.payerCost)],
        ["pair", `${p.a} - ${p.b}`, r.label, "pABetterForPayer", ...probability(r.pABetterForPayer)],
        ["pair", `${p.a} - ${p.b}`, r.label, "pABetterForProvider", ...probability(r.pABetterForProvider)]
      ])
    )
  ]
}

export const renderSimulation = (view: SimulationView, format: Format, width: number = TABLE_WIDTH): string => {
  if (format === "json") return JSON.stringify(view, null, 2)
  if (format === "csv")
    return renderCsv(["section", "name", "year", "metric", "mean", "sd", "p5", "p25", "p50", "p75", "p95", "probability"], csvRows(view))
  const header = `${view.scenario.name} — provider ${view.provider}: Monte Carlo, ${showCount(view.trials)} trials, seed ${view.seed}`
  const notes = [
    `Quantiles from a log-bucket sketch, each within ${Number(view.quantileRelativeAccuracy) * 100} % of a sample quantile; means and sds exact over all trials.`,
    `Draws: ${view.generator}. Same seed, same numbers, whatever the number of workers or shards.`,
    ...(view.pairs.length > 0 ? [`Paired differences: each policy minus the first, ${view.pairs[0]!.b}, on the same draws.`] : []),
    `Scenario ${view.scenario.file} (sha256 ${view.scenario.sha256.slice(0, 12)}…), pbpsim ${view.engine.version}.`
  ]
  if (format === "markdown") {
    // For a memo: thousands grouped, aligned columns, notes as a list.
    const tables = [assumptionsTable(view), ...policyTables(view, grouped), ...pairTables(view, grouped)]
    return [`## ${header}`, ...tables.map(renderAlignedMarkdown), notes.map((n) => `- ${n}`).join("\n")].join("\n\n")
  }
  // Terminal tables group thousands too (1,845,514.83); only CSV and JSON keep plain strings.
  const tables = [assumptionsTable(view), ...policyTables(view, grouped), ...pairTables(view, grouped)]
  return [wrapText(header, width), ...tables.map((t) => renderText(t, width)), wrapText(notes.join("\n"), width)].join("\n\n")
}
