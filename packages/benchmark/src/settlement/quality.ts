import type { Decimal } from "decimal.js"
import { dec, min, ONE, ZERO } from "../decimal.js"
import { derive, exactText, explained, quantity, type Derivation, type Explained } from "../derivation.js"
import { invalid } from "../errors.js"

/**
 * MSSP's quality performance standard from its inputs (42 CFR 425.512, as amended through the
 * CY2024 physician fee schedule rule, 88 FR 79546): the health equity adjustment of the quality
 * score (425.512(b)), whether the standard or its alternative is met (425.512(a)(3)–(5)), and
 * what that does to the sharing rate (425.605(d)(1)(i)–(v)(A)(4), 425.610(d)(4)): the full rate,
 * the rate × the adjusted score (the alternative's sliding scale), or nothing. The result is the
 * three figures settle() reads: score, savings multiplier, standard met.
 */

const RULE = "settlement.quality"

/** The standard's percentile of MIPS Quality performance category scores from PY2024 (425.512(a)(5)(i)); PY2021–PY2023: 0.30. */
export const MSSP_QUALITY_STANDARD_PERCENTILE = dec("0.40")
/** Health equity adjustment bonus points are capped at 10 (425.512(b)(3)(v)). */
export const HEALTH_EQUITY_MAX_BONUS = dec(10)
/** Below this underserved share an ACO earns no bonus points (425.512(b)(3)(iv)(B)). */
export const HEALTH_EQUITY_MIN_UNDERSERVED = dec("0.20")

/** The health equity adjustment's inputs (425.512(b)(3)). */
export interface HealthEquityInput {
  /**
   * Measure performance scaler: over the APP measure set, 4, 2 or 0 for each measure on which the
   * ACO is in the top, middle or bottom third of ACO performers (0 for a measure not scored), summed.
   */
  readonly measurePerformanceScaler: Decimal
  /**
   * Underserved multiplier: the share of assigned beneficiaries who are underserved, the higher of
   * the share living in a census block group with an ADI national percentile rank of at least 85
   * and the share enrolled in the Part D low-income subsidy or dually eligible.
   */
  readonly underservedProportion: Decimal
}

/** How the standard is judged (425.512(a)(5)(i)): the ACO's percentile rank, its score against the score at the standard's percentile, or as CMS reported it. */
export type QualityStandardTest =
  /** The ACO's (health-equity adjusted) score is at this percentile rank of all MIPS quality scores; met iff ≥ the standard's. */
  | { readonly kind: "percentile"; readonly percentile: Decimal; readonly standardPercentile: Decimal }
  /** The MIPS quality score at the standard's percentile; met iff the adjusted score is at least it. */
  | { readonly kind: "score"; readonly standardScore: Decimal }
  /** Met or not, as reported (CMS's Met_QPS); the route to it (percentile, the PY2024 eCQM route, a first year) is CMS's finding. */
  | { readonly kind: "reported"; readonly met: boolean }

export interface QualityStandardInput {
  /** The ACO's MIPS Quality performance category score, in [0, 1] (76.63 % is 0.7663), before the health equity adjustment. */
  readonly score: Decimal
  /** Present when the ACO reports all the eCQMs/MIPS CQMs/Medicare CQMs and administers CAHPS (425.512(b)(2)): the adjustment applies. */
  readonly healthEquity?: HealthEquityInput
  readonly standard: QualityStandardTest
  /** The alternative standard (425.512(a)(5)(ii)): at least the 10th percentile on one of the four outcome measures of the APP measure set. */
  readonly alternativeMet: boolean
}

/** Which way the year's quality went: the standard, only its alternative, or neither. */
export type QualityStandardPath = "standard" | "alternative" | "failed"

