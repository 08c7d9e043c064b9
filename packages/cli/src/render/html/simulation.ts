import { POLICY_METRICS, type PolicyMetric } from "@pbpsim/simulator"
import type { DistributionView, PairRowView, SimulationPairView, SimulationPolicyView, SimulationRowView, SimulationView } from "../simulationView.js"
import { fanChart, intervalChart, lineChart, type FanPoint } from "./charts.js"
import { escapeHtml } from "./escape.js"
import { count } from "./numbers.js"
import { chartFigure, inOrder } from "./figure.js"
import { ACTUAL_COLOR, BENCHMARK_COLOR, SAVINGS_COLOR } from "./policy.js"
import { column, figure, label, renderTable, type Cell, type FigureSource, type HtmlTable } from "./tables.js"

/**
 * The Monte Carlo run: per policy, fan charts of benchmark PMPM, actual PMPM and provider
 * net (P5–P95 band, P25–P75 band, median line); for each policy after the first, the
 * distribution of its paired difference from the first policy (a − first) per year and the
 * probability that it is better for the payer (one section per policy: linear in policies).
 */

const STATS = ["mean", "sd", "p5", "p25", "p50", "p75", "p95"] as const satisfies ReadonlyArray<keyof DistributionView>
const STAT_HEADERS: Readonly<Record<(typeof STATS)[number], string>> = { mean: "Mean", sd: "SD", p5: "P5", p25: "P25", p50: "P50", p75: "P75", p95: "P95" }

// A title for every metric of the simulator's one list (a metric added there is a type error here until titled).
const TITLES: Readonly<Record<PolicyMetric, string>> = {
  benchmarkPmpm: "Benchmark PMPM ($)",
  actualPmpm: "Actual PMPM ($)",
  sharedSavings: "Shared savings ($)",
  sharedLosses: "Shared losses ($)",
  providerNet: "Provider net ($)",
  payerNet: "Payer net ($)"
}
const ROW_MEASURES = POLICY_METRICS.map((field) => ({ field, title: TITLES[field] }))

const yearKey = (row: { readonly year: number | null }) => (row.year === null ? "contract" : String(row.year))
const rowLabel = (row: { readonly label: string; readonly year: number | null }) => label(row.year === null ? "Contract" : String(row.year), "right")

const fanPoints = (rows: ReadonlyArray<SimulationRowView>, field: PolicyMetric): ReadonlyArray<FanPoint> =>
  rows.flatMap((r) => {
    const d = r[field]
    return r.year === null || d === undefined
      ? []
      : [{ year: r.year, p5: Number(d.p5), p25: Number(d.p25), p50: Number(d.p50), p75: Number(d.p75), p95: Number(d.p95) }]
  })

const distributionCells = (d: DistributionView | undefined, source: Omit<FigureSource, "field">, field: string): ReadonlyArray<Cell> =>
  STATS.map((s) => (d ? figure(d[s], { ...source, field: `${field}.${s}` }) : label("", "right")))

/** One measure of one policy, year by year: the quantiles a fan chart draws, and mean and SD. */
const fanTable = (p: SimulationPolicyView, field: PolicyMetric, title: string, withContract: boolean): HtmlTable => ({
  caption: `${p.name}: ${title}, simulated`,
  columns: [column("Year"), ...STATS.map((s) => column(STAT_HEADERS[s]))],
  rows: [...p.years, ...(withContract ? [p.contract] : [])].map((r) => [
    rowLabel(r),
    ...distributionCells(r[field], { view: "simulation", policy: p.name, year: yearKey(r) }, field)
  ])
})

/** The whole distribution summary of one policy: every measure, every year and the contract, and the probabilities. */
const policyStatsTable = (p: SimulationPolicyView): HtmlTable => {
  const rows = [...p.years, p.contract]
  return {
    caption: `${p.name}: simulated distributions per year and over the contract`,
    columns: [column("Year"), column("Measure", "left"), ...STATS.map((s) => column(STAT_HEADERS[s]))],
    rows: rows.flatMap((r) =>
      ROW_MEASURES.flatMap((m) => {
        const d = r[m.field]
        return d === undefined ? [] : [[rowLabel(r), label(m.title), ...distributionCells(d, { view: "simulation", policy: p.name, year: yearKey(r) }, m.field)]]
      })
    )
  }
}

