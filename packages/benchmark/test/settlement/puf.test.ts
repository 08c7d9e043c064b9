import { dec, formatFixed, InvalidArgument, missingPufColumns, PUF_REQUIRED_COLUMNS, reconcilePufRow, summarizePufReconciliation } from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"

// Rows copied from CMS's PY2023 Shared Savings Program PUF (the columns reconcilePufRow reads).
const A1247 = {
  ACO_ID: "A1247", ACO_Name: "RWJBH Accountable Care, LLC", Current_Track: "B", Risk_Model: "One-Sided", N_AB: "40659",
  Sav_rate: "5.10%", MinSavPerc: "2.29%", BnchmkMinExp: "27888247", GenSaveLoss: "27888247", DisAdj: "", EarnSaveLoss: "10932193",
  Met_QPS: "1", Met_AltQPS: "-", QualScore: "77.79%", ABtotBnchmk: "546572633", ABtotExp: "518684386", FinalShareRate: "40.00%",
  FinalLossRate: "", Impact_Mid_Year_Termination: "0"
}
const A5293 = {
  ACO_ID: "A5293", ACO_Name: "Vytalize Health ACO-V", Current_Track: "C", Risk_Model: "Two-Sided", N_AB: "6763",
  Sav_rate: "-3.21%", MinSavPerc: "1.00%", BnchmkMinExp: "-3346177", GenSaveLoss: "-3346177", DisAdj: "-72695", EarnSaveLoss: "-98453",
  Met_QPS: "1", Met_AltQPS: "-", QualScore: "77.00%", ABtotBnchmk: "104354043", ABtotExp: "107700220", FinalShareRate: "50.00%",
  FinalLossRate: "30.00%", Impact_Mid_Year_Termination: "0"
}
const A1070 = {
  ACO_ID: "A1070", ACO_Name: "Allcare Options, LLC", Current_Track: "E", Risk_Model: "Two-Sided", N_AB: "4548",
  Sav_rate: "-1.94%", MinSavPerc: "4.15%", BnchmkMinExp: "-1227367", GenSaveLoss: "0", DisAdj: "0", EarnSaveLoss: "0",
  Met_QPS: "1", Met_AltQPS: "-", QualScore: "65.76%", ABtotBnchmk: "63275344", ABtotExp: "64502711", FinalShareRate: "50.00%",
  FinalLossRate: "30.00%", Impact_Mid_Year_Termination: "1"
}

describe("missingPufColumns", () => {
  it("names the required columns a header lacks", () => {
    const header = PUF_REQUIRED_COLUMNS.filter((c) => c !== "DisAdj" && c !== "N_AB")
    expect(missingPufColumns(header)).toEqual(["N_AB", "DisAdj"])
    expect(missingPufColumns(Object.keys(A1247))).toEqual([])
  })
})

