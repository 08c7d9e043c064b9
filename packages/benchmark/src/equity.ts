import type { Decimal } from "decimal.js"
import type { RiskCaps } from "./benchmarkTerms.js"
import { dec, ONE, ZERO } from "./decimal.js"
import { derive, explained, quantity, type Derivation, type Explained, type Quantity } from "./derivation.js"
import { invalid } from "./errors.js"
import { formatFixed } from "./rounding.js"
import {
  codingAdjustedExact,
  effectiveRiskRatioExact,
  equityAddOnExact,
  offsetRegionalAdjustmentExact,
  partialRiskRatioExact,
  regionalOffsetFactorExact,
  weightedPercentileExact,
  type CodingAdjustment,
  type CodingStage,
  type OffsetOrder
} from "./compute/equity.js"

/**
 * Benchmark-side equity rules (docs/rules/equity.md): where each enters the chain of
 * docs/model.md §3 is stated on each function.
 * - healthEquityAddOn / withEquityAddOn: a flat dollar amount per member month for the share of
 *   members in the most deprived group, less one for the least deprived (ACO REACH's HEBA),
 *   added after the discount, before rounding.
 * - msspRegionalOffset: MSSP's offset of a negative regional adjustment (42 CFR 425.656), on the
 *   convergence adjustment, before the savings credit and trend.
 * - codingIntensityAdjustment, partialRiskRatio, effectiveRiskRatio: the risk ratio of step 6.
 * - weightedPercentile: an "efficient" peer baseline, the p-th percentile of peer costs (step 2).
 */

const finite = (rule: string, field: string, value: Decimal): void => {
  if (!value.isFinite()) throw invalid(rule, field, "must be a finite number")
}

const share = (rule: string, field: string, value: Decimal): void => {
  finite(rule, field, value)
  if (value.isNegative() || value.gt(ONE)) throw invalid(rule, field, `must be a share in [0, 1], got ${value.toFixed()}`)
}

const nonNegative = (rule: string, field: string, value: Decimal): void => {
  finite(rule, field, value)
  if (value.isNegative()) throw invalid(rule, field, `must not be negative, got ${value.toFixed()}`)
}

const positive = (rule: string, field: string, value: Decimal): void => {
  finite(rule, field, value)
  if (!value.gt(ZERO)) throw invalid(rule, field, `must be positive, got ${value.toFixed()}`)
}

const money = (value: Decimal): string => formatFixed(value, 2)

// ── (a) Flat-dollar equity add-on ─────────────────────────────────────────────────────────

const HEBA_SOURCE =
  "ACO REACH Health Equity Benchmark Adjustment (HEBA): +$30 PBPM for members with a high national ADI / dual-LIS score, −$6 PBPM otherwise, PY2023 (secondary: CareJourney, Sept. 2022; the decile bands not checked against a CMS text); added to the benchmark after the discount (REACH benchmark report: line 14 'Benchmark for All Aligned Beneficiaries' → line 21 'Benchmark after Health Equity Adjustment'); docs/rules/equity.md"

/**
 * ACO REACH's HEBA amounts for PY2023 as a secondary source reports them (docs/rules/equity.md):
 * +$30 PBPM for members with a high ADI / dual-status score, −$6 PBPM for the downward group.
 * Not checked against a CMS text.
 */
export const REACH_HEBA_PY2023 = { upAmount: dec(30), downAmount: dec(6) } as const

/**
 * addOn = upAmount × upShare − downAmount × downShare, PMPM. Shares are shares of member months
 * (REACH counts the eligible months of members in each group); the one-sided form is
 * `downShare` 0. Enters the chain after the discount: see withEquityAddOn.
 */
export const healthEquityAddOn = (args: {
  readonly upShare: Decimal
  readonly upAmount: Decimal
  readonly downShare?: Decimal
  readonly downAmount?: Decimal
}): Explained<Decimal> => {
  const rule = "equity.addOn"
  const downShare = args.downShare ?? ZERO
  const downAmount = args.downAmount ?? ZERO
  share(rule, "upShare", args.upShare)
  share(rule, "downShare", downShare)
  nonNegative(rule, "upAmount", args.upAmount)
  nonNegative(rule, "downAmount", downAmount)
  if (args.upShare.add(downShare).gt(ONE))
    throw invalid(rule, "downShare", `with upShare must not exceed 1 (a member month is in one group), got ${args.upShare.add(downShare).toFixed()}`)
  const { up, down, addOn } = equityAddOnExact(args.upShare, args.upAmount, downShare, downAmount)
  const twoSided = args.downShare !== undefined || args.downAmount !== undefined
  const inputs: Array<Quantity> = [quantity("share of member months in the upward group", args.upShare, "rate"), quantity("upward amount", args.upAmount, "pmpm")]
  if (twoSided) inputs.push(quantity("share of member months in the downward group", downShare, "rate"), quantity("downward amount", downAmount, "pmpm"))
  return explained(
    addOn,
    derive({
      rule,
      label: "Health equity add-on",
      formula: twoSided ? "addOn = upAmount × upShare − downAmount × downShare" : "addOn = upAmount × upShare",
      inputs,
      output: quantity("health equity add-on", addOn, "pmpm"),
      source: HEBA_SOURCE,
      notes: twoSided ? [`+${money(up)} for the upward group, −${money(down)} for the downward group`] : [`+${money(up)} for the upward group`]
    })
  )
}

