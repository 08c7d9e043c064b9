import type { ComparisonView, DifferenceView, PolicyView, YearRow } from "../comparisonView.js"
import { barChart, lineChart, type SeriesPoint } from "./charts.js"
import { escapeHtml } from "./escape.js"
import { chartFigure, inOrder } from "./figure.js"
import { column, figure, label, renderTable, type Cell, type HtmlTable } from "./tables.js"

/**
 * Policies side by side: one chart per measure with a line or bar per policy, and one table
 * per measure with each policy's figure and its difference against the first policy.
 */

type Measure = {
  readonly title: string
  readonly header: string
  readonly field: "benchmarkPmpm" | "actualPmpm" | "providerNet" | "payerNet" | "incentivePower" | "providerWeight"
  readonly diff?: "benchmarkPmpm" | "providerNet" | "payerNet"
  readonly total?: "providerNet" | "payerNet"
}

const measures: ReadonlyArray<Measure> = [
  { title: "Benchmark PMPM", header: "($)", field: "benchmarkPmpm", diff: "benchmarkPmpm" },
  { title: "Actual PMPM", header: "($)", field: "actualPmpm" },
  { title: "Provider net (shared savings − shared losses)", header: "($)", field: "providerNet", diff: "providerNet", total: "providerNet" },
  { title: "Payer net (gross savings − provider net)", header: "($)", field: "payerNet", diff: "payerNet", total: "payerNet" },
  { title: "Incentive power (provider $ per $1 of cost cut)", header: "", field: "incentivePower" },
  { title: "Provider weight λ (glide path)", header: "(0–1)", field: "providerWeight" }
]

const yearsOfView = (view: ComparisonView): ReadonlyArray<number> =>
  [...new Set(view.policies.flatMap((p) => p.years.map((y) => y.year)))].sort((a, b) => a - b)

const policyCell = (p: PolicyView, year: number, field: Measure["field"]): Cell => {
  const y = p.years.find((x) => x.year === year)
  return y ? figure(y[field], { view: "comparison", policy: p.name, year: String(year), field }) : label("", "right")
}

const differenceCell = (d: DifferenceView, year: number, field: NonNullable<Measure["diff"]>): Cell => {
  const y = d.years.find((x) => x.year === year)
  return y ? figure(y[field], { view: "difference", policy: d.policy, against: d.against, year: String(year), field }) : label("", "right")
}

export const measureTable = (view: ComparisonView, m: Measure): HtmlTable => {
  const first = view.policies[0]
  const unit = m.header ? ` ${m.header}` : ""
  const diffs = m.diff ? view.differences : []
  return {
    caption: `${m.title}${diffs.length > 0 && first ? ` — Δ = policy − ${first.name}` : ""}`,
    columns: [column("Year"), ...view.policies.map((p) => column(`${p.name}${unit}`)), ...diffs.map((d) => column(`Δ ${d.policy}${unit}`))],
    rows: yearsOfView(view).map((year) => [
      label(String(year), "right"),
      ...view.policies.map((p) => policyCell(p, year, m.field)),
      ...diffs.map((d) => differenceCell(d, year, m.diff!))
    ]),
    ...(m.total
      ? {
          footer: [
            [
              label("Total", "right"),
              ...view.policies.map((p) => figure(p.totals[m.total!], { view: "comparison", policy: p.name, year: "total", field: m.total! })),
              ...diffs.map((d) => figure(d.totals[m.total!], { view: "difference", policy: d.policy, against: d.against, year: "total", field: m.total! }))
            ]
          ]
        }
      : {})
  }
}

const seriesOf = (view: ComparisonView, field: keyof YearRow & string): ReadonlyArray<SeriesPoint> =>
  view.policies.flatMap((p) => p.years.map((y) => ({ year: y.year, series: p.name, value: Number(y[field]), text: String(y[field]) })))

export const comparisonSection = async (view: ComparisonView): Promise<string> => {
  const first = view.policies[0]
  if (!first || view.policies.length < 2) return ""
  const table = (field: Measure["field"]) => measureTable(view, measures.find((m) => m.field === field)!)
  const names = view.policies.map((p) => p.name).join(", ")
  const charts = await inOrder([
    () => {
      const text = {
        title: "Benchmark PMPM by policy",
        description: `Benchmark PMPM per contract year under each policy (${names}). A lower benchmark leaves the provider less room for savings for the same actual cost.`
      }
      return chartFigure({
        id: "compare-benchmark",
        text,
        spec: lineChart({ ...text, yTitle: "Benchmark PMPM ($)", yFormat: ",.0f", unit: "dollars", seriesTitle: "Policy", points: seriesOf(view, "benchmarkPmpm") }),
        figures: table("benchmarkPmpm")
      })
    },
    () => {
      const text = {
        title: "Provider net by policy",
        description: `Provider net (shared savings − shared losses) per contract year under each policy (${names}), in dollars; below zero the provider pays the payer.`
      }
      return chartFigure({
        id: "compare-provider-net",
        text,
        spec: barChart({ ...text, yTitle: "Provider net ($)", yFormat: ",.0f", unit: "dollars", seriesTitle: "Policy", points: seriesOf(view, "providerNet") }),
        figures: table("providerNet")
      })
    },
    () => {
      const text = {
        title: "Incentive power by policy",
        description: `Incentive power per contract year under each policy (${names}): provider dollars kept per $1 of cost cut that year, over the whole contract.`
      }
      return chartFigure({
        id: "compare-incentive",
        text,
        spec: lineChart({ ...text, yTitle: "$ per $1 of cost cut", yFormat: ".2f", unit: "plain", seriesTitle: "Policy", narrow: true, points: seriesOf(view, "incentivePower") }),
        figures: table("incentivePower")
      })
    },
    () => {
      const text = {
        title: "Glide path by policy",
        description: `Provider weight λ per contract year under each policy (${names}): 1 is the provider's own history only, 0 the peer figure only.`
      }
      return chartFigure({
        id: "compare-glide",
        text,
        spec: lineChart({ ...text, yTitle: "Provider weight λ (0–1)", yFormat: ".2f", unit: "plain", seriesTitle: "Policy", narrow: true, yDomain: [0, 1], points: seriesOf(view, "providerWeight") }),
        figures: table("providerWeight")
      })
    }
  ])
  return [
    `<section id="comparison" aria-labelledby="comparison-title">`,
    `<h2 id="comparison-title">Policies compared</h2>`,
    `<p class="lede">All policies run on the same projection of actual cost. Differences (Δ) are each policy minus <span class="policy-name">${escapeHtml(first.name)}</span>, over the calendar years both cover.</p>`,
    `<div class="charts">${charts.join("")}</div>`,
    ...measures.filter((m) => m.field !== "providerWeight").map((m) => renderTable(measureTable(view, m))),
    `</section>`
  ].join("")
}