export interface QualityStandard {
  /** The health-equity adjusted quality score: what the alternative's sliding scale and the ENHANCED loss rate read (425.512(b)(4)). */
  readonly score: Decimal
  /** 1 when the standard is met, the adjusted score under the alternative, 0 when both fail. */
  readonly savingsMultiplier: Decimal
  /** The standard or its alternative is met: savings may be shared (425.605(c)(2)(ii)); false: none, and ENHANCED's failed-quality loss rate. */
  readonly meetsStandard: boolean
  readonly path: QualityStandardPath
  /** Bonus points added (0–10), when the health equity adjustment was given. */
  readonly healthEquityBonus?: Decimal
}

const pct = (rate: Decimal): string => `${exactText(rate.mul(100))} %`

const requireShare = (field: string, value: Decimal): void => {
  if (!value.isFinite() || value.lt(ZERO) || value.gt(ONE)) throw invalid(RULE, field, `must be a share in [0, 1] (got ${exactText(value)})`)
}

/**
 * Health equity adjustment bonus points (425.512(b)(3)(iii)–(v)): measure performance scaler ×
 * underserved multiplier, at most 10; none when fewer than 20 % of the assigned beneficiaries are
 * underserved. Example: scaler 12, underserved 0.5 → 6 points.
 */
export const healthEquityBonus = (input: HealthEquityInput): Explained<Decimal> => {
  const { measurePerformanceScaler: scaler, underservedProportion: underserved } = input
  if (!scaler.isFinite() || scaler.lt(ZERO)) throw invalid(RULE, "healthEquity.measurePerformanceScaler", `must be ≥ 0 (got ${exactText(scaler)})`)
  requireShare("healthEquity.underservedProportion", underserved)
  const eligible = underserved.gte(HEALTH_EQUITY_MIN_UNDERSERVED)
  const product = scaler.mul(underserved)
  const bonus = eligible ? min(product, HEALTH_EQUITY_MAX_BONUS) : ZERO
  const notes = !eligible
    ? [`underserved share ${pct(underserved)} < ${pct(HEALTH_EQUITY_MIN_UNDERSERVED)}: no bonus points`]
    : product.gt(HEALTH_EQUITY_MAX_BONUS)
      ? [`${exactText(product)} points capped at ${exactText(HEALTH_EQUITY_MAX_BONUS)}`]
      : []
  return explained(
    bonus,
    derive({
      rule: `${RULE}.healthEquity`,
      label: "Health equity adjustment bonus points",
      formula: "bonus = min(10, measure performance scaler × underserved multiplier); 0 when underserved < 20 %",
      inputs: [quantity("measure performance scaler", scaler, "count"), quantity("underserved multiplier", underserved, "rate")],
      output: quantity("bonus points", bonus, "factor"),
      source: "42 CFR 425.512(b)(3) (values 4/2/0 per APP measure by third of ACO performers; ADI ≥ 85 or LIS/dual share)",
      notes
    })
  )
}

/**
 * The health-equity adjusted quality score (425.512(b)(2)): min(100 %, MIPS quality score + bonus
 * points). Example: 70.63 % + 6 points = 76.63 %.
 */
export const healthEquityAdjustedScore = (score: Decimal, healthEquity: HealthEquityInput): Explained<Decimal> => {
  requireShare("score", score)
  const points = healthEquityBonus(healthEquity)
  const raw = score.add(points.value.div(100))
  const adjusted = min(ONE, raw)
  return explained(
    adjusted,
    derive({
      rule: `${RULE}.adjusted`,
      label: "Health-equity adjusted quality score",
      formula: "adjusted = min(100 %, MIPS quality score + bonus points)",
      inputs: [quantity("MIPS quality score", score, "rate"), quantity("bonus points", points.value, "factor")],
      output: quantity("adjusted score", adjusted, "rate"),
      source: "42 CFR 425.512(b)(2) (PY2024 on; (b)(1) for PY2023)",
      notes: raw.gt(ONE) ? ["capped at 100 %"] : [],
      steps: [points.derivation]
    })
  )
}

