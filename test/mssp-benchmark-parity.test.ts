import { readFileSync } from "node:fs"
import { checkPufBenchmarkRow, pufBenchmarkColumns, summarizePufBenchmark, type PufBenchmarkCheckSummary } from "@pbpsim/benchmark"
import { parse } from "csv-parse/sync"
import { describe, expect, it } from "vitest"

/**
 * Benchmark-side parity on the real PY2023 results file (docs/rules/mssp-parity.md,
 * "Benchmark-side parity"): CMS's benchmark figures against the file's own columns. Every
 * expected count is computed here, independently of pbpsim, in integer arithmetic on the printed
 * cells (dollars and person-years are whole numbers; risk scores have three decimals), and also
 * written out so a change in either shows.
 */
const PUF = new URL("../data/cms/mssp/py2023-aco-results-puf.csv", import.meta.url)
const records = parse(readFileSync(PUF, "utf8"), { columns: true, skip_empty_lines: true, bom: true, trim: true }) as Array<Record<string, string>>
const header = Object.keys(records[0] ?? {})
const columns = pufBenchmarkColumns(header)
const summary = summarizePufBenchmark(
  records.map((r) => checkPufBenchmarkRow(r, columns)),
  columns
)
const check = (id: string): PufBenchmarkCheckSummary => summary.checks.find((c) => c.check === id)!

/** A printed whole number, or undefined for "*" (suppressed) and "-". */
const int = (text: string | undefined): number | undefined => (text === undefined || !/^-?\d+$/.test(text) ? undefined : Number(text))
/** A risk score in thousandths ("1.015" → 1015, "1.05" → 1050). */
const milli = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^\d+(\.\d{1,3})?$/.test(text)) return undefined
  const [whole, frac = ""] = text.split(".")
  return Number(whole) * 1000 + Number(frac.padEnd(3, "0"))
}

/**
 * total = perCapita × years within the printed rounding: the true figures are within ½ of each
 * printed one, so |T − U·P| ≤ ½P + ½U + ¼ + ½, i.e. 4|T − U·P| ≤ 2P + 2U + 3. All below 2^53.
 */
const productHolds = (t: number, u: number, p: number) => 4 * Math.abs(t - u * p) <= 2 * p + 2 * u + 3

const TYPES = [
  { score: "ESRD", years: "ESRD" },
  { score: "DIS", years: "DIS" },
  { score: "AGDU", years: "AGED_Dual" },
  { score: "AGND", years: "AGED_NonDual" }
]

