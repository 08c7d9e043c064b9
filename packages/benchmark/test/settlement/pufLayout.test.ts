import { readFileSync } from "node:fs"
import { dec, detectPufLayout, formatFixed, missingPufColumns, msspMsr, reconcilePufRow } from "@pbpsim/benchmark"
import { parse } from "csv-parse/sync"
import { describe, expect, it } from "vitest"
import { isAbsent, parseNumberText, parsePercentText } from "../../src/mssp/pufColumns.js"

const VENDORED = new URL("../../../../data/cms/mssp/py2023-aco-results-puf.csv", import.meta.url)
const vendoredHeader = (parse(readFileSync(VENDORED, "utf8"), { bom: true, to_line: 1 }) as string[][])[0]!

// The PY2024 columns reconciliation reads, with some it ignores (CMS's PY2024 list, see docs/rules/mssp-parity.md).
const PY2024_HEADER = [
  "ACO_ID", "ACO_Name", "Current_Start_Date", "Current_Track", "Risk_Model", "N_AB", "Sav_rate", "MinSavPerc", "BnchmkMinExp", "GenSaveLoss",
  "DisAdj", "EarnSaveLoss", "Met_QPS", "Met_AltQPS", "Met_40pctl", "Report_eCQM_CQM_MedicareCQM", "Met_SSP_quality_reporting_requirements",
  "QualScore", "Recvd40p", "AIP", "AIPBalance", "AIPRecoup", "AIPOwe", "RegAdj", "PriorSavAdj", "FinalAdjCat", "Guardrail", "ABtotBnchmk",
  "ABtotExp", "FinalShareRate", "ReducedSS", "FinalLossRate", "Rev_Exp_Cat", "Demog_RiskScore_ESRD_PY", "RR_weight_AGND_PY", "N_AB_Year_PY"
]

describe("detectPufLayout", () => {
  it("recognises the vendored PY2023 file and finds every column it needs", () => {
    const layout = detectPufLayout(vendoredHeader)
    expect(layout.id).toBe("PY2023")
    expect(layout.evidence).toEqual(["Met_AltQPS", "Met_30pctl", "Recvd30p", "Report_eCQM_CQM", "PosRegAdj"])
    expect(layout.missing).toEqual([])
    expect(layout.qualityBasis).toBe("standard")
  })

  it("recognises PY2024 by the columns it added and needs none of those it dropped", () => {
    const layout = detectPufLayout(PY2024_HEADER)
    expect(layout.id).toBe("PY2024")
    expect(layout.evidence).toContain("AIPRecoup")
    expect(layout.missing).toEqual([])
    // Met_40pctl is read where PY2023 had Met_30pctl
    expect(layout.columns.get("metPercentile")).toBe("Met_40pctl")
  })

  it("calls a file with Met_QPS and no Met_AltQPS a PY2021–PY2022 file, even with PY2023's 30th-percentile column", () => {
    const header = vendoredHeader.filter((c) => c !== "Met_AltQPS")
    const layout = detectPufLayout(header)
    expect(layout.id).toBe("PY2021–PY2022")
    expect(layout.qualityBasis).toBe("standard")
  })

  it("reads the track from 0/1 columns and scales the sharing rate by quality before PY2021", () => {
    const header = ["ACO_ID", "ACO_Name", "Current_Track_1", "Current_Track_2", "Current_Track_3", "Current_BASIC_A", "Current_ENHANCED", "N_AB", "Sav_rate"]
    const layout = detectPufLayout(header)
    expect(layout.id).toBe("PY2019–PY2020")
    expect(layout.qualityBasis).toBe("scaled")
    expect(layout.trackFlags.map((f) => f.track)).toEqual(["basic-a", "enhanced", "track-1", "track-2", "enhanced"])
    expect(layout.missing.map((m) => m.column)).not.toContain("Current_Track")
    expect(detectPufLayout([...header, "Participation_Six_Months"]).id).toBe("PY2019")
  })

  it("finds columns whatever their case and surrounding whitespace, and reads N_AB, not N_AB_Year_PY", () => {
    const header = ["\uFEFFaco_id", " ACO_NAME ", "current_track", "N_AB_Year_PY", "n_ab", "SAV_RATE", "MinSavPerc "]
    const layout = detectPufLayout(header)
    // each field maps to the header exactly as written, so a row keyed by it is read
    expect(layout.columns.get("acoId")).toBe("\uFEFFaco_id")
    expect(layout.columns.get("name")).toBe(" ACO_NAME ")
    expect(layout.columns.get("members")).toBe("n_ab")
    expect(layout.columns.get("savingsRate")).toBe("SAV_RATE")
    expect(layout.columns.get("msr")).toBe("MinSavPerc ")
  })

  it("names every missing column of the layout, in catalogue order", () => {
    const header = PY2024_HEADER.filter((c) => !["N_AB", "MinSavPerc", "Current_Track", "FinalLossRate"].includes(c))
    expect(missingPufColumns(header)).toEqual(["Current_Track", "N_AB", "MinSavPerc", "FinalLossRate"])
  })

  it("reports a column it reads that appears twice", () => {
    expect(detectPufLayout(["ACO_ID", "Sav_rate", "sav_rate"]).duplicated).toEqual(["Sav_rate"])
  })
})

