import { TOTAL_LABELS, providersByNet, yearsText } from "../marketTables.js"
import { TOTAL_FIELDS, type MarketPolicyView, type MarketView, type MarketYearView } from "../marketView.js"
import { barChart, lineChart, stackedBarChart, type SeriesPoint } from "./charts.js"
import { escapeHtml } from "./escape.js"
import { chartFigure, inOrder } from "./figure.js"
import { simulatedCostChart, simulatedDifferences } from "./marketSimulation.js"
import { ACTUAL_COLOR, SAVINGS_COLOR } from "./policy.js"
import { column, figure, label, renderTable, type Cell, type HtmlTable } from "./tables.js"

/**
 * The market (`pbpsim report --market`, `pbpsim market --format html`): four charts, each with
 * the figures it draws as its "Chart data" table (participation by year per policy, the
 * programme's cost to the payer per year per policy, the convergence curve of risk-adjusted
 * benchmarks, earned against windfall savings per policy), then the policies' totals side by
 * side with differences, each policy's year table and every provider. With a simulation, a fifth
 * chart (the programme cost per policy with its P5–P95 interval) and the paired differences
 * (marketSimulation.ts). Every figure is the exact string `pbpsim market --format json` prints,
 * tagged data-view="market" (the simulation's: "market-simulation", "market-pair").
 */

type YearField = Exclude<keyof MarketYearView, "year" | "benchmarkDispersion" | "costDispersion" | "equity">
type DispersionField = `${"benchmarkDispersion" | "costDispersion"}.${"mean" | "cv" | "p10" | "p90" | "p90p10"}`

const yearsOf = (view: MarketView): ReadonlyArray<number> => [...new Set(view.policies.flatMap((p) => p.years.map((y) => y.year)))].sort((a, b) => a - b)

/** A market-year figure by field (dotted for the dispersions); null figures print as an empty cell. */
const yearValue = (y: MarketYearView, field: YearField | DispersionField): string | null => {
  const [head, tail] = field.split(".") as [string, string | undefined]
  if (tail === undefined) return (y as unknown as Record<string, string | null>)[head] ?? null
  return (y as unknown as Record<string, Record<string, string>>)[head]![tail]!
}

const yearCell = (p: MarketPolicyView, year: number, field: YearField | DispersionField): Cell => {
  const y = p.years.find((x) => x.year === year)
  const value = y ? yearValue(y, field) : null
  return value === null ? label("", "right") : figure(value, { view: "market", policy: p.policy, year: String(year), field })
}

const totalCell = (p: MarketPolicyView, field: (typeof TOTAL_FIELDS)[number]): Cell => figure(p.totals[field], { view: "market", policy: p.policy, year: "total", field })

/** One market-year field, a column per policy, a row per year; money fields get their contract total. */
const byYearTable = (view: MarketView, caption: string, field: YearField | DispersionField, unit: string, total?: (typeof TOTAL_FIELDS)[number]): HtmlTable => ({
  caption,
  columns: [column("Year"), ...view.policies.map((p) => column(`${p.policy}${unit}`))],
  rows: yearsOf(view).map((year) => [label(String(year), "right"), ...view.policies.map((p) => yearCell(p, year, field))]),
  ...(total ? { footer: [[label("Total", "right"), ...view.policies.map((p) => totalCell(p, total))]] } : {})
})

const convergenceTable = (view: MarketView): HtmlTable => ({
  caption: "Dispersion across providers of benchmark PMPM and actual PMPM per unit of risk: coefficient of variation (sd ÷ mean) and P90 ÷ P10",
  columns: [
    column("Year"),
    ...view.policies.map((p) => column(`Benchmark CV, ${p.policy}`)),
    ...view.policies.map((p) => column(`Benchmark P90/P10, ${p.policy}`)),
    ...view.policies.map((p) => column(`Cost CV, ${p.policy}`))
  ],
  rows: yearsOf(view).map((year) => [
    label(String(year), "right"),
    ...view.policies.map((p) => yearCell(p, year, "benchmarkDispersion.cv")),
    ...view.policies.map((p) => yearCell(p, year, "benchmarkDispersion.p90p10")),
    ...view.policies.map((p) => yearCell(p, year, "costDispersion.cv"))
  ])
})

const savingsSplitTable = (view: MarketView): HtmlTable => ({
  caption: "Shared savings paid over the contract, split into earned (cost actually reduced) and windfall (paid at the counterfactual cost)",
  columns: [column("Policy", "left"), column("Earned ($)"), column("Windfall ($)"), column("Savings paid ($)"), column("Windfall (% of savings paid)")],
  rows: view.policies.map((p) => [
    label(p.policy),
    totalCell(p, "earned"),
    totalCell(p, "windfall"),
    totalCell(p, "savingsPaid"),
    p.windfallShare === null ? label("–", "right") : figure(p.windfallShare, { view: "market", policy: p.policy, year: "total", field: "windfallShare" })
  ])
})