/**
 * The discounted benchmark plus the add-on: REACH's report computes the "Benchmark after Health
 * Equity Adjustment" from the benchmark after the discount, so the add-on is neither trended,
 * risk adjusted nor discounted. In pbpsim's chain: after step 7 (discount), before step 8
 * (rounding).
 */
export const withEquityAddOn = (args: { readonly discounted: Decimal; readonly addOn: Explained<Decimal> }): Explained<Decimal> => {
  const rule = "benchmark.equityAddOn"
  finite(rule, "discounted", args.discounted)
  finite(rule, "addOn", args.addOn.value)
  const value = args.discounted.add(args.addOn.value)
  return explained(
    value,
    derive({
      rule,
      label: "Benchmark after the health equity add-on",
      formula: "discounted + addOn (after trend, risk and discount; before rounding)",
      inputs: [quantity("discounted benchmark", args.discounted, "pmpm"), quantity("health equity add-on", args.addOn.value, "pmpm")],
      output: quantity("benchmark after the add-on", value, "pmpm"),
      source: HEBA_SOURCE,
      steps: [args.addOn.derivation]
    })
  )
}

// ── (b) MSSP offset of a negative regional adjustment ─────────────────────────────────────

/** MSSP 2024+ caps of the regional adjustment, shares of national per capita FFS spending (42 CFR 425.656). */
export const MSSP_REGIONAL_CAPS = { up: dec("0.05"), down: dec("0.015") } as const

const OFFSET_SOURCE =
  "42 CFR 425.656 as adopted by the CY2023 PFS final rule (87 FR 69404, Nov. 18, 2022): negative regional adjustment capped at −1.5 % of national per capita FFS expenditure and reduced by an offset for the ACO's dual-eligible share and risk score; the CY2024 PFS final rule eliminated the overall negative regional adjustment (425.652(a)(8))"

/** offset = clamp(dual share + (weighted prospective HCC risk score − 1), 0, 1) (docs/rules/equity.md). */
export const msspRegionalOffsetFactor = (args: { readonly dualShare: Decimal; readonly riskScore: Decimal }): Explained<Decimal> => {
  const rule = "equity.regionalOffsetFactor"
  share(rule, "dualShare", args.dualShare)
  positive(rule, "riskScore", args.riskScore)
  const { raw, factor } = regionalOffsetFactorExact(args.dualShare, args.riskScore)
  return explained(
    factor,
    derive({
      rule,
      label: "Regional adjustment offset factor",
      formula: "offset = clamp(dual share + (risk score − 1), 0, 1)",
      inputs: [quantity("dual-eligible share of assigned beneficiaries", args.dualShare, "rate"), quantity("weighted prospective HCC risk score", args.riskScore, "risk")],
      output: quantity("offset factor", factor, "weight"),
      source: OFFSET_SOURCE,
      notes: raw.lt(ZERO) ? [`${raw.toFixed()} below 0: no offset`] : raw.gt(ONE) ? [`${raw.toFixed()} above 1: the whole negative adjustment is offset`] : []
    })
  )
}

/**
 * The regional adjustment as MSSP applies it to agreements from 2024 under 425.656: a positive
 * adjustment capped at up × national per capita; a negative one capped at −down × national per
 * capita and scaled by (1 − offset), the offset computed from the dual share and risk score.
 * `order` says whether the offset scales the capped amount (default, the reading of
 * docs/model.md §9.3 and WE9) or the cap limits the offset amount. The adjustment replaces the
 * convergence adjustment of step 3 (blended = B_P + adjusted), before the savings credit and trend.
 */
