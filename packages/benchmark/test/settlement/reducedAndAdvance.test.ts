import { dec, findStep, InvalidArgument, MSSP_REDUCED_SHARED_SAVINGS, msspTrack, settle, type SettlementInput, type SettlementTerms } from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"

/**
 * The PY2024 MSSP settlement rules beside the corridor: reduced shared savings below the MSR
 * (42 CFR 425.605(h)) and advance investment payment recoupment (42 CFR 425.630(g)), each figure
 * worked by hand in the comments.
 */
const M = (millions: string) => dec(millions).mul(1_000_000)
const exactly = (actual: { eq(x: unknown): boolean; toFixed(): string }, expected: string) => expect(actual.eq(dec(expected)), `${actual.toFixed()} ≠ ${expected}`).toBe(true)

const input = (over: Partial<SettlementInput> & Pick<SettlementInput, "benchmark" | "expenditure">): SettlementInput => ({
  assignedMembers: dec(10_000),
  qualityScore: dec(1),
  qualityMultiplier: dec(1),
  meetsQualityStandard: true,
  ...over
})

/** BASIC Level A (40 %, variable MSR) for a low revenue ACO in an agreement period from 2024. */
const levelA: SettlementTerms = { ...msspTrack("basic-a"), reducedBelowMsr: MSSP_REDUCED_SHARED_SAVINGS }

describe("reduced shared savings below the MSR (425.605(h))", () => {
  it("shares 2 % savings under a 3.2 % MSR at half the rate: 1.6M × 40 % × ½ × 98 % = 313,600", () => {
    // 8,000 assigned: the table's row 8,000–8,999 starts at 3.2 % (425.605(b)(1)); 1.6M of 80M is 2 %.
    const r = settle(levelA, input({ benchmark: M("80"), expenditure: M("78.4"), assignedMembers: dec(8_000) }))
    const s = r.value
    exactly(s.msr, "0.032")
    expect([s.outcome, s.settled, s.reducedBelowMsr]).toEqual(["savings", "savings paid", true])
    exactly(s.sharedSavings, "313600")
    // FinalShareRate = ½ × 40 % = 20 %
    exactly(s.sharingRate, "0.2")
    exactly(s.providerNet, "313600")
    expect(findStep(r.derivation, "settlement.reduced")?.source).toMatch(/425\.605\(h\)/)
    expect(findStep(r.derivation, "settlement.savings.reduced")?.output.value.eq(dec("320000"))).toBe(true)
    expect(findStep(r.derivation, "settlement.outcome")?.notes[0]).toBe("savings below the MSR qualify at the reduced rate (425.605(h)) and are paid")
  })

  it("slides with the alternative standard too: 1.6M × 40 % × 0.70 × ½ × 98 % = 219,520", () => {
    const s = settle(levelA, input({ benchmark: M("80"), expenditure: M("78.4"), assignedMembers: dec(8_000), qualityMultiplier: dec("0.7"), qualityScore: dec("0.7") })).value
    exactly(s.sharedSavings, "219520")
    exactly(s.sharingRate, "0.14")
  })

  it.each([
    // 4,999 assigned: below the 5,000 minimum (and the table's 3.9 % is not met by 2 %)
    { case: "4,999 assigned", over: { assignedMembers: dec(4_999) } },
    // neither the standard nor the alternative: 425.605(c)(2)(ii) is a condition of (h)
    { case: "quality failed", over: { assignedMembers: dec(8_000), meetsQualityStandard: false } }
  ])("shares nothing below the MSR when $case", ({ over }) => {
    const r = settle(levelA, input({ benchmark: M("80"), expenditure: M("78.4"), ...over }))
    expect([r.value.outcome, r.value.settled, r.value.reducedBelowMsr]).toEqual(["none", "none", false])
    exactly(r.value.sharedSavings, "0")
    expect(findStep(r.derivation, "settlement.reduced")?.notes[0]).toMatch(/^below the MSR, no reduced shared savings/)
  })

  it("shares in full at the MSR and at half a dollar below it: a cliff of about 501,760 at 3.2 %", () => {
    // At the MSR: 3.2 % × 80M = 2,560,000 gross → × 40 % × 98 % = 1,003,520.
    const at = settle(levelA, input({ benchmark: M("80"), expenditure: dec("77440000"), assignedMembers: dec(8_000) })).value
    expect(at.reducedBelowMsr).toBe(false)
    exactly(at.sharedSavings, "1003520")
    // $1 short of it: 2,559,999 × 20 % × 98 % = 501,759.804.
    const below = settle(levelA, input({ benchmark: M("80"), expenditure: dec("77440001"), assignedMembers: dec(8_000) })).value
    expect(below.reducedBelowMsr).toBe(true)
    exactly(below.sharedSavings, "501759.804")
  })

  it("never applies at or above the benchmark", () => {
    for (const e of ["80", "81"]) {
      const s = settle(levelA, input({ benchmark: M("80"), expenditure: M(e), assignedMembers: dec(8_000) })).value
      expect([s.outcome, s.reducedBelowMsr]).toEqual(["none", false])
    }
  })

  it("applies to a two-sided level with an elected MSR: BASIC C at 2 %, 1 % savings → 1M × 50 % × ½ × 98 % = 245,000", () => {
    const terms: SettlementTerms = { ...msspTrack("basic-c", { msr: { kind: "fixed", rate: dec("0.02") } }), reducedBelowMsr: MSSP_REDUCED_SHARED_SAVINGS }
    exactly(settle(terms, input({ benchmark: M("100"), expenditure: M("99") })).value.sharedSavings, "245000")
  })

  it("is refused on terms that share only beyond the corridor", () => {
    const terms: SettlementTerms = { ...levelA, sharingBasis: "beyond-corridor" }
    expect(() => settle(terms, input({ benchmark: M("80"), expenditure: M("78.4") }))).toThrow(InvalidArgument)
  })

  it("settles a zero reduction factor as savings not paid, with the reason", () => {
    const terms: SettlementTerms = { ...levelA, reducedBelowMsr: { factor: dec(0), minAssigned: dec(5_000) } }
    const r = settle(terms, input({ benchmark: M("80"), expenditure: M("78.4"), assignedMembers: dec(8_000) }))
    expect(r.value.settled).toBe("savings not paid")
    expect(findStep(r.derivation, "settlement.outcome")?.notes[0]).toBe("savings earned but not paid: the reduction factor below the MSR is 0")
  })
})

