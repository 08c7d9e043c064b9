import { dec, msspTrack, reachTerms, settle, settlementYearFloat, type SettlementTerms } from "@pbpsim/benchmark"
import {
  advanceRecoupmentExact,
  advanceRecoupmentFloat,
  bandSharesExact,
  bandShareFloat,
  baselineYearExact,
  baselineYearFloat,
  benchmarkChainExact,
  benchmarkChainFloat,
  convergenceAdjustmentFloat,
  convergenceExact,
  corridorExact,
  OUTCOME_CODE,
  partialRebaseExact,
  partialRebaseFloat,
  restateRiskExact,
  restateRiskFloat,
  riskRatioExact,
  riskRatioFloat,
  roundExact,
  roundFloat,
  roundingModeCode,
  savingsCreditExact,
  savingsCreditFloat,
  settleFloat,
  SETTLED_GROSS,
  SETTLED_LENGTH,
  SETTLED_LOSSES,
  SETTLED_OUTCOME,
  SETTLED_SAVINGS,
  sharedLossesExact,
  sharedSavingsExact,
  guardRateExact,
  guardRateFloat,
  trendFactorExact,
  trendFactorFloat
} from "@pbpsim/benchmark/compute"
import type { Decimal } from "decimal.js"
import { describe, expect, it } from "vitest"
import { settledOutcomeExact } from "@pbpsim/benchmark/compute"

/**
 * One table of hand-derived cases per rule, run against both forms of its arithmetic (as
 * dinero.js runs one table against every calculator): the exact form must give the expected
 * decimal exactly, the float form the same number within 1e-12 relative.
 */
const floatAgrees = (actual: number, expected: string) => {
  const e = Number(expected)
  expect(Math.abs(actual - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)))
}
const exactly = (actual: Decimal, expected: string) => expect(actual.eq(dec(expected)), `${actual.toFixed()} ≠ ${expected}`).toBe(true)
const M = (millions: string) => dec(millions).mul(1_000_000)

describe("rounding", () => {
  it.each([
    // 2.345 is 2.34499999999999997… as a float: decimal semantics still call it a tie.
    { value: "2.345", places: 2, mode: "half-up", rounded: "2.35" },
    { value: "2.345", places: 2, mode: "half-even", rounded: "2.34" },
    { value: "2.355", places: 2, mode: "half-even", rounded: "2.36" },
    { value: "2.345", places: 2, mode: "half-down", rounded: "2.34" },
    { value: "-2.345", places: 2, mode: "half-up", rounded: "-2.35" },
    { value: "2.341", places: 2, mode: "up", rounded: "2.35" },
    { value: "-2.349", places: 2, mode: "down", rounded: "-2.34" },
    { value: "-2.341", places: 2, mode: "ceil", rounded: "-2.34" },
    { value: "-2.341", places: 2, mode: "floor", rounded: "-2.35" },
    // The issue brief's year-1 benchmark: 423.50 × 1.03 = 436.205 → 436.21.
    { value: "436.205", places: 2, mode: "half-up", rounded: "436.21" },
    { value: "1234.5", places: 0, mode: "half-even", rounded: "1234" }
  ] as const)("$value to $places places $mode is $rounded", ({ value, places, mode, rounded }) => {
    exactly(roundExact(dec(value), { places, mode }), rounded)
    floatAgrees(roundFloat(Number(value), places, roundingModeCode(mode)), rounded)
  })

  it("reads a float a few ulps from a whole number as that number (0.1 + 0.2 rounded up is 0.3, not 0.4)", () => {
    expect(roundFloat(0.1 + 0.2, 1, roundingModeCode("up"))).toBe(0.3)
  })
})

