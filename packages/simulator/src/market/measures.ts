import { sum, ZERO } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import type { Dispersion } from "./types.js"

/** Nearest-rank percentile of sorted values: the ⌈q·n⌉-th smallest. */
const nearestRank = (sorted: ReadonlyArray<Decimal>, q: number): Decimal => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!

const ascending = (values: ReadonlyArray<Decimal>): ReadonlyArray<Decimal> => [...values].sort((a, b) => a.comparedTo(b))

/** Mean, coefficient of variation (population sd ÷ mean) and P10, P90 of values, each provider one value. */
export const dispersion = (values: ReadonlyArray<Decimal>): Dispersion => {
  const n = values.length
  const mean = sum(values).div(n)
  const variance = sum(values.map((v) => v.sub(mean).pow(2))).div(n)
  const sorted = ascending(values)
  const p10 = nearestRank(sorted, 0.1)
  const p90 = nearestRank(sorted, 0.9)
  return { mean, cv: mean.isZero() ? ZERO : variance.sqrt().div(mean), p10, p90, p90p10: p10.isZero() ? ZERO : p90.div(p10) }
}

/** Σ weight × value ÷ Σ weight; null when the weights sum to 0. */
export const weightedMean = (items: ReadonlyArray<{ readonly value: Decimal; readonly weight: Decimal }>): Decimal | null => {
  const weight = sum(items.map((i) => i.weight))
  return weight.isZero() ? null : sum(items.map((i) => i.value.mul(i.weight))).div(weight)
}

/**
 * Benchmark per unit of risk of high-risk vs low-risk providers: those above the median risk score
 * (nearest rank) against those at or below it, each group's plain mean, and high ÷ low.
 */
export const equityOf = (
  items: ReadonlyArray<{ readonly risk: Decimal; readonly value: Decimal }>
): { readonly medianRisk: Decimal; readonly highRisk: Decimal | null; readonly lowRisk: Decimal | null; readonly ratio: Decimal | null } => {
  const medianRisk = nearestRank(ascending(items.map((i) => i.risk)), 0.5)
  const mean = (group: ReadonlyArray<Decimal>) => (group.length === 0 ? null : sum(group).div(group.length))
  const highRisk = mean(items.filter((i) => i.risk.gt(medianRisk)).map((i) => i.value))
  const lowRisk = mean(items.filter((i) => i.risk.lte(medianRisk)).map((i) => i.value))
  return { medianRisk, highRisk, lowRisk, ratio: highRisk && lowRisk && !lowRisk.isZero() ? highRisk.div(lowRisk) : null }
}