export const msspRegionalOffset = (args: {
  /** (1 − λ)(B_R − B_P) before any cap, PMPM. */
  readonly adjustment: Decimal
  /** National per capita FFS expenditure (the caps' basis), PMPM. */
  readonly nationalPerCapita: Decimal
  readonly dualShare: Decimal
  readonly riskScore: Decimal
  /** Shares of national per capita; default MSSP_REGIONAL_CAPS. An absent side is uncapped. */
  readonly caps?: { readonly up?: Decimal; readonly down?: Decimal }
  readonly order?: OffsetOrder
}): Explained<Decimal> => {
  const rule = "equity.regionalOffset"
  finite(rule, "adjustment", args.adjustment)
  nonNegative(rule, "nationalPerCapita", args.nationalPerCapita)
  const caps = args.caps ?? MSSP_REGIONAL_CAPS
  if (caps.up !== undefined) nonNegative(rule, "caps.up", caps.up)
  if (caps.down !== undefined) nonNegative(rule, "caps.down", caps.down)
  const order = args.order ?? "capThenOffset"
  if (order !== "capThenOffset" && order !== "offsetThenCap") throw invalid(rule, "order", `must be "capThenOffset" or "offsetThenCap", got ${String(order)}`)
  const offset = msspRegionalOffsetFactor({ dualShare: args.dualShare, riskScore: args.riskScore })
  const r = offsetRegionalAdjustmentExact(args.adjustment, args.nationalPerCapita, caps.up, caps.down, offset.value, order)
  const inputs: Array<Quantity> = [quantity("uncapped regional adjustment", args.adjustment, "pmpm"), quantity("national per capita", args.nationalPerCapita, "pmpm")]
  if (caps.up !== undefined) inputs.push(quantity("cap up", caps.up, "rate"))
  if (caps.down !== undefined) inputs.push(quantity("cap down", caps.down, "rate"))
  inputs.push(quantity("offset factor", offset.value, "weight"), quantity("adjustment without the offset", r.withoutOffset, "pmpm"))
  const notes: Array<string> = []
  if (r.binding === "up") notes.push(`cap binds: +${caps.up!.mul(100).toFixed()} % of national per capita = ${money(r.adjusted)}`)
  if (!r.offsetApplied) notes.push("positive adjustment: no offset")
  else {
    if (r.binding === "down") notes.push(`cap binds: −${caps.down!.mul(100).toFixed()} % of national per capita = ${money(caps.down!.mul(args.nationalPerCapita).neg())}`)
    notes.push(order === "capThenOffset" ? `capped ${money(r.withoutOffset)} × (1 − ${offset.value.toFixed()}) = ${money(r.adjusted)}` : `offset first, then the cap: ${money(r.adjusted)}`)
  }
  return explained(
    r.adjusted,
    derive({
      rule,
      label: "Regional adjustment after the cap and the offset",
      formula:
        order === "capThenOffset"
          ? "adj ≥ 0: min(adj, up·national); adj < 0: max(adj, −down·national) × (1 − offset)"
          : "adj ≥ 0: min(adj, up·national); adj < 0: max(adj × (1 − offset), −down·national)",
      inputs,
      output: quantity("regional adjustment", r.adjusted, "pmpm"),
      source: OFFSET_SOURCE,
      notes,
      steps: [offset.derivation]
    })
  )
}

// ── (c) Coding intensity and partial risk adjustment ──────────────────────────────────────

const CODING_SOURCE =
  "Medicare Advantage: payment score = score ÷ normalization × (1 − MA coding pattern adjustment, 5.9 % minimum, SSA §1853(a)(1)(C)(ii)); Next Generation ACO: HCC score ÷ coding factor (participation agreement); ACO REACH: normalization → ±3 % cap → × (1 − CIF), CIF ≤ 1 % in PY2025 (RTI, ACO REACH and KCC Models PY2025 Risk Adjustment)"

const checkCoding = (rule: string, adjustment: CodingAdjustment): void => {
  if (adjustment.form === "deflate") {
    finite(rule, "coding.rate", adjustment.rate)
    if (adjustment.rate.isNegative() || adjustment.rate.gte(ONE)) throw invalid(rule, "coding.rate", `must be in [0, 1), got ${adjustment.rate.toFixed()}`)
  } else if (adjustment.form === "divide") positive(rule, "coding.factor", adjustment.factor)
  else throw invalid(rule, "coding.form", `must be "deflate" or "divide", got ${String((adjustment as { form: unknown }).form)}`)
}

const codingFormula = (adjustment: CodingAdjustment): string => (adjustment.form === "deflate" ? "score × (1 − rate)" : "score ÷ factor")

/**
 * A risk score cut for coding intensity: × (1 − rate) (MA, REACH) or ÷ factor (NGACO; factor
 * 1 + c is "÷ (1 + codingIntensity)"). Applies to the current (performance-year) score only,
 * as every programme does: applied to both scores it would cancel in the ratio.
 */
