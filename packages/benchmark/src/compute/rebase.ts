import type { Decimal } from "decimal.js"
import { min, ONE, ZERO } from "../decimal.js"

/**
 * The arithmetic of rebasing that the engine's contract loop applies (engine/contract.ts
 * explains it): the prior savings credit, the partial rebase and the restatement of a
 * baseline from one year's risk level to another's.
 */

/** Prior savings credit: min(share × max(0, mean per-capita savings), cap × basis); the basis is the peer baseline or national per capita. */
export const savingsCreditExact = (
  perCapitaSavings: ReadonlyArray<Decimal>,
  share: Decimal,
  cap: Decimal,
  peerBaseline: Decimal
): { readonly average: Decimal; readonly uncapped: Decimal; readonly cap: Decimal; readonly credit: Decimal } => {
  const average = perCapitaSavings.reduce((acc, v) => acc.add(v), ZERO).div(perCapitaSavings.length)
  const uncapped = average.gt(ZERO) ? share.mul(average) : ZERO
  const capAmount = cap.mul(peerBaseline)
  return { average, uncapped, cap: capAmount, credit: min(uncapped, capAmount) }
}

/** The same from the sum of per-capita savings over `years` years. */
export const savingsCreditFloat = (perCapitaSum: number, years: number, share: number, cap: number, peerBaseline: number): number => {
  const average = perCapitaSum / years
  const uncapped = average > 0 ? share * average : 0
  const capAmount = cap * peerBaseline
  return uncapped < capAmount ? uncapped : capAmount
}

/** B × RS_now ÷ RS_then: a baseline stated at one risk level restated at another. */
export const restateRiskExact = (baseline: Decimal, riskNow: Decimal, riskThen: Decimal): Decimal => baseline.mul(riskNow).div(riskThen)

export const restateRiskFloat = (baseline: number, riskNow: number, riskThen: number): number =>
  riskNow === riskThen ? baseline : (baseline * riskNow) / riskThen

/** Partial rebase: α · realised + (1 − α) · previous (already trended and restated). */
export const partialRebaseExact = (alpha: Decimal, realised: Decimal, previous: Decimal): Decimal => alpha.mul(realised).add(ONE.sub(alpha).mul(previous))

export const partialRebaseFloat = (alpha: number, realised: number, previous: number): number => alpha * realised + (1 - alpha) * previous
