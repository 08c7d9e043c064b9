import { describe, expect, it } from "vitest"
import {
  blendTrend,
  CENTS,
  contractYearBenchmark,
  convergence,
  dec,
  derive,
  explained,
  fixedTrend,
  msspRiskCap2024,
  quantity,
  riskRatio,
  round,
  scheduleTrend,
  trendFactor,
  weightedBaseline,
  type ConvergenceCaps,
  type Explained,
  type TrendPolicy
} from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"

/**
 * The worked examples of docs/model.md §9.13 that concern the benchmark rules
 * (WE7, WE8, WE9, WE11, WE12 and WE16's discount). Expected values are the examples'.
 */

const FOUR_PLACES = { places: 4, mode: "half-up" } as const

const given = (name: string, value: Decimal): Explained<Decimal> =>
  explained(value, derive({ rule: "test.given", label: name, formula: "given", inputs: [], output: quantity(name, value, "pmpm") }))

describe("WE7: historical benchmark, one enrollment type (42 CFR 425.652(a))", () => {
  // MSSP works in annual per-capita expenditure; the rule is indifferent to the unit, so each
  // base year is 12 "member months" costing 12 × E (cost ÷ MM = E).
  const by = (year: number, expenditure: string, hcc: string, weight: Decimal) => ({
    year,
    weight,
    experience: { memberMonths: dec(12), cost: dec(expenditure).mul(12), riskScore: dec(hcc) }
  })
  // BY1 → BY2 grows 4.5 %, BY2 → BY3 4 %: BY1 → BY3 = 1.045 × 1.04 = 1.0868
  const trend = scheduleTrend({ 2022: "0.045", 2023: "0.04" })
  const third = dec(1).div(3)

  const cases = [
    {
      name: "first agreement, 10/30/60",
      weights: [dec("0.1"), dec("0.3"), dec("0.6")],
      // 1,141.14 + 3,372.3529 + 6,600 = 11,113.4929; exactly 1,141.14 + 3,439.8/1.02 + 6,600 = 11,335.7628/1.02 = 9,446,469/850
      printed: "11113.4929",
      numerator: 9_446_469,
      denominator: 850
    },
    {
      name: "renewal, equal thirds",
      weights: [third, third, third],
      // 33,652.5765 / 3 = 11,217.5255; exactly (22,411.4 + 11,466/1.02)/3 = 34,325.628/3.06 = 2,860,469/255
      printed: "11217.5255",
      numerator: 2_860_469,
      denominator: 255
    }
  ]

  it.each(cases)("$name gives $printed", ({ weights, printed, numerator, denominator }) => {
    const r = weightedBaseline({
      label: "Historical benchmark",
      years: [by(2021, "10000", "1.00", weights[0]!), by(2022, "10500", "1.02", weights[1]!), by(2023, "11000", "1.05", weights[2]!)],
      historicalTrend: trend,
      riskBasis: dec("1.05")
    })
    // The example rounds only its printed figures: 33,652.5765 is the exact sum
    // 33,652.57647… (from E2' = 10,808.82352…), not the 33,652.5764 the printed E2' = 10,808.8235 would give.
    expect(round(r.value, FOUR_PLACES).eq(printed)).toBe(true)
    expect(r.value.mul(denominator).sub(numerator).abs().lt("1e-30")).toBe(true)
  })

  it("restates and trends each year as the example prints them", () => {
    const r = weightedBaseline({
      label: "Historical benchmark",
      years: [by(2021, "10000", "1.00", dec("0.1")), by(2022, "10500", "1.02", dec("0.3")), by(2023, "11000", "1.05", dec("0.6"))],
      historicalTrend: trend,
      riskBasis: dec("1.05")
    })
    const value = (step: number, name: string) => r.derivation.steps[step]!.inputs.find((q) => q.name === name)!.value
    // E1' = 10,000 × 1.05/1.00 = 10,500; × 1.0868 = 11,411.40
    expect(value(0, "restated PMPM 2021").eq(10_500)).toBe(true)
    expect(value(0, "trended PMPM 2021").eq("11411.4")).toBe(true)
    // E2' = 10,500 × 1.05/1.02 = 10,808.8235…; × 1.04 = 11,241.1765…
    expect(round(value(1, "restated PMPM 2022"), FOUR_PLACES).eq("10808.8235")).toBe(true)
    expect(round(value(1, "trended PMPM 2022"), FOUR_PLACES).eq("11241.1765")).toBe(true)
    // E3' = 11,000
    expect(value(2, "trended PMPM 2023").eq(11_000)).toBe(true)
  })
})

