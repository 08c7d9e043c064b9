import type { Decimal } from "decimal.js"
import { max, min, ZERO } from "../decimal.js"

/**
 * Marginal bands: the part of the gap rate (|B − E| ÷ B) above `startRate` that falls in each
 * band [from, to) is shared at that band's share: Σ share_b × B × max(0, min(to_b, gap) − max(from_b, start)).
 */
export const bandSharesExact = (
  bands: ReadonlyArray<{ readonly from: Decimal; readonly to?: Decimal | undefined; readonly share: Decimal }>,
  benchmark: Decimal,
  gapRate: Decimal,
  startRate: Decimal
): ReadonlyArray<{ readonly gapInBand: Decimal; readonly shared: Decimal }> =>
  bands.map((band) => {
    const top = band.to === undefined ? gapRate : min(band.to, gapRate)
    const gapInBand = max(ZERO, top.sub(max(band.from, startRate))).mul(benchmark)
    return { gapInBand, shared: gapInBand.mul(band.share) }
  })

/** The same total in floats; `to` is +Infinity for an open top. */
export const bandShareFloat = (
  from: Float64Array,
  to: Float64Array,
  share: Float64Array,
  benchmark: number,
  gapRate: number,
  startRate: number
): number => {
  let shared = 0
  for (let b = 0; b < from.length; b++) {
    const top = to[b]! < gapRate ? to[b]! : gapRate
    const width = top - (from[b]! > startRate ? from[b]! : startRate)
    if (width > 0) shared += width * benchmark * share[b]!
  }
  return shared
}
