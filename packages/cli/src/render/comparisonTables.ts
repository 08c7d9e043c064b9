import { dec, formatFixed } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { grouped, left, right, type Table } from "./table.js"
import type { ComparisonView, PolicyView, YearRow } from "./comparisonView.js"

export { grouped }

/**
 * Units as people read them, the same in every terminal table, Markdown memo and `explain`
 * (docs/cli.md, "Units"); CSV and JSON keep the exact fixed-place strings:
 * - rates (savings rate, MSR, MLR, sharing and loss rates, trend rates, discount): percent, RATE_PLACES decimals ("2.58 %");
 * - factors (trend factor, risk ratio): FACTOR_PLACES decimals ("1.0890");
 * - incentive power: dollars of provider net per $1 of cost cut, POWER_PLACES decimals ("0.5000");
 * - money and PMPM: cents with thousands separators (grouped, "1,845,514.83").
 */
export const RATE_PLACES = 2
export const FACTOR_PLACES = 4
export const POWER_PLACES = 4

/** Display rounding of exact strings (CSV and JSON keep the exact strings). */
const fixed = (text: string, places: number) => formatFixed(dec(text), places)
/** A rate as a percentage: 0.027534 → "2.75 %". */
export const pct = (rate: string | Decimal): string => `${formatFixed(dec(rate).mul(100), RATE_PLACES)} %`
/** A factor (trend factor, risk ratio): 1.089026 → "1.0890". */
export const factorText = (value: string | Decimal): string => formatFixed(dec(value), FACTOR_PLACES)
/** Incentive power, dollars of provider net per $1 of cost cut: 0.634339 → "0.6343". */
export const powerValue = (value: string | Decimal): string => formatFixed(dec(value), POWER_PLACES)

type Cliff = YearRow["incentiveCliffs"][number]
const signed = (money: string) => (money.startsWith("-") ? money : `+${money}`)

/** Incentive power (powerValue), flagged "(cliff)" when a corridor edge lies within ±$1 PMPM of the year's cost (docs/model.md §7). */
export const powerText = (y: YearRow): string => `${powerValue(y.incentivePower)}${y.incentiveCliffs.length > 0 ? " (cliff)" : ""}`

/** One cliff in words: "MSR 2026 at 394.78 PMPM (-0.42): -492679.84" (the edge, where it falls, how far, the jump in provider net). */
export const cliffText = (c: Cliff): string => `${c.threshold} ${c.year} at ${c.costPmpm} PMPM (${signed(c.distancePmpm)}): ${signed(c.jump)}`

/**
 * The cliffs of one policy, one row per year and edge: where a corridor edge lies within ±$1
 * PMPM of the year's actual cost and what provider net does as cost falls through it. None: no table.
 */
export const cliffTable = (p: PolicyView, show: (money: string) => string = (t) => t): Table | undefined => {
  const rows = p.years.flatMap((y) =>
    y.incentiveCliffs.map((c) => [String(y.year), `${c.threshold} ${c.year}`, show(c.costPmpm), signed(show(c.distancePmpm)), signed(show(c.jump))])
  )
  if (rows.length === 0) return undefined
  return {
    title: `Policy ${p.name}: cliffs within ±$1 PMPM of the year's actual cost (provider net over the contract jumps as the cost falls through the edge)`,
    columns: [right("Year"), left("Edge"), right("Cost PMPM at edge"), right("From actual PMPM"), right("Jump in provider net")],
    rows
  }
}

/** One policy, year by year: the benchmark build-up and the settlement (terminal table: money grouped). */
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
    grouped(y.providerBaseline),
    grouped(y.peerBaseline),
    grouped(y.blended),
    factorText(y.trendFactor),
    factorText(y.riskRatio),
    grouped(y.benchmarkPmpm),
    grouped(y.actualPmpm),
    pct(y.savingsRate),
    pct(y.msr),
    y.outcome,
    grouped(y.sharedSavings),
    grouped(y.sharedLosses),
    grouped(y.providerNet),
    grouped(y.payerNet),
    powerText(y)
  ]),
  footer: [
    ["Total", "", "", "", "", "", "", "", "", "", "", "", "", grouped(p.totals.sharedSavings), grouped(p.totals.sharedLosses), grouped(p.totals.providerNet), grouped(p.totals.payerNet), ""],
    ...(p.totals.presentValue
      ? [["PV", "", `at ${pct(p.totals.presentValue.rate)}`, "", "", "", "", "", "", "", "", "", "", "", "", grouped(p.totals.presentValue.providerNet), grouped(p.totals.presentValue.payerNet), ""]]
      : [])
  ]
})

