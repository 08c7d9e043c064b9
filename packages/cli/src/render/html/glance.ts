import type { ComparisonView, PolicyView, YearRow } from "../comparisonView.js"
import { lineChart, waterfallChart, type SeriesPoint, type WaterfallStep } from "./charts.js"
import { escapeHtml } from "./escape.js"
import { chartFigure, inOrder } from "./figure.js"
import { cents, dollars, fromCents, roundHalfUp, scaled } from "./numbers.js"
import { ACTUAL_COLOR } from "./policy.js"
import { column, figure, label, renderTable, type Cell, type HtmlTable } from "./tables.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * The report at a glance, before anything else: each policy's contract totals for both
 * parties, which policy is best for each, and the charts people look for first (benchmark
 * against actual cost across policies, cumulative provider net and payer savings, one year's
 * benchmark build-up as a waterfall). Every figure is a comparison-view string or an exact
 * sum of them in cents (payer cost, cumulative sums, waterfall steps), tagged view "derived".
 */

/** What the payer pays over the contract: expenditure + provider net (as `simulate`'s payer cost), exact in cents. */
export const payerCost = (p: PolicyView): string => fromCents(cents(p.totals.expenditure) + cents(p.totals.providerNet))

const derived = (policy: string, year: string, field: string, value: string): Cell => figure(value, { view: "derived", policy, year, field })
const total = (p: PolicyView, field: "benchmark" | "expenditure" | "providerNet" | "payerNet"): Cell => figure(p.totals[field], { view: "comparison", policy: p.name, year: "total", field })

const span = (p: PolicyView) => {
  const first = p.years[0]?.year
  const last = p.years[p.years.length - 1]?.year
  return first === undefined ? "" : first === last ? `${first}` : `${first}–${last}`
}

export const totalsTable = (view: ComparisonView): HtmlTable => ({
  caption: "Contract totals per policy",
  columns: [
    column("Policy", "left"),
    column("Years", "left"),
    column("Benchmark ($)"),
    column("Expenditure ($)"),
    column("Provider net ($)"),
    column("Payer cost ($)"),
    column("Payer savings vs benchmark ($)")
  ],
  rows: view.policies.map((p) => [
    label(p.name),
    label(span(p)),
    total(p, "benchmark"),
    total(p, "expenditure"),
    total(p, "providerNet"),
    derived(p.name, "total", "payerCost", payerCost(p)),
    total(p, "payerNet")
  ])
})

/** The policies with the best figure (ties: all of them), `better(a, b)` > 0 when a is better. */
const bestOf = (policies: ReadonlyArray<PolicyView>, figure: (p: PolicyView) => bigint, higher: boolean): ReadonlyArray<PolicyView> => {
  const values = policies.map(figure)
  const best = values.reduce((a, b) => ((higher ? b > a : b < a) ? b : a))
  return policies.filter((_, i) => values[i] === best)
}

const names = (ps: ReadonlyArray<PolicyView>, party: "provider" | "payer") => {
  const spans = ps.map((p) => `<span class="policy-name" data-best-for="${party}">${escapeHtml(p.name)}</span>`)
  return spans.length === 1 ? spans[0]! : `${spans.slice(0, -1).join(", ")} and ${spans[spans.length - 1]!} (tied)`
}

/** One line naming the best policy for each party; ties name every tied policy. */
export const bestLine = (view: ComparisonView): string => {
  const ps = view.policies
  if (ps.length < 2) return `<p class="best" id="best-policies">One policy only (${escapeHtml(ps[0]?.name ?? "")}): nothing to rank.</p>`
  const forProvider = bestOf(ps, (p) => cents(p.totals.providerNet), true)
  const forPayer = bestOf(ps, (p) => cents(payerCost(p)), false)
  const lengths = new Set(ps.map(span))
  return [
    `<p class="best" id="best-policies">`,
    `<strong>Best for the provider</strong> (highest provider net over the contract): ${names(forProvider, "provider")}, ${escapeHtml(dollars(forProvider[0]!.totals.providerNet))}. `,
    `<strong>Best for the payer</strong> (lowest payer cost over the contract): ${names(forPayer, "payer")}, ${escapeHtml(dollars(payerCost(forPayer[0]!)))}.`,
    lengths.size > 1 ? ` The policies cover different years (${escapeHtml(ps.map((p) => `${p.name} ${span(p)}`).join(", "))}), so their totals are over different contract lengths.` : "",
    `</p>`
  ].join("")
}

