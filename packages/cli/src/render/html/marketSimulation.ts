import type { MarketSimulationView } from "../marketSimulationView.js"
import type { DistributionView } from "../simulationView.js"
import { categoryIntervalChart } from "./charts.js"
import { chartFigure } from "./figure.js"
import { count } from "./numbers.js"
import { column, figure, label, renderTable, type HtmlTable } from "./tables.js"

/**
 * The market section's simulation (`market --simulate --format html`, `report --market
 * --simulate`): the chart of each policy's programme cost to the payer over the contract, mean
 * with its P5–P95 interval, its figures as the chart's data table, and the paired differences
 * from the first policy. Every figure is the exact string of the market JSON's `simulation`,
 * tagged data-view="market-simulation" (policies) or "market-pair" (differences).
 */

const STATS = ["mean", "sd", "p5", "p50", "p95"] as const satisfies ReadonlyArray<keyof DistributionView>
const HEADERS: Readonly<Record<(typeof STATS)[number], string>> = { mean: "Mean ($)", sd: "SD ($)", p5: "P5 ($)", p50: "P50 ($)", p95: "P95 ($)" }

const costTable = (sim: MarketSimulationView): HtmlTable => ({
  caption: `Programme cost to the payer over the contract, simulated over ${count(sim.trials)} trials (seed ${sim.seed}): mean, SD and quantiles`,
  columns: [column("Policy", "left"), ...STATS.map((s) => column(HEADERS[s]))],
  rows: sim.policies.map((p) => [
    label(p.policy),
    ...STATS.map((s) => figure(p.contract.programmeCost[s], { view: "market-simulation", policy: p.policy, year: "contract", field: `programmeCost.${s}` }))
  ])
})

const differencesTable = (sim: MarketSimulationView): HtmlTable => ({
  caption: `Each policy minus ${sim.differences[0]?.against ?? "the first"} on the same draws: programme cost to the payer over the contract, and the share of trials in which the policy costs the payer less`,
  columns: [column("Policy", "left"), column("Δ mean ($)"), column("Δ P5 ($)"), column("Δ P50 ($)"), column("Δ P95 ($)"), column("P(cheaper for the payer)")],
  rows: sim.differences.map((d) => {
    const source = (field: string) => ({ view: "market-pair" as const, policy: d.policy, against: d.against, year: "contract", field })
    return [
      label(d.policy),
      ...(["mean", "p5", "p50", "p95"] as const).map((s) => figure(d.contract.programmeCost[s], source(`programmeCost.${s}`))),
      figure(d.contract.pCheaper, source("pCheaper"))
    ]
  })
})

/** The intervals chart with its data table. */
export const simulatedCostChart = (sim: MarketSimulationView): Promise<string> => {
  const text = {
    title: "Programme cost to the payer by policy, P5–P95",
    description: `What the programme costs the payer over the contract under each policy, simulated over ${count(sim.trials)} trials on common random numbers (seed ${sim.seed}), each provider's chance of taking part fixed by the expected-value run: the point is the mean, the bar runs from P5 to P95; below zero the programme saves the payer money.`
  }
  return chartFigure({
    id: "market-programme-cost-intervals",
    text,
    spec: categoryIntervalChart({
      ...text,
      xTitle: "Policy",
      yTitle: "Programme cost to the payer ($)",
      yFormat: ",.0f",
      points: sim.policies.map((p) => {
        const c = p.contract.programmeCost
        return { category: p.policy, mean: Number(c.mean), p5: Number(c.p5), p95: Number(c.p95), text: { mean: c.mean, p5: c.p5, p95: c.p95 } }
      })
    }),
    figures: costTable(sim)
  })
}

/** The paired differences, under the charts (none with one policy). */
export const simulatedDifferences = (sim: MarketSimulationView): string => (sim.differences.length > 0 ? renderTable(differencesTable(sim)) : "")