describe("convergence", () => {
  it.each([
    // Issue brief: (1 − 0.5)(431 − 416) = 7.5 → 423.5.
    { p: "416", r: "431", lambda: "0.5", caps: {}, adj: "7.5", blended: "423.5" },
    // Capped up at 1 % of 431 = 4.31 → 420.31.
    { p: "416", r: "431", lambda: "0.5", caps: { up: "0.01" }, adj: "4.31", blended: "420.31" },
    // (1 − 0.5)(400 − 450) = −25, capped down at 1.5 % of 400 = −6 → 444.
    { p: "450", r: "400", lambda: "0.5", caps: { down: "0.015" }, adj: "-6", blended: "444" },
    // No negative adjustment at all → 450.
    { p: "450", r: "400", lambda: "0.5", caps: { noNegative: true }, adj: "0", blended: "450" },
    // All provider: nothing moves.
    { p: "450", r: "400", lambda: "1", caps: { up: "0.05", down: "0.015" }, adj: "0", blended: "450" },
    // −25 capped at −6, then offset 0.4: −6 × 0.6 = −3.6 → 446.4 (42 CFR 425.656(c): cap, then offset).
    { p: "450", r: "400", lambda: "0.5", caps: { down: "0.015", offset: "0.4" }, adj: "-3.6", blended: "446.4" },
    // An offset never touches a positive adjustment: 7.5 stays.
    { p: "416", r: "431", lambda: "0.5", caps: { offset: "0.4" }, adj: "7.5", blended: "423.5" },
    // A full offset removes a negative adjustment: −25 × 0 = 0.
    { p: "450", r: "400", lambda: "0.5", caps: { offset: "1" }, adj: "0", blended: "450" }
  ])("B_P $p, B_R $r, λ $lambda, caps $caps → adj $adj", ({ p, r, lambda, caps, adj, blended }) => {
    const up = "up" in caps ? dec(caps.up) : undefined
    const down = "down" in caps ? dec(caps.down) : undefined
    const noNegative = "noNegative" in caps && caps.noNegative === true
    const negativeOffset = "offset" in caps ? dec(caps.offset) : undefined
    const exact = convergenceExact(dec(p), dec(r), dec(lambda), { up, down, negativeOffset, noNegative }, dec(r))
    exactly(exact.adjustment, adj)
    exactly(exact.blended, blended)
    floatAgrees(
      convergenceAdjustmentFloat(Number(p), Number(r), Number(lambda), up ? up.toNumber() : Infinity, down ? down.toNumber() : Infinity, noNegative, Number(r), negativeOffset ? negativeOffset.toNumber() : 0),
      adj
    )
  })
})

describe("risk ratio", () => {
  it.each([
    { current: "1.05", base: "1", up: "0.03", down: undefined, ratio: "1.03" },
    { current: "0.9", base: "1", up: undefined, down: "0.05", ratio: "0.95" },
    // 1.02 ÷ 1.2 = 0.85, below the 5 % floor: 0.95.
    { current: "1.02", base: "1.2", up: "0.03", down: "0.05", ratio: "0.95" },
    { current: "1.02", base: "1", up: undefined, down: undefined, ratio: "1.02" }
  ])("$current ÷ $base within (1 − $down, 1 + $up) is $ratio", ({ current, base, up, down, ratio }) => {
    exactly(riskRatioExact(dec(current), dec(base), up ? dec(up) : undefined, down ? dec(down) : undefined).ratio, ratio)
    floatAgrees(riskRatioFloat(Number(current), Number(base), up ? 1 + Number(up) : Infinity, down ? 1 - Number(down) : -Infinity), ratio)
  })
})

describe("benchmark chain", () => {
  it.each([
    // (423.5 + 0) × 1.03 × 1 × (1 − 0) = 436.205
    { blended: "423.5", credit: "0", factor: "1.03", risk: "1", discount: "0", discounted: "436.205" },
    // (400 + 10) × 1.05 × 1.02 × (1 − 0.04) = 421.5456
    { blended: "400", credit: "10", factor: "1.05", risk: "1.02", discount: "0.04", discounted: "421.5456" }
  ])("($blended + $credit) × $factor × $risk × (1 − $discount) = $discounted", ({ blended, credit, factor, risk, discount, discounted }) => {
    exactly(benchmarkChainExact(dec(blended), dec(credit), dec(factor), dec(risk), dec(discount)).discounted, discounted)
    floatAgrees(benchmarkChainFloat(Number(blended), Number(credit), Number(factor), Number(risk), Number(discount)), discounted)
  })
})

