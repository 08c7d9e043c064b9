import type { Decimal } from "decimal.js"
import { ONE, sum, ZERO } from "../decimal.js"
import { derive, exactText, explained, quantity, type Explained } from "../derivation.js"
import { bandSharesExact } from "../compute/bands.js"
import { bandOrderProblems, problemError } from "../checks.js"
import { invalid } from "../errors.js"
import { formatFixed } from "../rounding.js"
import type { Band } from "./terms.js"

/**
 * Marginal sharing bands (like tax brackets): each band shares the part of the gap, measured
 * as a share of the benchmark B, that lies between its `from` and `to`. REACH's risk
 * corridors and tiered commercial contracts (0–2 % → 0, 2–5 % → 50 %, > 5 % → 75 %) are
 * both this shape (docs/model.md §6; REACH §9.10, commercial contracts §9.11).
 */

const percent = (rate: Decimal): string => `${exactText(rate.mul(100))} %`

const bandText = (band: Band): string =>
  band.to === undefined ? `> ${percent(band.from)} → ${percent(band.share)}` : `${percent(band.from)}–${percent(band.to)} → ${percent(band.share)}`

/** Bands must start at or above 0, ascend without overlapping, and share between 0 and 1. Gaps between bands share nothing. */
export const validateBands = (rule: string, field: string, bands: ReadonlyArray<Band>): void => {
  if (bands.length === 0) throw invalid(rule, field, "must hold at least one band")
  bands.forEach((band, index) => {
    const where = `${field}[${index}]`
    if (!band.from.isFinite() || band.from.lt(ZERO)) throw invalid(rule, where, `from must be a finite share ≥ 0 (got ${exactText(band.from)})`)
    if (band.to !== undefined && !band.to.isFinite()) throw invalid(rule, where, `to must be a finite share (got ${exactText(band.to)})`)
    if (!band.share.isFinite() || band.share.lt(ZERO) || band.share.gt(ONE)) {
      throw invalid(rule, where, `share must be in [0, 1] (got ${exactText(band.share)})`)
    }
  })
  const [disordered] = bandOrderProblems(bands)
  if (disordered) throw problemError(rule, field, disordered)
}

export interface BandShare {
  readonly band: Band
  /** Dollars of the gap that fall in this band. */
  readonly gapInBand: Decimal
  /** gapInBand × share. */
  readonly shared: Decimal
}

/** The band share that applies to the next dollar at gap rate `at` (0 when `at` falls between bands). */
export const marginalBandShare = (bands: ReadonlyArray<Band>, at: Decimal): Decimal =>
  bands.find((b) => at.gte(b.from) && (b.to === undefined || at.lt(b.to)))?.share ?? ZERO

/**
 * Share a gap (|B − E|, in dollars) through marginal bands; only the part of the gap above
 * `startRate` is shared (0 from the first dollar, the corridor for beyond-corridor sharing).
 * shared = Σ_b share_b × max(0, min(to_b × B, gap) − max(from_b, startRate) × B), in dollars (compute/bands.ts).
 */
export const shareByBands = (args: {
  readonly rule: string
  readonly label: string
  readonly bands: ReadonlyArray<Band>
  readonly benchmark: Decimal
  readonly gap: Decimal
  readonly startRate: Decimal
  readonly source?: string
}): Explained<{ readonly shared: Decimal; readonly perBand: ReadonlyArray<BandShare> }> => {
  validateBands(args.rule, "bands", args.bands)
  const perBand = bandSharesExact(args.bands, args.benchmark, args.gap, args.startRate).map((b, i): BandShare => ({ band: args.bands[i]!, ...b }))
  const shared = sum(perBand.map((b) => b.shared))
  const notes = perBand
    .filter((b) => !b.gapInBand.isZero())
    .map((b) => `band ${bandText(b.band)}: ${formatFixed(b.gapInBand, 2)} × ${percent(b.band.share)} = ${formatFixed(b.shared, 2)}`)
  return explained(
    { shared, perBand },
    derive({
      rule: args.rule,
      label: args.label,
      formula: "shared = Σ share_b × max(0, min(to_b × B, gap) − max(from_b, start) × B)",
      inputs: [
        quantity("benchmark B", args.benchmark, "money"),
        quantity("gap |B − E|", args.gap, "money"),
        quantity("gap rate |B − E|/B", args.gap.div(args.benchmark), "rate"),
        quantity("sharing starts at", args.startRate, "rate")
      ],
      output: quantity("shared before quality, sequestration and caps", shared, "money"),
      ...(args.source ? { source: args.source } : {}),
      notes: [`bands: ${args.bands.map(bandText).join("; ")}`, ...notes]
    })
  )
}
