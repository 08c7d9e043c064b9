import type { Decimal } from "decimal.js"
import { clamp, ONE } from "../decimal.js"
import { derive, exactText, explained, quantity, type Explained } from "../derivation.js"
import type { SettlementInput } from "./settle.js"
import type { LossRate } from "./terms.js"

const pct = (rate: Decimal): string => `${exactText(rate.mul(100))} %`

/** The loss rate a flat or quality-linked term gives for the year's quality (bands share by band instead). */
export const flatLossRate = (lossRate: Exclude<LossRate, { kind: "bands" }>, input: SettlementInput): Explained<Decimal> => {
  if (lossRate.kind === "flat") {
    return explained(
      lossRate.rate,
      derive({
        rule: "settlement.loss.rate",
        label: "Shared loss rate",
        formula: "loss rate = flat rate of the terms",
        inputs: [],
        output: quantity("loss rate", lossRate.rate, "rate"),
        source: "42 CFR 425.605(d)(1)(iii)–(v)(C) (BASIC C–E: 30 %)"
      })
    )
  }
  const inputs = [
    quantity("savings rate s", lossRate.savingsRate, "rate"),
    quantity("quality score q", input.qualityScore, "rate"),
    quantity("floor", lossRate.min, "rate"),
    quantity("ceiling", lossRate.max, "rate")
  ]
  const source = "42 CFR 425.610(f) (1 − final sharing rate, bounded [40 %, 75 %]); docs/model.md §9.8"
  if (!input.meetsQualityStandard) {
    return explained(
      lossRate.failedQuality,
      derive({
        rule: "settlement.loss.rate",
        label: "Shared loss rate (quality-linked)",
        formula: "loss rate = failed-quality rate",
        inputs: [...inputs, quantity("failed-quality rate", lossRate.failedQuality, "rate")],
        output: quantity("loss rate", lossRate.failedQuality, "rate"),
        source,
        notes: ["quality standard not met: failed-quality loss rate"]
      })
    )
  }
  const unbounded = ONE.sub(lossRate.savingsRate.mul(input.qualityScore))
  const rate = clamp(unbounded, lossRate.min, lossRate.max)
  const notes: string[] = []
  if (unbounded.lt(lossRate.min)) notes.push(`floor binds: 1 − s·q = ${pct(unbounded)} < ${pct(lossRate.min)}`)
  if (unbounded.gt(lossRate.max)) notes.push(`ceiling binds: 1 − s·q = ${pct(unbounded)} > ${pct(lossRate.max)}`)
  return explained(
    rate,
    derive({
      rule: "settlement.loss.rate",
      label: "Shared loss rate (quality-linked)",
      formula: "loss rate = clamp(1 − s × q, floor, ceiling)",
      inputs,
      output: quantity("loss rate", rate, "rate"),
      source,
      notes
    })
  )
}
