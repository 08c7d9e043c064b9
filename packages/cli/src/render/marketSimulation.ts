import type { Format } from "../options.js"
import { wrapText } from "../text.js"
import { renderAlignedMarkdown } from "./comparisonFormats.js"
import { pct } from "./comparisonTables.js"
import type { MarketSimulatedDifference, MarketSimulatedPolicy, MarketSimulationView, MergedMarketSimulationView } from "./marketSimulationView.js"
import type { DistributionView } from "./simulationView.js"
import { grouped, renderCsv, renderText, right, TABLE_WIDTH, type Table } from "./table.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * The market's simulation in the text formats (`market --simulate`, and `merge` of its shards):
 * a table per policy of the payer's programme cost, a table per paired difference, CSV rows
 * (`--level simulation`) and the memo's sentences. Money grouped in thousands as the market's
 * other tables; CSV keeps the view's plain strings.
 */

const trialsText = (sim: MarketSimulationView): string => `${showCount(sim.trials)} trial${sim.trials === 1 ? "" : "s"}`

/** One policy, each year and the contract: the programme cost's distribution, savings paid and losses collected means. */
export const simulatedPolicyTable = (sim: MarketSimulationView, p: MarketSimulatedPolicy, show: (money: string) => string = grouped): Table => {
  const row = (label: string, r: MarketSimulatedPolicy["contract"]) => [
    label,
    show(r.programmeCost.mean),
    show(r.programmeCost.sd),
    show(r.programmeCost.p5),
    show(r.programmeCost.p50),
    show(r.programmeCost.p95),
    show(r.savingsPaid.mean),
    show(r.lossesCollected.mean)
  ]
  return {
    title: `Policy ${p.policy}, simulated over ${trialsText(sim)} (seed ${sim.seed}): programme cost to the payer (mean, SD, quantiles), mean savings paid and losses collected`,
    columns: [right("Year"), right("Mean"), right("SD"), right("P5"), right("P50"), right("P95"), right("Savings paid"), right("Losses collected")],
    rows: p.years.map((y) => row(String(y.year), y)),
    footer: [row("Total", p.contract)]
  }
}

/** A policy minus the first on the same draws: the programme cost's difference and how often the policy is cheaper for the payer. */
export const simulatedDifferenceTable = (d: MarketSimulatedDifference, show: (money: string) => string = grouped): Table => {
  const row = (label: string, r: MarketSimulatedDifference["contract"]) => [label, show(r.programmeCost.mean), show(r.programmeCost.p5), show(r.programmeCost.p50), show(r.programmeCost.p95), pct(r.pCheaper)]
  return {
    title: `${d.policy} minus ${d.against} (the first policy), same draws: programme cost to the payer`,
    columns: [right("Year"), right("Δ mean"), right("Δ P5"), right("Δ P50"), right("Δ P95"), right(`P(${d.policy} cheaper for the payer)`)],
    rows: d.years.map((y) => row(String(y.year), y)),
    // A pair of contracts of different lengths is compared over the years both cover: say which.
    footer: [row(d.years.length > 0 ? `Total ${span(d.years)}` : "Total", d.contract)]
  }
}

export const simulationTables = (sim: MarketSimulationView, show: (money: string) => string = grouped): ReadonlyArray<Table> => [
  ...sim.policies.map((p) => simulatedPolicyTable(sim, p, show)),
  ...sim.differences.map((d) => simulatedDifferenceTable(d, show))
]

/** What the simulation tables are, printed under them once. */
export const simulationNote = (sim: MarketSimulationView): string =>
  [
    `Monte Carlo on common random numbers: ${trialsText(sim)}, seed ${sim.seed}; each provider's chance of taking part is the expected-value run's, only outcomes vary by trial.`,
    `Programme cost = payer spending with the programme − without it (negative: it saves). Quantiles from a log-bucket sketch, each within ${Number(sim.quantileRelativeAccuracy) * 100} % of a sample quantile; means and sds exact over all trials.`,
    ...(sim.differences.length > 0 ? [`Differences: each policy minus the first, ${sim.differences[0]!.against}, trial by trial; P(cheaper) counts the trials in which the policy costs the payer less.`] : []),
    `Draws: ${sim.generator}. Same seed, same numbers, whatever the number of workers or shards.`
  ].join("\n")

// ------------------------------------------------------------------ CSV

