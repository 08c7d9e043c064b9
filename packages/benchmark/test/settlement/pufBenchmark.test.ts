import { checkPufBenchmarkRow, pufBenchmarkColumns, summarizePufBenchmark, type PufBenchmarkCheckId, type PufBenchmarkRowCheck } from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"
import { agreementStart } from "../../src/mssp/pufBenchmark.js"
import { invalidOf } from "../invalidOf.js"

/**
 * Benchmark-side checks of a PUF row against the row's own columns (pufBenchmark.ts,
 * docs/rules/mssp-parity.md "Benchmark-side parity"). Every row here is made up; each expected
 * figure is worked by hand in the comments.
 */

const TYPES = ["ESRD", "DIS", "AGDU", "AGND"] as const
const YEARS = { ESRD: "ESRD", DIS: "DIS", AGDU: "AGED_Dual", AGND: "AGED_NonDual" } as const

/**
 * A PY2024-shaped row, every benchmark column printed and every identity exact:
 * 10,000 person-years (100 ESRD, 900 disabled, 1,000 aged dual, 8,000 aged non-dual);
 * benchmark 10,500 × 10,000 = 105,000,000; spending by type 80,000 / 11,000 / 16,000 / 8,000 →
 * 8,000,000 + 9,900,000 + 16,000,000 + 64,000,000 = 97,900,000 = 9,790 × 10,000.
 */
const BASE: Readonly<Record<string, string>> = {
  ACO_ID: "T0001",
  Current_Start_Date: "01/01/2024",
  ABtotBnchmk: "105000000",
  UpdatedBnchmk: "10500",
  ABtotExp: "97900000",
  Per_Capita_Exp_TOTAL_PY: "9790",
  N_AB_Year_PY: "10000",
  N_AB_Year_ESRD_PY: "100",
  N_AB_Year_DIS_PY: "900",
  N_AB_Year_AGED_Dual_PY: "1000",
  N_AB_Year_AGED_NonDual_PY: "8000",
  Per_Capita_Exp_ALL_ESRD_PY: "80000",
  Per_Capita_Exp_ALL_DIS_PY: "11000",
  Per_Capita_Exp_ALL_AGDU_PY: "16000",
  Per_Capita_Exp_ALL_AGND_PY: "8000",
  ...Object.fromEntries(
    TYPES.flatMap((t) => [
      [`CMS_HCC_RiskScore_${t}_BY3`, "1.000"],
      [`CMS_HCC_RiskScore_${t}_PY`, "1.000"],
      [`Demog_RiskScore_${t}_BY3`, "1.000"],
      [`Demog_RiskScore_${t}_PY`, "1.000"],
      [`RR_weight_${t}_PY`, "0.25"]
    ])
  ),
  RegAdj: "0",
  PriorSavAdj: "-",
  FinalAdjCat: "No Adjustment"
}

const run = (changes: Readonly<Record<string, string>> = {}, drop: ReadonlyArray<string> = []) => {
  const row = Object.fromEntries(Object.entries({ ...BASE, ...changes }).filter(([k]) => !drop.includes(k)))
  return checkPufBenchmarkRow(row, pufBenchmarkColumns(Object.keys(row)))
}
const one = (check: PufBenchmarkCheckId, changes: Readonly<Record<string, string>> = {}, drop: ReadonlyArray<string> = []): PufBenchmarkRowCheck =>
  run(changes, drop).checks.find((c) => c.check === check)!

