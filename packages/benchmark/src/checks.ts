import type { Decimal } from "decimal.js"
import { dec, ONE, sum } from "./decimal.js"
import { invalid, type InvalidArgument } from "./errors.js"

/**
 * Checks that both the rules and scenario validation make, written once. A check returns its
 * problems as data (where, what was expected, what was found); a rule throws the first as an
 * InvalidArgument, and `pbpsim validate` reports every one at its place in the scenario file.
 */
export interface RuleProblem {
  /** Path below the checked value (a band index and field, "floor", …); empty for the value itself. */
  readonly path: ReadonlyArray<string | number>
  readonly expected: string
  readonly got: string
}

const show = (d: Decimal): string => d.toFixed()

/** The InvalidArgument a rule throws for a problem found in `field`. */
export const problemError = (rule: string, field: string, problem: RuleProblem): InvalidArgument =>
  invalid(rule, `${field}${problem.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`, `expected ${problem.expected}, got ${problem.got}`)

/** Weights may miss 1 by this much, so that 1/3 or 2/3 can be given as 40-digit decimals. */
export const WEIGHT_SUM_TOLERANCE = dec("1e-12")

/** Σw = 1 within WEIGHT_SUM_TOLERANCE (baseline years, rebasing years, blend parts). */
export const weightSumProblems = (weights: ReadonlyArray<Decimal>): ReadonlyArray<RuleProblem> => {
  const total = sum(weights)
  return total.sub(ONE).abs().lte(WEIGHT_SUM_TOLERANCE) ? [] : [{ path: [], expected: "weights summing to 1", got: `${show(total)} (${weights.map(show).join(" + ")})` }]
}

/** A trend's floor may not exceed its cap. */
export const trendRailProblems = (rails: { readonly cap?: Decimal | undefined; readonly floor?: Decimal | undefined }): ReadonlyArray<RuleProblem> =>
  rails.cap !== undefined && rails.floor !== undefined && rails.floor.gt(rails.cap)
    ? [{ path: ["floor"], expected: `a floor at most the cap ${show(rails.cap)}`, got: show(rails.floor) }]
    : []

/** A quality-linked loss rate's floor (min) may not exceed its ceiling (max). */
export const lossRateBoundProblems = (bounds: { readonly min: Decimal; readonly max: Decimal }): ReadonlyArray<RuleProblem> =>
  bounds.min.gt(bounds.max) ? [{ path: ["min"], expected: `at most max ${show(bounds.max)}`, got: show(bounds.min) }] : []

/** Marginal bands: each band's top above its bottom, bands ascending without overlap, only the last open-ended. */
export const bandOrderProblems = (bands: ReadonlyArray<{ readonly from: Decimal; readonly to?: Decimal | null | undefined }>): ReadonlyArray<RuleProblem> => {
  const problems: Array<RuleProblem> = []
  bands.forEach((band, i) => {
    if (band.to !== undefined && band.to !== null && band.to.lte(band.from)) {
      problems.push({ path: [i, "to"], expected: `an upper end above from ${show(band.from)}`, got: show(band.to) })
    }
    const previous = bands[i - 1]
    if (previous === undefined) return
    if (previous.to === undefined || previous.to === null) {
      problems.push({ path: [i], expected: "no band after one without an upper end", got: `a band from ${show(band.from)}` })
    } else if (band.from.lt(previous.to)) {
      problems.push({ path: [i, "from"], expected: `at least the previous band's end ${show(previous.to)} (bands ascending, not overlapping)`, got: show(band.from) })
    }
  })
  return problems
}

/**
 * A year's quality given either by hand (savingsMultiplier, meetsStandard) or from the inputs of
 * MSSP's standard (percentile or standardScore, with alternativeMet; 425.512): not both, one test
 * of the standard, and the standard's own percentile only beside a percentile rank.
 */
export const qualityInputProblems = (quality: {
  readonly savingsMultiplier?: Decimal | undefined
  readonly meetsStandard?: boolean | undefined
  readonly percentile?: Decimal | undefined
  readonly standardScore?: Decimal | undefined
  readonly standardPercentile?: Decimal | undefined
  readonly alternativeMet?: boolean | undefined
}): ReadonlyArray<RuleProblem> => {
  const problems: Array<RuleProblem> = []
  const derived = quality.percentile !== undefined || quality.standardScore !== undefined
  if (quality.percentile !== undefined && quality.standardScore !== undefined) {
    problems.push({ path: ["standardScore"], expected: "percentile or standardScore, not both (two tests of the same standard)", got: show(quality.standardScore) })
  }
  if (derived) {
    for (const field of ["savingsMultiplier", "meetsStandard"] as const) {
      const given = quality[field]
      if (given !== undefined) {
        problems.push({ path: [field], expected: "nothing: it is derived from percentile or standardScore and alternativeMet (425.512)", got: typeof given === "boolean" ? String(given) : show(given) })
      }
    }
  } else if (quality.alternativeMet !== undefined) {
    problems.push({ path: ["alternativeMet"], expected: "percentile or standardScore beside it (the alternative counts only when the standard is missed)", got: String(quality.alternativeMet) })
  }
  if (quality.standardPercentile !== undefined && quality.percentile === undefined) {
    problems.push({ path: ["standardPercentile"], expected: "percentile beside it (the ACO's rank it is compared with)", got: show(quality.standardPercentile) })
  }
  return problems
}
