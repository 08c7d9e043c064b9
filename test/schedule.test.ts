import { join } from "node:path"
import { formatFixed } from "@pbpsim/benchmark"
import { comparePolicies, loadScenarioFile, runScenarioPolicy, type PolicyRun, type Scenario } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import { beforeAll, describe, expect, it } from "vitest"
import { expectUserError, pbpsim, ROOT, TIMEOUT } from "./support/cli.js"

/**
 * Terms by contract year (docs/terms-by-year.md): the two bundled scenarios that use a schedule,
 * run through the library, with every asserted figure derived by hand from the scenario's own
 * inputs in the comments; then the schedule's validation errors through the in-process CLI, on
 * the small fixtures in test/fixtures/schedule/.
 */

const scenarioFile = (name: string): string => join(ROOT, "scenarios", `${name}.yaml`)
const FIXTURES = "test/fixtures/schedule"

/** Money and PMPMs to the cent (half-up), or to more places where the exact figure has them. */
const money = (value: Decimal, places = 2): string => formatFixed(value, places)

const year = (run: PolicyRun, k: number) => {
  const y = run.result.years[k - 1]
  if (y === undefined) throw new Error(`no contract year ${k} in ${run.model.policyName}`)
  return y
}

const termsOf = (run: PolicyRun): ReadonlyArray<string> => run.result.years.map((y) => `${y.terms.name} | ${y.terms.fromYear} | ${y.terms.settlement}`)