/** The contract totals, a row per measure, a column per policy and per difference from the first. */
const totalsTable = (view: MarketView): HtmlTable => {
  const first = view.policies[0]
  return {
    caption: `Contract totals by policy${view.differences.length > 0 && first ? ` — Δ = policy − ${first.policy}` : ""}`,
    columns: [column("Measure ($)", "left"), ...view.policies.map((p) => column(p.policy)), ...view.differences.map((d) => column(`Δ ${d.policy}`))],
    rows: TOTAL_FIELDS.map((f) => [
      label(TOTAL_LABELS[f]),
      ...view.policies.map((p) => totalCell(p, f)),
      ...view.differences.map((d) => figure(d.totals[f], { view: "market", policy: d.policy, against: d.against, year: "total", field: f }))
    ])
  }
}

const YEAR_COLUMNS: ReadonlyArray<readonly [YearField | DispersionField, string]> = [
  ["participants", "Participants (expected)"],
  ["leaving", "Leaving (year 1: not joining)"],
  ["counterfactualSpending", "Counterfactual spending ($)"],
  ["programmeSpending", "Payer spending with the programme ($)"],
  ["programmeCost", "Programme cost to the payer ($)"],
  ["savingsPaid", "Savings paid ($)"],
  ["lossesCollected", "Losses collected ($)"],
  ["earned", "Earned ($)"],
  ["windfall", "Windfall ($)"],
  ["costReduction", "Cost reduced by participants ($)"],
  ["nonParticipantSpending", "Non-participants' spending ($)"],
  ["forgoneReduction", "Reduction forgone ($)"],
  ["participantsBaselineRelative", "Participants' baseline ÷ peers'"],
  ["allBaselineRelative", "Every provider's baseline ÷ peers'"],
  ["benchmarkDispersion.mean", "Benchmark per risk, mean ($ PMPM)"],
  ["benchmarkDispersion.cv", "Benchmark CV"],
  ["benchmarkDispersion.p90p10", "Benchmark P90/P10"],
  ["costDispersion.mean", "Cost per risk, mean ($ PMPM)"],
  ["costDispersion.cv", "Cost CV"],
  ["costDispersion.p90p10", "Cost P90/P10"]
]

const MONEY_TOTALS: ReadonlySet<string> = new Set(TOTAL_FIELDS)

const policyYearTable = (p: MarketPolicyView): HtmlTable => ({
  caption: `${p.policy}: the market per year`,
  columns: [column("Year"), ...YEAR_COLUMNS.map(([, header]) => column(header))],
  rows: p.years.map((y) => [label(String(y.year), "right"), ...YEAR_COLUMNS.map(([field]) => yearCell(p, y.year, field))]),
  footer: [[label("Total", "right"), ...YEAR_COLUMNS.map(([field]) => (MONEY_TOTALS.has(field) ? totalCell(p, field as (typeof TOTAL_FIELDS)[number]) : label("", "right")))]]
})

const providersTable = (view: MarketView): HtmlTable => ({
  caption: "Every provider: its baseline relative to its peers', and per policy its expected provider net, windfall and years in the programme (Σ chance of taking part × figure)",
  columns: [
    column("Provider", "left"),
    column("Peer group", "left"),
    column("Baseline ÷ peers'"),
    ...view.policies.flatMap((p) => [column(`Provider net, ${p.policy} ($)`), column(`Windfall, ${p.policy} ($)`), column(`Years in, ${p.policy}`)])
  ],
  rows: providersByNet(view).map((x) => {
    const source = (policy: string, field: string) => ({ view: "market" as const, policy, entity: x.entity, year: "total", field })
    return [
      label(x.name === x.entity ? x.entity : `${x.name} (${x.entity})`),
      label(x.peerGroup),
      figure(x.baselineRelative, source(view.policies[0]!.policy, "baselineRelative")),
      ...view.policies.flatMap((p) => {
        const e = p.providers.find((q) => q.entity === x.entity)?.expected
        return e
          ? [figure(e.providerNet, source(p.policy, "expected.providerNet")), figure(e.windfall, source(p.policy, "expected.windfall")), figure(e.yearsIn, source(p.policy, "expected.yearsIn"))]
          : [label("", "right"), label("", "right"), label("", "right")]
      })
    ]
  })
})

const points = (view: MarketView, field: YearField | DispersionField): ReadonlyArray<SeriesPoint> =>
  view.policies.flatMap((p) =>
    p.years.flatMap((y) => {
      const text = yearValue(y, field)
      return text === null ? [] : [{ year: y.year, series: p.policy, value: Number(text), text }]
    })
  )

/**
 * The convergence chart's axis runs from 0 (no dispersion at all) to the next 0.05 above the
 * largest CV: a CV that moves in its 4th decimal must look flat, not fill the chart.
 */
const cvCeiling = (ps: ReadonlyArray<SeriesPoint>): number => Math.max(0.05, Math.ceil((Math.max(0, ...ps.map((p) => p.value)) * 1.1) / 0.05) * 0.05)