describe("trend", () => {
  it.each([
    { rate: "0.05", cap: "0.04", floor: undefined, guarded: "0.04" },
    { rate: "-0.02", cap: undefined, floor: "0", guarded: "0" },
    { rate: "0.03", cap: "0.04", floor: "0", guarded: "0.03" }
  ])("rate $rate within floor $floor and cap $cap is $guarded", ({ rate, cap, floor, guarded }) => {
    exactly(guardRateExact(dec(rate), { cap: cap ? dec(cap) : undefined, floor: floor ? dec(floor) : undefined }).rate, guarded)
    floatAgrees(guardRateFloat(Number(rate), cap ? Number(cap) : Infinity, floor ? Number(floor) : -Infinity), guarded)
  })

  it("applies a deduction before the cap (4.5 % − 0.5 % = 4 %, under a 4.2 % cap)", () => {
    exactly(guardRateExact(dec("0.045"), { deduction: dec("0.005"), cap: dec("0.042") }).rate, "0.04")
  })

  it("compounds 3 % twice to 1.0609", () => {
    exactly(trendFactorExact([dec("0.03"), dec("0.03")]), "1.0609")
    floatAgrees(trendFactorFloat(new Float64Array([0, 0.03, 0.03]), 0, 2), "1.0609")
  })
})

describe("baseline year", () => {
  it("weights 0.5 × (400 ÷ 1.0) × 1.02 × 1.0609 = 216.4236", () => {
    exactly(baselineYearExact(dec("400"), dec("1"), dec("1.02"), dec("1.0609"), dec("0.5")).contribution, "216.4236")
    floatAgrees(baselineYearFloat(400 / 1, 1.02, 1.0609, 0.5), "216.4236")
  })
})

describe("rebasing arithmetic", () => {
  it.each([
    // mean(10, 20) = 15 → 50 % = 7.5 under the cap 5 % × 431 = 21.55.
    { perCapita: ["10", "20"], credit: "7.5" },
    // mean 100 → 50; the cap 21.55 binds.
    { perCapita: ["100"], credit: "21.55" },
    // no average savings: no credit.
    { perCapita: ["-10", "5"], credit: "0" }
  ])("savings credit from per-capita savings $perCapita is $credit", ({ perCapita, credit }) => {
    exactly(savingsCreditExact(perCapita.map(dec), dec("0.5"), dec("0.05"), dec("431")).credit, credit)
    const sum = perCapita.reduce((acc, v) => acc + Number(v), 0)
    floatAgrees(savingsCreditFloat(sum, perCapita.length, 0.5, 0.05, 431), credit)
  })

  it("blends a partial rebase: 0.5 × 400 + 0.5 × 420 = 410", () => {
    exactly(partialRebaseExact(dec("0.5"), dec("400"), dec("420")), "410")
    floatAgrees(partialRebaseFloat(0.5, 400, 420), "410")
  })

  it("restates 420 at risk 1.00 to risk 1.02: 428.4", () => {
    exactly(restateRiskExact(dec("420"), dec("1.02"), dec("1")), "428.4")
    floatAgrees(restateRiskFloat(420, 1.02, 1), "428.4")
  })
})