/**
 * The year's quality from its inputs (425.512):
 * 1. Health-equity adjusted score = min(100 %, MIPS quality score + bonus points) (425.512(b)(2)).
 * 2. Standard met: the ACO's percentile rank ≥ the standard's (40th from PY2024, 30th for
 *    PY2021–PY2023), or its adjusted score ≥ the score at that percentile, or as CMS reported.
 * 3. Otherwise the alternative standard (10th percentile on one of the four outcome measures):
 *    the sharing rate × the adjusted score (sliding scale, e.g. 50 % × 0.7663 = 38.315 %).
 * 4. Otherwise no shared savings, and ENHANCED's 75 % loss rate (425.610(f)(4)(ii)).
 */
export const msspQualityStandard = (input: QualityStandardInput): Explained<QualityStandard> => {
  requireShare("score", input.score)
  const steps: Array<Derivation> = []
  let score = input.score
  let bonus: Decimal | undefined
  if (input.healthEquity !== undefined) {
    const adjusted = healthEquityAdjustedScore(input.score, input.healthEquity)
    bonus = healthEquityBonus(input.healthEquity).value
    score = adjusted.value
    steps.push(adjusted.derivation)
  }
  const standard = input.standard
  let met: boolean
  let test: string
  const inputs = [quantity("quality score", score, "rate")]
  switch (standard.kind) {
    case "percentile":
      requireShare("percentile", standard.percentile)
      requireShare("standardPercentile", standard.standardPercentile)
      met = standard.percentile.gte(standard.standardPercentile)
      test = `percentile rank ${pct(standard.percentile)} ${met ? "≥" : "<"} the standard's ${pct(standard.standardPercentile)}`
      inputs.push(quantity("percentile rank", standard.percentile, "rate"), quantity("standard percentile", standard.standardPercentile, "rate"))
      break
    case "score":
      requireShare("standardScore", standard.standardScore)
      met = score.gte(standard.standardScore)
      test = `adjusted score ${pct(score)} ${met ? "≥" : "<"} ${pct(standard.standardScore)}, the score at the standard's percentile`
      inputs.push(quantity("score at the standard's percentile", standard.standardScore, "rate"))
      break
    case "reported":
      met = standard.met
      test = `standard ${met ? "met" : "not met"}, as reported`
      break
  }
  const path: QualityStandardPath = met ? "standard" : input.alternativeMet ? "alternative" : "failed"
  const savingsMultiplier = path === "standard" ? ONE : path === "alternative" ? score : ZERO
  const outcome =
    path === "standard"
      ? "quality performance standard met: the full sharing rate"
      : path === "alternative"
        ? `alternative quality performance standard met: the sharing rate × the adjusted score ${pct(score)}`
        : "neither the standard nor the alternative met: no shared savings (and ENHANCED's failed-quality loss rate)"
  steps.push(
    derive({
      rule: `${RULE}.standard`,
      label: "Quality performance standard",
      formula: "standard met → multiplier 1; else alternative met → multiplier = adjusted score; else no savings",
      inputs: [...inputs, quantity("alternative met (1 yes, 0 no)", input.alternativeMet ? ONE : ZERO, "count")],
      output: quantity("savings multiplier", savingsMultiplier, "factor"),
      source:
        "42 CFR 425.512(a)(5)(i)–(ii) (standard: 40th percentile of MIPS quality scores from PY2024, 30th for PY2021–2023; alternative: 10th percentile on one of the four APP outcome measures); 425.605(d)(1)(i)–(v)(A)(4), 425.610(d)(4) (rate × adjusted score)",
      notes: [test, outcome]
    })
  )
  const value: QualityStandard = { score, savingsMultiplier, meetsStandard: path !== "failed", path, ...(bonus !== undefined ? { healthEquityBonus: bonus } : {}) }
  const last = steps[steps.length - 1]!
  return explained(value, steps.length === 1 ? last : { ...last, steps: steps.slice(0, -1) })
}