describe("reconcilePufRow", () => {
  it("reproduces a one-sided savings row and its MSR from the table", () => {
    const r = reconcilePufRow(A1247)
    // 27,888,247 × 40 % × 98 % = 10,932,192.824 → printed 10,932,193
    expect(formatFixed(r.computedEarned!, 3)).toBe("10932192.824")
    expect(r.withinDollar).toBe(true)
    // 2.5 − 0.3 × 20,659/29,999 = 2.29340 % → printed 2.29 %
    expect(formatFixed(r.computedMsr?.mul(100) ?? dec(0), 2)).toBe("2.29")
    expect(r.msrMatches).toBe(true)
    expect(r.msrBasis).toBe("variable-table")
    expect(r.track).toBe("basic-b")
    expect(r.outcome).toBe("savings")
  })

  it("explains a loss the revenue-based limit cut, with the limit and revenue it implies", () => {
    const r = reconcilePufRow(A5293)
    // unlimited: 3,346,177 × 30 % = 1,003,853.1, less 72,695 = 931,158.1 owed; CMS: 98,453
    expect(formatFixed(r.computedEarned!, 1)).toBe("-931158.1")
    expect(r.withinDollar).toBe(false)
    // implied limit 98,453 + 72,695 = 171,148 < 1 % × 104,354,043 = 1,043,540.43; revenue = 171,148 / 2 % = 8,557,400
    expect(r.impliedLossLimit?.limit.eq(dec(171_148))).toBe(true)
    expect(r.impliedLossLimit?.impliedRevenue.eq(dec(8_557_400))).toBe(true)
    expect(r.impliedLossLimit?.consistent).toBe(true)
    expect(r.explanation).toMatch(/revenue-based loss limit binds/)
    expect(r.explanation).toMatch(/no revenue column/)
  })

  it("accepts a two-sided MSR below 5,000 members from the variable table and finds no loss inside the corridor", () => {
    const r = reconcilePufRow(A1070)
    // 5.0 − 1.1 × 1,548/1,999 = 4.14817 % → printed 4.15 %; the loss of 1.94 % is inside it
    expect(r.msrBasis).toBe("elected-variable-table")
    expect(r.msrMatches).toBe(true)
    expect(r.outcome).toBe("none")
    expect(r.computedEarned?.isZero()).toBe(true)
    expect(r.explanation).toMatch(/mid-year termination/)
  })

  it("applies the alternative quality standard as rate × quality score", () => {
    // Synthetic: the A1247 row under the alternative standard at 77.79 %: 40 % × 0.7779 = 31.116 %
    const row = { ...A1247, Met_QPS: "0", Met_AltQPS: "1", FinalShareRate: "31.12%", EarnSaveLoss: "8504153" }
    const r = reconcilePufRow(row)
    // 27,888,247 × 0.31116 = 8,677,706.94 (8,366,474.10 + 311,232.84); × 0.98 = 8,504,152.80
    expect(formatFixed(r.computedEarned!, 2)).toBe("8504152.80")
    expect(r.shareRateMatches).toBe(true)
    expect(r.withinDollar).toBe(true)
  })

  it("reads accounting formats: thousands separators, dollar signs and bracketed negatives", () => {
    const r = reconcilePufRow({ ...A5293, BnchmkMinExp: "(3,346,177)", ABtotBnchmk: "$104,354,043", DisAdj: "-72,695" })
    expect(r.settlement?.value.gross.eq(dec(-3_346_177))).toBe(true)
  })

  it.each([
    { column: "ABtotBnchmk", value: "1.2.3", message: /ABtotBnchmk.*A1247.*not a number/ },
    { column: "MinSavPerc", value: "2.29 pct", message: /MinSavPerc.*A1247.*percentage/ },
    { column: "Met_QPS", value: "maybe", message: /Met_QPS.*A1247.*0\/1/ },
    { column: "Current_Track", value: "Track 9", message: /Current_Track.*A1247/ },
    { column: "EarnSaveLoss", value: "-", message: /EarnSaveLoss.*A1247.*blank/ },
    { column: "DisAdj", value: "500", message: /DisAdj.*A1247.*positive/ }
  ])("rejects a malformed $column naming the column and the ACO", ({ column, value, message }) => {
    const call = () => reconcilePufRow({ ...A1247, [column]: value })
    expect(call).toThrow(InvalidArgument)
    expect(call).toThrow(message)
  })

  it("rejects a row missing a required column", () => {
    const { QualScore: _dropped, ...row } = A1247
    expect(() => reconcilePufRow(row)).toThrow(/QualScore.*missing.*A1247/)
  })
})

describe("summarizePufReconciliation", () => {
  it("counts outcomes, matches and misses", () => {
    const s = summarizePufReconciliation([A1247, A5293, A1070].map(reconcilePufRow))
    expect([s.rows, s.savingsRows, s.savingsWithinDollar, s.lossRows, s.lossWithinDollar, s.lossExplainedByRevenueLimit, s.noneRows, s.noneWithinDollar]).toEqual([3, 1, 1, 1, 0, 1, 1, 1])
    expect([s.oneSidedRows, s.oneSidedMsrMatches, s.twoSidedRows, s.twoSidedFixedElection, s.twoSidedVariableTable]).toEqual([1, 1, 2, 1, 1])
    expect(s.misses.map((m) => m.acoId)).toEqual(["A5293"])
    // 10,932,193 and −98,453 as printed
    expect(s.reportedSavingsTotal.eq(dec(10_932_193))).toBe(true)
    expect(s.reportedLossTotal.eq(dec(-98_453))).toBe(true)
  })
})