type Measure = {
  readonly title: string
  readonly pick: (y: YearRow) => string
  readonly diff?: "benchmarkPmpm" | "providerNet" | "payerNet"
  readonly total?: "providerNet" | "payerNet"
  /** How differences and totals print (the memo groups thousands); as the view has them by default. */
  readonly show?: (text: string) => string
}

const measures: ReadonlyArray<Measure> = [
  { title: "Benchmark PMPM", pick: (y) => grouped(y.benchmarkPmpm), diff: "benchmarkPmpm", show: grouped },
  { title: "Actual PMPM", pick: (y) => grouped(y.actualPmpm), show: grouped },
  { title: "Provider net (shared savings − shared losses)", pick: (y) => grouped(y.providerNet), diff: "providerNet", total: "providerNet", show: grouped },
  { title: "Payer net (gross savings − provider net)", pick: (y) => grouped(y.payerNet), diff: "payerNet", total: "payerNet", show: grouped },
  { title: "Incentive power ($ of provider net per $1 of cost cut)", pick: (y) => powerText(y) }
]

const measureTables = (view: ComparisonView, list: ReadonlyArray<Measure>, titleOf: (m: Measure, first: string, others: number) => string): ReadonlyArray<Table> => {
  const [first, ...others] = view.policies
  if (!first) return []
  return list.map((m) => {
    const show = m.show ?? ((text: string) => text)
    const diffCols = m.diff ? others.map((o) => right(`Δ ${o.name}`)) : []
    const years = [...new Set(view.policies.flatMap((p) => p.years.map((y) => y.year)))].sort((a, b) => a - b)
    const rows = years.map((year) => [
      String(year),
      ...view.policies.map((p) => {
        const y = p.years.find((x) => x.year === year)
        return y ? m.pick(y) : ""
      }),
      ...(m.diff ? view.differences.map((d) => show(d.years.find((x) => x.year === year)?.[m.diff!] ?? "")) : [])
    ])
    const footer = m.total
      ? [["Total", ...view.policies.map((p) => show(p.totals[m.total!])), ...view.differences.map((d) => show(d.totals[m.total!]))]]
      : []
    return {
      title: titleOf(m, first.name, others.length),
      columns: [right("Year"), ...view.policies.map((p) => right(p.name)), ...diffCols],
      rows,
      footer
    }
  })
}

/** Policies side by side per year, one table per measure, with differences against the first policy. */
export const comparisonTables = (view: ComparisonView): ReadonlyArray<Table> =>
  measureTables(view, measures, (m, first, others) => `${m.title}${m.diff && others > 0 ? ` (Δ = policy − ${first})` : ""}`)

/** Tidy long form for CSV: one row per policy and year, every field. */
export const comparisonCsvRows = (view: ComparisonView): { columns: ReadonlyArray<string>; rows: ReadonlyArray<ReadonlyArray<string>> } => {
  const columns = [
    "policy", "contractYear", "year", "providerWeight", "rebased", "providerReferenceYears", "peerReferenceYears",
    "providerBaseline", "peerBaseline", "blended", "trendFactor", "riskRatio", "benchmarkPmpm", "actualPmpm",
    "memberMonths", "benchmarkTotal", "expenditure", "gross", "savingsRate", "msr", "outcome", "sharedSavings",
    "sharedLosses", "providerNet", "payerNet", "incentivePower", "incentiveCliffs"
  ]
  const rows = view.policies.flatMap((p) =>
    p.years.map((y) => [
      p.name, String(y.contractYear), String(y.year), y.providerWeight, String(y.rebased), y.providerReferenceYears.join(" "),
      y.peerReferenceYears.join(" "), y.providerBaseline, y.peerBaseline, y.blended, y.trendFactor, y.riskRatio,
      y.benchmarkPmpm, y.actualPmpm, y.memberMonths, y.benchmarkTotal, y.expenditure, y.gross, y.savingsRate, y.msr,
      y.outcome, y.sharedSavings, y.sharedLosses, y.providerNet, y.payerNet, y.incentivePower,
      y.incentiveCliffs.map(cliffText).join("; ")
    ])
  )
  return { columns, rows }
}

// ---------------------------------------------------------------- Markdown for a contract memo

/** Percent without the sign (the header says %): 0.027534 → "2.75". */
const percent = (rate: string) => formatFixed(dec(rate).mul(100), RATE_PLACES)

