import type { Decimal } from "decimal.js"
import { clamp, ONE, ZERO } from "../decimal.js"
import { riskRatioExact, riskRatioFloat } from "./risk.js"
import { TIE_TOLERANCE } from "./rounding.js"

/**
 * The arithmetic of the benchmark-side equity rules, exact and float side by side (equity.ts
 * explains each with its source; docs/rules/equity.md gives the order each enters the chain):
 * a flat-dollar add-on per member month (ACO REACH's HEBA), MSSP's offset of a negative
 * regional adjustment, coding-intensity and partial risk adjustment, and a weighted percentile
 * of peer costs.
 */

// ── Flat-dollar equity add-on (REACH HEBA) ────────────────────────────────────────────────

/** addOn = upAmount × upShare − downAmount × downShare (PMPM; shares are shares of member months). */
export const equityAddOnExact = (
  upShare: Decimal,
  upAmount: Decimal,
  downShare: Decimal,
  downAmount: Decimal
): { readonly up: Decimal; readonly down: Decimal; readonly addOn: Decimal } => {
  const up = upAmount.mul(upShare)
  const down = downAmount.mul(downShare)
  return { up, down, addOn: up.sub(down) }
}

export const equityAddOnFloat = (upShare: number, upAmount: number, downShare: number, downAmount: number): number =>
  upAmount * upShare - downAmount * downShare

// ── MSSP offset of a negative regional adjustment ─────────────────────────────────────────

/** offset = clamp(dual share + (weighted risk score − 1), 0, 1). */
export const regionalOffsetFactorExact = (dualShare: Decimal, riskScore: Decimal): { readonly raw: Decimal; readonly factor: Decimal } => {
  const raw = dualShare.add(riskScore.sub(ONE))
  return { raw, factor: clamp(raw, ZERO, ONE) }
}

export const regionalOffsetFactorFloat = (dualShare: number, riskScore: number): number => {
  const raw = dualShare + (riskScore - 1)
  return raw < 0 ? 0 : raw > 1 ? 1 : raw
}

/** Whether the offset scales the capped adjustment (the order pbpsim reads in 425.656) or the cap limits the offset one. */
export type OffsetOrder = "capThenOffset" | "offsetThenCap"

/** OffsetOrder as the float kernel's code. */
export const OFFSET_AFTER_CAP = 0
export const OFFSET_BEFORE_CAP = 1

export interface OffsetRegionalArithmetic {
  /** The adjustment after its cap, before any offset: what applies without the offset. */
  readonly withoutOffset: Decimal
  readonly adjusted: Decimal
  /** The limit that set `adjusted`, if one did. */
  readonly binding: "up" | "down" | "none"
  readonly offsetApplied: boolean
}

/**
 * A regional adjustment limited to [−down·basis, up·basis] (an absent cap leaves that side
 * open), a negative one scaled by (1 − offset) before or after its cap. A positive adjustment
 * is never offset.
 */
export const offsetRegionalAdjustmentExact = (
  adjustment: Decimal,
  basis: Decimal,
  up: Decimal | undefined,
  down: Decimal | undefined,
  offsetFactor: Decimal,
  order: OffsetOrder
): OffsetRegionalArithmetic => {
  if (!adjustment.isNegative()) {
    const ceiling = up === undefined ? undefined : up.mul(basis)
    const capped = ceiling !== undefined && adjustment.gt(ceiling) ? ceiling : adjustment
    return { withoutOffset: capped, adjusted: capped, binding: capped === adjustment ? "none" : "up", offsetApplied: false }
  }
  const floor = down === undefined ? undefined : down.mul(basis).neg()
  const limit = (x: Decimal): Decimal => (floor !== undefined && x.lt(floor) ? floor : x)
  const withoutOffset = limit(adjustment)
  const keep = ONE.sub(offsetFactor)
  // A full offset leaves −0, which would print as "-0": report it as 0.
  const unsigned = (x: Decimal): Decimal => (x.isZero() ? ZERO : x)
  if (order === "capThenOffset") {
    return { withoutOffset, adjusted: unsigned(withoutOffset.mul(keep)), binding: withoutOffset === adjustment ? "none" : "down", offsetApplied: true }
  }
  const offset = adjustment.mul(keep)
  const adjusted = limit(offset)
  return { withoutOffset, adjusted: unsigned(adjusted), binding: adjusted === offset ? "none" : "down", offsetApplied: true }
}

