import type { Decimal } from "decimal.js"
import { ONE } from "../decimal.js"

/**
 * A year's growth rate after its guard rails, in this order: deduction (g − d), cap, floor
 * (trend.ts explains it). The float kernel folds the deduction into the rate it compiles.
 */
export const guardRateExact = (
  rate: Decimal,
  rails: { readonly deduction?: Decimal | undefined; readonly cap?: Decimal | undefined; readonly floor?: Decimal | undefined }
): { readonly afterDeduction: Decimal; readonly rate: Decimal; readonly capBinds: boolean; readonly floorBinds: boolean } => {
  const afterDeduction = rails.deduction === undefined ? rate : rate.sub(rails.deduction)
  const capBinds = rails.cap !== undefined && afterDeduction.gt(rails.cap)
  const capped = capBinds ? rails.cap! : afterDeduction
  const floorBinds = rails.floor !== undefined && capped.lt(rails.floor)
  return { afterDeduction, rate: floorBinds ? rails.floor! : capped, capBinds, floorBinds }
}

/** `cap` is +Infinity and `floor` −Infinity when absent. */
export const guardRateFloat = (rate: number, cap: number, floor: number): number => {
  const capped = rate > cap ? cap : rate
  return capped < floor ? floor : capped
}

/** F(from → to) = Π_{t=from+1..to}(1 + g_t). */
export const trendFactorExact = (rates: ReadonlyArray<Decimal>): Decimal => rates.reduce((acc, g) => acc.mul(ONE.add(g)), ONE)

/** The same over a calendar-indexed rate array, indices from < to (1 when from ≥ to). */
export const trendFactorFloat = (rates: Float64Array, from: number, to: number): number => {
  let factor = 1
  for (let t = from + 1; t <= to; t++) factor *= 1 + rates[t]!
  return factor
}

/** A value held in `from` dollars expressed in `to` dollars, forwards (× F) or backwards (÷ F). */
export const moveFloat = (rates: Float64Array, value: number, from: number, to: number): number =>
  from === to ? value : from < to ? value * trendFactorFloat(rates, from, to) : value / trendFactorFloat(rates, to, from)