/** The benchmark build-up of one policy, year by year (Markdown). */
export const benchmarkMemoTable = (p: PolicyView): Table => ({
  title: `Benchmark build-up — ${p.name}`,
  columns: [
    right("Year"),
    right("λ"),
    left("Reference years"),
    right("Provider baseline ($ PMPM)"),
    right("Peer baseline ($ PMPM)"),
    right("Blended ($ PMPM)"),
    right("Trend factor"),
    right("Risk ratio"),
    right("Benchmark ($ PMPM)")
  ],
  rows: p.years.map((y) => [
    String(y.year),
    fixed(y.providerWeight, 2),
    `${y.providerReferenceYears.join(", ")}${y.rebased ? " (rebased)" : ""}`,
    grouped(y.providerBaseline),
    grouped(y.peerBaseline),
    grouped(y.blended),
    factorText(y.trendFactor),
    factorText(y.riskRatio),
    grouped(y.benchmarkPmpm)
  ])
})

/** The settlement of one policy, year by year, with totals and present value (Markdown). */
export const settlementMemoTable = (p: PolicyView): Table => {
  const pv = p.totals.presentValue
  return {
    title: `Settlement — ${p.name} (${p.settlementTerms})`,
    columns: [
      right("Year"),
      right("Actual ($ PMPM)"),
      right("Gross savings ($)"),
      right("Savings rate (%)"),
      right("MSR (%)"),
      left("Outcome"),
      right("Shared savings ($)"),
      right("Shared losses ($)"),
      right("Provider net ($)"),
      right("Payer net ($)"),
      right("Incentive power")
    ],
    rows: p.years.map((y) => [
      String(y.year),
      grouped(y.actualPmpm),
      grouped(y.gross),
      percent(y.savingsRate),
      percent(y.msr),
      y.outcome,
      grouped(y.sharedSavings),
      grouped(y.sharedLosses),
      grouped(y.providerNet),
      grouped(y.payerNet),
      powerText(y)
    ]),
    footer: [
      ["Total", "", grouped(p.totals.gross), "", "", "", grouped(p.totals.sharedSavings), grouped(p.totals.sharedLosses), grouped(p.totals.providerNet), grouped(p.totals.payerNet), ""],
      ...(pv ? [[`PV at ${percent(pv.rate)} %`, "", "", "", "", "", "", "", grouped(pv.providerNet), grouped(pv.payerNet), ""]] : [])
    ]
  }
}

/** One line per policy: the contract's totals side by side (Markdown). */
export const totalsMemoTable = (view: ComparisonView): Table => {
  const withPv = view.policies.some((p) => p.totals.presentValue)
  return {
    title: "Contract totals",
    columns: [
      left("Policy"),
      right("Benchmark ($)"),
      right("Expenditure ($)"),
      right("Gross savings ($)"),
      right("Shared savings ($)"),
      right("Shared losses ($)"),
      right("Provider net ($)"),
      right("Payer net ($)"),
      ...(withPv ? [right("PV provider net ($)"), right("PV payer net ($)")] : [])
    ],
    rows: view.policies.map((p) => [
      p.name,
      grouped(p.totals.benchmark),
      grouped(p.totals.expenditure),
      grouped(p.totals.gross),
      grouped(p.totals.sharedSavings),
      grouped(p.totals.sharedLosses),
      grouped(p.totals.providerNet),
      grouped(p.totals.payerNet),
      ...(withPv ? [grouped(p.totals.presentValue?.providerNet ?? ""), grouped(p.totals.presentValue?.payerNet ?? "")] : [])
    ])
  }
}

const memoMeasures: ReadonlyArray<Measure> = [
  { title: "Benchmark ($ PMPM)", pick: (y) => grouped(y.benchmarkPmpm), diff: "benchmarkPmpm", show: grouped },
  { title: "Actual ($ PMPM)", pick: (y) => grouped(y.actualPmpm), show: grouped },
  { title: "Provider net ($): shared savings − shared losses", pick: (y) => grouped(y.providerNet), diff: "providerNet", total: "providerNet", show: grouped },
  { title: "Payer net ($): gross savings − provider net", pick: (y) => grouped(y.payerNet), diff: "payerNet", total: "payerNet", show: grouped },
  { title: "Incentive power ($ of provider net per $1 of cost cut)", pick: (y) => powerText(y) }
]

/** Policies side by side per measure, with Δ columns against the first policy (Markdown). */
export const comparisonMemoTables = (view: ComparisonView): ReadonlyArray<Table> =>
  measureTables(view, memoMeasures, (m, first, others) => `${m.title}${m.diff && others > 0 ? `; Δ = policy − ${first}` : ""}`)