describe("advance investment payment recoupment (425.630(g))", () => {
  // BASIC A at 10,000 assigned: MSR 3.0 %; B 100M, E 96M: 4M × 40 % × 98 % = 1,568,000 earned.
  const basicA = msspTrack("basic-a")
  const savingsYear = (advance: { received: string; outstanding: string }) =>
    settle(basicA, input({ benchmark: M("100"), expenditure: M("96"), advance: { received: dec(advance.received), outstanding: dec(advance.outstanding) } }))

  it("repays the year's $250,000 advance first: 1,568,000 earned, 250,000 recouped, provider net 1,568,000", () => {
    const s = savingsYear({ received: "250000", outstanding: "0" }).value
    exactly(s.sharedSavings, "1568000")
    exactly(s.advance!.recouped, "250000")
    exactly(s.advance!.balance, "0")
    // 1,568,000 − 0 + 250,000 − 250,000; payer net 4,000,000 − 1,568,000
    exactly(s.providerNet, "1568000")
    exactly(s.payerNet, "2432000")
  })

  it("takes all of the savings while more is outstanding, and carries the rest: 2,000,000 − 1,568,000 = 432,000", () => {
    const r = savingsYear({ received: "0", outstanding: "2000000" })
    exactly(r.value.advance!.recouped, "1568000")
    exactly(r.value.advance!.balance, "432000")
    exactly(r.value.providerNet, "0")
    exactly(r.value.payerNet, "4000000")
    expect(findStep(r.derivation, "settlement.advance")?.notes[0]).toBe("all 1568000.00 of the savings applied to the advance, 432000.00 carried forward")
  })

  it("recovers nothing in a year without savings (425.630(g)(3)): 250,000 + 180,000 received = 430,000 carried", () => {
    // 1 % savings < 3 % MSR: nothing shared; the 180,000 received raises provider net.
    const s = settle(basicA, input({ benchmark: M("100"), expenditure: M("99"), advance: { received: dec("180000"), outstanding: dec("250000") } })).value
    exactly(s.advance!.recouped, "0")
    exactly(s.advance!.balance, "430000")
    exactly(s.providerNet, "180000")
    exactly(s.payerNet, "820000")
  })

  it("does not offset owed losses: BASIC E, 4M over → 1.2M owed, 100,000 received, provider net −1,100,000", () => {
    const terms = msspTrack("basic-e", { mlr: { kind: "fixed", rate: dec("0.02") } })
    const s = settle(terms, input({ benchmark: M("100"), expenditure: M("104"), advance: { received: dec("100000"), outstanding: dec("300000") } })).value
    exactly(s.sharedLosses, "1200000")
    exactly(s.advance!.balance, "400000")
    exactly(s.providerNet, "-1100000")
  })

  it("refuses a negative advance", () => {
    expect(() => savingsYear({ received: "-1", outstanding: "0" })).toThrow(InvalidArgument)
  })
})
