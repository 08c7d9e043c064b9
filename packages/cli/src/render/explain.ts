import { dec, derivationToJson, displayText, exactText, formatFixed, type Derivation, type DerivationJson, type Quantity } from "@pbpsim/benchmark"
import type { PolicyRun } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import { factorText, pct, powerValue } from "./comparisonTables.js"
import type { Provenance } from "./comparisonView.js"
import { grouped } from "./table.js"

/**
 * One contract year explained. By default a summary of about ten lines: the terms in force,
 * the benchmark PMPM built step by step (provider and peer baselines, blend, trend factor,
 * risk ratio, adjustments, benchmark), the actual cost, the settlement and the incentive power.
 * With --verbose, then the whole waterfall: every step from the baselines to the settlement,
 * each with its rule, formula, inputs, notes and source; steps print before the figure they
 * feed, so it reads top-down. Units as in every terminal table (docs/cli.md, "Units").
 */

/** A derivation's quantity in the terminal's units: money grouped, rates in percent, factors to 4 places. */
const quantityText = (q: Quantity): string => {
  switch (q.unit) {
    case "pmpm":
    case "money":
      return grouped(formatFixed(q.value, 2))
    case "factor":
      return factorText(q.value)
    case "count":
    case "members":
      return grouped(formatFixed(q.value, 0))
    default:
      return displayText(q)
  }
}

/** A step's output: incentive power in its own unit (dollars per $1 of cost cut), the rest as quantityText. */
const outputText = (d: Derivation): string =>
  d.rule === "incentive.power" ? `${powerValue(d.output.value)} per $1 of cost cut` : quantityText(d.output)

const renderStep = (d: Derivation, depth: number, lines: Array<string>): void => {
  for (const s of d.steps) renderStep(s, depth + 1, lines)
  const pad = "  ".repeat(depth)
  lines.push(`${pad}▸ ${d.label} = ${outputText(d)}`)
  lines.push(`${pad}    rule ${d.rule}: ${d.formula}`)
  if (d.inputs.length > 0) lines.push(`${pad}    from ${d.inputs.map((q) => `${q.name} ${quantityText(q)}`).join("; ")}`)
  if (d.rounded) {
    lines.push(
      `${pad}    rounded ${grouped(exactText(d.rounded.from))} → ${grouped(formatFixed(d.output.value, d.rounded.rounding.places))} (${d.rounded.rounding.places} places, ${d.rounded.rounding.mode})`
    )
  }
  for (const n of d.notes) lines.push(`${pad}    note: ${n}`)
  if (d.source) lines.push(`${pad}    source: ${d.source}`)
}

export const renderDerivation = (d: Derivation): string => {
  const lines: Array<string> = []
  renderStep(d, 0, lines)
  return lines.join("\n")
}

export interface ExplainView extends Provenance {
  readonly policy: string
  readonly year: number
  readonly contractYear: number
  /** The schedule entry in force (or the base terms), from which contract year, and the settlement terms' name. */
  readonly terms: { readonly name: string; readonly fromYear: number; readonly settlement: string }
  readonly benchmark: DerivationJson
  readonly settlement: DerivationJson
  readonly incentivePower: DerivationJson
}

type Year = PolicyRun["result"]["years"][number]
type Power = PolicyRun["incentivePower"][number]

const termsText = (terms: Year["terms"]): string =>
  `${terms.name}${terms.fromYear > 1 ? ` (since contract year ${terms.fromYear})` : ""}, settled on ${terms.settlement}`

/** The last line of the summary, when the full derivation is not printed. */
export const VERBOSE_HINT = "--verbose (-v) shows the full derivation: every step with its rule, formula, inputs and source."

const money = (d: Decimal): string => grouped(formatFixed(d, 2))
const signedMoney = (d: Decimal): string => (d.isNegative() ? money(d) : `+${money(d)}`)
const yearsText = (years: ReadonlyArray<number>): string => years.join(", ")

/** One summary line: a label, a figure right-aligned in its column, its unit, then how it came about. */
interface Line {
  readonly label: string
  readonly value: string
  readonly unit: "PMPM" | ""
  readonly detail: string
}