describe("identities between printed figures", () => {
  it("finds every identity of an exact row, and every check of a full PY2024-shaped row", () => {
    expect(run().checks.map((c) => [c.check, c.status])).toEqual([
      ["total-benchmark", "match"],
      ["total-expenditure", "match"],
      ["person-years-by-type", "match"],
      ["expenditure-by-type", "match"],
      ["risk-cap-2019", "not-applicable"],
      ["risk-cap-2024", "within"],
      ["adjustment-choice", "match"]
    ])
  })

  it("allows the rounding of the printed figures, and no more", () => {
    // 10,417 × 19,200 = 200,006,400 vs 200,000,000: 6,400 off; rounding allows
    // ½ × 19,200 + ½ × 10,417 + ¼ + ½ (ABtotBnchmk to the dollar) = 14,809.25
    const rounded = { ABtotBnchmk: "200000000", UpdatedBnchmk: "10417", N_AB_Year_PY: "19200" }
    expect(one("total-benchmark", rounded)).toMatchObject({ status: "match" })
    expect(one("total-benchmark", rounded).detail).toContain("difference −6,400, within the ±14,809.25 the printed rounding allows")
    // UpdatedBnchmk one dollar higher: 10,418 × 19,200 = 200,025,600, 25,600 off > 14,809.75
    expect(one("total-benchmark", { ...rounded, UpdatedBnchmk: "10418" })).toMatchObject({ status: "off" })
  })

  it("multiplies by person-years, not assigned beneficiaries", () => {
    // 10,500 × 10,300 = 108,150,000: 3,150,000 off
    expect(one("total-benchmark", { N_AB_Year_PY: "10300" }).status).toBe("off")
  })

  it("checks expenditure the same way", () => {
    expect(one("total-expenditure", { ABtotExp: "98000000" }).status).toBe("off")
  })

  it("sums person-years over the four enrollment types", () => {
    // 100 + 900 + 1,000 + 8,010 = 10,010 vs 10,000: beyond ±2.5
    expect(one("person-years-by-type", { N_AB_Year_AGED_NonDual_PY: "8010" })).toMatchObject({ status: "off" })
    expect(one("person-years-by-type", { N_AB_Year_AGED_NonDual_PY: "8002" })).toMatchObject({ status: "match" })
  })

  it("weights per capita spending by person-years", () => {
    // aged non-dual 8,100: Σ = 98,700,000 vs 9,790 × 10,000 = 97,900,000, 800,000 off; rounding allows
    // Σ (½ × years + ½ × per capita + ¼) = 40,050.25 + 5,950.25 + 8,500.25 + 8,050.25 = 62,551,
    // plus ½ × 10,000 + ½ × 9,790 + ¼ = 9,895.25 for the total: 72,446.25
    const c = one("expenditure-by-type", { Per_Capita_Exp_ALL_AGND_PY: "8100" })
    expect(c.status).toBe("off")
    expect(c.detail).toContain("difference 800,000, beyond ±72,446.25")
  })

  it("says a suppressed or not-applicable cell is not printed, and names it", () => {
    expect(one("person-years-by-type", { N_AB_Year_ESRD_PY: "*" })).toMatchObject({ status: "not-printed" })
    expect(one("expenditure-by-type", { Per_Capita_Exp_ALL_ESRD_PY: "-" }).detail).toContain("Per_Capita_Exp_ALL_ESRD_PY not printed")
  })

  it("reports a check whose columns the file lacks as absent from the row, and in the summary as not in this layout", () => {
    const row = run({}, ["N_AB_Year_ESRD_PY"])
    expect(row.checks.map((c) => c.check)).not.toContain("person-years-by-type")
    const columns = pufBenchmarkColumns(Object.keys(BASE).filter((k) => k !== "N_AB_Year_ESRD_PY"))
    const summary = summarizePufBenchmark([row], columns)
    expect(summary.checks.find((c) => c.check === "person-years-by-type")).toMatchObject({ inFile: false, missingColumns: ["N_AB_Year_ESRD_PY"], checked: 0 })
    expect(summary.checks.find((c) => c.check === "total-benchmark")).toMatchObject({ inFile: true, checked: 1, counts: { match: 1 } })
  })

  it("does not read a column that appears twice", () => {
    const header = [...Object.keys(BASE), "UpdatedBnchmk "]
    const columns = pufBenchmarkColumns(header)
    expect(columns.duplicated).toEqual(["UpdatedBnchmk"])
    expect(columns.missing.get("total-benchmark")).toEqual(["UpdatedBnchmk"])
  })

  it("refuses a printed cell that is not a number, naming the column and the ACO", () => {
    expect(invalidOf(() => run({ UpdatedBnchmk: "n/a?" })).message).toMatch(/UpdatedBnchmk of ACO T0001 is not a number/)
    expect(invalidOf(() => run({ Current_Start_Date: "Jan 2024" })).message).toMatch(/Current_Start_Date of ACO T0001 is not a date/)
  })
})

