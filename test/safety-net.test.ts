import { join } from "node:path"
import { formatFixed } from "@pbpsim/benchmark"
import { comparePolicies, loadScenarioFile, simulate, type ContractModel, type PolicyRun } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import { beforeAll, describe, expect, it } from "vitest"
import { ROOT } from "./support/cli.js"

/**
 * scenarios/safety-net.yaml (docs/scenarios.md "safety-net", docs/rules/equity.md "In a scenario"):
 * a high-risk, dual-heavy safety-net ACO under one regional-blend contract, with risk ignored, risk
 * adjusted, a coding-intensity cut, the equity adjustments and an efficient peer target. Every
 * figure asserted is derived by hand in the comments from the scenario's own inputs.
 *
 * Inputs used throughout (see the scenario's header):
 *   SN: 120,000 member months a year; raw PMPM 2022–2024 1,290.00, 1,372.80, 1,460.16 at risk 1.29,
 *       1.32, 1.35 (risk adjusted 1,000, 1,040, 1,081.60); in the contract risk × 1.01 a year, cost
 *       the 2024 PMPM × 1.04^k less savings 1 %, 2 %, 3 %.
 *   Peers P1 (240,000 MM, risk 0.90), P2 (120,000, 0.95), P3 (150,000, 1.00), risk adjusted 2022 PMPM
 *       920, 1,020, 972, each growing 4 % a year.
 *   Baseline weights 0.1 / 0.3 / 0.6, trend and historical trend 4 %: F(2024 → 2025) = 1.04,
 *       F(→ 2026) = 1.0816, F(→ 2027) = 1.124864. λ = 0.7, 0.6, 0.5 (peer weight 0.3, 0.4, 0.5).
 *   Convergence caps ±5 % of national per capita 1,060.00 = ±53.00. Risk ratio capped at ±3 %.
 *   Settlement: REACH Professional bands < 5 % → 50 %, 5–10 % → 35 %, … from the first dollar, both ways.
 */

const money = (value: Decimal, places = 2): string => formatFixed(value, places)

const POLICIES = ["risk-blind", "risk-weight-0", "risk-adjusted", "coding-intensity", "equity", "efficient-target"] as const
type PolicyName = (typeof POLICIES)[number]

