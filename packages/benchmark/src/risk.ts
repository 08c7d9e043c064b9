import type { Decimal } from "decimal.js"
import type { RiskCaps } from "./benchmarkTerms.js"
import { dec, ONE, ZERO } from "./decimal.js"
import { derive, explained, quantity, type Explained, type Quantity } from "./derivation.js"
import { riskRatioExact } from "./compute/risk.js"
import { invalid } from "./errors.js"

/**
 * Risk adjustment at reconciliation (docs/model.md §3.3): the benchmark follows the population's
 * risk, RS_k ÷ RS_base, with the growth capped so that coding intensity cannot inflate it.
 */

const RISK_SOURCE = "42 CFR 425.605(a)(1), 425.610(a)(2) (benchmark × RS_PY ÷ RS_BY3; +3 % cap for 2019–2023 starts, no floor)"
const RISK_2024_SOURCE =
  "42 CFR 425.605(a)(1), 425.610(a)(2) as amended for agreements starting 2024+ (cap = aggregate demographic growth + 3 pp, triggered only when aggregate HCC growth exceeds it)"

const positiveScore = (rule: string, field: string, value: Decimal): void => {
  if (!value.isFinite() || !value.gt(ZERO)) throw invalid(rule, field, "must be a positive risk score")
}

const share = (rule: string, field: string, value: Decimal | undefined): void => {
  if (value === undefined) return
  if (!value.isFinite() || value.isNegative()) throw invalid(rule, field, "must be a non-negative share (0.03 = 3 %)")
}

/** clamp(current ÷ base, 1 − down, 1 + up); an absent cap leaves that side unbounded. */
export const riskRatio = (args: { readonly current: Decimal; readonly base: Decimal; readonly caps: RiskCaps }): Explained<Decimal> => {
  const rule = "risk.ratio"
  positiveScore(rule, "current", args.current)
  positiveScore(rule, "base", args.base)
  // A demographic-change cap (MSSP 2024+: demographic growth + 3 points) can fall below 0, never to −1.
  if (args.caps.up !== undefined && (!args.caps.up.isFinite() || args.caps.up.lte(ONE.neg())))
    throw invalid(rule, "caps.up", "must be above −1 (0.03 = ratio at most 1.03)")
  share(rule, "caps.down", args.caps.down)
  if (args.caps.down !== undefined && args.caps.down.gt(ONE)) throw invalid(rule, "caps.down", "must not exceed 1 (a ratio cannot fall below 0)")
  const { raw, ratio, binding } = riskRatioExact(args.current, args.base, args.caps.up, args.caps.down)
  const inputs: Array<Quantity> = [quantity("current risk score", args.current, "risk"), quantity("base risk score", args.base, "risk")]
  if (args.caps.up !== undefined) inputs.push(quantity("cap up", args.caps.up, "rate"))
  if (args.caps.down !== undefined) inputs.push(quantity("cap down", args.caps.down, "rate"))
  const notes: Array<string> =
    binding === "up" ? [`cap binds: ratio limited to ${ratio.toFixed()}`] : binding === "down" ? [`floor binds: ratio raised to ${ratio.toFixed()}`] : []
  if (notes.length === 0) notes.push("no cap binds")
  inputs.push(quantity("uncapped ratio", raw, "factor"))
  return explained(
    ratio,
    derive({
      rule,
      label: "Risk ratio",
      formula: "clamp(RS_current ÷ RS_base, 1 − down, 1 + up)",
      inputs,
      output: quantity("risk ratio", ratio, "factor"),
      source: RISK_SOURCE,
      notes
    })
  )
}

/** The 3 percentage points MSSP allows above demographic risk growth (agreements starting 2024+). */
export const MSSP_RISK_MARGIN = dec("0.03")

/**
 * MSSP's 2024+ risk cap (docs/model.md §9.6; worked example WE12 in §9.13). Growths are ratios (1.07 = +7 %).
 * cap = demographicGrowth + margin; if the weighted aggregate HCC growth exceeds it, every
 * type is limited to the cap; otherwise no type is capped. Weights (CMS: historical benchmark
 * expenditure × PY person-years) need not sum to 1: they are normalised.
 */
export const msspRiskCap2024 = (args: {
  readonly types: ReadonlyArray<{ readonly name: string; readonly hccGrowth: Decimal; readonly weight: Decimal }>
  readonly demographicGrowth: Decimal
  readonly margin?: Decimal
}): Explained<ReadonlyArray<{ readonly name: string; readonly ratio: Decimal }>> => {
  const rule = "risk.msspCap2024"
  const margin = args.margin ?? MSSP_RISK_MARGIN
  if (args.types.length === 0) throw invalid(rule, "types", "is empty: at least one enrollment type is needed")
  positiveScore(rule, "demographicGrowth", args.demographicGrowth)
  share(rule, "margin", margin)
  let weightSum = ZERO
  let weighted = ZERO
  const names = new Set<string>()
  args.types.forEach((t, i) => {
    if (names.has(t.name)) throw invalid(rule, `types[${i}].name`, `(${t.name}) is repeated`)
    names.add(t.name)
    positiveScore(rule, `types[${i}].hccGrowth`, t.hccGrowth)
    if (!t.weight.isFinite() || t.weight.isNegative()) throw invalid(rule, `types[${i}].weight`, "must be a non-negative weight")
    weightSum = weightSum.add(t.weight)
    weighted = weighted.add(t.weight.mul(t.hccGrowth))
  })
  if (!weightSum.gt(ZERO)) throw invalid(rule, "types weights", "sum to zero: the aggregate growth needs a positive weight")
  const aggregate = weighted.div(weightSum)
  const cap = args.demographicGrowth.add(margin)
  const triggered = aggregate.gt(cap)
  const ratios = args.types.map((t) => ({ name: t.name, ratio: triggered && t.hccGrowth.gt(cap) ? cap : t.hccGrowth }))
  const cappedNames = args.types.filter((t) => triggered && t.hccGrowth.gt(cap)).map((t) => t.name)
  const cappedAggregate = args.types.reduce((acc, t, i) => acc.add(t.weight.mul(ratios[i]!.ratio)), ZERO).div(weightSum)
  return explained(
    ratios,
    derive({
      rule,
      label: "MSSP 2024+ risk ratios",
      formula: "cap = demographic growth + margin; if Σw·HCC ÷ Σw > cap then ratio_t = min(HCC_t, cap) else ratio_t = HCC_t",
      inputs: [
        ...args.types.flatMap((t) => [quantity(`${t.name} HCC growth`, t.hccGrowth, "factor"), quantity(`${t.name} weight`, t.weight, "weight")]),
        quantity("demographic growth", args.demographicGrowth, "factor"),
        quantity("margin", margin, "rate"),
        quantity("aggregate HCC growth", aggregate, "factor"),
        quantity("cap", cap, "factor")
      ],
      output: quantity("aggregate risk ratio after the cap", cappedAggregate, "factor"),
      source: RISK_2024_SOURCE,
      notes: triggered
        ? [`aggregate HCC growth exceeds the cap: ${cappedNames.length === 0 ? "no type" : cappedNames.join(", ")} capped at ${cap.toFixed()}`]
        : ["aggregate HCC growth within the cap: no type capped"]
    })
  )
}
