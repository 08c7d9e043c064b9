import type { Decimal } from "decimal.js"
import { ONE, ZERO } from "../decimal.js"

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

/** How a prior savings credit meets the convergence (regional) adjustment: stacked, or the higher of the two. */
export type CreditRule = "add" | "higher"

/**
 * "add" stacks the credit on the adjustment. "higher" (MSSP 2024+, 42 CFR 425.652(a)(8)): a
 * positive credit replaces the adjustment when it is the higher of the two, and so also
 * replaces a negative adjustment; without a positive credit the adjustment stands. Returns
 * what enters the chain: blended = B_P + adjustment, then + credit.
 */
export const creditWithAdjustmentExact = (
  adjustment: Decimal,
  credit: Decimal,
  rule: CreditRule
): { readonly adjustment: Decimal; readonly credit: Decimal; readonly replaced: boolean } => {
  if (rule === "add" || !credit.gt(ZERO)) return { adjustment, credit, replaced: false }
  return credit.gt(adjustment) ? { adjustment: ZERO, credit, replaced: true } : { adjustment, credit: ZERO, replaced: false }
}

export const CREDIT_ADD = 0
export const CREDIT_HIGHER = 1

/** adjustment + credit as they enter the chain, in floats (rule CREDIT_ADD or CREDIT_HIGHER). */
export const creditWithAdjustmentFloat = (adjustment: number, credit: number, rule: number): number =>
  rule === CREDIT_HIGHER && credit > 0 ? (credit > adjustment ? credit : adjustment) : adjustment + credit