describe("MSSP PY2023 PUF: benchmark-side parity", () => {
  it("ABtotBnchmk = UpdatedBnchmk × N_AB_Year_PY for 453 of 453 ACOs, within the printed rounding", () => {
    const independent = records.filter((r) => productHolds(int(r.ABtotBnchmk)!, int(r.UpdatedBnchmk)!, int(r.N_AB_Year_PY)!)).length
    expect(independent).toBe(453)
    expect(check("total-benchmark")).toMatchObject({ inFile: true, checked: 453, counts: { match: independent, off: 0, "not-printed": 0 } })
    // A1001: 14,286 × 76,904 = 1,098,650,544 vs 1,098,668,352 printed (14,286.23 per capita)
    const a1001 = records.find((r) => r.ACO_ID === "A1001")!
    expect([int(a1001.UpdatedBnchmk)! * int(a1001.N_AB_Year_PY)!, int(a1001.ABtotBnchmk)]).toEqual([1_098_650_544, 1_098_668_352])
    // Person-years, not assigned beneficiaries: with N_AB the identity fails on almost every row.
    const withMembers = records.filter((r) => productHolds(int(r.ABtotBnchmk)!, int(r.UpdatedBnchmk)!, int(r.N_AB)!)).length
    expect(withMembers).toBe(0)
  })

  it("ABtotExp = Per_Capita_Exp_TOTAL_PY × N_AB_Year_PY for 453 of 453", () => {
    const independent = records.filter((r) => productHolds(int(r.ABtotExp)!, int(r.Per_Capita_Exp_TOTAL_PY)!, int(r.N_AB_Year_PY)!)).length
    expect(independent).toBe(453)
    expect(check("total-expenditure")).toMatchObject({ checked: 453, counts: { match: 453, off: 0 } })
  })

  it("person-years of the four enrollment types sum to N_AB_Year_PY on 411 of 411 rows printing them; 42 suppress one", () => {
    const years = records.map((r) => TYPES.map((t) => int(r[`N_AB_Year_${t.years}_PY`])))
    const printed = years.filter((ys) => ys.every((y) => y !== undefined)).length
    // four parts and the total, each within ½: |Σ − total| ≤ 2.5
    const sums = records.filter((r, i) => years[i]!.every((y) => y !== undefined) && Math.abs(years[i]!.reduce((a, y) => a + y!, 0) - int(r.N_AB_Year_PY)!) <= 2.5).length
    expect([printed, sums]).toEqual([411, 411])
    expect(check("person-years-by-type")).toMatchObject({ checked: 411, counts: { match: 411, off: 0, "not-printed": 42 } })
  })

  it("does not check dual + non-dual person-years: they exceed N_AB_Year_PY on every row, beyond rounding on 449", () => {
    const excess = records.map((r) => int(r.N_AB_Year_Dual_PY)! + int(r.N_AB_Year_NonDual_PY)! - int(r.N_AB_Year_PY)!)
    expect(Math.min(...excess)).toBe(1)
    expect(Math.max(...excess)).toBe(190)
    // three printed figures, each within ½: more than 1.5 apart is not rounding
    expect(excess.filter((e) => e > 1.5).length).toBe(449)
  })

  it("Per_Capita_Exp_TOTAL_PY is the person-year-weighted mean of the four types on 411 of 411; 42 suppress a cell", () => {
    let printed = 0
    let holds = 0
    for (const r of records) {
      const parts = TYPES.map((t) => ({ e: int(r[`Per_Capita_Exp_ALL_${t.score}_PY`]), y: int(r[`N_AB_Year_${t.years}_PY`]) }))
      if (parts.some((p) => p.e === undefined || p.y === undefined)) continue
      printed += 1
      const e = int(r.Per_Capita_Exp_TOTAL_PY)!
      const y = int(r.N_AB_Year_PY)!
      const difference = parts.reduce((a, p) => a + p.e! * p.y!, 0) - e * y
      // each product within ½ × years + ½ × per capita + ¼ of its printed value, times 4
      const bound = parts.reduce((a, p) => a + 2 * p.e! + 2 * p.y! + 1, 2 * e + 2 * y + 1)
      if (4 * Math.abs(difference) <= bound) holds += 1
    }
    expect([printed, holds]).toEqual([411, 411])
    expect(check("expenditure-by-type")).toMatchObject({ checked: 411, counts: { match: 411, off: 0, "not-printed": 42 } })
  })

  it("risk ratio cap (+3 %, every PY2023 agreement began July 2019–2023): binds on 188 ACOs, on no type for 239, 5 undetermined, 21 with a suppressed score", () => {
    // Per type, PY ÷ BY3 against 1.03 at the scores' printed precision (± 0.0005):
    // binds if (PY − ½) ÷ (BY3 + ½) > 1.03, within if (PY + ½) ÷ (BY3 − ½) ≤ 1.03, in thousandths.
    const tally = { binds: 0, within: 0, undetermined: 0, notPrinted: 0 }
    const byType: Record<string, { binds: number; within: number; undetermined: number; notPrinted: number }> = {}
    for (const r of records) {
      expect(Number(/(\d{4})$/.exec(r.Current_Start_Date!)![1])).toBeGreaterThanOrEqual(2019)
      const statuses = TYPES.map((t) => {
        const base = milli(r[`CMS_HCC_RiskScore_${t.score}_BY3`])
        const current = milli(r[`CMS_HCC_RiskScore_${t.score}_PY`])
        const s = base === undefined || current === undefined ? "notPrinted" : 100 * (2 * current - 1) > 103 * (2 * base + 1) ? "binds" : 100 * (2 * current + 1) <= 103 * (2 * base - 1) ? "within" : "undetermined"
        byType[t.score] ??= { binds: 0, within: 0, undetermined: 0, notPrinted: 0 }
        byType[t.score]![s] += 1
        return s
      })
      const row = statuses.includes("binds") ? "binds" : statuses.includes("undetermined") ? "undetermined" : statuses.includes("notPrinted") ? "notPrinted" : "within"
      tally[row] += 1
    }
    expect(tally).toEqual({ binds: 188, within: 239, undetermined: 5, notPrinted: 21 })
    const c = check("risk-cap-2019")
    expect(c).toMatchObject({ kind: "derived", checked: 432, counts: { binds: 188, within: 239, undetermined: 5, "not-printed": 21, "not-applicable": 0 } })
    for (const [type, k] of Object.entries(byType)) {
      expect(c.byType?.[type as "ESRD"]).toMatchObject({ binds: k.binds, within: k.within, undetermined: k.undetermined, "not-printed": k.notPrinted })
    }
    expect(byType.ESRD).toEqual({ binds: 33, within: 375, undetermined: 0, notPrinted: 45 })
  })

  it("has neither the 2024+ risk inputs nor the adjustment choice: not in this layout", () => {
    // PY2023 prints only the regional adjustment (PosRegAdj), negative for 65 ACOs despite its name
    expect(records.filter((r) => int(r.PosRegAdj)! < 0).length).toBe(65)
    expect(check("risk-cap-2024")).toMatchObject({ inFile: false, checked: 0 })
    expect(check("risk-cap-2024").missingColumns).toContain("RR_weight_AGND_PY")
    expect(check("adjustment-choice")).toMatchObject({ inFile: false, missingColumns: ["FinalAdjCat", "RegAdj", "PriorSavAdj"] })
  })

  it("says what public data cannot reproduce", () => {
    expect(summary.limits.map((l) => l.figure)).toEqual([
      "UpdatedBnchmk from HistBnchmk",
      "HistBnchmk from the BY1–BY3 per capita expenditure",
      "the regional adjustment amount (RegAdj, PosRegAdj)",
      "the prior savings adjustment amount (PriorSavAdj)",
      "the capped risk ratio CMS applied",
      "per capita expenditure from claims",
      "the guardrail's two-way benchmark (42 CFR 425.652(b)(5))"
    ])
  })
})