/** The same in floats; `up`/`down` are +Infinity when absent, `order` OFFSET_AFTER_CAP or OFFSET_BEFORE_CAP. */
export const offsetRegionalAdjustmentFloat = (
  adjustment: number,
  basis: number,
  up: number,
  down: number,
  offsetFactor: number,
  order: number
): number => {
  if (adjustment >= 0) return up !== Infinity && adjustment > up * basis ? up * basis : adjustment
  const floor = down === Infinity ? -Infinity : -down * basis
  if (order === OFFSET_AFTER_CAP) return (adjustment < floor ? floor : adjustment) * (1 - offsetFactor)
  const offset = adjustment * (1 - offsetFactor)
  return offset < floor ? floor : offset
}

// ── Coding intensity and partial risk adjustment ──────────────────────────────────────────

/**
 * How a risk score is cut for coding intensity: `deflate` multiplies by (1 − rate) (Medicare
 * Advantage's coding pattern adjustment, REACH's CIF); `divide` divides by a factor (Next
 * Generation ACO's coding factor; a factor 1 + c is "÷ (1 + codingIntensity)").
 */
export type CodingAdjustment = { readonly form: "deflate"; readonly rate: Decimal } | { readonly form: "divide"; readonly factor: Decimal }

/** Where the coding adjustment applies: to the current score before the ratio (MA, NGACO) or to the ratio after its cap (REACH). */
export type CodingStage = "beforeRatio" | "afterCap"

export const codingAdjustedExact = (score: Decimal, adjustment: CodingAdjustment): Decimal =>
  adjustment.form === "deflate" ? score.mul(ONE.sub(adjustment.rate)) : score.div(adjustment.factor)

/** The multiplier the float kernel applies: 1 − rate, or 1 ÷ factor. */
export const codingMultiplierFloat = (form: "deflate" | "divide", value: number): number => (form === "deflate" ? 1 - value : 1 / value)

/** 1 + weight × (ratio − 1): the benchmark moves with `weight` of the population's risk change. */
export const partialRiskRatioExact = (ratio: Decimal, weight: Decimal): Decimal => ONE.add(weight.mul(ratio.sub(ONE)))

export const partialRiskRatioFloat = (ratio: number, weight: number): number => 1 + weight * (ratio - 1)

export interface EffectiveRiskRatioArithmetic {
  /** The current score after a before-ratio coding adjustment (the current score when none). */
  readonly codedCurrent: Decimal
  readonly raw: Decimal
  readonly capped: Decimal
  readonly binding: "up" | "down" | "none"
  /** The capped ratio after an after-cap coding adjustment (the capped ratio when none). */
  readonly coded: Decimal
  readonly ratio: Decimal
}

/**
 * In this order: coding adjustment of the current score (stage beforeRatio) → ratio to the
 * base score → clamp(·, 1 − down, 1 + up) → coding adjustment of the capped ratio (stage
 * afterCap) → 1 + weight × (· − 1).
 */
export const effectiveRiskRatioExact = (
  current: Decimal,
  base: Decimal,
  up: Decimal | undefined,
  down: Decimal | undefined,
  coding: { readonly adjustment: CodingAdjustment; readonly stage: CodingStage } | undefined,
  weight: Decimal
): EffectiveRiskRatioArithmetic => {
  const codedCurrent = coding?.stage === "beforeRatio" ? codingAdjustedExact(current, coding.adjustment) : current
  const { raw, ratio: capped, binding } = riskRatioExact(codedCurrent, base, up, down)
  const coded = coding?.stage === "afterCap" ? codingAdjustedExact(capped, coding.adjustment) : capped
  return { codedCurrent, raw, capped, binding, coded, ratio: partialRiskRatioExact(coded, weight) }
}