const DEFINITIONS = [
  ["Provider net", "shared savings paid to the provider minus shared losses it paid back, summed over the contract years."],
  ["Payer cost", "what the payer pays: the provider's actual expenditure plus provider net, added here from the two printed totals (each total is rounded once from its exact sum, so this can differ by a cent from the exact sum rounded)."],
  [
    "Payer savings vs benchmark",
    "benchmark minus payer cost, i.e. gross savings (benchmark − expenditure) minus provider net: what compare calls payer net. A higher benchmark raises it without the payer paying a dollar less, so the payer's best policy is ranked on payer cost."
  ]
] as const

// ----------------------------------------------------------------------------- charts

const BENCHMARK_COLORS = ["#4c78a8", "#54a24b", "#b279a2", "#e45756", "#72b7b2", "#9d755d", "#eeca3b", "#bab0ac", "#ff9da6", "#1d2530"]

/** Actual PMPM per year: the first policy's that covers it (every policy runs on the same projection). */
const actualByYear = (view: ComparisonView): ReadonlyArray<{ readonly year: number; readonly row: YearRow; readonly policy: string }> => {
  const years = [...new Set(view.policies.flatMap((p) => p.years.map((y) => y.year)))].sort((a, b) => a - b)
  return years.map((year) => {
    const p = view.policies.find((x) => x.years.some((y) => y.year === year))!
    return { year, row: p.years.find((y) => y.year === year)!, policy: p.name }
  })
}

const benchmarkVsActual = (view: ComparisonView) => () => {
  const actual = actualByYear(view)
  const sameActual = view.policies.every((p) => p.years.every((y) => actual.find((a) => a.year === y.year)!.row.actualPmpm === y.actualPmpm))
  const benchmarkSeries = view.policies.map((p) => `Benchmark: ${p.name}`)
  const actualSeries = sameActual ? ["Actual PMPM"] : view.policies.map((p) => `Actual: ${p.name}`)
  const points: ReadonlyArray<SeriesPoint> = [
    ...view.policies.flatMap((p) => p.years.map((y) => ({ year: y.year, series: `Benchmark: ${p.name}`, value: Number(y.benchmarkPmpm), text: y.benchmarkPmpm }))),
    ...(sameActual
      ? actual.map((a) => ({ year: a.year, series: "Actual PMPM", value: Number(a.row.actualPmpm), text: a.row.actualPmpm }))
      : view.policies.flatMap((p) => p.years.map((y) => ({ year: y.year, series: `Actual: ${p.name}`, value: Number(y.actualPmpm), text: y.actualPmpm }))))
  ]
  const text = {
    title: "Benchmark vs actual PMPM, all policies",
    description: `Benchmark PMPM per contract year under each policy (one line each) and the actual PMPM${sameActual ? ", the same under every policy (one projection of actual cost)" : " under each policy"}, in dollars per member per month. Where a policy's benchmark is above the actual line, the provider spent less than its benchmark (gross savings).`
  }
  return chartFigure({
    id: "glance-benchmark-actual",
    text,
    spec: lineChart({
      ...text,
      yTitle: "PMPM ($)",
      yFormat: ",.0f",
      unit: "dollars",
      seriesTitle: "Series",
      points,
      palette: {
        domain: [...benchmarkSeries, ...actualSeries],
        range: [...benchmarkSeries.map((_, i) => BENCHMARK_COLORS[i % BENCHMARK_COLORS.length]!), ...actualSeries.map(() => ACTUAL_COLOR)]
      }
    }),
    figures: {
      caption: "Benchmark PMPM per policy and actual PMPM",
      columns: [column("Year"), ...view.policies.map((p) => column(`Benchmark: ${p.name} ($)`)), ...(sameActual ? [column("Actual PMPM ($)")] : view.policies.map((p) => column(`Actual: ${p.name} ($)`)))],
      rows: actual.map((a) => [
        label(String(a.year), "right"),
        ...view.policies.map((p) => cellOf(p, a.year, "benchmarkPmpm")),
        ...(sameActual ? [figure(a.row.actualPmpm, { view: "comparison", policy: a.policy, year: String(a.year), field: "actualPmpm" })] : view.policies.map((p) => cellOf(p, a.year, "actualPmpm")))
      ])
    }
  })
}

const cellOf = (p: PolicyView, year: number, field: "benchmarkPmpm" | "actualPmpm" | "providerNet" | "payerNet"): Cell => {
  const y = p.years.find((x) => x.year === year)
  return y ? figure(y[field], { view: "comparison", policy: p.name, year: String(year), field }) : label("", "right")
}

