import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { dec, formatFixed, sum } from "@pbpsim/benchmark"
import { comparePolicies, loadScenarioFile, type PolicyRun, type Scenario } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import { beforeAll, describe, expect, it } from "vitest"
import { pufRows, pufText, TYPES, type PufRow } from "./support/msspPuf.js"

/**
 * A real ACO, end to end (docs/mssp-real-aco.md): scenarios/mssp-aco-a5202.yaml is built by
 * scripts/mssp-aco-scenario.mjs from ONE row of CMS's PY2023 MSSP results file, and its real-terms
 * policy must settle PY2023 (contract year 1) as CMS did. The CMS figures are read here straight from
 * the vendored CSV; the per-type figures are the hand derivation of docs/mssp-real-aco.md (each line
 * of arithmetic is there), never pbpsim output.
 *
 * What this tests: pbpsim's per-segment benchmark arithmetic (baseline, regional adjustment by side,
 * update, per-type risk ratio and cap, Σ over types) and MSSP's settlement rules (variable MSR at N_AB,
 * 40 %, quality, 2 % sequestration, 10 % cap) against CMS's settled figures. It does not test the
 * benchmark inputs CMS does not print (trend and update factors, regional expenditure): the scenario
 * solves them from the row's own columns.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..")
const SCENARIO = join(ROOT, "scenarios/mssp-aco-a5202.yaml")
const GENERATOR = join(ROOT, "scripts/mssp-aco-scenario.mjs")
const ACO = "A5202"

const row = pufRows.find((r) => r.ACO_ID === ACO)!

/** A printed cell as a number: "86816598", "$1,234", "5.42%" (→ 5.42). */
const cell = (r: PufRow, column: string): Decimal => {
  const raw = r[column]
  if (raw === undefined || !/^\s*-?[$\d,.%]+\s*$/.test(raw)) throw new Error(`${r.ACO_ID}: ${column} is not a printed number: ${raw}`)
  return dec(raw.trim().replace(/[$,%]/g, ""))
}
/** Decimal places printed in a percentage cell ("3.18%" → 2). */
const placesOf = (raw: string): number => raw.replace("%", "").split(".")[1]?.length ?? 0

const money = (value: Decimal, places = 2): string => formatFixed(value, places)
const within = (value: Decimal, target: Decimal, tolerance: string): boolean => value.sub(target).abs().lte(tolerance)


const yearOf = (run: PolicyRun, k: number) => {
  const y = run.result.years[k - 1]
  if (y === undefined) throw new Error(`no contract year ${k} in ${run.model.policyName}`)
  return y
}
const segmentsOf = (run: PolicyRun, k: number) => {
  const segments = yearOf(run, k).segments
  if (segments === undefined) throw new Error(`contract year ${k} of ${run.model.policyName} has no per-segment results (benchmark.bySegment)`)
  return segments
}

describe("the CMS row (data/cms/mssp/py2023-aco-results-puf.csv)", () => {
  it("A5202 is the only ACO starting in January 2023 on BASIC A or B that was paid savings", () => {
    const eligible = pufRows.filter((r) => r.Current_Start_Date?.trim() === "01/01/2023" && ["A", "B"].includes(r.Current_Track?.trim() ?? "") && cell(r, "GenSaveLoss").gt(0))
    expect(eligible.map((r) => r.ACO_ID)).toEqual([ACO])
    expect([row.Current_Track, row.Risk_Model, row.Agreement_Period_Num, row.Met_QPS]).toEqual(["A", "One-Sided", "1", "1"])
    expect(cell(row, "PosRegAdj").gt(0)).toBe(true)
  })
})