describe("risk ratio cap, agreements July 2019–2023 (+3 %, 425.605(a)(1))", () => {
  const onRule = { Current_Start_Date: "07/01/2019" }
  it("caps a type above 1.03 and leaves decreases alone", () => {
    // disabled 1.100 ÷ 1.050 = 1.0476 → 1.03; aged non-dual 0.900 ÷ 1.000 = 0.90 not floored
    const c = one("risk-cap-2019", { ...onRule, CMS_HCC_RiskScore_DIS_BY3: "1.050", CMS_HCC_RiskScore_DIS_PY: "1.100", CMS_HCC_RiskScore_AGND_PY: "0.900" })
    expect(c).toMatchObject({ status: "binds", types: { ESRD: "within", DIS: "binds", AGDU: "within", AGND: "within" } })
    expect(c.detail).toContain("disabled 1.0476 → 1.03")
  })

  it("cannot tell when the printed precision straddles the cap", () => {
    // 1.030 ÷ 1.000: at printed precision 1.0295 ÷ 1.0005 = 1.0290 to 1.0305 ÷ 0.9995 = 1.0310
    expect(one("risk-cap-2019", { ...onRule, CMS_HCC_RiskScore_AGDU_PY: "1.030" })).toMatchObject({ status: "undetermined", types: { AGDU: "undetermined" } })
    // a score trimmed to "1.05" is 1.050: 1.05 ÷ 1.0 is above the cap at any rounding of the third decimal
    expect(one("risk-cap-2019", { ...onRule, CMS_HCC_RiskScore_AGDU_BY3: "1", CMS_HCC_RiskScore_AGDU_PY: "1.05" }).status).toBe("binds")
  })

  it("says when a suppressed score leaves the answer open", () => {
    expect(one("risk-cap-2019", { ...onRule, CMS_HCC_RiskScore_ESRD_PY: "*" })).toMatchObject({ status: "not-printed", types: { ESRD: "not-printed", DIS: "within" } })
  })

  it("applies to agreements from July 2019 to 2023 only", () => {
    expect(one("risk-cap-2019", { Current_Start_Date: "01/01/2019" }).status).toBe("not-applicable")
    expect(one("risk-cap-2019", { Current_Start_Date: "2023-01-01" }).status).toBe("within")
    expect(one("risk-cap-2019").status).toBe("not-applicable")
  })
})

describe("risk ratio cap, agreements from 2024 (demographic growth + 3 points, 425.605(a)(1) as amended)", () => {
  // WE12 (docs/model.md §9.13): demographic growth +1 % → cap 1.04
  const demographic = Object.fromEntries(TYPES.map((t) => [`Demog_RiskScore_${t}_PY`, "1.010"]))
  it("caps every type above the cap once the aggregate exceeds it", () => {
    // weights ¼ each: aggregate HCC (1.07 + 1.03 + 1.05 + 1.05) ÷ 4 = 1.05 > 1.04 → 1.07 and 1.05s capped at 1.04, 1.03 kept
    const c = one("risk-cap-2024", {
      ...demographic,
      CMS_HCC_RiskScore_ESRD_PY: "1.070",
      CMS_HCC_RiskScore_DIS_PY: "1.030",
      CMS_HCC_RiskScore_AGDU_PY: "1.050",
      CMS_HCC_RiskScore_AGND_PY: "1.050"
    })
    expect(c).toMatchObject({ status: "binds", types: { ESRD: "binds", DIS: "within", AGDU: "binds", AGND: "binds" } })
    expect(c.detail).toMatch(/aggregate HCC growth 1.0500 vs cap 1.0400/)
    expect(c.detail).toContain("ESRD 1.0700 → 1.0400")
  })

  it("caps nothing while the aggregate is within the cap, even a type above it", () => {
    // (1.07 + 1.02 + 1.02 + 1.01) ÷ 4 = 1.03 ≤ 1.04: ESRD keeps 1.07
    const c = one("risk-cap-2024", {
      ...demographic,
      CMS_HCC_RiskScore_ESRD_PY: "1.070",
      CMS_HCC_RiskScore_DIS_PY: "1.020",
      CMS_HCC_RiskScore_AGDU_PY: "1.020",
      CMS_HCC_RiskScore_AGND_PY: "1.010"
    })
    expect(c).toMatchObject({ status: "within", types: { ESRD: "within" } })
  })

  it("weights the aggregate by RR_weight", () => {
    // ESRD alone at 1.20 with weight 0.10, the rest 1.00 at 0.30: aggregate 1.02 ≤ 1.04 → nothing capped;
    // ESRD at weight 0.70, the rest at 0.10: 1.14 > 1.04 → ESRD capped
    const change = (w: string, rest: string) => ({
      ...demographic,
      CMS_HCC_RiskScore_ESRD_PY: "1.200",
      RR_weight_ESRD_PY: w,
      RR_weight_DIS_PY: rest,
      RR_weight_AGDU_PY: rest,
      RR_weight_AGND_PY: rest
    })
    expect(one("risk-cap-2024", change("0.10", "0.30")).status).toBe("within")
    expect(one("risk-cap-2024", change("0.70", "0.10")).status).toBe("binds")
  })

  it("needs every weighted type's scores", () => {
    expect(one("risk-cap-2024", { Demog_RiskScore_ESRD_BY3: "*" }).status).toBe("not-printed")
    // a type of weight 0 does not enter the aggregate
    expect(one("risk-cap-2024", { Demog_RiskScore_ESRD_BY3: "*", RR_weight_ESRD_PY: "0" }).status).toBe("within")
  })
})