/** Running sums of a money field per year, exact in cents. */
export const cumulative = (p: PolicyView, field: "providerNet" | "payerNet"): ReadonlyArray<{ readonly year: number; readonly value: string }> => {
  let sum = 0n
  return p.years.map((y) => {
    sum += cents(y[field])
    return { year: y.year, value: fromCents(sum) }
  })
}

const cumulativeChart = (view: ComparisonView, field: "providerNet" | "payerNet") => () => {
  const what = field === "providerNet" ? "provider net" : "payer savings vs benchmark"
  const text =
    field === "providerNet"
      ? {
          title: "Cumulative provider net by policy",
          description: `Provider net (shared savings − shared losses) summed from the first contract year to each year, per policy, in dollars; the last point is the contract total. A falling line is a year in which the provider paid losses.`
        }
      : {
          title: "Cumulative payer savings vs benchmark by policy",
          description: `Payer savings vs benchmark (gross savings − provider net: compare's payer net) summed from the first contract year to each year, per policy, in dollars; the last point is the contract total. It measures the payer against each policy's own benchmark, not what the payer pays.`
        }
  const years = actualByYear(view).map((a) => a.year)
  const sums = view.policies.map((p) => ({ p, sums: cumulative(p, field) }))
  return chartFigure({
    id: field === "providerNet" ? "glance-cumulative-provider" : "glance-cumulative-payer",
    text,
    spec: lineChart({
      ...text,
      yTitle: field === "providerNet" ? "Cumulative provider net ($)" : "Cumulative payer savings ($)",
      yFormat: ",.0f",
      unit: "dollars",
      seriesTitle: "Policy",
      points: sums.flatMap(({ p, sums }) => sums.map((s) => ({ year: s.year, series: p.name, value: Number(s.value), text: s.value })))
    }),
    figures: {
      caption: `Cumulative ${what} per policy (each year's figure and the running sum)`,
      columns: [column("Year"), ...view.policies.flatMap((p) => [column(`${p.name}: year ($)`), column(`${p.name}: cumulative ($)`)])],
      rows: years.map((year) => [
        label(String(year), "right"),
        ...sums.flatMap(({ p, sums }) => {
          const s = sums.find((x) => x.year === year)
          return [cellOf(p, year, field), s ? derived(p.name, String(year), `cumulative.${field}`, s.value) : label("", "right")]
        })
      ])
    }
  })
}

/** One step of the benchmark build-up, amounts in exact cents. */
export interface BuildUpStep {
  readonly step: string
  /** The view figure the step applies (a PMPM amount or a factor), and its field. */
  readonly input?: { readonly field: keyof YearRow & string; readonly value: string }
  readonly before: bigint
  readonly change: bigint
  readonly after: bigint
  readonly total?: boolean
}

/**
 * One year's benchmark built up from the figures compare prints: provider baseline → blend
 * (convergence adjustment: blended − baseline) → + savings credit → × trend factor → × risk
 * ratio → discount and rounding → + equity add-on → the benchmark PMPM. Each running figure is
 * the product of the printed figures rounded half-up to the cent; the discount-and-rounding
 * step is what remains to the printed benchmark (the discount or premium when the policy has
 * one, else the cents from the 6-place trend factor and risk ratio), so the steps add up to
 * the benchmark exactly.
 */
export const buildUp = (y: YearRow): ReadonlyArray<BuildUpStep> => {
  const baseline = cents(y.providerBaseline)
  const blended = cents(y.blended)
  const credited = blended + cents(y.savingsCredit)
  // credited has 2 places, the factors 6 each: the products have 8 and 14 places.
  const trended = roundHalfUp(credited * scaled(y.trendFactor, 6), 6)
  const risked = roundHalfUp(credited * scaled(y.trendFactor, 6) * scaled(y.riskRatio, 6), 12)
  const benchmark = cents(y.benchmarkPmpm)
  const addOn = cents(y.equityAddOn)
  const beforeAddOn = benchmark - addOn
  const step = (name: string, before: bigint, after: bigint, input?: BuildUpStep["input"]): BuildUpStep => ({ step: name, before, change: after - before, after, ...(input ? { input } : {}) })
  return [
    { step: "Provider baseline", input: { field: "providerBaseline", value: y.providerBaseline }, before: 0n, change: baseline, after: baseline, total: true },
    step("Blend (convergence)", baseline, blended, { field: "blended", value: y.blended }),
    step("Savings credit", blended, credited, { field: "savingsCredit", value: y.savingsCredit }),
    step(`Trend (× ${y.trendFactor})`, credited, trended, { field: "trendFactor", value: y.trendFactor }),
    step(`Risk (× ${y.riskRatio})`, trended, risked, { field: "riskRatio", value: y.riskRatio }),
    step("Discount (and rounding)", risked, beforeAddOn),
    step("Equity add-on", beforeAddOn, benchmark, { field: "equityAddOn", value: y.equityAddOn }),
    { step: "Benchmark PMPM", input: { field: "benchmarkPmpm", value: y.benchmarkPmpm }, before: 0n, change: benchmark, after: benchmark, total: true }
  ]
}

