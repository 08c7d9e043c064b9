import { dec } from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"
import { checkAipRecoupment, checkReducedSharedSavings } from "../../src/mssp/pufChecks.js"
import { parsePercentText } from "../../src/mssp/pufColumns.js"

const pctText = (text: string) => parsePercentText(text, "FinalShareRate", "X0003")

// A low-revenue BASIC A ACO, 8,000 assigned, 2 % below its benchmark of 80,000,000 (MSR 3.2 % at 8,000).
const REDUCED = {
  gross: dec(1_600_000),
  savingsRate: dec("0.02"),
  printedMsr: pctText("3.2"),
  members: dec(8000),
  trackRate: dec("0.40"),
  qualityMultiplier: dec(1),
  meetsQuality: true,
  printedShare: pctText("20"),
  revenueCategory: "Low Revenue",
  startDate: "01/01/2024",
  // 1,600,000 × ½ × 40 % × 98 % = 313,600
  reportedEarned: dec(313_600)
}

describe("checkReducedSharedSavings", () => {
  it("finds a row paid half the rate below the MSR consistent with 425.605(h)", () => {
    const c = checkReducedSharedSavings(REDUCED)
    expect(c.consistent).toBe(true)
    expect(c.rate.eq(dec("0.2"))).toBe(true)
    expect(c.expectedEarned.eq(dec(313_600))).toBe(true)
    expect(c.rule).toBe("42 CFR 425.605(h)")
  })

  it("halves the alternative-standard rate too: 40 % × 70 % ÷ 2 = 14 %", () => {
    // 1,600,000 × 14 % × 98 % = 219,520
    const c = checkReducedSharedSavings({ ...REDUCED, qualityMultiplier: dec("0.7"), printedShare: pctText("14"), reportedEarned: dec(219_520) })
    expect(c.consistent).toBe(true)
  })

  it.each([
    { change: { members: dec(4999) }, fails: /at least 5,000 assigned/ },
    { change: { revenueCategory: "High Revenue" }, fails: /low revenue/ },
    { change: { savingsRate: dec("0.035") }, fails: /below the MSR/ },
    { change: { startDate: "01/01/2022" }, fails: /agreement period from 2024/ },
    { change: { printedShare: pctText("40") }, fails: /FinalShareRate/ },
    { change: { reportedEarned: dec(627_200) }, fails: /EarnSaveLoss/ }
  ])("names the condition a row fails: $fails", ({ change, fails }) => {
    const c = checkReducedSharedSavings({ ...REDUCED, ...change })
    expect(c.consistent).toBe(false)
    expect(c.detail).toMatch(/^not consistent with 425.605\(h\): fails/)
    expect(c.detail.split("; holds")[0]).toMatch(fails)
  })
})

describe("checkAipRecoupment", () => {
  it("takes every dollar of savings while an advance is outstanding", () => {
    // earned 313,600, balance 500,000: all 313,600 recouped, 186,400 still owed, nothing paid
    const c = checkAipRecoupment({ earnedBeforeRecoupment: dec(313_600), recouped: dec(313_600), balance: dec(500_000), owed: dec(186_400) })
    expect(c.consistent).toBe(true)
    expect(c.paid.isZero()).toBe(true)
  })

  it("pays the ACO what is left once the advance is repaid", () => {
    // earned 1,646,400, balance 1,000,000: 1,000,000 recouped, 646,400 paid
    const c = checkAipRecoupment({ earnedBeforeRecoupment: dec(1_646_400), recouped: dec(1_000_000), balance: dec(1_000_000), owed: dec(0) })
    expect(c.consistent).toBe(true)
    expect(c.paid.eq(dec(646_400))).toBe(true)
  })

  it("flags a recoupment larger than the savings earned", () => {
    const c = checkAipRecoupment({ earnedBeforeRecoupment: dec(100_000), recouped: dec(150_000), balance: dec(500_000) })
    expect(c.consistent).toBe(false)
    expect(c.detail).toMatch(/fails AIPRecoup \$150000 ≤ earned savings \$100000/)
  })

  it("flags savings paid out while an advance is still owed", () => {
    // 200,000 earned, only 50,000 recouped although 300,000 remained owed
    const c = checkAipRecoupment({ earnedBeforeRecoupment: dec(200_000), recouped: dec(50_000), balance: dec(350_000), owed: dec(300_000) })
    expect(c.consistent).toBe(false)
    expect(c.detail).toMatch(/savings left after recoupment only once the advance is repaid/)
  })

  it("recoups nothing when nothing was earned", () => {
    const c = checkAipRecoupment({ earnedBeforeRecoupment: dec(0), recouped: dec(0), balance: dec(250_000), owed: dec(250_000) })
    expect(c.consistent).toBe(true)
    expect(c.paid.isZero()).toBe(true)
  })
})
