import type { PolicyView, YearRow } from "../comparisonView.js"
import { cliffText } from "../comparisonTables.js"
import { barChart, lineChart } from "./charts.js"
import { escapeHtml } from "./escape.js"
import { chartFigure, inOrder } from "./figure.js"
import { column, figure, label, renderTable, type Cell, type HtmlTable } from "./tables.js"

/**
 * One policy: its four charts (benchmark against actual PMPM, shared savings and losses,
 * the glide path, incentive power) and its year-by-year tables (the benchmark build-up,
 * then the settlement with totals).
 */

export const BENCHMARK_COLOR = "#4c78a8"
export const ACTUAL_COLOR = "#f58518"
export const SAVINGS_COLOR = "#54a24b"
export const LOSSES_COLOR = "#e45756"

/** A comparison-view figure of one policy and year. */
const cellOf = (policy: string, y: YearRow, field: keyof YearRow & string): Cell =>
  figure(String(y[field]), { view: "comparison", policy, year: String(y.year), field })

const yearCell = (y: YearRow): Cell => label(String(y.year), "right")

export const benchmarkTable = (p: PolicyView): HtmlTable => ({
  caption: `${p.name}: benchmark build-up per year`,
  columns: [
    column("Year"),
    column("Contract year"),
    column("Provider weight λ (0–1)"),
    column("Reference years", "left"),
    column("Provider baseline B_P ($ PMPM)"),
    column("Peer baseline B_R ($ PMPM)"),
    column("Blended ($ PMPM)"),
    column("Trend factor"),
    column("Risk ratio"),
    column("Benchmark PMPM ($)")
  ],
  rows: p.years.map((y) => [
    yearCell(y),
    figure(String(y.contractYear), { view: "comparison", policy: p.name, year: String(y.year), field: "contractYear" }),
    cellOf(p.name, y, "providerWeight"),
    label(`${y.providerReferenceYears.join(", ")}${y.rebased ? " (rebased)" : ""}`),
    cellOf(p.name, y, "providerBaseline"),
    cellOf(p.name, y, "peerBaseline"),
    cellOf(p.name, y, "blended"),
    cellOf(p.name, y, "trendFactor"),
    cellOf(p.name, y, "riskRatio"),
    cellOf(p.name, y, "benchmarkPmpm")
  ])
})

const totalCell = (p: PolicyView, field: string, text: string): Cell => figure(text, { view: "comparison", policy: p.name, year: "total", field })

export const settlementTable = (p: PolicyView): HtmlTable => {
  const empty = label("", "right")
  const pv = p.totals.presentValue
  return {
    caption: `${p.name}: settlement per year (${p.settlementTerms})`,
    columns: [
      column("Year"),
      column("Actual PMPM ($)"),
      column("Member months"),
      column("Benchmark ($)"),
      column("Expenditure ($)"),
      column("Gross savings ($)"),
      column("Savings rate (% of benchmark)"),
      column("MSR (% of benchmark)"),
      column("Outcome", "left"),
      column("Shared savings ($)"),
      column("Shared losses ($)"),
      column("Provider net ($)"),
      column("Payer net ($)"),
      column("Incentive power ($ per $1 cut)"),
      column("Cliffs within ±$1 PMPM of actual cost: edge at cost PMPM (from actual): jump in provider net ($)", "left")
    ],
    rows: p.years.map((y) => [
      yearCell(y),
      cellOf(p.name, y, "actualPmpm"),
      cellOf(p.name, y, "memberMonths"),
      cellOf(p.name, y, "benchmarkTotal"),
      cellOf(p.name, y, "expenditure"),
      cellOf(p.name, y, "gross"),
      cellOf(p.name, y, "savingsRate"),
      cellOf(p.name, y, "msr"),
      { ...cellOf(p.name, y, "outcome"), align: "left" },
      cellOf(p.name, y, "sharedSavings"),
      cellOf(p.name, y, "sharedLosses"),
      cellOf(p.name, y, "providerNet"),
      cellOf(p.name, y, "payerNet"),
      cellOf(p.name, y, "incentivePower"),
      label(y.incentiveCliffs.length > 0 ? y.incentiveCliffs.map(cliffText).join("; ") : "none")
    ]),
    footer: [
      [
        label("Total", "right"),
        empty,
        empty,
        totalCell(p, "benchmark", p.totals.benchmark),
        totalCell(p, "expenditure", p.totals.expenditure),
        totalCell(p, "gross", p.totals.gross),
        empty,
        empty,
        empty,
        totalCell(p, "sharedSavings", p.totals.sharedSavings),
        totalCell(p, "sharedLosses", p.totals.sharedLosses),
        totalCell(p, "providerNet", p.totals.providerNet),
        totalCell(p, "payerNet", p.totals.payerNet),
        empty,
        empty
      ],
      ...(pv
        ? [
            [
              label("Present value", "right"),
              ...Array.from({ length: 7 }, () => empty),
              totalCell(p, "presentValue.rate", pv.rate),
              empty,
              empty,
              totalCell(p, "presentValue.providerNet", pv.providerNet),
              totalCell(p, "presentValue.payerNet", pv.payerNet),
              empty,
              empty
            ]
          ]
        : [])
    ]
  }
}