/** Summary lines aligned as a table: labels left, figures right-aligned, then unit and detail. */
const renderLines = (lines: ReadonlyArray<Line>): ReadonlyArray<string> => {
  const labelWidth = Math.max(...lines.map((l) => l.label.length)) + 2
  const valueWidth = Math.max(...lines.map((l) => l.value.length))
  return lines.map((l) => `${l.label.padEnd(labelWidth)}${l.value.padStart(valueWidth)} ${l.unit.padEnd(4)}  ${l.detail}`.trimEnd())
}

const cliffsText = (power: Power): string =>
  power.cliffs.length === 0
    ? "no cliff within ±$1 PMPM of the actual cost"
    : `${power.cliffs.length === 1 ? "a cliff" : `${power.cliffs.length} cliffs`} within ±$1 PMPM of the actual cost`

/** One line per cliff: the jump in provider net over the contract, where the edge falls and how far from the actual cost. */
const cliffLines = (power: Power): ReadonlyArray<Line> =>
  power.cliffs.map((c) => ({
    label: "  cliff",
    value: signedMoney(c.jump),
    unit: "",
    detail: `provider net jumps as the cost falls through the ${c.threshold} ${c.year} edge at ${money(c.costPmpm)} PMPM (${signedMoney(c.distancePmpm)})`
  }))

/** The settlement: what moved (shared losses when a loss is owed, else shared savings), how the year settled and at what rate. */
const settledLine = (s: Year["settlement"]["value"]): Line => {
  const owed = s.settled === "loss owed"
  const rate = s.sharingRate.isZero() ? "" : ` at a ${owed ? "loss" : "sharing"} rate of ${pct(s.sharingRate)}`
  return owed
    ? { label: "Shared losses", value: money(s.sharedLosses), unit: "", detail: `${s.settled}${rate}; shared savings ${money(s.sharedSavings)}` }
    : { label: "Shared savings", value: money(s.sharedSavings), unit: "", detail: `${s.settled}${rate}; shared losses ${money(s.sharedLosses)}` }
}

/**
 * The year in about ten lines: what a reader needs before the derivation. Every figure is the
 * one `compare --format json` prints for the year, in the terminal's units.
 */