describe("scenarios/mssp-basic-glide.yaml", () => {
  let scenario: Scenario
  let glide: PolicyRun
  let stayA: PolicyRun
  let enhanced: PolicyRun
  beforeAll(async () => {
    scenario = await loadScenarioFile(scenarioFile("mssp-basic-glide"))
    ;[glide, stayA, enhanced] = (await comparePolicies(scenario, ["glide-path", "stay-at-level-a", "enhanced"])) as [PolicyRun, PolicyRun, PolicyRun]
  })

  it("applies Level A, B, C, D, E one per year, and the overlays' single entries to every year", () => {
    // schedule: fromYear 1 "Level A" (base preset mssp-basic-a), 2 "Level B" (preset b),
    // 3 "Level C" (preset c, MSR 1 %), 4 "Level D", 5 "Level E"; the settlement name is the preset's.
    expect(termsOf(glide)).toEqual([
      "Level A | 1 | MSSP BASIC Level A",
      "Level B | 2 | MSSP BASIC Level B",
      "Level C | 3 | MSSP BASIC Level C",
      "Level D | 4 | MSSP BASIC Level D",
      "Level E | 5 | MSSP BASIC Level E"
    ])
    // stay-at-level-a replaces the schedule with one entry from year 1 that changes nothing.
    expect(new Set(termsOf(stayA))).toEqual(new Set(["Level A (all years) | 1 | MSSP BASIC Level A"]))
    // enhanced: preset mssp-enhanced in the base settlement and one entry from year 1.
    expect(new Set(termsOf(enhanced))).toEqual(new Set(["ENHANCED | 1 | MSSP ENHANCED"]))
  })

  it("builds the benchmark from the 10/30/60 baselines, a 35 % regional adjustment and a 4 % trend", () => {
    const b = year(glide, 3).benchmark.value
    // ACO PMPM 2021–2023: 108,000,000 / 120,000 = 900; 114,000,000 / 120,000 = 950; 120,000,000 / 120,000 = 1,000.
    // Brought to 2023 at the 5 % historical trend: 900 × 1.05² = 992.25; 950 × 1.05 = 997.50; 1,000.
    // B_P = 0.1 × 992.25 + 0.3 × 997.50 + 0.6 × 1,000 = 99.225 + 299.25 + 600 = 998.475
    expect(money(b.providerBaseline, 6)).toBe("998.475000")
    // Region = ACO + R1 + R2 pooled on 600,000 member months:
    //   2021 (108.0 + 225.6 + 236.4) M / 600,000 = 950; 2022 (114.0 + 237.6 + 248.4) M → 1,000; 2023 (120.0 + 249.6 + 260.4) M → 1,050
    // B_R = 0.1 × 950 × 1.1025 + 0.3 × 1,000 × 1.05 + 0.6 × 1,050 = 104.7375 + 315 + 630 = 1,049.7375
    expect(money(b.peerBaseline, 6)).toBe("1049.737500")
    // λ = 0.65: adj = 0.35 × (1,049.7375 − 998.475) = 0.35 × 51.2625 = 17.941875, below the +5 % cap
    // (0.05 × 1,049.7375 = 52.486875); blended = 998.475 + 17.941875 = 1,016.416875
    expect(money(b.adjustment, 6)).toBe("17.941875")
    expect(money(b.blended, 6)).toBe("1016.416875")
    // 2026 is three years after 2023: F = 1.04³ = 1.124864; 1,016.416875 × 1.124864 = 1,143.33075168 → 1,143.33
    expect(money(b.trendFactor, 6)).toBe("1.124864")
    expect(money(b.benchmarkPmpm)).toBe("1143.33")
    // The other years: × 1.04 = 1,057.07355 → 1,057.07; × 1.0816 = 1,099.356492 → 1,099.36;
    // × 1.16985856 = 1,189.0639817… → 1,189.06; × 1.2166529024 = 1,236.6265410… → 1,236.63.
    expect(glide.result.years.map((y) => money(y.benchmark.value.benchmarkPmpm))).toEqual(["1057.07", "1099.36", "1143.33", "1189.06", "1236.63"])
  })

  it("settles Level A (one-sided, variable MSR) on 40 % of savings after sequestration", () => {
    const s = year(glide, 1).settlement.value
    // B = 1,057.07 × 120,000 = 126,848,400.00; E = 1,000 × 1.04 × (1 − 0.02) × 120,000 = 1,019.20 × 120,000 = 122,304,000.00
    expect(money(s.benchmark)).toBe("126848400.00")
    expect(money(s.expenditure)).toBe("122304000.00")
    // gross = 4,544,400.00, 3.58 % of B; 10,000 assigned members (120,000 / 12) → MSR 3.0 % (first row 10,000–14,999)
    expect(money(s.gross)).toBe("4544400.00")
    expect(money(s.msr, 4)).toBe("0.0300")
    expect(s.mlr).toBeUndefined()
    // 4,544,400 × 0.40 × (1 − 0.02) = 1,781,404.80, below the cap 0.10 × B = 12,684,840
    expect(s.outcome).toBe("savings")
    expect(money(s.sharedSavings)).toBe("1781404.80")
    expect(money(s.sharedLosses)).toBe("0.00")
  })

  it("owes nothing for Level B's loss year, which ENHANCED owes at 40 %", () => {
    const s = year(glide, 2).settlement.value
    // B = 1,099.36 × 120,000 = 131,923,200.00; E = 1,000 × 1.0816 × 1.04 × 120,000 = 134,983,680.00
    // gross = −3,060,480.00 (−2.32 %); Level B is one-sided: no shared losses and no outcome
    expect(money(s.gross)).toBe("-3060480.00")
    expect(s.outcome).toBe("none")
    expect(money(s.providerNet)).toBe("0.00")
    // ENHANCED: 2.32 % ≥ its 1 % MLR; loss rate 1 − 0.75 × 1 (quality score 1) = 0.25, floored at 0.40:
    // 3,060,480 × 0.40 = 1,224,192.00, below the 15 % limit (19,788,480)
    const e = year(enhanced, 2).settlement.value
    expect(e.outcome).toBe("loss")
    expect(money(e.sharedLosses)).toBe("1224192.00")
  })

  it("limits Level C's loss to 2 % of participant revenue, below 1 % of the benchmark", () => {
    const y3 = year(glide, 3)
    const s = y3.settlement.value
    // B = 1,143.33 × 120,000 = 137,199,600.00; E = 1,000 × 1.04² × 1.04 (savings −0.04) × 120,000
    //   = 1,169.85856 × 120,000 = 140,383,027.20; gross = −3,183,427.20 (−2.32 %) ≥ the 1 % MLR (1,371,996)
    expect(money(s.benchmark)).toBe("137199600.00")
    expect(money(s.expenditure)).toBe("140383027.20")
    expect(money(s.mlr!, 4)).toBe("0.0100")
    expect(s.outcome).toBe("loss")
    // 3,183,427.20 × 0.30 = 955,028.16; limit = min(0.02 × 30,000,000, 0.01 × 137,199,600)
    //   = min(600,000, 1,371,996) = 600,000 → owed 600,000.00, the revenue-based limit binding
    expect(money(s.sharedLosses)).toBe("600000.00")
    expect(s.lossLimitBinds).toBe(true)
    expect(money(s.providerNet)).toBe("-600000.00")
    // Staying at Level A, the same year owes nothing.
    expect(money(year(stayA, 3).settlement.value.sharedLosses)).toBe("0.00")
    expect(year(stayA, 3).settlement.value.outcome).toBe("none")
  })

  it("settles Levels D and E at 50 % with the 1 % corridor elected in year 3", () => {
    // 2027: B = 1,189.06 × 120,000 = 142,687,200; E = 1,000 × 1.04⁴ × 0.97 × 120,000 = 1,134.7628032 × 120,000
    //   = 136,171,536.384; gross 6,515,663.616 (4.57 %) ≥ 1 %: × 0.50 × 0.98 = 3,192,675.17184
    const d = year(glide, 4).settlement.value
    expect(money(d.msr, 4)).toBe("0.0100")
    expect(money(d.sharedSavings, 5)).toBe("3192675.17184")
    // 2028: B = 1,236.63 × 120,000 = 148,395,600; E = 1,000 × 1.04⁵ × 0.965 × 120,000 = 140,888,406.09792;
    //   gross 7,507,193.90208: × 0.49 = 3,678,525.0120192
    expect(money(year(glide, 5).settlement.value.sharedSavings, 7)).toBe("3678525.0120192")
    // At Level A the same 2027 savings clear the 3 % MSR (4.57 %) and earn 0.40 × 0.98 = 0.392:
    // 6,515,663.616 × 0.392 = 2,554,140.137472
    expect(money(year(stayA, 4).settlement.value.sharedSavings, 6)).toBe("2554140.137472")
  })

  it("changes nothing in years 1–2 when the schedules differ only from year 3", () => {
    // glide-path and stay-at-level-a have the same terms in years 1–2 (Level B's terms are Level A's);
    // they part at year 3 (Level C). Years 1–2: same benchmark, same settlement, to the last digit.
    for (const k of [1, 2]) {
      const a = year(glide, k)
      const b = year(stayA, k)
      expect(a.benchmark.value.benchmarkPmpm.eq(b.benchmark.value.benchmarkPmpm)).toBe(true)
      for (const field of ["gross", "sharedSavings", "sharedLosses", "providerNet", "payerNet", "msr"] as const) {
        expect(money(a.settlement.value[field], 12)).toBe(money(b.settlement.value[field], 12))
      }
      expect(a.settlement.value.outcome).toBe(b.settlement.value.outcome)
    }
    expect(money(year(glide, 3).settlement.value.providerNet)).not.toBe(money(year(stayA, 3).settlement.value.providerNet))
  })

  it("adds the years up: glide path 8,652,604.98 of savings less 600,000.00 of losses", () => {
    // 1,781,404.80 + 0 + 0 + 3,192,675.17184 + 3,678,525.0120192 = 8,652,604.9838592 savings; losses 600,000
    expect(money(glide.result.totals.sharedSavings, 7)).toBe("8652604.9838592")
    expect(money(glide.result.totals.sharedLosses)).toBe("600000.00")
    expect(money(glide.result.totals.providerNet)).toBe("8052604.98")
  })
})

