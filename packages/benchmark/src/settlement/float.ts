import type { SettlementYearFloat } from "../compute/settlement.js"
import { dec } from "../decimal.js"
import { corridorRate } from "./msr.js"
import { flatLossRate } from "./lossRate.js"
import type { SettlementInput } from "./settle.js"
import type { Band, SettlementTerms } from "./terms.js"

const num = (d: { toNumber(): number }): number => d.toNumber()

const bandsFloat = (bands: ReadonlyArray<Band>): SettlementYearFloat["savingsBands"] => ({
  from: Float64Array.from(bands, (b) => num(b.from)),
  to: Float64Array.from(bands, (b) => (b.to === undefined ? Number.POSITIVE_INFINITY : num(b.to))),
  share: Float64Array.from(bands, (b) => num(b.share))
})

/**
 * One year's terms in the float form the Monte Carlo settles with: the MSR/MLR at the year's
 * members and the loss rate at its quality come from the exact rules (corridorRate,
 * flatLossRate), since neither varies with the year's cost; so does whether savings below the MSR
 * may be shared at a reduced rate (425.605(h)). The loss guardrail's recalculated benchmark
 * (425.652(b)(5)) varies with each trial's trend, so it is not here: settleFloat takes it as its
 * last argument (NaN for none), like `SettlementInput.guardrailBenchmark`.
 */
export const settlementYearFloat = (terms: SettlementTerms, year: Omit<SettlementInput, "benchmark" | "expenditure">): SettlementYearFloat => {
  const lossRate =
    terms.lossRate && terms.lossRate.kind !== "bands"
      ? num(flatLossRate(terms.lossRate, { ...year, benchmark: dec(1), expenditure: dec(0) }).value)
      : Number.NaN
  return {
    msr: num(corridorRate(terms.msr, year.assignedMembers, "MSR").value),
    mlr: terms.mlr ? num(corridorRate(terms.mlr, year.assignedMembers, "MLR").value) : Number.NaN,
    firstDollar: terms.sharingBasis === "first-dollar",
    meetsQuality: year.meetsQualityStandard,
    qualityMultiplier: num(year.qualityMultiplier),
    savingsRate: terms.savingsRate.kind === "flat" ? num(terms.savingsRate.rate) : Number.NaN,
    savingsBands: terms.savingsRate.kind === "bands" ? bandsFloat(terms.savingsRate.bands) : null,
    savingsCap: terms.savingsCap ? num(terms.savingsCap) : Number.POSITIVE_INFINITY,
    sequestration: num(terms.sequestration),
    lossRate,
    lossBands: terms.lossRate?.kind === "bands" ? bandsFloat(terms.lossRate.bands) : null,
    lossLimitShare: terms.lossLimit?.shareOfBenchmark ? num(terms.lossLimit.shareOfBenchmark) : Number.POSITIVE_INFINITY,
    lossLimitAmount:
      terms.lossLimit?.shareOfRevenue && year.revenue ? num(terms.lossLimit.shareOfRevenue.mul(year.revenue)) : Number.POSITIVE_INFINITY,
    disasterAdjustment: year.disasterAdjustment ? num(year.disasterAdjustment) : 0,
    // 425.605(h) eligibility does not vary with the year's cost: the terms, the assigned members, quality.
    reducedFactor:
      terms.reducedBelowMsr && year.assignedMembers.gte(terms.reducedBelowMsr.minAssigned) && year.meetsQualityStandard
        ? num(terms.reducedBelowMsr.factor)
        : Number.NaN
  }
}