export const summaryLines = (run: PolicyRun, contractYear: number): ReadonlyArray<string> => {
  const y = run.result.years[contractYear - 1]!
  const power = run.incentivePower[contractYear - 1]!
  const b = y.benchmark.value
  const s = y.settlement.value
  const lambda = y.providerWeight
  const uncapped = dec(1).sub(lambda).mul(b.peerBaseline.sub(b.providerBaseline))
  const adjustment = b.blended.sub(b.providerBaseline)
  // The convergence adjustment as the blend rule set it (caps, offset), before a savings credit may replace it (not for segments: theirs are per segment).
  const blendStep = y.segments ? undefined : y.benchmark.derivation.steps.find((step) => step.rule === "blend.convergence")
  const convergence = blendStep ? blendStep.output.value.sub(b.providerBaseline) : adjustment
  const differs = (a: Decimal, c: Decimal) => formatFixed(a, 2) !== formatFixed(c, 2)
  const credit = b.savingsCredit.isZero() ? "" : `savings credit ${money(b.savingsCredit)}`
  const blendDetail = differs(adjustment, convergence) && credit !== ""
    ? `= B_P (adjustment ${signedMoney(convergence)} replaced by the credit); + ${credit} = ${money(b.beforeTrend)} before trend`
    : [
        adjustment.isZero() && uncapped.isZero() ? "= B_P" : `B_P ${signedMoney(adjustment)} toward the peers`,
        ...(differs(convergence, uncapped) ? [` (uncapped (1 − λ)(B_R − B_P) = ${signedMoney(uncapped)})`] : []),
        ...(credit === "" ? [] : [`; + ${credit} = ${money(b.beforeTrend)} before trend`])
      ].join("")
  const afterRisk = [
    ...(b.discount.isZero() ? [] : [`after a discount of ${pct(b.discount)}`]),
    ...(b.equityAddOn.isZero() ? [] : [`with an equity add-on of ${signedMoney(b.equityAddOn)}`])
  ]
  const segments: ReadonlyArray<Line> = (y.segments ?? []).map((part) => {
    const v = part.benchmark.value
    return {
      label: `  segment ${part.segment}`,
      value: money(v.benchmarkPmpm),
      unit: "PMPM",
      detail: `${grouped(formatFixed(part.memberMonths, 0))} MM: B_P ${money(v.providerBaseline)}, B_R ${money(v.peerBaseline)} → ${money(v.blended)} × ${factorText(v.trendFactor)} × ${factorText(v.riskRatio)}; actual ${money(part.actualPmpm)}`
    }
  })
  const corridor = `MSR ${pct(s.msr)}${s.mlr !== undefined ? `, MLR ${pct(s.mlr)}` : ""}`
  const lines: ReadonlyArray<Line> = [
    { label: "Provider baseline", value: money(b.providerBaseline), unit: "PMPM", detail: `from ${yearsText(y.reference.providerYears)}${y.rebased ? " (rebased)" : ""}` },
    {
      label: "Peer baseline",
      value: money(b.peerBaseline),
      unit: "PMPM",
      detail: `from ${yearsText(y.reference.peerYears)}; weight 1 − λ = ${formatFixed(dec(1).sub(lambda), 2)} (λ = ${formatFixed(lambda, 2)} on the provider)`
    },
    { label: "Blended baseline", value: money(b.blended), unit: "PMPM", detail: blendDetail },
    { label: "× trend factor", value: factorText(b.trendFactor), unit: "", detail: `${y.reference.year} → ${y.year}` },
    { label: "× risk ratio", value: factorText(b.riskRatio), unit: "", detail: `risk score ${formatFixed(y.riskScore, 4)} this year` },
    ...segments,
    {
      label: "= Benchmark",
      value: money(b.benchmarkPmpm),
      unit: "PMPM",
      detail: [
        ...(afterRisk.length > 0 ? [`${afterRisk.join(", ")};`] : []),
        ...(segments.length > 0 ? [`member-month-weighted over ${segments.length} segments;`] : []),
        `total ${money(s.benchmark)} over ${grouped(formatFixed(y.memberMonths, 0))} member months`
      ].join(" ")
    },
    { label: "Actual", value: money(y.actualPmpm), unit: "PMPM", detail: `expenditure ${money(s.expenditure)}; savings rate ${pct(s.savingsRate)} (${corridor})` },
    settledLine(s),
    { label: "Provider net", value: money(s.providerNet), unit: "", detail: `payer net ${money(s.payerNet)} (gross ${s.gross.isNegative() ? "losses" : "savings"} ${money(s.gross.abs())})` },
    { label: "Incentive power", value: powerValue(power.value), unit: "", detail: `per $1 of cost cut; ${cliffsText(power)}` },
    ...cliffLines(power)
  ]
  return [
    `Contract year ${y.contractYear} (${y.year}) of policy ${run.result.policyName}, provider ${run.result.provider}`,
    `Terms in force: ${termsText(y.terms)}`,
    ...renderLines(lines)
  ]
}

/** The whole waterfall of the year: benchmark, settlement and incentive power derivations. */
const derivationText = (y: Year, power: Power): string =>
  [
    "Benchmark",
    renderDerivation(y.benchmark.derivation),
    "",
    "Settlement",
    `Settled as: ${y.settlement.value.settled}`,
    renderDerivation(y.settlement.derivation),
    "",
    "Incentive power",
    `${powerValue(power.value)} per $1 of cost cut; ${cliffsText(power)}`,
    renderDerivation(power.derivation)
  ].join("\n")

export const explainYear = (run: PolicyRun, contractYear: number) => {
  const y = run.result.years[contractYear - 1]
  if (!y) return undefined
  const power = run.incentivePower[contractYear - 1]!
  const summary = summaryLines(run, contractYear).join("\n")
  return {
    /** The summary, then (verbose) the whole derivation or (not) the hint that --verbose shows it. */
    text: (verbose: boolean): string => [summary, "", verbose ? derivationText(y, power) : VERBOSE_HINT].join("\n"),
    json: (provenance: Provenance): ExplainView => ({
      ...provenance,
      policy: run.result.policyName,
      year: y.year,
      contractYear: y.contractYear,
      terms: y.terms,
      benchmark: derivationToJson(y.benchmark.derivation),
      settlement: derivationToJson(y.settlement.derivation),
      incentivePower: derivationToJson(power.derivation)
    })
  }
}