describe("parsePercentText", () => {
  it.each([
    { text: "9.09%", value: "0.0909", half: "0.00005" },
    { text: "9.09", value: "0.0909", half: "0.00005" },
    { text: " 9.09 % ", value: "0.0909", half: "0.00005" },
    { text: "8.89", value: "0.0889", half: "0.00005" },
    // a plain number drops trailing zeros: "2" is 2.00, not 2 ± 0.5
    { text: "2", value: "0.02", half: "0.00005" },
    { text: "2.5", value: "0.025", half: "0.00005" },
    { text: "2.763", value: "0.02763", half: "0.000005" },
    { text: "2.00%", value: "0.02", half: "0.00005" },
    { text: "-1.94%", value: "-0.0194", half: "0.00005" },
    { text: "77.05", value: "0.7705", half: "0.00005" }
  ])("reads $text as $value ± $half (a plain number is percent, to at least two decimals)", ({ text, value, half }) => {
    const p = parsePercentText(text, "Sav_rate", "A0001")
    expect(p.value.eq(dec(value))).toBe(true)
    expect(p.halfUnit.eq(dec(half))).toBe(true)
    expect(p.style).toBe(text.includes("%") ? "percent-sign" : "plain")
  })

  it("rejects text that is no percentage, naming the column and the ACO", () => {
    expect(() => parsePercentText("nine", "Sav_rate", "A0001")).toThrow(/Sav_rate of ACO A0001 is not a percentage/)
  })
})

describe("isAbsent", () => {
  it.each(["-", "", "  ", "N/A", "n/a", ".", "*"])("treats %j as not applicable", (text) => expect(isAbsent(text)).toBe(true))
  it.each(["0", "0.00%", "12"])("treats %j as a value", (text) => expect(isAbsent(text)).toBe(false))
})

describe("parseNumberText", () => {
  it.each([
    { text: "1,234,567", value: 1234567 },
    { text: "$1,234", value: 1234 },
    { text: "(1,234)", value: -1234 },
    { text: "-$1,234", value: -1234 },
    { text: "−1234", value: -1234 }
  ])("reads $text as $value", ({ text, value }) => expect(parseNumberText(text, "GenSaveLoss", "A0001").eq(dec(value))).toBe(true))
})

// Rows copied from CMS's PY2023 PUF (the columns reconciliation reads).
const A1247 = {
  ACO_ID: "A1247", ACO_Name: "RWJBH Accountable Care, LLC", Current_Track: "B", Risk_Model: "One-Sided", N_AB: "40659",
  Sav_rate: "5.10%", MinSavPerc: "2.29%", BnchmkMinExp: "27888247", GenSaveLoss: "27888247", DisAdj: "", EarnSaveLoss: "10932193",
  Met_QPS: "1", Met_AltQPS: "-", QualScore: "77.79%", ABtotBnchmk: "546572633", ABtotExp: "518684386", FinalShareRate: "40.00%",
  FinalLossRate: "", Impact_Mid_Year_Termination: "0"
}
const A5300 = {
  ACO_ID: "A5300", ACO_Name: "Vytalize Health Enhanced ACO LLC", Current_Track: "EN", Risk_Model: "Two-Sided", N_AB_Year_PY: "13640", N_AB: "13950",
  Sav_rate: "1.13%", MinSavPerc: "2.76%", BnchmkMinExp: "2143089", GenSaveLoss: "0", DisAdj: "0", EarnSaveLoss: "0", Met_QPS: "1", Met_AltQPS: "-",
  QualScore: "74.90%", ABtotBnchmk: "189927101", ABtotExp: "187784012", FinalShareRate: "75.00%", FinalLossRate: "43.82%", Impact_Mid_Year_Termination: "0"
}