describe("scenarios/lan-contract.yaml", () => {
  let asWritten: PolicyRun
  let twoSided: PolicyRun
  let rebased: PolicyRun
  beforeAll(async () => {
    const scenario = await loadScenarioFile(scenarioFile("lan-contract"))
    asWritten = await runScenarioPolicy(scenario, "as-written")
    twoSided = await runScenarioPolicy(scenario, "two-sided-from-year-1")
    rebased = await runScenarioPolicy(scenario, "rebase-with-credit")
  })

  it("applies attract in years 1–2, adapt in year 3 and align (adapt's settlement carried on) in years 4–5", () => {
    expect(termsOf(asWritten)).toEqual([
      "attract | 1 | Upside-only, 40 % beyond a 2 % MSR",
      "attract | 1 | Upside-only, 40 % beyond a 2 % MSR",
      "adapt | 3 | Two-sided 50 % / 30 %, 2 % corridor",
      "align | 4 | Two-sided 50 % / 30 %, 2 % corridor",
      "align | 4 | Two-sided 50 % / 30 %, 2 % corridor"
    ])
    expect(termsOf(twoSided)[0]).toBe("adapt from year 1 | 1 | Two-sided 50 % / 30 %, 2 % corridor")
    // λ comes from the entries' providerWeight: 1, 1, 0.75, 0.5, 0.5
    expect(asWritten.result.years.map((y) => money(y.providerWeight))).toEqual(["1.00", "1.00", "0.75", "0.50", "0.50"])
    // align changes no settlement field, so years 4–5 are two-sided with adapt's 2 % MLR
    expect(money(year(asWritten, 4).settlement.value.mlr!, 4)).toBe("0.0200")
    expect(year(asWritten, 2).settlement.value.mlr).toBeUndefined()
  })

  it("glides the benchmark toward the peers as λ falls", () => {
    // B_P = 0.5 × (132,000,000 / 240,000 = 550) × 1.05 + 0.5 × (141,600,000 / 240,000 = 590) = 288.75 + 295 = 583.75
    // B_R = P1 + P2 pooled: 2023 (176.4 + 153.6) M / 660,000 = 500; 2024 (185.4 + 164.4) M / 660,000 = 530;
    //   0.5 × 500 × 1.05 + 0.5 × 530 = 262.50 + 265 = 527.50 (H is not one of its peers)
    const y3 = year(asWritten, 3).benchmark.value
    expect(money(y3.providerBaseline, 4)).toBe("583.7500")
    expect(money(y3.peerBaseline, 4)).toBe("527.5000")
    // Year 3 (2027), λ = 0.75: adj = 0.25 × (527.50 − 583.75) = −14.0625; blended 569.6875;
    // F = 1.05³ = 1.157625; 569.6875 × 1.157625 = 659.4844921875 → 659.48
    expect(money(y3.adjustment, 4)).toBe("-14.0625")
    expect(money(y3.benchmarkPmpm)).toBe("659.48")
    // Years 1–2 (λ = 1): 583.75 × 1.05 = 612.9375 → 612.94; × 1.1025 = 643.584375 → 643.58.
    // Years 4–5 (λ = 0.5): 555.625 × 1.21550625 = 675.36566… → 675.37; × 1.2762815625 = 709.13394… → 709.13.
    expect(asWritten.result.years.map((y) => money(y.benchmark.value.benchmarkPmpm))).toEqual(["612.94", "643.58", "659.48", "675.37", "709.13"])
  })

  it("settles the upside-only years: the year-1 loss costs nothing, year 2 pays 40 %", () => {
    // 2025: B = 612.94 × 240,000 = 147,105,600.00; E = 590 × 1.05 × 1.015 × 240,000 = 628.7925 × 240,000 = 150,910,200.00
    const y1 = year(asWritten, 1).settlement.value
    expect(money(y1.gross)).toBe("-3804600.00")
    expect(y1.outcome).toBe("none")
    expect(money(y1.providerNet)).toBe("0.00")
    // Two-sided from year 1: 3,804,600 ≥ 2 % × B (2,942,112) → 3,804,600 × 0.30 = 1,141,380.00 (limit 4 % × B = 5,884,224)
    const t1 = year(twoSided, 1).settlement.value
    expect(t1.outcome).toBe("loss")
    expect(money(t1.sharedLosses)).toBe("1141380.00")
    // 2026: B = 643.58 × 240,000 = 154,459,200.00; E = 590 × 1.1025 × 0.965 × 240,000 = 150,650,010.00;
    // gross 3,809,190.00 ≥ 2 % × B (3,089,184): × 0.40 = 1,523,676.00 upside-only, × 0.50 = 1,904,595.00 two-sided
    expect(money(year(asWritten, 2).settlement.value.sharedSavings)).toBe("1523676.00")
    expect(money(year(twoSided, 2).settlement.value.sharedSavings)).toBe("1904595.00")
  })

  it("settles the two-sided years: year 3 pays 50 %, year 4 falls inside the corridor", () => {
    // 2027: B = 659.48 × 240,000 = 158,275,200.00; E = 590 × 1.157625 × 0.94 × 240,000 = 154,084,518.00;
    // gross 4,190,682.00 ≥ 2 % × B (3,165,504): × 0.50 = 2,095,341.00
    const y3 = year(asWritten, 3).settlement.value
    expect(money(y3.expenditure)).toBe("154084518.00")
    expect(money(y3.sharedSavings)).toBe("2095341.00")
    // 2028: B = 675.37 × 240,000 = 162,088,800.00; E = 590 × 1.21550625 × 0.935 × 240,000 = 160,928,165.475;
    // gross 1,160,634.525 < 2 % × B (3,241,776): neither savings nor losses
    const y4 = year(asWritten, 4).settlement.value
    expect(money(y4.gross, 3)).toBe("1160634.525")
    expect(y4.outcome).toBe("none")
  })

  it("rebases year 4 on 2025–2027 and replaces the negative adjustment with the savings credit for the whole period", () => {
    const y4 = year(rebased, 4)
    expect(y4.rebased).toBe(true)
    expect(y4.reference.providerYears).toEqual([2025, 2026, 2027])
    const b = y4.benchmark.value
    // H's realised PMPM: 2025 628.7925, 2026 627.708375, 2027 642.018825, each brought to 2027 at 5 %:
    //   628.7925 × 1.1025 = 693.24373125; 627.708375 × 1.05 = 659.09379375; 642.018825
    //   B_P = (693.24373125 + 659.09379375 + 642.018825) / 3 = 1,994.35635 / 3 = 664.78545
    expect(money(b.providerBaseline, 8)).toBe("664.78545000")
    // Peers grow with the market (5 %, no savings): pooled 530 × 1.05^k, each year brought to 2027 → 530 × 1.157625 = 613.54125
    expect(money(b.peerBaseline, 8)).toBe("613.54125000")
    // Credit: per-member-month savings of contract years 1–3 (years: 3): 612.94 − 628.7925 = −15.8525;
    //   643.58 − 627.708375 = 15.871625; 659.48 − 642.018825 = 17.461175; mean = 17.4803 / 3;
    //   × 0.5 = 17.4803 / 6 = 2.9133833…; cap 0.05 × 613.54125 = 30.68 does not bind
    // λ = 0.5: adjustment 0.5 × (613.54125 − 664.78545) = −25.6221 < credit → the credit replaces it (higher)
    expect(money(y4.savingsCredit!.value, 10)).toBe("2.9133833333")
    expect(money(b.adjustment, 4)).toBe("0.0000")
    expect(money(b.savingsCredit, 10)).toBe("2.9133833333")
    // (664.78545 + 17.4803 / 6) × 1.05 = 698.0247225 + 3.0590525 = 701.083775 → 701.08
    expect(money(b.benchmarkPmpm)).toBe("701.08")
    // The credit holds in year 5 too (same period): × 1.1025 = 736.1379637… → 736.14
    const y5 = year(rebased, 5)
    expect(y5.rebased).toBe(false)
    expect(money(y5.savingsCredit!.value, 10)).toBe("2.9133833333")
    expect(money(y5.benchmark.value.benchmarkPmpm)).toBe("736.14")
    // Year 4 settles on B = 701.08 × 240,000 = 168,259,200; gross = 168,259,200 − 160,928,165.475 = 7,331,034.525: × 0.5
    expect(money(y4.settlement.value.sharedSavings, 4)).toBe("3665517.2625")
    // Before the rebase nothing differs from the contract as written.
    for (const k of [1, 2, 3]) expect(money(year(rebased, k).benchmark.value.benchmarkPmpm)).toBe(money(year(asWritten, k).benchmark.value.benchmarkPmpm))
  })
})

