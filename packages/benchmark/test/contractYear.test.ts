import { describe, expect, it } from "vitest"
import {
  CENTS,
  contractYearBenchmark,
  dec,
  derive,
  DOLLARS,
  explained,
  findStep,
  fixedTrend,

  quantity,
  riskRatio,
  trendFactor,
  type ConvergenceCaps,
  type Explained
} from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { invalidOf } from "./invalidOf.js"

/** A figure handed in from elsewhere, with its own (one-step) derivation. */
const given = (rule: string, value: string): Explained<Decimal> =>
  explained(dec(value), derive({ rule, label: rule, formula: "given", inputs: [], output: quantity(rule, dec(value), "pmpm") }))

const uncapped: ConvergenceCaps = { noNegative: false }

const example = {
  providerBaseline: given("test.providerBaseline", "400"),
  peerBaseline: given("test.peerBaseline", "500"),
  providerWeight: dec("0.6"),
  caps: uncapped,
  trendFactor: trendFactor(fixedTrend("0.05"), 2024, 2025),
  riskRatio: riskRatio({ current: dec("1.02"), base: dec(1), caps: {} }),
  discount: dec("0.02"),
  rounding: CENTS
}

describe("contractYearBenchmark", () => {
  it("blends, trends, risk-adjusts, discounts, then rounds", () => {
    const r = contractYearBenchmark(example).value
    // adj = (1 − 0.6)(500 − 400) = 40 → blended 440
    expect(r.adjustment.eq(40)).toBe(true)
    expect(r.blended.eq(440)).toBe(true)
    // × 1.05 = 462
    expect(r.trended.eq(462)).toBe(true)
    // × 1.02 = 471.24
    expect(r.riskAdjusted.eq("471.24")).toBe(true)
    // × (1 − 0.02) = 461.8152, exact before rounding
    expect(r.discounted.eq("461.8152")).toBe(true)
    // half-up to cents: 461.82
    expect(r.benchmarkPmpm.eq("461.82")).toBe(true)
    expect(r.savingsCredit.isZero()).toBe(true)
  })

  it("lays the waterfall out in docs/model.md §3 order", () => {
    const d = contractYearBenchmark(example).derivation
    expect(d.rule).toBe("benchmark.contractYear")
    expect(d.steps.map((s) => s.rule)).toEqual([
      "benchmark.providerBaseline",
      "benchmark.peerBaseline",
      "blend.convergence",
      "benchmark.trend",
      "benchmark.risk",
      "benchmark.discount",
      "benchmark.rounding"
    ])
  })

  it("keeps each given derivation as a sub-step of its waterfall step", () => {
    const d = contractYearBenchmark(example).derivation
    expect(findStep(d, "benchmark.providerBaseline")!.steps[0]!.rule).toBe("test.providerBaseline")
    expect(findStep(d, "benchmark.peerBaseline")!.steps[0]!.rule).toBe("test.peerBaseline")
    expect(findStep(d, "benchmark.trend")!.steps[0]!.rule).toBe("trend.factor")
    expect(findStep(d, "benchmark.risk")!.steps[0]!.rule).toBe("risk.ratio")
  })

  it("says where it rounded, and only there", () => {
    const d = contractYearBenchmark(example).derivation
    const rounding = findStep(d, "benchmark.rounding")!
    expect(rounding.rounded!.from.eq("461.8152")).toBe(true)
    expect(rounding.rounded!.rounding).toEqual(CENTS)
    expect(d.rounded!.from.eq("461.8152")).toBe(true)
    const roundedSteps = d.steps.filter((s) => s.rounded !== undefined).map((s) => s.rule)
    expect(roundedSteps).toEqual(["benchmark.rounding"])
  })

  it("rounds with the mode it is given", () => {
    const tie = { ...example, providerBaseline: given("p", "100.125"), peerBaseline: given("r", "100.125") }
    const none = { ...tie, trendFactor: trendFactor(fixedTrend(0), 2025, 2025), riskRatio: riskRatio({ current: dec(1), base: dec(1), caps: {} }), discount: dec(0) }
    // 100.125 is a tie at cents: half-up 100.13, half-even 100.12
    expect(contractYearBenchmark(none).value.benchmarkPmpm.eq("100.13")).toBe(true)
    expect(contractYearBenchmark({ ...none, rounding: { places: 2, mode: "half-even" } }).value.benchmarkPmpm.eq("100.12")).toBe(true)
    // whole dollars: 100
    expect(contractYearBenchmark({ ...none, rounding: DOLLARS }).value.benchmarkPmpm.eq(100)).toBe(true)
  })

  it("adds a savings credit to the blended baseline before trend", () => {
    const r = contractYearBenchmark({ ...example, savingsCredit: given("rebase.savingsCredit", "10") })
    // (440 + 10) × 1.05 × 1.02 × 0.98 = 450 × 1.05 = 472.5; × 1.02 = 481.95; × 0.98 = 472.311 → 472.31
    expect(r.value.savingsCredit.eq(10)).toBe(true)
    expect(r.value.beforeTrend.eq(450)).toBe(true)
    expect(r.value.discounted.eq("472.311")).toBe(true)
    expect(r.value.benchmarkPmpm.eq("472.31")).toBe(true)
    expect(r.derivation.steps.map((s) => s.rule)).toContain("benchmark.savingsCredit")
    expect(findStep(r.derivation, "benchmark.savingsCredit")!.steps[0]!.rule).toBe("rebase.savingsCredit")
  })

  it("passes the convergence caps and cap basis through", () => {
    const r = contractYearBenchmark({ ...example, caps: { up: dec("0.05"), noNegative: false }, capBasis: dec(600) })
    // uncapped adj 40 > 0.05 × 600 = 30 → blended 430; × 1.05 × 1.02 × 0.98 = 451.5 × 1.02 = 460.53 × 0.98 = 451.3194 → 451.32
    expect(r.value.adjustment.eq(30)).toBe(true)
    expect(r.value.benchmarkPmpm.eq("451.32")).toBe(true)
  })

  it("rejects a discount of 100 %", () => {
    const e = invalidOf(() => contractYearBenchmark({ ...example, discount: dec(1) }))
    expect(e.field).toBe("discount")
  })

  it("takes a negative discount as a premium on the benchmark", () => {
    // 471.24 × (1 + 0.01) = 475.9524 → 475.95
    const r = contractYearBenchmark({ ...example, discount: dec("-0.01") }).value
    expect(r.discounted.eq("475.9524")).toBe(true)
    expect(r.benchmarkPmpm.eq("475.95")).toBe(true)
  })

  it("rejects a discount of −1 or below, and of 1 or above", () => {
    expect(invalidOf(() => contractYearBenchmark({ ...example, discount: dec("-1") })).field).toBe("discount")
    expect(invalidOf(() => contractYearBenchmark({ ...example, discount: dec("1") })).field).toBe("discount")
  })

  describe("with a savings credit", () => {
    // Provider 400, peer 500, λ 0.6: adjustment 40.
    it("adds the credit on top of the adjustment under the add rule", () => {
      const r = contractYearBenchmark({ ...example, savingsCredit: given("credit", "12"), creditRule: "add" }).value
      // (400 + 40 + 12) × 1.05 = 474.6
      expect(r.beforeTrend.eq(452)).toBe(true)
      expect(r.trended.eq("474.6")).toBe(true)
    })

    it("takes the higher of adjustment and credit under the higher rule: the adjustment of 40 beats a credit of 12", () => {
      const r = contractYearBenchmark({ ...example, savingsCredit: given("credit", "12"), creditRule: "higher" }).value
      expect(r.adjustment.eq(40)).toBe(true)
      expect(r.savingsCredit.isZero()).toBe(true)
      expect(r.beforeTrend.eq(440)).toBe(true)
    })

    it("lets a credit replace a negative adjustment under the higher rule (MSSP 2024+)", () => {
      // Peer 350 below provider 400: adjustment (1 − 0.6)(350 − 400) = −20; credit 12 replaces it: 400 + 12.
      const r = contractYearBenchmark({ ...example, peerBaseline: given("peer", "350"), savingsCredit: given("credit", "12"), creditRule: "higher" }).value
      expect(r.adjustment.isZero()).toBe(true)
      expect(r.savingsCredit.eq(12)).toBe(true)
      expect(r.beforeTrend.eq(412)).toBe(true)
      // Stacked instead, the two would give 400 − 20 + 12 = 392.
      const stacked = contractYearBenchmark({ ...example, peerBaseline: given("peer", "350"), savingsCredit: given("credit", "12") }).value
      expect(stacked.beforeTrend.eq(392)).toBe(true)
    })

    it("keeps a negative adjustment when there is no positive credit, under either rule", () => {
      const r = contractYearBenchmark({ ...example, peerBaseline: given("peer", "350"), savingsCredit: given("credit", "0"), creditRule: "higher" }).value
      expect(r.beforeTrend.eq(380)).toBe(true)
    })
  })

  it("rejects a non-positive trend factor", () => {
    expect(invalidOf(() => contractYearBenchmark({ ...example, trendFactor: given("f", "0") })).field).toBe("trendFactor")
  })

  it("rejects a non-positive risk ratio", () => {
    expect(invalidOf(() => contractYearBenchmark({ ...example, riskRatio: given("r", "-1") })).field).toBe("riskRatio")
  })

  it("rejects rounding to a negative or fractional number of places", () => {
    expect(invalidOf(() => contractYearBenchmark({ ...example, rounding: { places: -1, mode: "half-up" } })).field).toBe("rounding.places")
    expect(invalidOf(() => contractYearBenchmark({ ...example, rounding: { places: 1.5, mode: "half-up" } })).field).toBe("rounding.places")
  })

  it("rejects a negative savings credit", () => {
    expect(invalidOf(() => contractYearBenchmark({ ...example, savingsCredit: given("c", "-1") })).field).toBe("savingsCredit")
  })

  it("rejects a provider weight outside [0, 1] through the convergence rule", () => {
    const e = invalidOf(() => contractYearBenchmark({ ...example, providerWeight: dec("1.5") }))
    expect(e.rule).toBe("blend.convergence")
    expect(e.field).toBe("providerWeight")
  })
})