/**
 * The same in floats: `ceiling` = 1 + up (+Infinity when absent), `floor` = 1 − down (−Infinity
 * when absent), `codingBefore`/`codingAfter` the multipliers of codingMultiplierFloat (1 when
 * that stage has none).
 */
export const effectiveRiskRatioFloat = (
  current: number,
  base: number,
  ceiling: number,
  floor: number,
  codingBefore: number,
  codingAfter: number,
  weight: number
): number => partialRiskRatioFloat(riskRatioFloat(current * codingBefore, base, ceiling, floor) * codingAfter, weight)

// ── Weighted percentile (inverted CDF) ────────────────────────────────────────────────────

export interface PercentileArithmetic {
  readonly value: Decimal
  /** Index of the chosen value in the input. */
  readonly index: number
  /** 1-based rank of the chosen value among the positive-weight values in ascending order. */
  readonly rank: number
  /** How many values carry a positive weight. */
  readonly counted: number
  /** Σ weights up to and including the chosen value. */
  readonly cumulative: Decimal
  /** p × Σ weights: the weight the chosen value's cumulative weight first reaches. */
  readonly threshold: Decimal
  readonly total: Decimal
}

/**
 * The weighted inverted-CDF percentile (Hyndman–Fan type 1; numpy's `inverted_cdf`): among the
 * values with a positive weight, in ascending order (ties by input order), the first whose
 * cumulative weight reaches p × Σ weights. With equal weights it is the nearest-rank order
 * statistic x_(max(1, ⌈pn⌉)); p = 0 gives the minimum, p = 1 the maximum. The result is always
 * one of the values, so it is exact. Weights absent means every weight 1.
 */
export const weightedPercentileExact = (
  values: ReadonlyArray<Decimal>,
  weights: ReadonlyArray<Decimal> | undefined,
  p: Decimal
): PercentileArithmetic => {
  const items = values
    .map((value, index) => ({ value, index, weight: weights === undefined ? ONE : weights[index]! }))
    .filter((item) => item.weight.gt(ZERO))
    .sort((a, b) => a.value.cmp(b.value) || a.index - b.index)
  const total = items.reduce((acc, item) => acc.add(item.weight), ZERO)
  const threshold = p.mul(total)
  let cumulative = ZERO
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!
    cumulative = cumulative.add(item.weight)
    // The last value always qualifies (cumulative = total ≥ p·total for p ≤ 1).
    if (cumulative.gte(threshold) || k === items.length - 1)
      return { value: item.value, index: item.index, rank: k + 1, counted: items.length, cumulative, threshold, total }
  }
  throw new RangeError("weightedPercentileExact needs at least one value with a positive weight")
}

/**
 * The same in floats. `weights` null means every weight 1; `order` is an optional scratch array
 * of at least values.length entries (no allocation when given). A cumulative weight within
 * TIE_TOLERANCE × Σ weights of the threshold counts as reaching it, as the exact form's
 * equality would.
 */
export const weightedPercentileFloat = (values: Float64Array, weights: Float64Array | null, p: number, order?: Uint32Array): number => {
  const n = values.length
  const idx = order === undefined ? new Uint32Array(n) : order.subarray(0, n)
  for (let i = 0; i < n; i++) idx[i] = i
  idx.sort((a, b) => values[a]! - values[b]! || a - b)
  let total = 0
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i]!
    if (w > 0) total += w
  }
  const threshold = p * total - TIE_TOLERANCE * total
  let cumulative = 0
  let last = NaN
  for (let k = 0; k < n; k++) {
    const i = idx[k]!
    const w = weights === null ? 1 : weights[i]!
    if (!(w > 0)) continue
    cumulative += w
    last = values[i]!
    if (cumulative >= threshold) return last
  }
  return last
}