describe("schedule validation (pbpsim validate)", () => {
  it.concurrent("accepts a valid schedule and a policy whose overlay replaces it", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("validate", `${FIXTURES}/valid.yaml`)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("policies as-written, one-sided-throughout")
  })

  it.concurrent("warns of terms that can never act, and still accepts the file", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/no-effect.yaml`
    const r = await pbpsim("validate", file)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("valid, 1 warning")
    expect(r.stderr).toContain(`${file}: schedule[0].benchmark.providerWeight: warning: this provider weight has no effect`)
  })

  it.concurrent("reports entries out of order", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/out-of-order.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    // fromYear 3 then 2
    expect(r.stderr).toContain(`${file}: schedule[1].fromYear: expected a contract year after the previous entry's 3 (entries in ascending order), got 2`)
  })

  it.concurrent("reports a fromYear beyond the contract", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/beyond-contract.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    // contract.years 4, fromYear 6
    expect(r.stderr).toContain(`${file}: schedule[1].fromYear: expected a contract year from 1 to 4 (the contract's length), got 6`)
  })

  it.concurrent("reports a year-3 entry that adds an MLR without a loss rate at that entry's lossRate", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/mlr-without-loss-rate.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    expect(r.stderr.trim().split("\n")).toEqual([
      `${file}: schedule[1].settlement.lossRate: expected a loss rate for two-sided terms (mlr is set), got nothing`
    ])
  })

  it.concurrent("reports unknown fields in an entry, with a suggestion", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/unknown-field.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    expect(r.stderr).toContain(`${file}: schedule[0].fromyear: expected one of the fields fromYear, name, benchmark, settlement, got unknown field "fromyear" (did you mean "fromYear"?)`)
    expect(r.stderr).toContain(`${file}: schedule[1].benchmarks: expected one of the fields fromYear, name, benchmark, settlement, got unknown field "benchmarks" (did you mean "benchmark"?)`)
  })

  it.concurrent("reports a policy overlay's schedule at the overlay's path", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/overlay-bad.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    expect(r.stderr.trim().split("\n")).toEqual([
      `${file}: policies[1].overlay.schedule[0].fromYear: expected a contract year from 1 to 4 (the contract's length), got 5`
    ])
  })
})

describe("policies[i].overlay.schedule", () => {
  it("replaces the base schedule as a whole", async () => {
    const scenario = await loadScenarioFile(join(ROOT, FIXTURES, "valid.yaml"))
    const [asWritten, oneSided] = (await comparePolicies(scenario)) as [PolicyRun, PolicyRun]
    // Base: upside-only from year 1, two-sided (2 % MLR, 50 % of losses) from year 3. The year-3 entry
    // gives no settlement name, so the base's name stays in force with the rest of the base terms.
    expect(termsOf(asWritten)).toEqual([
      "upside-only | 1 | Upside-only 50 %",
      "upside-only | 1 | Upside-only 50 %",
      "two-sided | 3 | two-sided",
      "two-sided | 3 | two-sided"
    ])
    expect(money(year(asWritten, 3).settlement.value.mlr!, 4)).toBe("0.0200")
    // The overlay's list replaces the base's (lists are values): one entry, no year-3 switch.
    expect(new Set(termsOf(oneSided))).toEqual(new Set(["one-sided throughout | 1 | Upside-only 50 %"]))
    for (const y of oneSided.result.years) expect(y.settlement.value.mlr).toBeUndefined()
  })
})