describe("WE8: national/regional blended trend (42 CFR 425.652(a)(5))", () => {
  // w_nat = Σ (county share of assignable beneficiaries assigned to the ACO) × (ACO's share living there)
  const counties = [
    [dec("0.30"), dec("0.50")],
    [dec("0.10"), dec("0.30")],
    [dec("0.05"), dec("0.20")]
  ] as const
  const wNat = counties.reduce((acc, [a, b]) => acc.add(a.mul(b)), dec(0))
  const twoWay = (w: Decimal): TrendPolicy =>
    blendTrend([
      { weight: w, trend: fixedTrend("0.040") },
      { weight: dec(1).sub(w), trend: fixedTrend("0.050") }
    ])

  it("derives the national weight 0.15 + 0.03 + 0.01 = 0.19", () => {
    expect(wNat.eq("0.19")).toBe(true)
  })

  it.each([
    // 0.19 × 1.040 + 0.81 × 1.050 = 0.1976 + 0.8505 = 1.0481
    { w: "0.19", factor: "1.0481" },
    // 0.20 × 1.040 + 0.80 × 1.050 = 0.208 + 0.84 = 1.048
    { w: "0.20", factor: "1.048" }
  ])("weight $w gives $factor", ({ w, factor }) => {
    expect(trendFactor(twoWay(dec(w)), 2023, 2024).value.eq(factor)).toBe(true)
  })
})

describe("WE9: regional adjustment as convergence caps (42 CFR 425.656, 425.601(f), 425.652(a)(8))", () => {
  // The regional adjustment is pct × (regional − historical): pct = 1 − λ. Its caps are shares of
  // national per capita FFS expenditure in BY3 (11,500), not of the regional figure, so 11,500 is
  // passed as the cap basis: +5 % = 575, −5 % = −575, −1.5 % = −172.50.
  const national = dec(11_500)
  const regime601: ConvergenceCaps = { up: dec("0.05"), down: dec("0.05"), noNegative: false }
  const regime2023Text: ConvergenceCaps = { up: dec("0.05"), down: dec("0.015"), noNegative: false }
  const regimeCurrent: ConvergenceCaps = { up: dec("0.05"), noNegative: true }

  const cases = [
    // (a) 35 % × (11,000 − 10,000) = 350 < 575 → +350 in every regime
    { name: "(a) lower-spending 1st time, 425.601", hist: 10_000, regional: 11_000, lambda: "0.65", caps: regime601, adj: "350" },
    { name: "(a) lower-spending 1st time, current", hist: 10_000, regional: 11_000, lambda: "0.65", caps: regimeCurrent, adj: "350" },
    // (b) 35 % × 3,000 = 1,050 > 575 → +575
    { name: "(b) capped at +5 % of national, 425.601", hist: 10_000, regional: 13_000, lambda: "0.65", caps: regime601, adj: "575" },
    { name: "(b) capped at +5 % of national, current", hist: 10_000, regional: 13_000, lambda: "0.65", caps: regimeCurrent, adj: "575" },
    // (c) higher-spending 1st time: 15 % × (11,000 − 12,000) = −150
    { name: "(c) 425.601: −575 does not bind", hist: 12_000, regional: 11_000, lambda: "0.85", caps: regime601, adj: "-150" },
    // CY2023 text: −172.50 does not bind → −150 (its offset, × 0.60 → −90, is a separate step not modelled here)
    { name: "(c) CY2023 text before offset", hist: 12_000, regional: 11_000, lambda: "0.85", caps: regime2023Text, adj: "-150" },
    { name: "(c) current: not applied", hist: 12_000, regional: 11_000, lambda: "0.85", caps: regimeCurrent, adj: "0" },
    // (d) 4th time: 50 % × −1,000 = −500
    { name: "(d) 425.601: −500", hist: 12_000, regional: 11_000, lambda: "0.5", caps: regime601, adj: "-500" },
    // CY2023 text: −1.5 % × 11,500 = −172.50 binds (offset × 0.60 → −103.50 not modelled here)
    { name: "(d) CY2023 text: −172.50 binds", hist: 12_000, regional: 11_000, lambda: "0.5", caps: regime2023Text, adj: "-172.5" },
    { name: "(d) current: not applied", hist: 12_000, regional: 11_000, lambda: "0.5", caps: regimeCurrent, adj: "0" }
  ]

  it.each(cases)("$name → adjustment $adj", ({ hist, regional, lambda, caps, adj }) => {
    const r = convergence({ providerBaseline: dec(hist), peerBaseline: dec(regional), providerWeight: dec(lambda), caps, capBasis: national })
    expect(r.value.adjustment.eq(adj)).toBe(true)
    expect(r.value.blended.eq(dec(hist).add(adj))).toBe(true)
  })

  it("(b) notes that the cap binds", () => {
    const r = convergence({ providerBaseline: dec(10_000), peerBaseline: dec(13_000), providerWeight: dec("0.65"), caps: regime601, capBasis: national })
    expect(r.value.uncappedAdjustment.eq(1_050)).toBe(true)
    expect(r.derivation.notes).toEqual(["cap binds: +5 % of cap basis limits the adjustment to 575.00"])
  })
})