export const codingIntensityAdjustment = (args: { readonly score: Decimal; readonly adjustment: CodingAdjustment }): Explained<Decimal> => {
  const rule = "risk.codingIntensity"
  positive(rule, "score", args.score)
  checkCoding(rule, args.adjustment)
  const value = codingAdjustedExact(args.score, args.adjustment)
  return explained(
    value,
    derive({
      rule,
      label: "Coding-adjusted risk score",
      formula: codingFormula(args.adjustment),
      inputs: [
        quantity("risk score", args.score, "risk"),
        args.adjustment.form === "deflate" ? quantity("coding adjustment rate", args.adjustment.rate, "rate") : quantity("coding factor", args.adjustment.factor, "factor")
      ],
      output: quantity("coding-adjusted risk score", value, "risk"),
      source: CODING_SOURCE
    })
  )
}

/**
 * Partial risk adjustment: 1 + weight × (ratio − 1), a weight-w blend of a fully risk-adjusted
 * and an unadjusted benchmark (B·ratio·w + B·(1 − w)). Applies to the final, capped ratio.
 */
export const partialRiskRatio = (args: { readonly ratio: Decimal; readonly weight: Decimal }): Explained<Decimal> => {
  const rule = "risk.partial"
  positive(rule, "ratio", args.ratio)
  share(rule, "weight", args.weight)
  const value = partialRiskRatioExact(args.ratio, args.weight)
  return explained(
    value,
    derive({
      rule,
      label: "Partially applied risk ratio",
      formula: "1 + weight × (ratio − 1)",
      inputs: [quantity("risk ratio", args.ratio, "factor"), quantity("risk weight", args.weight, "weight")],
      output: quantity("effective risk ratio", value, "factor"),
      source: "pbpsim contract term: a weight-w blend of the risk-adjusted and the unadjusted benchmark (docs/rules/equity.md)",
      notes: args.weight.eq(ONE) ? ["full risk adjustment"] : args.weight.isZero() ? ["no risk adjustment"] : []
    })
  )
}

/**
 * The risk ratio of step 6 with coding intensity and a partial weight, in this order:
 * coding of the current score (stage beforeRatio: MA, NGACO) → RS ÷ RS_base → the caps of
 * riskRatio (MSSP caps the ratio of scores, 425.605(a)(1)/425.610(a)(2)) → coding of the capped
 * ratio (stage afterCap: REACH's CIF follows its ±3 % cap) → 1 + weight × (· − 1).
 */
export const effectiveRiskRatio = (args: {
  readonly current: Decimal
  readonly base: Decimal
  readonly caps: RiskCaps
  readonly coding?: { readonly adjustment: CodingAdjustment; readonly stage: CodingStage }
  /** Default 1 (full risk adjustment). */
  readonly weight?: Decimal
}): Explained<Decimal> => {
  const rule = "risk.effectiveRatio"
  positive(rule, "current", args.current)
  positive(rule, "base", args.base)
  if (args.caps.up !== undefined && (!args.caps.up.isFinite() || args.caps.up.lte(ONE.neg()))) throw invalid(rule, "caps.up", "must be above −1")
  if (args.caps.down !== undefined) {
    nonNegative(rule, "caps.down", args.caps.down)
    if (args.caps.down.gt(ONE)) throw invalid(rule, "caps.down", "must not exceed 1 (a ratio cannot fall below 0)")
  }
  if (args.coding !== undefined) {
    checkCoding(rule, args.coding.adjustment)
    if (args.coding.stage !== "beforeRatio" && args.coding.stage !== "afterCap")
      throw invalid(rule, "coding.stage", `must be "beforeRatio" or "afterCap", got ${String(args.coding.stage)}`)
  }
  const weight = args.weight ?? ONE
  share(rule, "weight", weight)
  const r = effectiveRiskRatioExact(args.current, args.base, args.caps.up, args.caps.down, args.coding, weight)
  const steps: Array<Derivation> = []
  if (args.coding?.stage === "beforeRatio") steps.push(codingIntensityAdjustment({ score: args.current, adjustment: args.coding.adjustment }).derivation)
  const inputs: Array<Quantity> = [quantity("current risk score", args.current, "risk"), quantity("base risk score", args.base, "risk")]
  if (args.coding?.stage === "beforeRatio") inputs.push(quantity("coding-adjusted current score", r.codedCurrent, "risk"))
  inputs.push(quantity("uncapped ratio", r.raw, "factor"))
  if (args.caps.up !== undefined) inputs.push(quantity("cap up", args.caps.up, "rate"))
  if (args.caps.down !== undefined) inputs.push(quantity("cap down", args.caps.down, "rate"))
  inputs.push(quantity("capped ratio", r.capped, "factor"))
  if (args.coding?.stage === "afterCap") inputs.push(quantity("coding-adjusted ratio", r.coded, "factor"))
  inputs.push(quantity("risk weight", weight, "weight"))
  const notes = [r.binding === "up" ? `cap binds: ratio limited to ${r.capped.toFixed()}` : r.binding === "down" ? `floor binds: ratio raised to ${r.capped.toFixed()}` : "no cap binds"]
  if (!weight.eq(ONE)) notes.push(`partial risk adjustment: ${weight.mul(100).toFixed()} % of the change`)
  const formula =
    args.coding === undefined
      ? "1 + w × (clamp(RS ÷ RS_base, 1 − down, 1 + up) − 1)"
      : args.coding.stage === "beforeRatio"
        ? `1 + w × (clamp(coded(RS) ÷ RS_base, 1 − down, 1 + up) − 1), coded = ${codingFormula(args.coding.adjustment)}`
        : `1 + w × (coded(clamp(RS ÷ RS_base, 1 − down, 1 + up)) − 1), coded = ${codingFormula(args.coding.adjustment)}`
  return explained(
    r.ratio,
    derive({
      rule,
      label: "Effective risk ratio",
      formula,
      inputs,
      output: quantity("effective risk ratio", r.ratio, "factor"),
      source: `${CODING_SOURCE}; caps: 42 CFR 425.605(a)(1), 425.610(a)(2)`,
      notes,
      steps
    })
  )
}