const signed = (c: bigint) => (c > 0n ? `+${dollars(fromCents(c))}` : c < 0n ? `−${dollars(fromCents(-c))}` : "$0.00")

const waterfall = (view: ComparisonView) => () => {
  const p = view.policies[0]!
  const y = p.years[0]!
  const steps = buildUp(y)
  const running = steps.flatMap((s) => (s.total ? [s.after] : [s.before, s.after])).map(Number)
  const lo = Math.min(...running) / 100
  const hi = Math.max(...running) / 100
  const pad = Math.max((hi - lo) * 0.35, 2)
  const floor = Math.max(0, Math.floor((lo - pad) / 5) * 5)
  const ceiling = Math.ceil((hi + pad) / 5) * 5
  const bars: ReadonlyArray<WaterfallStep> = steps.map((s) => ({
    step: s.step,
    start: s.total ? floor : Number(s.before) / 100,
    end: Number(s.after) / 100,
    kind: s.total ? "total" : s.change > 0n ? "increase" : s.change < 0n ? "decrease" : "no change",
    label: s.total ? dollars(fromCents(s.after)) : signed(s.change)
  }))
  const text = {
    title: `Benchmark build-up: ${p.name}, ${y.year} (contract year ${y.contractYear})`,
    description: `How the ${y.year} benchmark PMPM of policy ${p.name} is built from the provider's baseline, step by step, in dollars per member per month: the first contract year of the first policy, by default. Each bar spans the running figure before and after its step; its label is the step's amount.`
  }
  const note =
    `Built from the figures compare prints for ${y.year}: each running figure is the printed figures multiplied out and rounded half-up to the cent, ` +
    `and "Discount (and rounding)" is what remains to the printed benchmark (the discount or premium, if the policy has one, plus the cents from printing the trend factor and risk ratio to 6 places), so the steps add up to the benchmark exactly. ` +
    (y.segments ? `This benchmark is computed per segment: the year's baseline, trend factor and risk ratio summarise the segments, so the remainder also carries the difference between the segments' own products and that summary. ` : "") +
    `The y axis starts at $${showCount(floor)}, not at zero, so that the steps can be seen; the two total bars are cut at the axis.`
  return chartFigure({
    id: "glance-waterfall",
    text,
    note,
    spec: waterfallChart({ ...text, yTitle: "PMPM ($)", yFormat: hi - lo > 20 ? ",.0f" : ",.2f", xTitle: `Step of the ${y.year} benchmark (${p.name})`, steps: bars, floor, ceiling }),
    figures: {
      caption: `${p.name}, ${y.year}: benchmark build-up step by step ($ PMPM)`,
      columns: [column("Step", "left"), column("Figure compare prints"), column("Before ($ PMPM)"), column("Change ($ PMPM)"), column("After ($ PMPM)")],
      rows: steps.map((s, i) => [
        label(s.step),
        s.input ? figure(s.input.value, { view: "comparison", policy: p.name, year: String(y.year), field: s.input.field }) : label("(remainder)", "right"),
        derived(p.name, String(y.year), `waterfall.${i}.before`, fromCents(s.before)),
        derived(p.name, String(y.year), `waterfall.${i}.change`, fromCents(s.change)),
        derived(p.name, String(y.year), `waterfall.${i}.after`, fromCents(s.after))
      ])
    }
  })
}

/** The report's first section. */
export const glanceSection = async (view: ComparisonView): Promise<string> => {
  if (view.policies.length === 0 || view.policies[0]!.years.length === 0) return ""
  const charts = await inOrder([benchmarkVsActual(view), cumulativeChart(view, "providerNet"), cumulativeChart(view, "payerNet"), waterfall(view)])
  return [
    `<section id="glance" aria-labelledby="glance-title">`,
    `<h2 id="glance-title">At a glance</h2>`,
    bestLine(view),
    renderTable(totalsTable(view)),
    `<dl class="facts definitions">${DEFINITIONS.map(([term, definition]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(definition)}</dd>`).join("")}</dl>`,
    `<div class="charts">${charts.join("")}</div>`,
    `</section>`
  ].join("")
}