describe("WE11: three-way (ACPT) update (42 CFR 425.652(b), 425.660)", () => {
  // two-way: 0.20 × 1.05 + 0.80 × 1.06 = 0.21 + 0.848 = 1.058 (RRSGCAF = 1); ACPT 1.045
  const twoWay = blendTrend([
    { weight: dec("0.2"), trend: fixedTrend("0.05") },
    { weight: dec("0.8"), trend: fixedTrend("0.06") }
  ])
  const threeWay = (acptWeight: Decimal): TrendPolicy =>
    blendTrend([
      { weight: dec(1).sub(acptWeight), trend: twoWay },
      { weight: acptWeight, trend: fixedTrend("0.045") }
    ])
  const benchmark = (trend: TrendPolicy) =>
    contractYearBenchmark({
      providerBaseline: given("historical benchmark", dec(12_000)),
      peerBaseline: given("historical benchmark", dec(12_000)),
      providerWeight: dec(1),
      caps: { noNegative: false },
      trendFactor: trendFactor(trend, 2023, 2024),
      riskRatio: riskRatio({ current: dec(1), base: dec(1), caps: {} }),
      discount: dec(0),
      rounding: CENTS
    }).value

  const cases = [
    // 12,000 × (2/3 × 1.058 + 1/3 × 1.045) = 8,000 × 1.058 + 4,000 × 1.045 = 8,464 + 4,180 = 12,644
    { name: "ACPT weight 1/3", trend: threeWay(dec(1).div(3)), exact: 12_644, printed: "12644.00" },
    // 12,000 × (5/6 × 1.058 + 1/6 × 1.045) = 10,000 × 1.058 + 2,000 × 1.045 = 10,580 + 2,090 = 12,670
    { name: "PY2024 ACPT weight 1/6", trend: threeWay(dec(1).div(6)), exact: 12_670, printed: "12670.00" },
    // guardrail recalculation: 12,000 × 1.058 = 12,696
    { name: "pure two-way", trend: twoWay, exact: 12_696, printed: "12696.00" }
  ]

  it.each(cases)("$name gives $printed", ({ trend, exact, printed }) => {
    const b = benchmark(trend)
    // 1/3 and 1/6 are 40-digit decimals, so the unrounded figure may miss by the 36th digit
    expect(b.discounted.sub(exact).abs().lt("1e-30")).toBe(true)
    expect(b.benchmarkPmpm.eq(printed)).toBe(true)
  })

  it("blends the 2/3 weight into a factor of 3.161/3 = 1.053666…", () => {
    const f = trendFactor(threeWay(dec(1).div(3)), 2023, 2024).value
    expect(f.mul(3).sub("3.161").abs().lt("1e-35")).toBe(true)
  })
})

describe("WE12: reconciliation risk cap", () => {
  // cap = demographic growth 1.01 + 3 pp = 1.04
  const cases = [
    // aggregate 0.5 × 1.07 + 0.5 × 1.03 = 1.05 > 1.04 → A capped at 1.04, B 1.03 unchanged
    { name: "aggregate above the cap", a: "1.07", b: "1.03", expected: ["1.04", "1.03"] },
    // aggregate 0.5 × 1.05 + 0.5 × 1.02 = 1.035 ≤ 1.04 → no cap, even though A exceeds 1.04
    { name: "aggregate within the cap", a: "1.05", b: "1.02", expected: ["1.05", "1.02"] }
  ]

  it.each(cases)("2024+ rule, $name", ({ a, b, expected }) => {
    const r = msspRiskCap2024({
      types: [
        { name: "A", hccGrowth: dec(a), weight: dec("0.5") },
        { name: "B", hccGrowth: dec(b), weight: dec("0.5") }
      ],
      demographicGrowth: dec("1.01")
    })
    expect(r.value.map((t) => t.name)).toEqual(["A", "B"])
    expect(r.value.map((t) => t.ratio.toFixed())).toEqual(expected)
  })

  it.each([
    // pre-2024: any type capped at 1.03, decreases never capped
    { current: "1.07", expected: "1.03" },
    { current: "1.05", expected: "1.03" },
    { current: "1.02", expected: "1.02" },
    { current: "0.95", expected: "0.95" }
  ])("2019–2023 rule: growth $current → ratio $expected", ({ current, expected }) => {
    expect(riskRatio({ current: dec(current), base: dec(1), caps: { up: dec("0.03") } }).value.eq(expected)).toBe(true)
  })
})

describe("WE16: REACH Global discount", () => {
  it("takes 1,000 PBPM to 960 PBPM at a 4 % discount", () => {
    const r = contractYearBenchmark({
      providerBaseline: given("benchmark", dec(1_000)),
      peerBaseline: given("benchmark", dec(1_000)),
      providerWeight: dec(1),
      caps: { noNegative: false },
      trendFactor: trendFactor(fixedTrend(0), 2025, 2025),
      riskRatio: riskRatio({ current: dec(1), base: dec(1), caps: {} }),
      discount: dec("0.04"),
      rounding: CENTS
    })
    // 1,000 × (1 − 0.04) = 960
    expect(r.value.discounted.eq(960)).toBe(true)
    expect(r.value.benchmarkPmpm.eq(960)).toBe(true)
  })
})