describe("choice of benchmark adjustment (FinalAdjCat)", () => {
  // 425.652(a)(8), agreements from 2024
  it.each([
    { regional: "120", psa: "-", printed: "Regional Adjustment", status: "match" },
    { regional: "-33", psa: "-", printed: "No Adjustment", status: "match" },
    { regional: "0", psa: "-", printed: "None", status: "match" },
    { regional: "-33", psa: "-", printed: "Regional", status: "off" },
    { regional: "144", psa: "227", printed: "Prior Savings Adjustment", status: "match" },
    { regional: "391", psa: "262", printed: "Regional", status: "match" },
    { regional: "391", psa: "262", printed: "Prior Savings", status: "off" },
    { regional: "-33", psa: "103", printed: "Prior Savings", status: "match" },
    { regional: "-33", psa: "103", printed: "No Adjustment", status: "off" },
    { regional: "200", psa: "200", printed: "Prior Savings", status: "match" },
    { regional: "200", psa: "200", printed: "Regional", status: "match" },
    { regional: "120", psa: "-", printed: "Something else", status: "off" }
  ])("2024 agreement, RegAdj $regional, PriorSavAdj $psa: $printed is $status", ({ regional, psa, printed, status }) => {
    expect(one("adjustment-choice", { RegAdj: regional, PriorSavAdj: psa, FinalAdjCat: printed }).status).toBe(status)
  })

  it("expects the regional adjustment, either sign, and no PSA for July 2019–2023 agreements (425.601(f))", () => {
    const earlier = { Current_Start_Date: "01/01/2022" }
    expect(one("adjustment-choice", { ...earlier, RegAdj: "-57", FinalAdjCat: "Regional" }).status).toBe("match")
    expect(one("adjustment-choice", { ...earlier, RegAdj: "-57", FinalAdjCat: "None" }).status).toBe("off")
    expect(one("adjustment-choice", { ...earlier, RegAdj: "0", FinalAdjCat: "None" }).status).toBe("match")
    expect(one("adjustment-choice", { ...earlier, RegAdj: "50", PriorSavAdj: "80", FinalAdjCat: "Prior Savings" }).detail).toContain("425.601 has no prior savings adjustment")
  })

  it("does not judge agreements before July 2019, or a row without its category", () => {
    expect(one("adjustment-choice", { Current_Start_Date: "01/01/2018" }).status).toBe("not-applicable")
    expect(one("adjustment-choice", { FinalAdjCat: "-" }).status).toBe("not-printed")
    expect(one("adjustment-choice", { Current_Start_Date: "" }).status).toBe("not-printed")
  })
})

describe("agreementStart", () => {
  it("reads CMS's MM/DD/YYYY and ISO dates", () => {
    expect(agreementStart("07/01/2019")).toEqual({ year: 2019, month: 7 })
    expect(agreementStart("2024-01-01")).toEqual({ year: 2024, month: 1 })
    expect(agreementStart("-")).toBeUndefined()
  })
})

describe("summarizePufBenchmark", () => {
  it("counts per check and per enrollment type, lists the rows off and the limits of public data", () => {
    const header = Object.keys(BASE)
    const columns = pufBenchmarkColumns(header)
    const rows = [
      run(),
      run({ ACO_ID: "T0002", UpdatedBnchmk: "10600" }),
      run({ ACO_ID: "T0003", Current_Start_Date: "07/01/2019", CMS_HCC_RiskScore_DIS_PY: "1.100" })
    ]
    const s = summarizePufBenchmark(rows, columns)
    const total = s.checks.find((c) => c.check === "total-benchmark")!
    expect(total).toMatchObject({ checked: 3, counts: { match: 2, off: 1 } })
    expect(total.off.map((o) => o.acoId)).toEqual(["T0002"])
    const risk = s.checks.find((c) => c.check === "risk-cap-2019")!
    expect(risk).toMatchObject({ kind: "derived", checked: 1, counts: { binds: 1, "not-applicable": 2 } })
    expect(risk.byType?.DIS).toMatchObject({ binds: 1, within: 0 })
    expect(s.limits.map((l) => l.figure)).toContain("UpdatedBnchmk from HistBnchmk")
  })
})
