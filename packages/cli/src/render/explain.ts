import { derivationToJson, displayText, exactText, formatFixed, type Derivation, type DerivationJson } from "@pbpsim/benchmark"
import type { PolicyRun } from "@pbpsim/simulator"
import type { Provenance } from "./comparisonView.js"

/**
 * The waterfall of one contract year: every step from provider and peer baselines through
 * blend, trend, risk, discount and rounding to the settlement, each with its rule, formula,
 * inputs, notes and source. Steps print before the figure they feed, so it reads top-down.
 */
const renderStep = (d: Derivation, depth: number, lines: Array<string>): void => {
  for (const s of d.steps) renderStep(s, depth + 1, lines)
  const pad = "  ".repeat(depth)
  lines.push(`${pad}▸ ${d.label} = ${displayText(d.output)}`)
  lines.push(`${pad}    rule ${d.rule}: ${d.formula}`)
  if (d.inputs.length > 0) lines.push(`${pad}    from ${d.inputs.map((q) => `${q.name} ${displayText(q)}`).join("; ")}`)
  if (d.rounded) {
    lines.push(`${pad}    rounded ${exactText(d.rounded.from)} → ${formatFixed(d.output.value, d.rounded.rounding.places)} (${d.rounded.rounding.places} places, ${d.rounded.rounding.mode})`)
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

const termsText = (terms: PolicyRun["result"]["years"][number]["terms"]): string =>
  `${terms.name}${terms.fromYear > 1 ? ` (since contract year ${terms.fromYear})` : ""}, settled on ${terms.settlement}`

export const explainYear = (run: PolicyRun, contractYear: number) => {
  const y = run.result.years[contractYear - 1]
  if (!y) return undefined
  const power = run.incentivePower[contractYear - 1]!
  const text = [
    `Contract year ${y.contractYear} (${y.year}) of policy ${run.result.policyName}, provider ${run.result.provider}`,
    `Terms in force: ${termsText(y.terms)}`,
    "",
    "Benchmark",
    renderDerivation(y.benchmark.derivation),
    "",
    "Settlement",
    `Settled as: ${y.settlement.value.settled}`,
    renderDerivation(y.settlement.derivation),
    "",
    "Incentive power",
    `${formatFixed(power.value, 6)} per $1 of cost cut; ${power.cliffs.length === 0 ? "no cliff" : power.cliffs.length === 1 ? "a cliff" : `${power.cliffs.length} cliffs`} within ±$1 PMPM of the actual cost`,
    renderDerivation(power.derivation)
  ].join("\n")
  return {
    text,
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