const STATS = ["mean", "sd", "p5", "p25", "p50", "p75", "p95"] as const satisfies ReadonlyArray<keyof DistributionView>
const FIGURES = ["programmeCost", "savingsPaid", "lossesCollected"] as const
const capital = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`

/** `--level simulation`: a row per policy and year (or "contract"), its distributions, then its difference from the first policy (empty for the first). */
export const SIMULATION_CSV_COLUMNS = [
  "policy",
  "year",
  ...FIGURES.flatMap((f) => STATS.map((s) => `${f}${capital(s)}`)),
  "against",
  ...STATS.map((s) => `difference${capital(s)}`),
  "pCheaper"
] as const

export const simulationCsvRows = (sim: MarketSimulationView): ReadonlyArray<ReadonlyArray<string>> =>
  sim.policies.flatMap((p) => {
    const pair = sim.differences.find((d) => d.policy === p.policy)
    const row = (year: string, r: MarketSimulatedPolicy["contract"], d: MarketSimulatedDifference["contract"] | undefined) => [
      p.policy,
      year,
      ...FIGURES.flatMap((f) => STATS.map((s) => r[f][s])),
      d && pair ? pair.against : "",
      ...STATS.map((s) => (d ? d.programmeCost[s] : "")),
      d ? d.pCheaper : ""
    ]
    return [
      ...p.years.map((y) => row(String(y.year), y, pair?.years.find((x) => x.year === y.year))),
      row("contract", p.contract, pair?.contract)
    ]
  })

export const renderSimulationCsv = (sim: MarketSimulationView): string => renderCsv(SIMULATION_CSV_COLUMNS, simulationCsvRows(sim))

// ------------------------------------------------------------------ memo

const code = (text: string) => `\`${text.replaceAll("`", "'")}\``
/** Dollars in a sentence: "$1,234.50", "−$1,234.50". */
const usd = (money: string): string => (money.startsWith("-") ? `−$${grouped(money.slice(1))}` : `$${grouped(money)}`)

const span = (years: ReadonlyArray<{ readonly year: number }>): string => {
  const a = years[0]?.year
  const b = years[years.length - 1]?.year
  return a === undefined ? "the contract" : a === b ? String(a) : `${a}–${b}`
}

/** The mean programme cost in words: "saves the payer $X on average", "costs the payer $X on average". */
const meanWords = (mean: string): string =>
  Number(mean) === 0 ? "neither costs nor saves the payer anything on average" : mean.startsWith("-") ? `saves the payer ${usd(mean.slice(1))} on average` : `costs the payer ${usd(mean)} on average`

/**
 * Per policy, its mean programme cost with P5–P95 (and, given the expected-value run's contract
 * total, that figure beside it); per pair, how often it is cheaper for the payer. Every figure from the views.
 */
export const simulationSentences = (sim: MarketSimulationView, expected: ReadonlyMap<string, string> = new Map()): ReadonlyArray<string> => {
  const n = trialsText(sim)
  const policies = sim.policies.map((p) => {
    const c = p.contract.programmeCost
    const exact = expected.get(p.policy)
    return (
      `Under ${code(p.policy)} the programme ${meanWords(c.mean)} over ${span(p.years)} across ${n}; its cost lies between ${usd(c.p5)} (P5) and ${usd(c.p95)} (P95) in 90 % of them` +
      (exact === undefined ? "." : ` (the expected-value run gives a programme cost of ${usd(exact)}).`)
    )
  })
  const pairs = sim.differences.map((d) => {
    const c = d.contract
    const share = Number(c.pCheaper) === 1 ? "in every trial" : Number(c.pCheaper) === 0 ? "in none of the trials" : `in ${pct(c.pCheaper)} of trials`
    return `Over ${span(d.years)}, ${code(d.policy)} costs the payer less than ${code(d.against)} ${share}; trial by trial the difference averages ${usd(c.programmeCost.mean)} (P5 ${usd(c.programmeCost.p5)}, P95 ${usd(c.programmeCost.p95)}).`
  })
  return [...policies, ...pairs]
}

/** The memo's part on the simulation: its sentences, tables and note. */
export const simulationMemo = (sim: MarketSimulationView, expected?: ReadonlyMap<string, string>): ReadonlyArray<string> => {
  const md = (text: string) => text.replaceAll("|", "\\|")
  return [
    `### Under uncertainty: ${trialsText(sim)}, seed ${md(sim.seed)}`,
    simulationSentences(sim, expected).map((s) => `- ${md(s)}`).join("\n"),
    ...simulationTables(sim).map(renderAlignedMarkdown),
    md(simulationNote(sim))
      .split("\n")
      .map((line) => `- ${line}`)
      .join("\n")
  ]
}

// ------------------------------------------------------------------ merge

/** `merge` of market shards in a text format: the provenance and the simulation, as `market --simulate` prints them. */
export const renderMergedMarketSimulation = (view: MergedMarketSimulationView, format: Format, width: number = TABLE_WIDTH): string => {
  if (format === "json") return JSON.stringify(view, null, 2)
  if (format === "csv") return renderSimulationCsv(view.simulation)
  const header = `${view.scenario.name} — market under uncertainty, merged from shards (${view.scenario.file}, sha256 ${view.scenario.sha256.slice(0, 12)}…, pbpsim ${view.engine.version})`
  if (format === "markdown") return [`## ${header.replaceAll("|", "\\|")}`, ...simulationMemo(view.simulation)].join("\n\n")
  return [wrapText(header, width), ...simulationTables(view.simulation).map((t) => renderText(t, width)), wrapText(simulationNote(view.simulation), width)].join("\n\n")
}