const probabilityTable = (p: SimulationPolicyView): HtmlTable => ({
  caption: `${p.name}: probability of shared savings and of shared losses`,
  columns: [column("Year"), column("P(shared savings)"), column("P(shared loss)")],
  rows: [...p.years, p.contract].map((r) => [
    rowLabel(r),
    figure(r.pSharedSavings, { view: "simulation", policy: p.name, year: yearKey(r), field: "pSharedSavings" }),
    figure(r.pSharedLoss, { view: "simulation", policy: p.name, year: yearKey(r), field: "pSharedLoss" })
  ])
})

const fanFigure = (p: SimulationPolicyView, id: string, field: PolicyMetric, what: string, yTitle: string, yFormat: string, color: string) => () => {
  const text = {
    title: `${p.name}: ${what}, simulated`,
    description: `${what} per contract year under policy ${p.name} over the simulated trials: the light band spans the 5th to 95th percentile, the dark band the 25th to 75th, the line is the median.`
  }
  return chartFigure({
    id: `${id}-${field}`,
    text,
    spec: fanChart({ ...text, yTitle, yFormat, color, points: fanPoints(p.years, field) }),
    figures: fanTable(p, field, yTitle, field === "providerNet")
  })
}

const simulatedPolicy = async (p: SimulationPolicyView, index: number): Promise<string> => {
  const id = `sim-policy-${index}`
  const a = p.assumptions
  const charts = await inOrder([
    fanFigure(p, id, "benchmarkPmpm", "Benchmark PMPM", "Benchmark PMPM ($)", ",.0f", BENCHMARK_COLOR),
    fanFigure(p, id, "actualPmpm", "Actual PMPM", "Actual PMPM ($)", ",.0f", ACTUAL_COLOR),
    fanFigure(p, id, "providerNet", "Provider net", "Provider net ($)", ",.0f", SAVINGS_COLOR)
  ])
  return [
    `<section class="sim-policy" id="${id}" aria-labelledby="${id}-title">`,
    `<h3 id="${id}-title">Policy <span class="policy-name">${escapeHtml(p.name)}</span>, simulated</h3>`,
    `<p class="terms">Settlement terms: ${escapeHtml(p.settlementTerms)}. Assumptions: market trend SD ${escapeHtml(a.marketTrendSd)}, member cost SD ${escapeHtml(a.memberCostSd)}, savings SD ${escapeHtml(a.savingsSd)}, risk drift SD ${escapeHtml(a.riskDriftSd)}.</p>`,
    `<div class="charts">${charts.join("")}</div>`,
    renderTable(probabilityTable(p)),
    `<details><summary>All simulated statistics for ${escapeHtml(p.name)}</summary>${renderTable(policyStatsTable(p))}</details>`,
    `</section>`
  ].join("")
}

const pairSource = (pair: SimulationPairView, r: PairRowView) => ({ view: "pair" as const, policy: pair.a, against: pair.b, year: yearKey(r) })

/** One measure of a pair's difference, per year and over the contract, with the probability that a is better on it. */
const pairTable = (pair: SimulationPairView, field: "payerCost" | "providerNet"): HtmlTable => {
  const who = field === "payerCost" ? "payer" : "provider"
  const probability = field === "payerCost" ? "pABetterForPayer" : "pABetterForProvider"
  return {
    caption: `${who === "payer" ? "Payer cost (expenditure + provider net)" : "Provider net"}, ${pair.a} − ${pair.b} on the same draws`,
    columns: [column("Year"), ...STATS.map((s) => column(`${STAT_HEADERS[s]} ($)`)), column(`P(${pair.a} better for ${who})`)],
    rows: [...pair.years, pair.contract].map((r) => [
      rowLabel(r),
      ...distributionCells(r[field], pairSource(pair, r), field),
      figure(r[probability], { ...pairSource(pair, r), field: probability })
    ])
  }
}

