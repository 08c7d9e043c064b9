import type { Decimal } from "decimal.js"
import { ONE } from "../decimal.js"

/**
 * A contract year's benchmark before rounding: (blended + credit) × F × risk ratio × (1 − discount),
 * in this order (contractYear.ts explains each step; the kernel runs the float form).
 */
export const benchmarkChainExact = (
  blended: Decimal,
  credit: Decimal,
  trendFactor: Decimal,
  riskRatio: Decimal,
  discount: Decimal
): { readonly beforeTrend: Decimal; readonly trended: Decimal; readonly riskAdjusted: Decimal; readonly discounted: Decimal } => {
  const beforeTrend = blended.add(credit)
  const trended = beforeTrend.mul(trendFactor)
  const riskAdjusted = trended.mul(riskRatio)
  return { beforeTrend, trended, riskAdjusted, discounted: riskAdjusted.mul(ONE.sub(discount)) }
}

export const benchmarkChainFloat = (blended: number, credit: number, trendFactor: number, riskRatio: number, discount: number): number =>
  (blended + credit) * trendFactor * riskRatio * (1 - discount)
