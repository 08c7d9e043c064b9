import {
  dec,
  findStep,
  healthEquityAdjustedScore,
  healthEquityBonus,
  InvalidArgument,
  msspQualityStandard,
  msspTrack,
  qualityInputProblems,
  settle,
  type QualityStandardInput
} from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"

/**
 * MSSP's quality performance standard from its inputs (42 CFR 425.512 as amended by the CY2024
 * physician fee schedule rule), each figure worked by hand in the comments.
 */
const M = (millions: string) => dec(millions).mul(1_000_000)
const exactly = (actual: { eq(x: unknown): boolean; toFixed(): string }, expected: string) => expect(actual.eq(dec(expected)), `${actual.toFixed()} ≠ ${expected}`).toBe(true)

const atPercentile = (percentile: string, over: Partial<QualityStandardInput> = {}): QualityStandardInput => ({
  score: dec("0.7663"),
  standard: { kind: "percentile", percentile: dec(percentile), standardPercentile: dec("0.40") },
  alternativeMet: false,
  ...over
})

describe("health equity adjustment (425.512(b)(3))", () => {
  it.each([
    // scaler 12 (e.g. 3 measures in the top third, 0 in the others) × underserved 0.5 = 6 points
    { scaler: "12", underserved: "0.5", bonus: "6" },
    // exactly the 20 % threshold is eligible: 12 × 0.2 = 2.4 points
    { scaler: "12", underserved: "0.2", bonus: "2.4" },
    // below 20 % underserved: ineligible, 0 points (425.512(b)(3)(iv)(B))
    { scaler: "24", underserved: "0.19", bonus: "0" },
    // 24 × 0.9 = 21.6 points, capped at 10 (425.512(b)(3)(v))
    { scaler: "24", underserved: "0.9", bonus: "10" }
  ])("scaler $scaler × underserved $underserved → $bonus points", ({ scaler, underserved, bonus }) => {
    exactly(healthEquityBonus({ measurePerformanceScaler: dec(scaler), underservedProportion: dec(underserved) }).value, bonus)
  })

  it("adds the points to the MIPS quality score: 70.63 % + 6 points = 76.63 %, capped at 100 % (95 % + 10 → 100 %)", () => {
    const he = { measurePerformanceScaler: dec(12), underservedProportion: dec("0.5") }
    exactly(healthEquityAdjustedScore(dec("0.7063"), he).value, "0.7663")
    const capped = healthEquityAdjustedScore(dec("0.95"), { measurePerformanceScaler: dec(20), underservedProportion: dec("0.5") })
    exactly(capped.value, "1")
    expect(capped.derivation.notes).toContain("capped at 100 %")
  })

  it("refuses a negative scaler and an underserved share above 1", () => {
    expect(() => healthEquityBonus({ measurePerformanceScaler: dec(-1), underservedProportion: dec("0.5") })).toThrow(InvalidArgument)
    expect(() => healthEquityBonus({ measurePerformanceScaler: dec(1), underservedProportion: dec("1.5") })).toThrow(InvalidArgument)
  })
})

describe("quality performance standard (425.512(a)(5))", () => {
  it("is met at the 40th percentile exactly (\"equivalent to or higher than\"): the full rate", () => {
    const q = msspQualityStandard(atPercentile("0.40")).value
    expect([q.path, q.meetsStandard]).toEqual(["standard", true])
    exactly(q.savingsMultiplier, "1")
  })

  it("slides the rate by the adjusted score under the alternative standard: 50 % × 0.7663 = 38.315 %", () => {
    // 35th percentile < 40th, but 10th percentile on an outcome measure: multiplier = adjusted score.
    const q = msspQualityStandard(atPercentile("0.35", { alternativeMet: true })).value
    expect([q.path, q.meetsStandard]).toEqual(["alternative", true])
    exactly(q.savingsMultiplier, "0.7663")
    exactly(dec("0.5").mul(q.savingsMultiplier), "0.38315")
  })

  it("fails without the alternative: no multiplier, standard not met", () => {
    const q = msspQualityStandard(atPercentile("0.2")).value
    expect([q.path, q.meetsStandard]).toEqual(["failed", false])
    exactly(q.savingsMultiplier, "0")
  })

  it("reads the PY2021–2023 30th percentile when given: 35th ≥ 30th is met", () => {
    const q = msspQualityStandard(atPercentile("0.35", { standard: { kind: "percentile", percentile: dec("0.35"), standardPercentile: dec("0.30") } })).value
    expect(q.path).toBe("standard")
  })

  it("compares the health-equity adjusted score with the score at the standard's percentile", () => {
    // 70.63 % + 6 points = 76.63 % ≥ 75 %: met, though the unadjusted 70.63 % is not.
    const input: QualityStandardInput = {
      score: dec("0.7063"),
      healthEquity: { measurePerformanceScaler: dec(12), underservedProportion: dec("0.5") },
      standard: { kind: "score", standardScore: dec("0.75") },
      alternativeMet: false
    }
    const r = msspQualityStandard(input)
    expect(r.value.path).toBe("standard")
    exactly(r.value.score, "0.7663")
    exactly(r.value.healthEquityBonus!, "6")
    expect(findStep(r.derivation, "settlement.quality.healthEquity")).toBeDefined()
    expect(findStep(r.derivation, "settlement.quality.adjusted")?.output.value.eq(dec("0.7663"))).toBe(true)
    // Without the adjustment the same ACO misses the standard and, with the alternative, slides at 70.63 %.
    const { healthEquity: _, ...unadjusted } = input
    const slid = msspQualityStandard({ ...unadjusted, alternativeMet: true }).value
    expect(slid.path).toBe("alternative")
    exactly(slid.savingsMultiplier, "0.7063")
  })

  it("explains the test and the source", () => {
    const d = msspQualityStandard(atPercentile("0.35", { alternativeMet: true })).derivation
    expect(d.rule).toBe("settlement.quality.standard")
    expect(d.source).toMatch(/425\.512\(a\)\(5\)/)
    expect(d.notes[0]).toBe("percentile rank 35 % < the standard's 40 %")
  })

  it("refuses a score above 1", () => {
    expect(() => msspQualityStandard(atPercentile("0.5", { score: dec("1.2") }))).toThrow(InvalidArgument)
  })
})