const span = (p: PolicyView) => {
  const first = p.years[0]?.year
  const last = p.years[p.years.length - 1]?.year
  return first === undefined ? "" : first === last ? `${first}` : `${first}–${last}`
}

const chartsOf = (p: PolicyView, id: string): ReadonlyArray<() => Promise<string>> => {
  const yearsOf = (field: keyof YearRow & string, series: string) => p.years.map((y) => ({ year: y.year, series, value: Number(y[field]), text: String(y[field]) }))
  const rowsOf = (fields: ReadonlyArray<keyof YearRow & string>) => p.years.map((y) => [yearCell(y), ...fields.map((f) => cellOf(p.name, y, f))])
  return [
    () =>
      chartFigure({
        id: `${id}-pmpm`,
        text: {
          title: `${p.name}: benchmark vs actual PMPM`,
          description: `Benchmark PMPM and actual PMPM per contract year, ${span(p)}, under policy ${p.name}. Where the benchmark line is above the actual line the provider spent less than its benchmark (gross savings); below it, more (gross losses).`
        },
        spec: lineChart({
          title: `${p.name}: benchmark vs actual PMPM`,
          description: `Benchmark PMPM and actual PMPM per contract year, ${span(p)}, under policy ${p.name}. Where the benchmark line is above the actual line the provider spent less than its benchmark (gross savings); below it, more (gross losses).`,
          yTitle: "PMPM ($)",
          yFormat: ",.0f",
          unit: "dollars",
          seriesTitle: "Series",
          points: [...yearsOf("benchmarkPmpm", "Benchmark PMPM"), ...yearsOf("actualPmpm", "Actual PMPM")],
          palette: { domain: ["Benchmark PMPM", "Actual PMPM"], range: [BENCHMARK_COLOR, ACTUAL_COLOR] }
        }),
        figures: {
          caption: `${p.name}: benchmark and actual PMPM`,
          columns: [column("Year"), column("Benchmark PMPM ($)"), column("Actual PMPM ($)")],
          rows: rowsOf(["benchmarkPmpm", "actualPmpm"])
        }
      }),
    () =>
      chartFigure({
        id: `${id}-settlement`,
        text: {
          title: `${p.name}: shared savings and losses`,
          description: `Shared savings paid to the provider (above zero) and shared losses owed by the provider (below zero) per contract year under policy ${p.name}, in dollars.`
        },
        spec: barChart({
          title: `${p.name}: shared savings and losses`,
          description: `Shared savings paid to the provider (above zero) and shared losses owed by the provider (below zero) per contract year under policy ${p.name}, in dollars.`,
          yTitle: "Dollars ($)",
          yFormat: ",.0f",
          unit: "dollars",
          seriesTitle: "Settlement",
          narrow: true,
          points: [...yearsOf("sharedSavings", "Shared savings"), ...p.years.map((y) => ({ year: y.year, series: "Shared losses", value: -Number(y.sharedLosses), text: y.sharedLosses === "0.00" ? "0.00" : `-${y.sharedLosses}` }))],
          palette: { domain: ["Shared savings", "Shared losses"], range: [SAVINGS_COLOR, LOSSES_COLOR] }
        }),
        figures: {
          caption: `${p.name}: shared savings, losses and provider net`,
          columns: [column("Year"), column("Shared savings ($)"), column("Shared losses ($)"), column("Provider net ($)")],
          rows: rowsOf(["sharedSavings", "sharedLosses", "providerNet"])
        }
      }),
    () =>
      chartFigure({
        id: `${id}-glide`,
        text: {
          title: `${p.name}: glide path`,
          description: `Provider weight λ per contract year under policy ${p.name}: the share of the benchmark built from the provider's own history (1) rather than the peer figure (0).`
        },
        spec: lineChart({
          title: `${p.name}: glide path`,
          description: `Provider weight λ per contract year under policy ${p.name}: the share of the benchmark built from the provider's own history (1) rather than the peer figure (0).`,
          yTitle: "Provider weight λ (0–1)",
          yFormat: ".2f",
          unit: "plain",
          seriesTitle: "Series",
          narrow: true,
          yDomain: [0, 1],
          points: yearsOf("providerWeight", "Provider weight λ"),
          palette: { domain: ["Provider weight λ"], range: [BENCHMARK_COLOR] }
        }),
        figures: {
          caption: `${p.name}: provider weight per year`,
          columns: [column("Year"), column("Provider weight λ (0–1)")],
          rows: rowsOf(["providerWeight"])
        }
      }),
    () =>
      chartFigure({
        id: `${id}-incentive`,
        text: {
          title: `${p.name}: incentive power`,
          description: `Incentive power per contract year under policy ${p.name}: the change in the provider's net over the whole contract per $1 of cost it cuts in that year. It equals the sharing rate when nothing later depends on the cut; rebasing lowers it (the ratchet).`
        },
        spec: barChart({
          title: `${p.name}: incentive power`,
          description: `Incentive power per contract year under policy ${p.name}: the change in the provider's net over the whole contract per $1 of cost it cuts in that year. It equals the sharing rate when nothing later depends on the cut; rebasing lowers it (the ratchet).`,
          yTitle: "$ per $1 of cost cut",
          yFormat: ".2f",
          unit: "plain",
          seriesTitle: "Series",
          narrow: true,
          points: yearsOf("incentivePower", "Incentive power"),
          palette: { domain: ["Incentive power"], range: [SAVINGS_COLOR] }
        }),
        figures: {
          caption: `${p.name}: incentive power per year`,
          columns: [column("Year"), column("Incentive power ($ per $1 cut)")],
          rows: rowsOf(["incentivePower"])
        }
      })
  ]
}

export const policySection = async (p: PolicyView, index: number): Promise<string> => {
  const id = `policy-${index}`
  const charts = await inOrder(chartsOf(p, id))
  return [
    `<section class="policy" id="${id}" aria-labelledby="${id}-title">`,
    `<h2 id="${id}-title">Policy <span class="policy-name">${escapeHtml(p.name)}</span></h2>`,
    p.description ? `<p class="lede">${escapeHtml(p.description)}</p>` : "",
    `<p class="terms">Settlement terms: ${escapeHtml(p.settlementTerms)}</p>`,
    `<div class="charts">${charts.join("")}</div>`,
    renderTable(benchmarkTable(p)),
    renderTable(settlementTable(p)),
    `</section>`
  ].join("")
}
