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

describe("reconcilePufRow: reduced shared savings (42 CFR 425.605(h)) from the columns that determine it", () => {
  // Synthetic PY2024 row: BASIC B, 12,000 assigned → MSR 3.0 − 0.3 × 2,000/4,999 = 2.879976 % (printed 2.88);
  // 2 % below a $100M benchmark; low revenue, agreement from 2024, quality standard met.
  const reducedRow = {
    ACO_ID: "X9001", ACO_Name: "Synthetic Reduced ACO", Current_Track: "B", Risk_Model: "One-Sided", N_AB: "12000",
    Sav_rate: "2", MinSavPerc: "2.88", BnchmkMinExp: "2000000", GenSaveLoss: "2000000", DisAdj: "0", EarnSaveLoss: "392000",
    Met_QPS: "1", Met_AltQPS: "-", QualScore: "80", ABtotBnchmk: "100000000", ABtotExp: "98000000", FinalShareRate: "20",
    FinalLossRate: "-", Impact_Mid_Year_Termination: "0", ReducedSS: "1", Rev_Exp_Cat: "Low Revenue", Current_Start_Date: "01/01/2024"
  }

  it("re-settles a ReducedSS row by the rule: 2,000,000 × ½ × 40 % × 98 % = 392,000", () => {
    const r = reconcilePufRow(reducedRow)
    expect(r.layout).toBe("PY2024")
    expect(r.paths).toEqual(["reduced-shared-savings"])
    expect(r.computedEarned?.toFixed()).toBe("392000")
    expect([r.withinDollar, r.outcome, r.reportedOutcome, r.shareRateMatches]).toEqual([true, "savings", "savings", true])
    expect(r.settlement?.value.reducedBelowMsr).toBe(true)
    expect(r.explanation).toMatch(/below the MSR at the reduced rate of 425\.605\(h\)/)
    expect(r.reducedSharedSavings?.consistent).toBe(true)
  })

  it("counts CMS's reduced savings paid as savings even when GenSaveLoss prints 0", () => {
    const r = reconcilePufRow({ ...reducedRow, GenSaveLoss: "0" })
    expect([r.withinDollar, r.reportedOutcome]).toEqual([true, "savings"])
  })

  it("does not reproduce a ReducedSS row the columns make ineligible, and says which column", () => {
    const r = reconcilePufRow({ ...reducedRow, Rev_Exp_Cat: "High Revenue" })
    expect(r.computedEarned?.toFixed()).toBe("0")
    expect(r.gap?.kind).toBe("reduced-shared-savings")
    expect(r.gap?.reason).toMatch(/not low revenue \(Rev_Exp_Cat "High Revenue"\)/)
  })

  it("tests the rule on rows CMS did not flag: an eligible row below the MSR that CMS paid nothing is not reproduced", () => {
    const r = reconcilePufRow({ ...reducedRow, ReducedSS: "0", GenSaveLoss: "0", EarnSaveLoss: "0", FinalShareRate: "40" })
    // The rule pays 392,000 where CMS paid 0: honest disagreement, not a reproduction.
    expect(r.computedEarned?.toFixed()).toBe("392000")
    expect(r.withinDollar).toBe(false)
    expect(r.gap?.kind).toBe("unexplained")
  })

  it("takes a condition whose column the file lacks from ReducedSS, and says so", () => {
    const { Rev_Exp_Cat: _r, Current_Start_Date: _d, ...row } = reducedRow
    const r = reconcilePufRow(row)
    expect(r.withinDollar).toBe(true)
    expect(r.explanation).toMatch(/425\.605\(h\) eligibility: low revenue and an agreement period from 2024 not in the file, taken from ReducedSS = 1/)
  })

  it("never applies 425.605(h) to ENHANCED, a BASIC track rule", () => {
    const r = reconcilePufRow({ ...reducedRow, Current_Track: "EN", Risk_Model: "Two-Sided", MinSavPerc: "2", FinalLossRate: "40", FinalShareRate: "37.5", EarnSaveLoss: "735000" })
    expect(r.settlement?.value.reducedBelowMsr).toBe(false)
    expect(r.explanation).toMatch(/ReducedSS = 1 on an ENHANCED row/)
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