describe("the standard in settlement", () => {
  it("BASIC C under the alternative: 5M of B 100M × 50 % × 0.7663 × 98 % = 1,877,435", () => {
    // 70.63 % + 6 points = 76.63 %; 5,000,000 × 0.38315 = 1,915,750; × 0.98 = 1,877,435 (cap 10M does not bind).
    const q = msspQualityStandard({
      score: dec("0.7063"),
      healthEquity: { measurePerformanceScaler: dec(12), underservedProportion: dec("0.5") },
      standard: { kind: "percentile", percentile: dec("0.35"), standardPercentile: dec("0.40") },
      alternativeMet: true
    })
    const s = settle(msspTrack("basic-c"), {
      benchmark: M("100"),
      expenditure: M("95"),
      assignedMembers: dec(10_000),
      qualityScore: q.value.score,
      qualityMultiplier: q.value.savingsMultiplier,
      meetsQualityStandard: q.value.meetsStandard,
      qualityDerivation: q.derivation
    })
    exactly(s.value.sharedSavings, "1877435")
    exactly(s.value.sharingRate, "0.38315")
    expect(findStep(s.derivation, "settlement.quality.standard")).toBeDefined()
  })

  it("ENHANCED loss under the alternative uses the adjusted score: 1 − 0.75 × 0.7663 = 42.5275 %; failing both: 75 %", () => {
    const loss = (alternativeMet: boolean) => {
      const q = msspQualityStandard(atPercentile("0.35", { alternativeMet })).value
      return settle(msspTrack("enhanced", { mlr: { kind: "fixed", rate: dec("0.02") } }), {
        benchmark: M("100"),
        expenditure: M("104"),
        assignedMembers: dec(10_000),
        qualityScore: q.score,
        qualityMultiplier: q.savingsMultiplier,
        meetsQualityStandard: q.meetsStandard
      }).value
    }
    // 4M × 0.425275 = 1,701,100; 4M × 0.75 = 3,000,000
    exactly(loss(true).sharingRate, "0.425275")
    exactly(loss(true).sharedLosses, "1701100")
    exactly(loss(false).sharedLosses, "3000000")
  })
})

describe("qualityInputProblems", () => {
  it("keeps the hand-given and the derived forms apart", () => {
    expect(qualityInputProblems({ savingsMultiplier: dec(1) })).toEqual([])
    expect(qualityInputProblems({ percentile: dec("0.3"), alternativeMet: true })).toEqual([])
    expect(qualityInputProblems({ percentile: dec("0.3"), meetsStandard: true }).map((p) => p.path)).toEqual([["meetsStandard"]])
    expect(qualityInputProblems({ percentile: dec("0.3"), standardScore: dec("0.7") }).map((p) => p.path)).toEqual([["standardScore"]])
    expect(qualityInputProblems({ alternativeMet: true }).map((p) => p.path)).toEqual([["alternativeMet"]])
    expect(qualityInputProblems({ standardScore: dec("0.7"), standardPercentile: dec("0.3") }).map((p) => p.path)).toEqual([["standardPercentile"]])
  })
})