describe("bands", () => {
  // ACO REACH Global: 0–25 % at 100 %, 25–35 % at 50 %, above 35 % at 25 %.
  const bands = [
    { from: dec("0"), to: dec("0.25"), share: dec("1") },
    { from: dec("0.25"), to: dec("0.35"), share: dec("0.5") },
    { from: dec("0.35"), share: dec("0.25") }
  ]
  it.each([
    // 30 % of 100M: 25M + 5M × 0.5 = 27.5M
    { gapRate: "0.3", start: "0", shared: "27500000" },
    // 40 %: 25 + 10 × 0.5 + 5 × 0.25 = 31.25M
    { gapRate: "0.4", start: "0", shared: "31250000" },
    // 30 % shared beyond a 2 % corridor: 23M + 2.5M = 25.5M
    { gapRate: "0.3", start: "0.02", shared: "25500000" }
  ])("share $gapRate of B = 100M from $start is $shared", ({ gapRate, start, shared }) => {
    const exact = bandSharesExact(bands, M("100"), M("100").mul(gapRate), dec(start)).reduce((acc, b) => acc.add(b.shared), dec(0))
    exactly(exact, shared)
    floatAgrees(bandShareFloat(new Float64Array([0, 0.25, 0.35]), new Float64Array([0.25, 0.35, Infinity]), new Float64Array([1, 0.5, 0.25]), 100e6, 100e6 * Number(gapRate), Number(start)), shared)
  })
})