// ── (e) Percentile of peer costs ──────────────────────────────────────────────────────────

/** Peers listed one by one in a derivation up to this many; beyond it only the count is shown. */
const LISTED_PEERS = 25

/**
 * The p-th weighted percentile of peer values (p in [0, 1]) by the inverted CDF: the smallest
 * value whose cumulative weight, values ascending, reaches p × Σ weights. Always one of the
 * values (so exact); with equal weights the nearest-rank order statistic. Weights (member
 * months, say) default to 1; a zero weight leaves a peer out. For an "efficient" peer
 * baseline: the p-th percentile of the peers' risk-adjusted baseline PMPMs (step 2, B_R).
 */
export const weightedPercentile = (args: {
  readonly values: ReadonlyArray<Decimal>
  readonly weights?: ReadonlyArray<Decimal>
  readonly p: Decimal
}): Explained<Decimal> => {
  const rule = "peer.percentile"
  const { values, weights, p } = args
  if (values.length === 0) throw invalid(rule, "values", "is empty: a percentile needs at least one value")
  values.forEach((v, i) => finite(rule, `values[${i}]`, v))
  if (weights !== undefined) {
    if (weights.length !== values.length) throw invalid(rule, "weights", `has ${weights.length} entries for ${values.length} values`)
    weights.forEach((w, i) => nonNegative(rule, `weights[${i}]`, w))
    if (!weights.some((w) => w.gt(ZERO))) throw invalid(rule, "weights", "sum to zero: at least one value needs a positive weight")
  }
  share(rule, "p", p)
  const r = weightedPercentileExact(values, weights, p)
  const inputs: Array<Quantity> = [quantity("percentile p", p, "rate"), quantity("total weight", r.total, weights === undefined ? "count" : "members")]
  if (values.length <= LISTED_PEERS)
    values.forEach((v, i) => {
      inputs.push(quantity(`value ${i + 1}`, v, "pmpm"))
      if (weights !== undefined) inputs.push(quantity(`weight ${i + 1}`, weights[i]!, "members"))
    })
  return explained(
    r.value,
    derive({
      rule,
      label: `Peer ${p.mul(100).toFixed()}th percentile`,
      formula: "smallest x_(k), values ascending, with Σ_{j≤k} w_(j) ≥ p × Σ w (inverted CDF)",
      inputs,
      output: quantity("percentile", r.value, "pmpm"),
      source: "Hyndman & Fan (1996) definition 1 (inverted empirical CDF), weighted as numpy.percentile(method='inverted_cdf', weights=…); docs/rules/equity.md",
      notes: [
        `rank ${r.rank} of ${r.counted} (value ${r.index + 1} of the input): cumulative weight ${r.cumulative.toFixed()} ≥ p × total = ${r.threshold.toFixed()}`,
        ...(values.length > LISTED_PEERS ? [`${values.length} values, not listed`] : [])
      ]
    })
  )
}
