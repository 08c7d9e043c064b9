import type { Decimal } from "decimal.js"
import { ONE, ZERO } from "../decimal.js"

/**
 * Convergence toward the peers: adj = (1 − λ)(B_R − B_P), limited to [−down·basis, up·basis],
 * a negative one reduced by an offset (× (1 − offset)) and, with noNegative, kept ≥ 0; blended = B_P + adj. The exact and float forms side by side:
 * blend.ts explains the first, the Monte Carlo kernel runs the second.
 */
export interface ConvergenceArithmetic {
  readonly uncappedAdjustment: Decimal
  readonly adjustment: Decimal
  readonly blended: Decimal
  /** Which limit set the adjustment, in the order they apply. */
  readonly binding: ReadonlyArray<"up" | "down" | "offset" | "noNegative">
}

export const convergenceExact = (
  providerBaseline: Decimal,
  peerBaseline: Decimal,
  providerWeight: Decimal,
  caps: { readonly up?: Decimal | undefined; readonly down?: Decimal | undefined; readonly negativeOffset?: Decimal | undefined; readonly noNegative: boolean },
  basis: Decimal
): ConvergenceArithmetic => {
  const uncappedAdjustment = ONE.sub(providerWeight).mul(peerBaseline.sub(providerBaseline))
  let adjustment = uncappedAdjustment
  const binding: Array<"up" | "down" | "offset" | "noNegative"> = []
  if (caps.up !== undefined && adjustment.gt(caps.up.mul(basis))) {
    adjustment = caps.up.mul(basis)
    binding.push("up")
  }
  if (caps.down !== undefined && adjustment.lt(caps.down.mul(basis).neg())) {
    adjustment = caps.down.mul(basis).neg()
    binding.push("down")
  }
  if (caps.negativeOffset !== undefined && caps.negativeOffset.gt(ZERO) && adjustment.isNegative()) {
    adjustment = adjustment.mul(ONE.sub(caps.negativeOffset))
    binding.push("offset")
  }
  if (caps.noNegative && adjustment.isNegative()) {
    adjustment = ZERO
    binding.push("noNegative")
  }
  return { uncappedAdjustment, adjustment, blended: providerBaseline.add(adjustment), binding }
}

/** The adjustment in floats; `up`/`down` are +Infinity when absent, `offset` 0. */
export const convergenceAdjustmentFloat = (
  providerBaseline: number,
  peerBaseline: number,
  providerWeight: number,
  up: number,
  down: number,
  noNegative: boolean,
  basis: number,
  offset: number
): number => {
  let adjustment = (1 - providerWeight) * (peerBaseline - providerBaseline)
  if (up !== Infinity && adjustment > up * basis) adjustment = up * basis
  if (down !== Infinity && adjustment < -down * basis) adjustment = -down * basis
  if (offset > 0 && adjustment < 0) adjustment *= 1 - offset
  if (noNegative && adjustment < 0) adjustment = 0
  return adjustment
}
