import { dec, formatFixed } from "@pbpsim/benchmark"
import { left, right, type Table } from "./table.js"
import type { ComparisonView, PolicyView, YearRow } from "./results.js"

/** Display rounding of exact rate strings (CSV and JSON keep the exact strings). */
const fixed = (text: string, places: number) => formatFixed(dec(text), places)
const pct = (rate: string) => `${formatFixed(dec(rate).mul(100), 2)} %`

/** One policy, year by year: the benchmark build-up and the settlement. */
export const policyTable = (p: PolicyView): Table => ({
  title: `Policy ${p.name}${p.description ? `: ${p.description}` : ""} (settlement: ${p.settlementTerms})`,
  columns: [
    right("Year"),
    right("λ"),
    left("Reference"),
    right("Provider B_P"),
    right("Peer B_R"),
    right("Blended"),
    right("Trend F"),
    right("Risk"),
    right("Benchmark PMPM"),
    right("Actual PMPM"),
    right("Savings rate"),
    right("MSR"),
    left("Outcome"),
    right("Shared savings"),
    right("Shared losses"),
    right("Provider net"),
    right("Payer net"),
    right("Incentive")
  ],
  rows: p.years.map((y) => [
    String(y.year),
    fixed(y.providerWeight, 2),
    `${y.providerReferenceYears.join("/")}${y.rebased ? " (rebased)" : ""}`,
    y.providerBaseline,
    y.peerBaseline,
    y.blended,
    fixed(y.trendFactor, 4),
    fixed(y.riskRatio, 4),
    y.benchmarkPmpm,
    y.actualPmpm,
    pct(y.savingsRate),
    pct(y.msr),
    y.outcome,
    y.sharedSavings,
    y.sharedLosses,
    y.providerNet,
    y.payerNet,
    fixed(y.incentivePower, 4)
  ]),
  footer: [
    ["Total", "", "", "", "", "", "", "", "", "", "", "", "", p.totals.sharedSavings, p.totals.sharedLosses, p.totals.providerNet, p.totals.payerNet, ""],
    ...(p.totals.presentValue
      ? [["PV", "", `at ${pct(p.totals.presentValue.rate)}`, "", "", "", "", "", "", "", "", "", "", "", "", p.totals.presentValue.providerNet, p.totals.presentValue.payerNet, ""]]
      : [])
  ]
})

type Measure = { readonly title: string; readonly pick: (y: YearRow) => string; readonly diff?: "benchmarkPmpm" | "providerNet" | "payerNet"; readonly total?: "providerNet" | "payerNet" }

const measures: ReadonlyArray<Measure> = [
  { title: "Benchmark PMPM", pick: (y) => y.benchmarkPmpm, diff: "benchmarkPmpm" },
  { title: "Actual PMPM", pick: (y) => y.actualPmpm },
  { title: "Provider net (shared savings − shared losses)", pick: (y) => y.providerNet, diff: "providerNet", total: "providerNet" },
  { title: "Payer net (gross savings − provider net)", pick: (y) => y.payerNet, diff: "payerNet", total: "payerNet" },
  { title: "Incentive power (provider net per $1 PMPM of cost cut)", pick: (y) => fixed(y.incentivePower, 4) }
]

/** Policies side by side per year, one table per measure, with differences against the first policy. */
export const comparisonTables = (view: ComparisonView): ReadonlyArray<Table> => {
  const [first, ...others] = view.policies
  if (!first) return []
  return measures.map((m) => {
    const diffCols = m.diff ? others.map((o) => right(`Δ ${o.name}`)) : []
    const years = [...new Set(view.policies.flatMap((p) => p.years.map((y) => y.year)))].sort((a, b) => a - b)
    const rows = years.map((year) => [
      String(year),
      ...view.policies.map((p) => {
        const y = p.years.find((x) => x.year === year)
        return y ? m.pick(y) : ""
      }),
      ...(m.diff ? view.differences.map((d) => d.years.find((x) => x.year === year)?.[m.diff!] ?? "") : [])
    ])
    const footer = m.total
      ? [["Total", ...view.policies.map((p) => p.totals[m.total!]), ...view.differences.map((d) => d.totals[m.total!])]]
      : []
    return {
      title: `${m.title}${m.diff && others.length > 0 ? ` (Δ = policy − ${first.name})` : ""}`,
      columns: [right("Year"), ...view.policies.map((p) => right(p.name)), ...diffCols],
      rows,
      footer
    }
  })
}

/** Tidy long form for CSV: one row per policy and year, every field. */
export const comparisonCsvRows = (view: ComparisonView): { columns: ReadonlyArray<string>; rows: ReadonlyArray<ReadonlyArray<string>> } => {
  const columns = [
    "policy", "contractYear", "year", "providerWeight", "rebased", "providerReferenceYears", "peerReferenceYears",
    "providerBaseline", "peerBaseline", "blended", "trendFactor", "riskRatio", "benchmarkPmpm", "actualPmpm",
    "memberMonths", "benchmarkTotal", "expenditure", "gross", "savingsRate", "msr", "outcome", "sharedSavings",
    "sharedLosses", "providerNet", "payerNet", "incentivePower"
  ]
  const rows = view.policies.flatMap((p) =>
    p.years.map((y) => [
      p.name, String(y.contractYear), String(y.year), y.providerWeight, String(y.rebased), y.providerReferenceYears.join(" "),
      y.peerReferenceYears.join(" "), y.providerBaseline, y.peerBaseline, y.blended, y.trendFactor, y.riskRatio,
      y.benchmarkPmpm, y.actualPmpm, y.memberMonths, y.benchmarkTotal, y.expenditure, y.gross, y.savingsRate, y.msr,
      y.outcome, y.sharedSavings, y.sharedLosses, y.providerNet, y.payerNet, y.incentivePower
    ])
  )
  return { columns, rows }
}