describe("reconcilePufRow across percent styles and layouts", () => {
  it("settles a row the same whether its rates carry a % sign or are plain numbers", () => {
    const plain = { ...A1247, Sav_rate: "5.10", MinSavPerc: "2.29", QualScore: "77.79", FinalShareRate: "40" }
    const [a, b] = [reconcilePufRow(A1247), reconcilePufRow(plain)]
    // 27,888,247 × 40 % × 98 % = 10,932,192.824 either way
    expect(formatFixed(b.computedEarned!, 3)).toBe("10932192.824")
    expect(b.computedEarned?.eq(a.computedEarned!)).toBe(true)
    expect([b.withinDollar, b.msrMatches, b.shareRateMatches, b.savingsRateMatches]).toEqual([true, true, true, true])
    expect(a.percentStyles).toEqual(["percent-sign"])
    expect(b.percentStyles).toEqual(["plain"])
  })

  it("reads the variable MSR/MLR table at assigned beneficiaries (N_AB), not person-years", () => {
    // 13,950 assigned: 3.0 − 0.3 × 3,950/4,999 = 2.76295 % → printed 2.76 %;
    // 13,640 person-years would give 3.0 − 0.3 × 3,640/4,999 = 2.78156 % → 2.78 %, not what CMS printed.
    expect(formatFixed(msspMsr(dec(13950)).value.mul(100), 3)).toBe("2.763")
    expect(formatFixed(msspMsr(dec(13640)).value.mul(100), 3)).toBe("2.782")
    const r = reconcilePufRow(A5300)
    expect(formatFixed(r.computedMsr!.mul(100), 3)).toBe("2.763")
    expect(r.msrBasis).toBe("elected-variable-table")
    expect(r.msrMatches).toBe(true)
    // Were N_AB the person-years, the printed 2.76 % would not be explained.
    expect(reconcilePufRow({ ...A5300, N_AB: "13640" }).msrBasis).toBe("unexplained")
  })

  it("reads a row whose header names differ in case and whitespace", () => {
    const shouting = Object.fromEntries(Object.entries(A1247).map(([k, v]) => [` ${k.toUpperCase()} `, v]))
    const r = reconcilePufRow(shouting)
    expect(r.acoId).toBe("A1247")
    expect(r.withinDollar).toBe(true)
  })

  it("treats -, blank, N/A and . in optional cells as not applicable", () => {
    const r = reconcilePufRow({ ...A1247, DisAdj: "N/A", FinalLossRate: ".", Met_AltQPS: "", Impact_Mid_Year_Termination: "-" })
    expect(r.withinDollar).toBe(true)
    expect(r.lossRateMatches).toBeUndefined()
  })

  it("settles a Track 3 row from the 0/1 track columns as ENHANCED, quality-scaled, and leaves Track 1 unsettled", () => {
    const base = {
      ACO_ID: "W0003", ACO_Name: "Track 3 ACO", Current_Track_1: "0", Current_Track_2: "0", Current_Track_3: "1", Current_BASIC_B: "0",
      N_AB: "35000", Sav_rate: "-4.00%", MinSavPerc: "2.00%", BnchmkMinExp: "-4000000", GenSaveLoss: "-4000000", DisAdj: "-400000",
      EarnSaveLoss: "-1200000", QualScore: "80.00%", ABtotBnchmk: "100000000", ABtotExp: "104000000", FinalShareRate: "60.00%", FinalLossRate: "40.00%"
    }
    const r = reconcilePufRow(base)
    // 4,000,000 × (1 − 0.75 × 0.80 = 40 %) = 1,600,000 − 400,000 DisAdj = 1,200,000 owed; sharing 75 % × 0.80 = 60 %
    expect(r.track).toBe("enhanced")
    expect(r.layout).toBe("PY2019–PY2020")
    expect(formatFixed(r.computedEarned!, 2)).toBe("-1200000.00")
    expect([r.withinDollar, r.shareRateMatches, r.lossRateMatches]).toEqual([true, true, true])
    const t1 = reconcilePufRow({ ...base, Current_Track_1: "1", Current_Track_3: "0" })
    expect(t1.track).toBe("track-1")
    expect(t1.computedEarned).toBeUndefined()
    expect(t1.gap?.kind).toBe("legacy-track")
    expect(() => reconcilePufRow({ ...base, Current_Track_1: "1" })).toThrow(/exactly one of the track columns.*Current_Track_1 and Current_Track_3/)
  })
})