describe(`scenarios/mssp-aco-a5202.yaml: ${ACO} PY2023 as CMS settled it`, () => {
  let scenario: Scenario
  let real: PolicyRun
  let annual: PolicyRun
  let noAdjustment: PolicyRun
  beforeAll(async () => {
    scenario = await loadScenarioFile(SCENARIO)
    ;[real, annual, noAdjustment] = (await comparePolicies(scenario, ["real-terms", "annual-rebase", "no-regional-adjustment"])) as [PolicyRun, PolicyRun, PolicyRun]
  })

  const B = cell(row, "ABtotBnchmk") // 86,816,598
  const gross = cell(row, "BnchmkMinExp") // 4,707,946
  const E = B.sub(gross) // 82,108,652

  it("contract year 1 is PY2023 on the 2020–2022 baseline", () => {
    const y = yearOf(real, 1)
    expect([y.contractYear, y.year]).toEqual([1, 2023])
    expect(y.reference.providerYears).toEqual([2020, 2021, 2022])
    expect(real.result.years.map((x) => x.year)).toEqual([2023, 2024, 2025, 2026, 2027])
  })

  it("reproduces the total benchmark, expenditure and gross savings (ABtotBnchmk, BnchmkMinExp)", () => {
    const s = yearOf(real, 1).settlement.value
    // Σ_type benchmark × PY2023 member months; the update rate was solved so that it is ABtotBnchmk:
    // hand figure 86,816,597.999999997 (docs/mssp-real-aco.md, step 6).
    expect(within(s.benchmark, B, "1")).toBe(true)
    expect(money(s.benchmark)).toBe("86816598.00")
    // The PY2023 rows sum to E exactly: per capita × person-years by type, the residual on aged/non-dual.
    expect(money(s.expenditure)).toBe(money(E))
    expect(money(s.expenditure)).toBe("82108652.00")
    expect(within(s.gross, gross, "0.01")).toBe(true)
    // Sav_rate 5.42 %: 4,707,946 ÷ 86,816,598 = 5.4229 %.
    expect(within(s.savingsRate.mul(100), cell(row, "Sav_rate"), "0.005")).toBe(true)
  })

  it("reads the variable MSR at N_AB = 8,202 (MinSavPerc 3.18 %)", () => {
    const s = yearOf(real, 1).settlement.value
    // 425.604(b), row 8,000–8,999: 3.2 − 0.1 × (8,202 − 8,000)/999 = 3.2 − 0.0202202… = 3.1797797… %.
    expect(formatFixed(s.msr, 12)).toBe("0.031797797798")
    const printed = row.MinSavPerc!
    const half = dec(5).div(dec(10).pow(placesOf(printed) + 1))
    expect(s.msr.mul(100).sub(cell(row, "MinSavPerc")).abs().lte(half)).toBe(true)
  })

  it("pays 40 % × quality 1 × (1 − 2 %) of the gross, under the 10 % cap (EarnSaveLoss)", () => {
    const s = yearOf(real, 1).settlement.value
    expect(s.outcome).toBe("savings")
    expect(s.settled).toBe("savings paid")
    // FinalShareRate 40.00 %: BASIC Level A's 40 %, Met_QPS 1 → multiplier 1.
    expect(within(s.sharingRate.mul(100), cell(row, "FinalShareRate"), "0.005")).toBe(true)
    // 4,707,946 × 0.40 × 0.98 = 1,845,514.832 (CMS prints 1,845,515); the cap 10 % × B = 8,681,659.80 does not bind.
    expect(within(s.sharedSavings, cell(row, "EarnSaveLoss"), "1")).toBe(true)
    expect(money(s.sharedSavings)).toBe("1845514.83")
    expect(s.savingsCapBinds).toBe(false)
  })

  it("computes each enrollment type's benchmark on its own (hand derivation, docs/mssp-real-aco.md)", () => {
    const segments = segmentsOf(real, 1)
    expect(segments.map((s) => s.segment)).toEqual(TYPES.map((t) => t.segment))
    // Per type, PMPM: B_P (ACO baseline), B_R (region), adj = 0.35 × (B_R − B_P), benchmark = (B_P + adj) × (1 + u) × ratio.
    const expected = [
      { bp: "6093.368249", br: "6565.622170", adj: "165.288872", pmpm: "6909.815739", mm: "348", total: "2404615.88" },
      { bp: "840.220949", br: "905.340538", adj: "22.791856", pmpm: "893.047551", mm: "19308", total: "17242962.12" },
      { bp: "1190.691914", br: "1282.974032", adj: "32.298741", pmpm: "1296.864130", mm: "13080", total: "16962982.82" },
      { bp: "728.004681", br: "784.427180", adj: "19.747875", pmpm: "788.510447", mm: "63672", total: "50206037.18" }
    ]
    segments.forEach((s, i) => {
      const b = s.benchmark.value
      const e = expected[i]!
      expect([money(b.providerBaseline, 6), money(b.peerBaseline, 6), money(b.adjustment, 6), money(b.benchmarkPmpm, 6)], s.segment).toEqual([e.bp, e.br, e.adj, e.pmpm])
      expect(s.memberMonths.toFixed(), s.segment).toBe(e.mm)
      expect(money(b.benchmarkPmpm.mul(s.memberMonths)), s.segment).toBe(e.total)
      // The update: one solved rate for every type, 1 + u = 1.083484091361711166341.
      expect(formatFixed(b.trendFactor, 21), s.segment).toBe("1.083484091361711166341")
    })
    // Σ_type benchmark × MM is the year's benchmark.
    expect(money(sum(segments.map((s) => s.benchmark.value.benchmarkPmpm.mul(s.memberMonths))))).toBe("86816598.00")
  })

  it("puts the ACO below its region on the BY3-mix aggregate: 35 % regional weight, caps not binding", () => {
    const y = yearOf(real, 1)
    expect(y.providerWeight.toFixed()).toBe("0.65")
    for (const s of segmentsOf(real, 1)) {
      const b = s.benchmark.value
      // Uncapped: the ±5 % cap (of B_R here) is 5.39 % of B_P, the adjustment 2.71 %.
      expect(formatFixed(b.adjustment, 20), s.segment).toBe(formatFixed(b.peerBaseline.sub(b.providerBaseline).mul("0.35"), 20))
    }
  })

  it("matches HistBnchmk and PosRegAdj on the BY3 enrollment mix (what g and δ were solved from)", () => {
    const segments = segmentsOf(real, 1)
    const personYears = TYPES.map((t) => cell(row, `N_AB_Year_${t.years}_BY3`))
    const total = sum(personYears)
    const mixed = (pick: (i: number) => Decimal) => sum(personYears.map((p, i) => p.div(total).mul(pick(i)).mul(12)))
    // Σ_type p × 12 × (B_P + adj) = HistBnchmk (10,375), Σ_type p × 12 × adj = PosRegAdj (274), to the printed dollar.
    expect(within(mixed((i) => segments[i]!.benchmark.value.blended), cell(row, "HistBnchmk"), "0.5")).toBe(true)
    expect(within(mixed((i) => segments[i]!.benchmark.value.adjustment), cell(row, "PosRegAdj"), "0.5")).toBe(true)
  })

  it("applies each type's PY/BY3 risk ratio; the +3 % cap binds on no type in 2023", () => {
    segmentsOf(real, 1).forEach((s, i) => {
      const t = TYPES[i]!
      const raw = cell(row, `CMS_HCC_RiskScore_${t.exp}_PY`).div(cell(row, `CMS_HCC_RiskScore_${t.exp}_BY3`))
      // ESRD 0.913/0.896 = 1.018973, disabled 0.829/0.868 = 0.955069, aged/dual 0.827/0.845 = 0.978698,
      // aged/non-dual 0.837/0.86 = 0.973256: all below 1.03, and decreases are not floored (425.605(a)(1)).
      expect(raw.lt("1.03"), t.segment).toBe(true)
      expect(formatFixed(s.benchmark.value.riskRatio, 20), t.segment).toBe(formatFixed(raw, 20))
      expect(s.riskScore.toFixed(), t.segment).toBe(row[`CMS_HCC_RiskScore_${t.exp}_PY`])
    })
  })

  it("binds the +3 % cap in the projected years: risk drifting 1 % a year from 2022 passes 1.03 in 2025", () => {
    // Projection from 2022 (docs/model.md §5): RS_k = RS_2022 × 1.01^k, so ratio = 1.01^k in every type:
    // 2024 (k = 2) 1.0201, uncapped; 2025 (k = 3) 1.030301 → 1.03; 2026, 2027 1.03.
    for (const s of segmentsOf(real, 2)) expect(formatFixed(s.benchmark.value.riskRatio, 12), s.segment).toBe("1.020100000000")
    for (const k of [3, 4, 5]) for (const s of segmentsOf(real, k)) expect(formatFixed(s.benchmark.value.riskRatio, 12), `${s.segment} ${k}`).toBe("1.030000000000")
  })

  it("would not have cleared the MSR without the regional adjustment (policy no-regional-adjustment)", () => {
    const s = yearOf(noAdjustment, 1).settlement.value
    // Σ_type B_P × (1 + u) × ratio × MM = 84,523,803.03; gross 2,415,151.03 = 2.857 % < MSR 3.180 %: nothing shared.
    expect(money(s.benchmark)).toBe("84523803.03")
    expect(money(s.gross)).toBe("2415151.03")
    expect(s.outcome).toBe("none")
    expect(money(s.sharedSavings)).toBe("0.00")
    // The difference is the regional adjustment of every type, updated and risk adjusted: 2,292,794.97.
    expect(money(yearOf(real, 1).settlement.value.benchmark.sub(s.benchmark))).toBe("2292794.97")
  })

  it("projects 2024 from 2022 under the real terms (docs/mssp-real-aco.md, step 9)", () => {
    const s = yearOf(real, 2).settlement.value
    // Σ_type (B_P + adj) × 1.083484… × 1.05 × 1.0201 × MM_2022 (member months as in 2022: no growth).
    expect(money(s.benchmark)).toBe("96672766.93")
    // Σ_type pc_2022 ÷ 12 × 1.05² × (1 − 0.02) × MM_2022.
    expect(money(s.expenditure)).toBe("87278631.07")
    // 9,394,135.86 × 0.40 × 0.98 = 3,682,501.26.
    expect(money(s.sharedSavings)).toBe("3682501.26")
  })

  it("rebases 2024 on 2023's actual experience under annual rebasing, where the +3 % cap binds on three types", () => {
    // Year 1 uses the contract baseline under every rebasing policy.
    expect(money(yearOf(annual, 1).settlement.value.sharedSavings)).toBe(money(yearOf(real, 1).settlement.value.sharedSavings))
    const y = yearOf(annual, 2)
    expect(y.rebased).toBe(true)
    expect(y.reference.providerYears).toEqual([2023])
    // Per type: B_P = the 2023 actual PMPM; B_R = the region's 2023 (projected: (1 + δ) × pc_2022 ÷ 12 × 1.05, restated
    // from the region's 2022 risk to the ACO's 2023 risk); still below the region: 35 %. Risk ratio = RS_2022 × 1.0201 ÷ RS_2023:
    // ESRD 0.896 × 1.0201 / 0.913 = 1.001106; disabled 0.868 × 1.0201 / 0.829 = 1.068090 → 1.03;
    // aged/dual 1.042303 → 1.03; aged/non-dual 1.048131 → 1.03.
    const expected = [
      { bp: "6398.833333", adj: "349.167481", ratio: "1.001106", pmpm: "7093.235927" },
      { bp: "798.416667", adj: "35.965040", ratio: "1.030000", pmpm: "902.383816" },
      { bp: "1212.666667", adj: "21.278245", ratio: "1.030000", pmpm: "1334.511421" },
      { bp: "763.355148", adj: "14.354630", ratio: "1.030000", pmpm: "841.093125" }
    ]
    segmentsOf(annual, 2).forEach((s, i) => {
      const b = s.benchmark.value
      const e = expected[i]!
      expect([money(b.providerBaseline, 6), money(b.adjustment, 6), money(b.riskRatio, 6), money(b.benchmarkPmpm, 6)], s.segment).toEqual([e.bp, e.adj, e.ratio, e.pmpm])
    })
    const s = y.settlement.value
    // The ratchet: 91,773,106.66 against 96,672,766.93 under the real terms; 4,494,475.59 × 0.392 = 1,761,834.43.
    expect(money(s.benchmark)).toBe("91773106.66")
    expect(money(s.sharedSavings)).toBe("1761834.43")
  })
})

describe("scripts/mssp-aco-scenario.mjs", () => {
  it("regenerates the bundled scenario byte for byte from the vendored CSV", async () => {
    const generator = (await import(pathToFileURL(GENERATOR).href)) as {
      buildScenario: (csvText: string, acoId: string) => { fileName: string; yaml: string }
    }
    const built = generator.buildScenario(pufText, ACO)
    expect(built.fileName).toBe("mssp-aco-a5202.yaml")
    expect(built.yaml).toBe(readFileSync(SCENARIO, "utf8"))
    // Pure: a second run gives the same text.
    expect(generator.buildScenario(pufText, ACO).yaml).toBe(built.yaml)
  })
})