describe("scenarios/safety-net.yaml", () => {
  const runs = new Map<PolicyName, PolicyRun>()
  beforeAll(async () => {
    const scenario = await loadScenarioFile(join(ROOT, "scenarios", "safety-net.yaml"))
    const all = await comparePolicies(scenario)
    expect(all.map((r) => r.model.policyName)).toEqual([...POLICIES])
    all.forEach((run, i) => runs.set(POLICIES[i]!, run))
  })

  const year = (policy: PolicyName, k: number) => {
    const y = runs.get(policy)?.result.years[k - 1]
    if (y === undefined) throw new Error(`no contract year ${k} in ${policy}`)
    return y
  }
  const bench = (policy: PolicyName, k: number) => year(policy, k).benchmark.value
  const net = (policy: PolicyName, k: number): string => money(year(policy, k).settlement.value.providerNet)
  const total = (policy: PolicyName): string => money(runs.get(policy)!.result.totals.providerNet)

  it("projects SN's cost and risk the same way under every policy", () => {
    // Actual PMPM = 1,460.16 × 1.04^k × (1 − s_k):
    //   2025: 1,518.5664 × 0.99 = 1,503.380736 → E = × 120,000 = 180,405,688.32
    //   2027: 1,460.16 × 1.124864 = 1,642.48141824; × 0.97 = 1,593.2069756928 → E = 191,184,837.083136
    // Risk: 1.35 × 1.01 = 1.3635 in 2025; 1.35 × 1.01³ = 1.35 × 1.030301 = 1.39090635 in 2027.
    for (const policy of POLICIES) {
      expect(money(year(policy, 1).settlement.value.expenditure)).toBe("180405688.32")
      expect(money(year(policy, 3).settlement.value.expenditure, 6)).toBe("191184837.083136")
      expect(money(year(policy, 1).actualPmpm, 6)).toBe("1503.380736")
    }
    expect(money(year("risk-adjusted", 1).riskScore, 4)).toBe("1.3635")
    expect(money(year("risk-adjusted", 3).riskScore, 8)).toBe("1.39090635")
  })

  it("states SN's baseline and the region's at SN's 2024 risk, or on raw cost when risk is ignored", () => {
    // Restated to 2024 risk 1.35 and trended to 2024, each SN year gives the same figure:
    //   1,290 ÷ 1.29 × 1.35 × 1.0816 = 1,000 × 1.46016 = 1,460.16; 1,372.80 ÷ 1.32 × 1.35 × 1.04 = 1,040 × 1.404 = 1,460.16;
    //   1,460.16 ÷ 1.35 × 1.35 = 1,460.16 → B_P = (0.1 + 0.3 + 0.6) × 1,460.16 = 1,460.16
    const adjusted = bench("risk-adjusted", 1)
    expect(money(adjusted.providerBaseline, 6)).toBe("1460.160000")
    // Region pooled on risk-weighted member months (Σ cost ÷ Σ risk × MM), 2022:
    //   (198,720,000 + 116,280,000 + 145,800,000) ÷ (0.90 × 240,000 + 0.95 × 120,000 + 1.00 × 150,000)
    //   = 460,800,000 ÷ 480,000 = 960 per unit of risk; every year grows 4 %, so
    //   B_R = 960 × 1.0816 × 1.35 = 960 × 1.46016 = 1,401.7536, 58.4064 below B_P (SN 4.2 % above its region risk adjusted)
    expect(money(adjusted.peerBaseline, 6)).toBe("1401.753600")
    // Without risk scores (risk-blind) every score is 1: the raw years trended to 2024 with weights 0.1/0.3/0.6:
    //   0.1 × 1,290 × 1.0816 + 0.3 × 1,372.80 × 1.04 + 0.6 × 1,460.16 = 139.5264 + 428.3136 + 876.096 = 1,443.936
    //   (below 1,460.16: the earlier, lower-risk years are no longer restated to 2024's risk)
    // and the region's raw cost, pooled: 460,800,000 ÷ 510,000 member months = 903.529411… in 2022, × 1.0816
    //   = 498,401.28 ÷ 510 = 977.257411… (2024's own (214,935,552 + 125,768,448 + 157,697,280) ÷ 510,000):
    //   SN looks 466.68 (48 %) dearer than its region instead of 58.41 (4.2 %)
    const blind = bench("risk-blind", 1)
    expect(money(blind.providerBaseline, 6)).toBe("1443.936000")
    expect(money(blind.peerBaseline, 6)).toBe("977.257412")
    // The efficient target: each peer's own baseline at SN's risk, risk-adjusted 2022 PMPM × 1.46016:
    //   P1 920 → 1,343.3472; P2 1,020 → 1,489.3632; P3 972 → 1,419.27552. Weighted by 2024 member months
    //   (240,000, 120,000, 150,000; total 510,000), the 25th percentile is the first value, ascending, whose
    //   cumulative weight reaches 0.25 × 510,000 = 127,500: P1 alone has 240,000 → B_R = 1,343.3472
    const efficient = bench("efficient-target", 1)
    expect(money(efficient.peerBaseline, 6)).toBe("1343.347200")
    expect(money(efficient.providerBaseline, 6)).toBe("1460.160000")
  })

  it("risk-blind: the adjustment hits the −5 % cap, the ratio is 1, and SN owes losses every year", () => {
    // adj = 0.3 × (977.257412 − 1,443.936) = 0.3 × −466.678588 = −140.0036, floored at −0.05 × 1,060 = −53.00
    // (2027: 0.5 × −466.678588 = −233.34 → −53.00); blended 1,443.936 − 53 = 1,390.936
    const y1 = bench("risk-blind", 1)
    expect(money(y1.adjustment, 6)).toBe("-53.000000")
    expect(money(bench("risk-blind", 3).adjustment, 6)).toBe("-53.000000")
    // risk.weight 0: ratio = 1 + 0 × (…) = 1 (and every score is 1 anyway)
    expect(money(y1.riskRatio, 6)).toBe("1.000000")
    expect(money(bench("risk-blind", 3).riskRatio, 6)).toBe("1.000000")
    expect(money(y1.equityAddOn)).toBe("0.00")
    // 2025: 1,390.936 × 1.04 = 1,446.57344 → 1,446.57; B = × 120,000 = 173,588,400;
    //   gross = 173,588,400 − 180,405,688.32 = −6,817,288.32 (−3.93 %, the first band): 50 % owed = 3,408,644.16
    expect(money(y1.benchmarkPmpm)).toBe("1446.57")
    expect(net("risk-blind", 1)).toBe("-3408644.16")
    // 2027: 1,390.936 × 1.124864 = 1,390.936 + 173.677832704 = 1,564.613832704 → 1,564.61; B = 187,753,200;
    //   gross = 187,753,200 − 191,184,837.083136 = −3,431,637.083136: × 0.5 = −1,715,818.541568
    expect(money(bench("risk-blind", 3).benchmarkPmpm)).toBe("1564.61")
    expect(net("risk-blind", 3)).toBe("-1715818.54")
  })

  it("risk-weight-0: the region at SN's case mix, but the benchmark does not follow SN's rising risk", () => {
    // adj = 0.3 × (1,401.7536 − 1,460.16) = 0.3 × −58.4064 = −17.52192 (inside ±53); 2027: 0.5 × −58.4064 = −29.2032
    const y1 = bench("risk-weight-0", 1)
    expect(money(y1.adjustment, 6)).toBe("-17.521920")
    expect(money(bench("risk-weight-0", 3).adjustment, 6)).toBe("-29.203200")
    // weight 0: 1 + 0 × (1.01 − 1) = 1
    expect(money(y1.riskRatio, 6)).toBe("1.000000")
    expect(money(bench("risk-weight-0", 3).riskRatio, 6)).toBe("1.000000")
    // 2025: (1,460.16 − 17.52192) × 1.04 = 1,442.63808 × 1.04 = 1,500.3436032 → 1,500.34; B = 180,040,800;
    //   gross = −364,888.32 (−0.20 %): 50 % owed = 182,444.16
    expect(money(y1.benchmarkPmpm)).toBe("1500.34")
    expect(net("risk-weight-0", 1)).toBe("-182444.16")
    // 2027: 1,430.9568 × 1.124864 = 1,430.9568 + 178.6749898752 = 1,609.6317898752 → 1,609.63; B = 193,155,600;
    //   gross = 1,970,762.916864 (1.02 %): × 0.5 = 985,381.458432
    expect(money(bench("risk-weight-0", 3).benchmarkPmpm)).toBe("1609.63")
    expect(net("risk-weight-0", 3)).toBe("985381.46")
  })

  it("risk-adjusted: the benchmark follows SN's risk, up to the +3 % cap", () => {
    // ratio 2025 = 1.3635 ÷ 1.35 = 1.01; 2027 = 1.39090635 ÷ 1.35 = 1.030301 → capped at 1.03
    const y1 = bench("risk-adjusted", 1)
    const y3 = bench("risk-adjusted", 3)
    expect(money(y1.riskRatio, 6)).toBe("1.010000")
    expect(money(y3.riskRatio, 6)).toBe("1.030000")
    // Same adjustments as risk-weight-0: −17.52192 and −29.2032
    expect(money(y1.adjustment, 6)).toBe("-17.521920")
    expect(money(y3.adjustment, 6)).toBe("-29.203200")
    expect(money(y1.equityAddOn)).toBe("0.00")
    // 2025: 1,500.3436032 × 1.01 = 1,515.347039232 → 1,515.35; B = 181,842,000; gross = 1,436,311.68 (0.79 %): × 0.5 = 718,155.84
    expect(money(y1.benchmarkPmpm)).toBe("1515.35")
    expect(net("risk-adjusted", 1)).toBe("718155.84")
    // 2027: 1,609.6317898752 × 1.03 = 1,657.920743571456 → 1,657.92; B = 198,950,400;
    //   gross = 198,950,400 − 191,184,837.083136 = 7,765,562.916864 (3.90 %): × 0.5 = 3,882,781.458432
    expect(money(y3.benchmarkPmpm)).toBe("1657.92")
    expect(net("risk-adjusted", 3)).toBe("3882781.46")
  })

  it("coding-intensity: 1 % off the current score before the ratio", () => {
    // 2025: 1.3635 × 0.99 = 1.349865; ÷ 1.35 = 0.9999 (the cut outweighs a year's 1 % risk growth)
    // 2027: 1.39090635 × 0.99 = 1.3769972865; ÷ 1.35 = 1.01999799, now inside the ±3 % cap
    const y1 = bench("coding-intensity", 1)
    const y3 = bench("coding-intensity", 3)
    expect(money(y1.riskRatio, 8)).toBe("0.99990000")
    expect(money(y3.riskRatio, 8)).toBe("1.01999799")
    expect(money(y1.adjustment, 6)).toBe("-17.521920")
    // 2025: 1,500.3436032 × 0.9999 = 1,500.3436032 − 0.15003436032 = 1,500.19356883968 → 1,500.19; B = 180,022,800;
    //   gross = −382,888.32: 50 % owed = 191,444.16
    expect(money(y1.benchmarkPmpm)).toBe("1500.19")
    expect(net("coding-intensity", 1)).toBe("-191444.16")
    // 2027: 1,609.6317898752 × 1.01999799 = 1,641.824425672704 − 1,609.6317898752 × 0.00000201 (0.003235359…)
    //   = 1,641.821190312806… → 1,641.82; B = 197,018,400; gross = 5,833,562.916864 (2.96 %): × 0.5 = 2,916,781.458432
    expect(money(y3.benchmarkPmpm)).toBe("1641.82")
    expect(net("coding-intensity", 3)).toBe("2916781.46")
  })

  it("equity: the offset keeps 20 % of the negative adjustment and HEBA adds $11.40 after the discount", () => {
    // offset factor = clamp(dual 0.45 + risk 1.35 − 1, 0, 1) = 0.80; add-on = 30 × 0.40 − 6 × 0.10 = 12 − 0.60 = 11.40
    const y1 = bench("equity", 1)
    const y3 = bench("equity", 3)
    // adj 2025 = −17.52192 (inside the cap) × (1 − 0.80) = −3.504384; 2027: −29.2032 × 0.2 = −5.84064
    expect(money(y1.adjustment, 6)).toBe("-3.504384")
    expect(money(y3.adjustment, 6)).toBe("-5.840640")
    expect(money(y1.riskRatio, 6)).toBe("1.010000")
    expect(money(y3.riskRatio, 6)).toBe("1.030000")
    expect(money(y1.equityAddOn, 6)).toBe("11.400000")
    expect(money(y3.equityAddOn, 6)).toBe("11.400000")
    // 2025: 1,456.655616 × 1.04 = 1,514.92184064; × 1.01 = 1,530.0710590464; no discount; + 11.40 = 1,541.4710590464 → 1,541.47
    //   B = 184,976,400; gross = 4,570,711.68 (2.47 %): × 0.5 = 2,285,355.84
    expect(money(y1.discounted, 10)).toBe("1530.0710590464")
    expect(money(y1.benchmarkPmpm)).toBe("1541.47")
    expect(net("equity", 1)).toBe("2285355.84")
    // 2027: 1,454.31936 × 1.124864 = 1,454.31936 + 181.59213256704 = 1,635.91149256704; × 1.03 = 1,684.9888373440512;
    //   + 11.40 = 1,696.3888373440512 → 1,696.39; B = 203,566,800; gross = 12,381,962.916864 (6.08 %, into the second band):
    //   0.5 × 5 % × B + 0.35 × (gross − 5 % × B) = 0.5 × 10,178,340 + 0.35 × 2,203,622.916864 = 5,089,170 + 771,268.0209024
    //   = 5,860,438.0209024
    expect(money(y3.benchmarkPmpm)).toBe("1696.39")
    expect(money(year("equity", 3).settlement.value.providerNet, 7)).toBe("5860438.0209024")
  })

  it("efficient-target: a deeper negative adjustment, capped at −53.00 in 2027, then offset", () => {
    // B_R − B_P = 1,343.3472 − 1,460.16 = −116.8128
    // 2025: 0.3 × −116.8128 = −35.04384 (inside −53) × 0.2 = −7.008768
    // 2027: 0.5 × −116.8128 = −58.4064, floored at −53.00 first, then × 0.2 = −10.60 (offset after the caps)
    const y1 = bench("efficient-target", 1)
    const y3 = bench("efficient-target", 3)
    expect(money(y1.adjustment, 6)).toBe("-7.008768")
    expect(money(y3.adjustment, 6)).toBe("-10.600000")
    expect(money(y1.riskRatio, 6)).toBe("1.010000")
    expect(money(y3.riskRatio, 6)).toBe("1.030000")
    expect(money(y1.equityAddOn, 6)).toBe("11.400000")
    // 2025: 1,453.151232 × 1.04 = 1,511.27728128; × 1.01 = 1,526.3900540928; + 11.40 = 1,537.7900540928 → 1,537.79;
    //   B = 184,534,800; gross = 4,129,111.68 (2.24 %): × 0.5 = 2,064,555.84
    expect(money(y1.benchmarkPmpm)).toBe("1537.79")
    expect(net("efficient-target", 1)).toBe("2064555.84")
    // 2027: 1,449.56 × 1.124864 = 1,449.56 + 180.99785984 = 1,630.55785984; × 1.03 = 1,679.4745956352; + 11.40
    //   = 1,690.8745956352 → 1,690.87; B = 202,904,400; gross = 11,719,562.916864 (5.78 %):
    //   0.5 × 10,145,220 + 0.35 × 1,574,342.916864 = 5,072,610 + 551,020.0209024 = 5,623,630.0209024
    expect(money(y3.benchmarkPmpm)).toBe("1690.87")
    expect(money(year("efficient-target", 3).settlement.value.providerNet, 7)).toBe("5623630.0209024")
  })

  it("adds up the contract: risk ignored costs SN money, each adjustment for its population adds to its net", () => {
    // Year 2 (2026, F 1.0816, peer weight 0.4; SN's E = 185,726,744.9856), B = benchmark × 120,000:
    //   risk-blind       1,390.936 × 1.0816 = 1,504.4363776 → 1,504.44; gross −5,193,944.9856 → −2,596,972.4928
    //   risk-weight-0    (1,460.16 − 23.36256) × 1.0816 = 1,554.040111104 → 1,554.04; gross 758,055.0144 → 379,027.5072
    //   risk-adjusted    × 1.0201 = 1,585.27631733… → 1,585.28; gross 4,506,855.0144 → 2,253,427.5072
    //   coding-intensity × 1.377135 × 0.99 ÷ 1.35 = 1.009899 → 1,569.42355… → 1,569.42; gross 2,603,655.0144 → 1,301,827.5072
    //   equity           (1,460.16 − 4.672512) × 1.0816 × 1.0201 + 11.40 = 1,617.29779… → 1,617.30; gross 8,349,255.0144 → 4,174,627.5072
    //   efficient-target (1,460.16 − 9.345024) × 1.0816 × 1.0201 + 11.40 = 1,612.14242… → 1,612.14; gross 7,730,055.0144 → 3,865,027.5072
    // Totals (2025 + 2026 + 2027):
    //   risk-blind       −3,408,644.16 − 2,596,972.4928 − 1,715,818.541568 = −7,721,435.194368
    //   risk-weight-0    −182,444.16 + 379,027.5072 + 985,381.458432 = 1,181,964.805632
    //   coding-intensity −191,444.16 + 1,301,827.5072 + 2,916,781.458432 = 4,027,164.805632
    //   risk-adjusted    718,155.84 + 2,253,427.5072 + 3,882,781.458432 = 6,854,364.805632
    //   efficient-target 2,064,555.84 + 3,865,027.5072 + 5,623,630.0209024 = 11,553,213.3681024
    //   equity           2,285,355.84 + 4,174,627.5072 + 5,860,438.0209024 = 12,320,421.3681024
    expect(POLICIES.map((p) => money(bench(p, 2).benchmarkPmpm))).toEqual(["1504.44", "1554.04", "1585.28", "1569.42", "1617.30", "1612.14"])
    expect(total("risk-blind")).toBe("-7721435.19")
    expect(total("risk-weight-0")).toBe("1181964.81")
    expect(total("coding-intensity")).toBe("4027164.81")
    expect(total("risk-adjusted")).toBe("6854364.81")
    expect(total("efficient-target")).toBe("11553213.37")
    expect(total("equity")).toBe("12320421.37")
    // The story's order, year by year and over the contract: risk ignored < risk adjusted < with equity;
    // the efficient target gives back part of the equity gain but stays above plain risk adjustment.
    const provider = (p: PolicyName, k?: number): Decimal =>
      k === undefined ? runs.get(p)!.result.totals.providerNet : year(p, k).settlement.value.providerNet
    for (const k of [1, 2, 3, undefined]) {
      expect(provider("risk-blind", k).lt(provider("risk-weight-0", k))).toBe(true)
      expect(provider("risk-weight-0", k).lt(provider("risk-adjusted", k))).toBe(true)
      expect(provider("coding-intensity", k).lt(provider("risk-adjusted", k))).toBe(true)
      expect(provider("risk-adjusted", k).lt(provider("efficient-target", k))).toBe(true)
      expect(provider("efficient-target", k).lt(provider("equity", k))).toBe(true)
    }
    // The coding cut outweighs 2025's 1 % risk growth (ratio 0.9999 < 1), so in 2025 alone it is below ignoring the ratio.
    expect(provider("coding-intensity", 1).lt(provider("risk-weight-0", 1))).toBe(true)
    expect(provider("coding-intensity").gt(provider("risk-weight-0"))).toBe(true)
  })

  it("simulates with zero noise to the exact engine's figures", async () => {
    // Every sd 0: each trial is the deterministic projection, so the float kernel's mean is the exact run.
    const models: ReadonlyArray<ContractModel> = POLICIES.map((p) => ({
      ...runs.get(p)!.model,
      stochastic: { marketTrendSd: 0, memberCostSd: 0, savingsSd: 0, riskDriftSd: 0 }
    }))
    const simulation = await simulate(models, { seed: "safety-net", trials: 3, workers: 1 })
    const summary = simulation.summary
    expect(summary.policies.map((p) => p.name)).toEqual([...POLICIES])
    summary.policies.forEach((p, i) => {
      const exact = runs.get(POLICIES[i]!)!.result
      expect(p.years.length).toBe(3)
      p.years.forEach((row, k) => {
        const y = exact.years[k]!
        const scale = Math.abs(y.settlement.value.benchmark.toNumber())
        const close = (got: number | undefined, want: Decimal): void => {
          expect(got).toBeDefined()
          expect(Math.abs(got! - want.toNumber())).toBeLessThanOrEqual(1e-9 * scale)
        }
        expect(row.benchmarkPmpm!.mean.toFixed(2)).toBe(money(y.benchmark.value.benchmarkPmpm))
        expect(row.benchmarkPmpm!.sd).toBe(0)
        close(row.actualPmpm?.mean, y.actualPmpm)
        close(row.providerNet.mean, y.settlement.value.providerNet)
        close(row.payerNet.mean, y.settlement.value.payerNet)
      })
      expect(Math.abs(p.contract.providerNet.mean - exact.totals.providerNet.toNumber())).toBeLessThanOrEqual(1e-9 * exact.totals.benchmark.toNumber())
    })
  })
})