export const EARNED_COLOR = SAVINGS_COLOR
export const WINDFALL_COLOR = ACTUAL_COLOR

export const marketSection = async (view: MarketView): Promise<string> => {
  const names = view.policies.map((p) => p.policy).join(", ")
  const providers = view.policies[0]?.providers ?? []
  const groups = [...new Set(providers.map((p) => p.peerGroup))]
  const cvPoints = points(view, "benchmarkDispersion.cv")
  const simulation = view.simulation
  const charts = await inOrder([
    () => {
      const text = {
        title: "Participation by year",
        description: `Expected number of providers in the programme each contract year under each policy (${names}), of ${providers.length}: providers join in the first year and each later year stay or leave on their expected net payment.`
      }
      return chartFigure({
        id: "market-participation",
        text,
        spec: lineChart({ ...text, yTitle: "Providers in the programme", yFormat: ",.1f", unit: "plain", seriesTitle: "Policy", narrow: true, yDomain: [0, Math.max(1, providers.length)], points: points(view, "participants") }),
        figures: byYearTable(view, "Participants: expected providers in the programme (Σ chances)", "participants", "")
      })
    },
    () => {
      const text = {
        title: "Programme cost to the payer by policy",
        description: `What the programme costs the payer each contract year under each policy (${names}): its spending with the programme (participants' cost plus net payments, non-participants' counterfactual cost) minus its spending with no programme; below zero the programme saves the payer money.`
      }
      return chartFigure({
        id: "market-programme-cost",
        text,
        spec: barChart({ ...text, yTitle: "Programme cost to the payer ($)", yFormat: ",.0f", unit: "dollars", seriesTitle: "Policy", points: points(view, "programmeCost") }),
        figures: byYearTable(view, "Programme cost to the payer", "programmeCost", " ($)", "programmeCost")
      })
    },
    ...(simulation ? [() => simulatedCostChart(simulation)] : []),
    () => {
      const text = {
        title: "Convergence of risk-adjusted benchmarks",
        description: `Coefficient of variation (sd ÷ mean) across providers of the benchmark PMPM per unit of risk, each contract year under each policy (${names}); a falling line means the benchmarks converge.`
      }
      return chartFigure({
        id: "market-convergence",
        text,
        spec: lineChart({ ...text, yTitle: "Benchmark CV across providers", yFormat: ".2f", unit: "plain", seriesTitle: "Policy", narrow: true, yDomain: [0, cvCeiling(cvPoints)], points: cvPoints }),
        figures: convergenceTable(view)
      })
    },
    () => {
      const text = {
        title: "Earned and windfall savings by policy",
        description: `Shared savings paid over the contract under each policy (${names}), split into earned savings (paid for cost actually reduced against the counterfactual) and windfall (what the same terms pay at the counterfactual cost, the provider changing nothing).`
      }
      return chartFigure({
        id: "market-savings-split",
        text,
        spec: stackedBarChart({
          ...text,
          xTitle: "Policy",
          yTitle: "Shared savings paid ($)",
          yFormat: ",.0f",
          unit: "dollars",
          partTitle: "Savings",
          palette: { domain: ["earned", "windfall"], range: [EARNED_COLOR, WINDFALL_COLOR] },
          parts: view.policies.flatMap((p) => [
            { bar: p.policy, part: "earned", value: Number(p.totals.earned), text: p.totals.earned },
            { bar: p.policy, part: "windfall", value: Number(p.totals.windfall), text: p.totals.windfall }
          ])
        }),
        figures: savingsSplitTable(view)
      })
    }
  ])
  return [
    `<section id="market" aria-labelledby="market-title">`,
    `<h2 id="market-title">Market: participation, payer cost, convergence</h2>`,
    `<p class="lede">Every one of ${providers.length} provider${providers.length === 1 ? "" : "s"} (peer groups: ${escapeHtml(groups.map((g) => `${g === "" ? "(unnamed)" : g} (${providers.filter((x) => x.peerGroup === g).length})`).join(", "))}) contracts under each policy against its peer group, on one projection. `,
    `Money is summed over providers weighted by each one's chance of taking part; the programme cost is the payer's spending with the programme minus its spending without it.</p>`,
    `<dl class="facts">`,
    ...view.policies.map((p) => `<dt><span class="policy-name">${escapeHtml(p.policy)}</span> (${escapeHtml(yearsText(p))})</dt><dd>${escapeHtml(p.participation)}</dd>`),
    `</dl>`,
    `<div class="charts">${charts.join("")}</div>`,
    simulation ? simulatedDifferences(simulation) : "",
    renderTable(totalsTable(view)),
    ...view.policies.map((p) => `<h3>Policy <span class="policy-name">${escapeHtml(p.policy)}</span>${p.description ? `: ${escapeHtml(p.description)}` : ""}</h3>${renderTable(policyYearTable(p))}`),
    `<details><summary>Every provider (${providers.length})</summary>${renderTable(providersTable(view))}</details>`,
    `</section>`
  ].join("")
}
