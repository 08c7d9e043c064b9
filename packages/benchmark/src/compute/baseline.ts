import type { Decimal } from "decimal.js"

/**
 * One baseline year's weighted contribution: w · (PMPM ÷ RS) · riskBasis · F(y → y_last)
 * (baseline.ts explains it; the kernel sums the float form over a row of its calendar).
 */
export const baselineYearExact = (
  pmpm: Decimal,
  riskScore: Decimal,
  riskBasis: Decimal,
  factor: Decimal,
  weight: Decimal
): { readonly restated: Decimal; readonly trended: Decimal; readonly contribution: Decimal } => {
  const restated = pmpm.div(riskScore).mul(riskBasis)
  const trended = restated.mul(factor)
  return { restated, trended, contribution: weight.mul(trended) }
}

/** `perUnitRisk` is PMPM ÷ RS (for a pool: Σcost ÷ Σ(RS × MM)). */
export const baselineYearFloat = (perUnitRisk: number, riskBasis: number, factor: number, weight: number): number =>
  weight * (perUnitRisk * riskBasis * factor)
