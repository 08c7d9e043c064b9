import type { Decimal } from "decimal.js"
import { max, min, ZERO } from "../decimal.js"

/**
 * Marginal bands: the part of the gap |B − E| above `startRate` × B that falls in each band
 * [from × B, to × B) is shared at that band's share: Σ share_b × max(0, min(to_b·B, gap) − max(from_b, start)·B).
 * In dollars, not as rates of B: the gap is exact, while gap ÷ B would be rounded to 40 digits
 * and carry that rounding into every shared dollar.
 */
export const bandSharesExact = (
  bands: ReadonlyArray<{ readonly from: Decimal; readonly to?: Decimal | undefined; readonly share: Decimal }>,
  benchmark: Decimal,
  gap: Decimal,
  startRate: Decimal
): ReadonlyArray<{ readonly gapInBand: Decimal; readonly shared: Decimal }> =>
  bands.map((band) => {
    const top = band.to === undefined ? gap : min(band.to.mul(benchmark), gap)
    const gapInBand = max(ZERO, top.sub(max(band.from, startRate).mul(benchmark)))
    return { gapInBand, shared: gapInBand.mul(band.share) }
  })

/** The same total in floats; `to` is +Infinity for an open top. */
export const bandShareFloat = (
  from: Float64Array,
  to: Float64Array,
  share: Float64Array,
  benchmark: number,
  gap: number,
  startRate: number
): number => {
  let shared = 0
  for (let b = 0; b < from.length; b++) {
    const top = to[b]! * benchmark < gap ? to[b]! * benchmark : gap
    const inBand = top - (from[b]! > startRate ? from[b]! : startRate) * benchmark
    if (inBand > 0) shared += inBand * share[b]!
  }
  return shared
}