const pairSection = async (pair: SimulationPairView, index: number): Promise<string> => {
  const id = `sim-pair-${index}`
  const years = pair.years.filter((r) => r.year !== null)
  const charts = await inOrder([
    () => {
      const text = {
        title: `Payer cost, ${pair.a} − ${pair.b}`,
        description: `Paired difference in what the payer pays (expenditure + provider net), policy ${pair.a} minus policy ${pair.b}, per contract year on the same simulated draws: the thin line spans the 5th to 95th percentile, the bar the 25th to 75th, the tick is the median. Below the dashed zero line ${pair.a} costs the payer less. The provider-net difference is the same figure (table below): expenditure is common to both policies on the same draws.`
      }
      return chartFigure({
        id: `${id}-payer`,
        text,
        spec: intervalChart({
          ...text,
          yTitle: "Payer cost difference ($)",
          yFormat: ",.0f",
          points: years.map((r) => ({ year: r.year!, p5: Number(r.payerCost.p5), p25: Number(r.payerCost.p25), p50: Number(r.payerCost.p50), p75: Number(r.payerCost.p75), p95: Number(r.payerCost.p95) }))
        }),
        figures: {
          caption: `Payer cost difference ${pair.a} − ${pair.b}`,
          columns: [column("Year"), ...STATS.map((s) => column(`${STAT_HEADERS[s]} ($)`))],
          rows: years.map((r) => [rowLabel(r), ...distributionCells(r.payerCost, pairSource(pair, r), "payerCost")])
        }
      })
    },
    () => {
      const text = {
        title: `P(${pair.a} better than ${pair.b})`,
        description: `Share of simulated trials, per contract year, in which policy ${pair.a} leaves the payer (it pays less: expenditure + provider net) or the provider (its provider net is higher) better off than policy ${pair.b}, in percent. The two need not add to 100 %: in a trial where both policies pay the same, neither is better.`
      }
      return chartFigure({
        id: `${id}-probability`,
        text,
        spec: lineChart({
          ...text,
          yTitle: "Probability (%)",
          yFormat: ".0%",
          unit: "percent",
          seriesTitle: "Better for",
          narrow: true,
          yDomain: [0, 1],
          points: years.flatMap((r) => [
            { year: r.year!, series: "payer", value: Number(r.pABetterForPayer), text: r.pABetterForPayer },
            { year: r.year!, series: "provider", value: Number(r.pABetterForProvider), text: r.pABetterForProvider }
          ])
        }),
        figures: {
          caption: `Probability ${pair.a} is better than ${pair.b}`,
          columns: [column("Year"), column("P(better for payer)"), column("P(better for provider)")],
          rows: years.map((r) => [
            rowLabel(r),
            figure(r.pABetterForPayer, { ...pairSource(pair, r), field: "pABetterForPayer" }),
            figure(r.pABetterForProvider, { ...pairSource(pair, r), field: "pABetterForProvider" })
          ])
        }
      })
    }
  ])
  return [
    `<section class="sim-pair" id="${id}" aria-labelledby="${id}-title">`,
    `<h4 id="${id}-title"><span class="policy-name">${escapeHtml(pair.a)}</span> against <span class="policy-name">${escapeHtml(pair.b)}</span></h4>`,
    `<div class="charts">${charts.join("")}</div>`,
    renderTable(pairTable(pair, "payerCost")),
    renderTable(pairTable(pair, "providerNet")),
    `</section>`
  ].join("")
}

export const simulationSection = async (sim: SimulationView): Promise<string> => {
  const policies = await inOrder(sim.policies.map((p, i) => () => simulatedPolicy(p, i)))
  const pairs = await inOrder(sim.pairs.map((pair, i) => () => pairSection(pair, i)))
  return [
    `<section id="simulation" aria-labelledby="simulation-title">`,
    `<h2 id="simulation-title">Monte Carlo simulation</h2>`,
    `<p class="lede">${count(sim.trials)} trials with seed <code>${escapeHtml(sim.seed)}</code> (${escapeHtml(sim.generator)}); every policy runs on the same draws, so differences between policies are paired. `,
    `Quantiles come from a sketch and are within a relative ${escapeHtml(sim.quantileRelativeAccuracy)} of the sample quantile.</p>`,
    ...policies,
    pairs.length > 0
      ? `<h3 class="sub">Paired differences against <span class="policy-name">${escapeHtml(sim.pairs[0]!.b)}</span></h3><p>Each policy minus the first policy, ${escapeHtml(sim.pairs[0]!.b)}, on the same draws (as the comparison's Δ columns).</p>` +
        `<p class="note" id="sim-mirror">Why the payer's and the provider's differences mirror each other: payer cost = expenditure + provider net, and on common random numbers and the same projection of actual cost both policies have the same expenditure in every trial, so it cancels and payer cost a − b equals provider net a − b, trial by trial. ` +
        `A dollar more for the provider is a dollar more the payer pays: a policy is better for the payer exactly when it is worse for the provider (payer net = gross − provider net does not mirror this way, because gross also moves with each policy's benchmark).</p>`
      : "",
    ...pairs,
    `</section>`
  ].join("")
}
