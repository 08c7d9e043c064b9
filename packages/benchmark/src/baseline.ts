import type { Decimal } from "decimal.js"
import type { ObservedGrowth, TrendPolicy } from "./benchmarkTerms.js"
import { ONE, ZERO } from "./decimal.js"
import { derive, explained, quantity, type Explained } from "./derivation.js"
import { baselineYearExact } from "./compute/baseline.js"
import { invalid } from "./errors.js"
import { pmpm, type ExperienceCell } from "./experience.js"
import { trendFactor } from "./trend.js"
import { problemError, weightSumProblems } from "./checks.js"

/**
 * The historical baseline (docs/model.md §2): each baseline year's risk-adjusted PMPM, restated
 * to a common risk level and trended to the last baseline year, then weighted.
 */

export interface BaselineYearInput {
  readonly year: number
  readonly experience: ExperienceCell
  readonly weight: Decimal
}

const BASELINE_SOURCE =
  "42 CFR 425.652(a)(3)–(7) (risk restatement to BY3, trend to BY3, weights 10/30/60) and 425.652(c)(2) (equal weights on renewal)"

/**
 * B = Σ w_i · (PMPM_i ÷ RS_i) · riskBasis · F(y_i → y_last).
 * `riskBasis` is the risk level the baseline is stated at: the last baseline year's risk score
 * reproduces CMS's restatement to BY3 (E' = E × RS_BY3 ÷ RS_y); 1 gives a per-unit-risk baseline.
 */
export const weightedBaseline = (args: BaselineArgs & { readonly label: string }): Explained<Decimal> => {
  const { years, riskBasis } = args
  checkBaseline(args)
  const lastYear = years[years.length - 1]!.year
  const perYear = years.map((y) => {
    const yearPmpm = pmpm(y.experience.cost, y.experience.memberMonths)
    const factor = trendFactor(args.historicalTrend, y.year, lastYear, args.observed)
    const { restated, trended, contribution } = baselineYearExact(yearPmpm.value, y.experience.riskScore, riskBasis, factor.value, y.weight)
    const derivation = derive({
      rule: "baseline.year",
      label: `Baseline year ${y.year}`,
      formula: "w · (PMPM ÷ RS) · riskBasis · F(y → y_last)",
      inputs: [
        quantity(`PMPM ${y.year}`, yearPmpm.value, "pmpm"),
        quantity(`risk score ${y.year}`, y.experience.riskScore, "risk"),
        quantity("risk basis", riskBasis, "risk"),
        quantity(`restated PMPM ${y.year}`, restated, "pmpm"),
        quantity(`F ${y.year} → ${lastYear}`, factor.value, "factor"),
        quantity(`trended PMPM ${y.year}`, trended, "pmpm"),
        quantity(`weight ${y.year}`, y.weight, "weight")
      ],
      output: quantity(`weighted contribution ${y.year}`, contribution, "pmpm"),
      source: BASELINE_SOURCE,
      steps: [yearPmpm.derivation, factor.derivation]
    })
    return { year: y.year, contribution, derivation }
  })
  const baseline = sumContributions(perYear.map((y) => y.contribution))
  return explained(
    baseline,
    derive({
      rule: RULE,
      label: args.label,
      formula: "B = Σ w_i · (PMPM_i ÷ RS_i) · riskBasis · F(y_i → y_last)",
      inputs: perYear.map((y) => quantity(`contribution ${y.year}`, y.contribution, "pmpm")),
      output: quantity("baseline PMPM", baseline, "pmpm"),
      source: BASELINE_SOURCE,
      notes: [
        `stated in ${lastYear} dollars at risk level ${riskBasis.toFixed()}`,
        `weights ${years.map((y) => y.weight.toSignificantDigits(6).toFixed()).join(" / ")}`
      ],
      steps: perYear.map((y) => y.derivation)
    })
  )
}

/**
 * weightedBaseline's number alone, by the same checks, contributions and sum, without its explanation:
 * a peer percentile target ranks every peer's baseline, hundreds of them per provider in a market.
 */
export const weightedBaselineValue = (args: BaselineArgs): Decimal => {
  const { years, riskBasis } = args
  checkBaseline(args)
  const lastYear = years[years.length - 1]!.year
  return sumContributions(
    years.map(
      (y) =>
        baselineYearExact(
          y.experience.cost.div(y.experience.memberMonths),
          y.experience.riskScore,
          riskBasis,
          trendFactor(args.historicalTrend, y.year, lastYear, args.observed).value,
          y.weight
        ).contribution
    )
  )
}

const sumContributions = (contributions: ReadonlyArray<Decimal>): Decimal => contributions.reduce((acc, c) => acc.add(c), ZERO)

interface BaselineArgs {
  readonly years: ReadonlyArray<BaselineYearInput>
  readonly historicalTrend: TrendPolicy
  readonly observed?: ObservedGrowth
  readonly riskBasis: Decimal
}

const RULE = "baseline.weighted"

/** The inputs a baseline refuses: no years, a bad risk basis, years out of order, weights outside [0, 1] or not summing to 1, an empty or negative cell. */
const checkBaseline = (args: BaselineArgs): void => {
  const rule = RULE
  const { years, riskBasis } = args
  if (years.length === 0) throw invalid(rule, "years", "is empty: a baseline needs at least one year")
  if (!riskBasis.isFinite() || !riskBasis.gt(ZERO)) throw invalid(rule, "riskBasis", "must be a positive risk score")
  let weightSum = ZERO
  years.forEach((y, i) => {
    if (!Number.isInteger(y.year)) throw invalid(rule, `years[${i}].year`, `must be a whole calendar year, got ${y.year}`)
    const previous = years[i - 1]
    if (previous !== undefined && y.year <= previous.year)
      throw invalid(rule, `years[${i}].year`, `(${y.year}) must come after ${previous.year}: years strictly ascending, each once`)
    if (!y.weight.isFinite() || y.weight.lt(ZERO) || y.weight.gt(ONE))
      throw invalid(rule, `years[${i}].weight`, `must be in [0, 1], got ${y.weight.toFixed()}`)
    if (!y.experience.memberMonths.isFinite() || !y.experience.memberMonths.gt(ZERO))
      throw invalid(rule, `years[${i}].experience.memberMonths`, `must be positive: ${y.year} needs member months for a PMPM`)
    if (!y.experience.cost.isFinite() || y.experience.cost.isNegative())
      throw invalid(rule, `years[${i}].experience.cost`, "must be a non-negative amount")
    if (!y.experience.riskScore.isFinite() || !y.experience.riskScore.gt(ZERO))
      throw invalid(rule, `years[${i}].experience.riskScore`, "must be a positive risk score")
    weightSum = weightSum.add(y.weight)
  })
  const [unbalanced] = weightSumProblems(years.map((y) => y.weight))
  if (unbalanced) throw problemError(rule, "years weights", unbalanced)
}