describe("settlement", () => {
  const year = { assignedMembers: dec(10_000), qualityScore: dec(1), qualityMultiplier: dec(1), meetsQualityStandard: true }
  const settled = new Float64Array(SETTLED_LENGTH)

  it.each([
    // The corridor is inclusive: 2 % of 100 exactly qualifies (2 × 40 % × 0.98 = 0.784 paid); a hair less does not.
    { b: "100", e: "98", msr: "0.02", mlr: undefined, outcome: "savings", settled: "savings paid" },
    { b: "100", e: "98.0001", msr: "0.02", mlr: undefined, outcome: "none", settled: "none" },
    // 2 × 30 % = 0.6 owed.
    { b: "100", e: "102", msr: "0.02", mlr: "0.02", outcome: "loss", settled: "loss owed" },
    { b: "100", e: "102", msr: "0.02", mlr: undefined, outcome: "none", settled: "none" },
    // No gap is no savings even with a zero MSR.
    { b: "436.21", e: "436.21", msr: "0", mlr: "0", outcome: "none", settled: "none" }
  ] as const)("B $b, E $e, MSR $msr, MLR $mlr is $outcome ($settled)", ({ b, e, msr, mlr, outcome, settled: expected }) => {
    const gross = dec(b).sub(dec(e))
    expect(corridorExact(gross, dec(b), dec(msr), mlr ? dec(mlr) : undefined)).toBe(outcome)
    const terms: SettlementTerms = {
      ...msspTrack("basic-a"),
      msr: { kind: "fixed", rate: dec(msr) },
      ...(mlr ? { mlr: { kind: "fixed", rate: dec(mlr) }, lossRate: { kind: "flat", rate: dec("0.3") } } : {})
    }
    const exact = settle(terms, { ...year, benchmark: dec(b), expenditure: dec(e) }).value
    expect([exact.outcome, exact.settled]).toEqual([outcome, expected])
    settleFloat(settlementYearFloat(terms, year), Number(b), Number(e), settled)
    expect(settled[SETTLED_OUTCOME]).toBe(OUTCOME_CODE[expected])
  })

  // A year that qualifies but moves no money is "not paid" / "not owed", in both forms (docs/model.md §6).
  const savingsTerms: SettlementTerms = { ...msspTrack("basic-a"), msr: { kind: "fixed", rate: dec("0.02") } }
  const lossTerms: SettlementTerms = {
    ...msspTrack("basic-a"),
    msr: { kind: "fixed", rate: dec("0.02") },
    mlr: { kind: "fixed", rate: dec("0.02") },
    lossRate: { kind: "flat", rate: dec("0.3") }
  }
  // 425.605(h): below the 2 % MSR at half the rate, from 5,000 assigned (the table's year has 10,000).
  const reducedTerms: SettlementTerms = { ...savingsTerms, reducedBelowMsr: { factor: dec("0.5"), minAssigned: dec(5_000) } }
  it.each([
    // 4M × 40 % × 0.98 = 1.568M.
    { case: "savings, standard met", terms: savingsTerms, e: "96", input: {}, settled: "savings paid", paid: "1568000" },
    { case: "savings, quality standard failed", terms: savingsTerms, e: "96", input: { meetsQualityStandard: false }, settled: "savings not paid", paid: "0" },
    { case: "savings, quality multiplier 0", terms: savingsTerms, e: "96", input: { qualityMultiplier: dec(0) }, settled: "savings not paid", paid: "0" },
    { case: "savings, a zero share", terms: { ...savingsTerms, savingsRate: { kind: "flat", rate: dec(0) } }, e: "96", input: {}, settled: "savings not paid", paid: "0" },
    { case: "savings, a zero cap", terms: { ...savingsTerms, savingsCap: dec(0) }, e: "96", input: {}, settled: "savings not paid", paid: "0" },
    // Exactly at the 2 % MSR, shared beyond it: the basis is 2M − 2 % × 100M = 0.
    { case: "savings at the edge, shared beyond the corridor", terms: { ...savingsTerms, sharingBasis: "beyond-corridor" }, e: "98", input: {}, settled: "savings not paid", paid: "0" },
    // 4M × 30 % = 1.2M.
    { case: "losses, owed", terms: lossTerms, e: "104", input: {}, settled: "loss owed", paid: "1200000" },
    { case: "losses, a zero loss rate", terms: { ...lossTerms, lossRate: { kind: "flat", rate: dec(0) } }, e: "104", input: {}, settled: "loss not owed", paid: "0" },
    { case: "losses, a zero loss limit", terms: { ...lossTerms, lossLimit: { shareOfBenchmark: dec(0) } }, e: "104", input: {}, settled: "loss not owed", paid: "0" },
    // 1.2M owed less a 2M disaster adjustment: nothing.
    { case: "losses, all taken by the disaster adjustment", terms: lossTerms, e: "104", input: { disasterAdjustment: M("-2") }, settled: "loss not owed", paid: "0" },
    // 1.5 % < 2 % MSR, reduced: 1.5M × 40 % × ½ × 0.98 = 294,000.
    { case: "savings below the MSR at the reduced rate", terms: reducedTerms, e: "98.5", input: {}, settled: "savings paid", paid: "294000" },
    // The same with the alternative standard's 0.7663: 1.5M × 40 % × 0.7663 × ½ × 0.98 = 225,292.2.
    { case: "savings below the MSR, reduced and slid by quality", terms: reducedTerms, e: "98.5", input: { qualityMultiplier: dec("0.7663") }, settled: "savings paid", paid: "225292.2" },
    { case: "savings below the MSR, a zero reduction factor", terms: { ...reducedTerms, reducedBelowMsr: { factor: dec(0), minAssigned: dec(5_000) } }, e: "98.5", input: {}, settled: "savings not paid", paid: "0" },
    { case: "savings below the MSR, too few assigned", terms: { ...reducedTerms, reducedBelowMsr: { factor: dec("0.5"), minAssigned: dec(20_000) } }, e: "98.5", input: {}, settled: "none", paid: "0" },
    { case: "savings below the MSR, quality failed", terms: reducedTerms, e: "98.5", input: { meetsQualityStandard: false }, settled: "none", paid: "0" }
  ] as const)("settles $case as $settled", ({ terms, e, input, settled: expected, paid }) => {
    const inputs = { ...year, ...input }
    const exact = settle(terms, { ...inputs, benchmark: M("100"), expenditure: M(e) }).value
    expect(exact.settled).toBe(expected)
    exactly(expected.startsWith("savings") ? exact.sharedSavings : exact.sharedLosses, paid)
    expect(settledOutcomeExact(exact.outcome, exact.sharedSavings, exact.sharedLosses)).toBe(expected)
    settleFloat(settlementYearFloat(terms, inputs), 100e6, Number(e) * 1e6, settled)
    expect(settled[SETTLED_OUTCOME]).toBe(OUTCOME_CODE[expected])
    floatAgrees(expected.startsWith("savings") ? settled[SETTLED_SAVINGS]! : settled[SETTLED_LOSSES]!, paid)
  })

  it.each([
    // BASIC level A shares 40 %: 4M × 40 % × 1 × 0.98 = 1.568M, under the 10 % cap.
    { e: "96", savings: "1568000", capBinds: false },
    // 30M × 40 % × 0.98 = 11.76M > 10 % × 100M = 10M.
    { e: "70", savings: "10000000", capBinds: true }
  ])("BASIC level A saves B 100M − E $e M → $savings", ({ e, savings, capBinds }) => {
    const exact = sharedSavingsExact({ shared: M("100").sub(M(e)).mul("0.4"), qualityMultiplier: dec(1), sequestration: dec("0.02"), cap: dec("0.1"), benchmark: M("100") })
    exactly(exact.sharedSavings, savings)
    expect(exact.capBinds).toBe(capBinds)
    settleFloat(settlementYearFloat(msspTrack("basic-a"), year), 100e6, Number(e) * 1e6, settled)
    floatAgrees(settled[SETTLED_SAVINGS]!, savings)
    floatAgrees(settled[SETTLED_GROSS]!, M("100").sub(M(e)).toFixed())
  })

  it.each([
    // WE13: 4M × 30 % = 1.2M; limit min(8 % × 30M, 4 % × 100M) = 2.4M does not bind.
    { track: "basic-e", revenue: "30", owed: "1200000" },
    // limit min(4 % × 10M, 2 % × 100M) = 0.4M binds.
    { track: "basic-d", revenue: "10", owed: "400000" },
    // limit min(2 % × 10M, 1 % × 100M) = 0.2M binds.
    { track: "basic-c", revenue: "10", owed: "200000" }
  ] as const)("$track owes $owed on a 4M loss with revenue $revenue M", ({ track, revenue, owed }) => {
    const terms = msspTrack(track, { mlr: { kind: "fixed", rate: dec("0.02") } })
    const limitShare = terms.lossLimit!
    const limit = [limitShare.shareOfBenchmark?.mul(M("100")), limitShare.shareOfRevenue?.mul(M(revenue))].filter((x): x is Decimal => x !== undefined).reduce((a, b) => (b.lt(a) ? b : a))
    exactly(sharedLossesExact(M("4").mul("0.3"), limit, undefined).sharedLosses, owed)
    settleFloat(settlementYearFloat(terms, { ...year, revenue: M(revenue) }), 100e6, 104e6, settled)
    expect(settled[SETTLED_OUTCOME]).toBe(OUTCOME_CODE["loss owed"])
    floatAgrees(settled[SETTLED_LOSSES]!, owed)
  })

  it("shares REACH Global losses by the same bands: 30M over B 100M → 27.5M owed", () => {
    settleFloat(settlementYearFloat(reachTerms("global"), year), 100e6, 130e6, settled)
    floatAgrees(settled[SETTLED_LOSSES]!, "27500000")
  })

  it.each([
    // 425.630(g): 1,568,000 earned repays a 250,000 advance in full …
    { earned: "1568000", outstanding: "250000", recouped: "250000", balance: "0" },
    // … or all goes to a 2M advance, 432,000 carried …
    { earned: "1568000", outstanding: "2000000", recouped: "1568000", balance: "432000" },
    // … and a year without savings recoups nothing.
    { earned: "0", outstanding: "430000", recouped: "0", balance: "430000" }
  ])("recoups $recouped of an advance of $outstanding from $earned earned", ({ earned, outstanding, recouped, balance }) => {
    const exact = advanceRecoupmentExact(dec(earned), dec(outstanding))
    exactly(exact.recouped, recouped)
    exactly(exact.balance, balance)
    floatAgrees(advanceRecoupmentFloat(Number(earned), Number(outstanding)), recouped)
  })

  it("takes a disaster adjustment off owed losses, never below zero", () => {
    exactly(sharedLossesExact(dec("1200000"), undefined, dec("-200000")).sharedLosses, "1000000")
    exactly(sharedLossesExact(dec("1200000"), undefined, dec("-2000000")).sharedLosses, "0")
  })
})
