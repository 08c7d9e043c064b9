import { readFileSync } from "node:fs"
import { join } from "node:path"
import { dec, formatFixed, pooledCell } from "@pbpsim/benchmark"
import { loadScenarioFile, marketProblems, parseScenario, runContract, runMarket, runPolicy, resolvePolicy, pooledExperience, peersWithout, projectExperience, type MarketPolicyRun } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { parse } from "yaml"
import { ROOT } from "./support/cli.js"

/**
 * The market view (docs/market.md) on test/fixtures/market-hand.yaml: four providers in two peer
 * groups, no trend, risk 1, flat member months, N1 cutting 2 %. Every figure below is worked by hand
 * from the fixture's rows in the comments; none is read back from pbpsim.
 */

const FIXTURE = join(ROOT, "test/fixtures/market-hand.yaml")
const money = (d: Decimal): string => formatFixed(d, 2)

describe("runMarket", () => {
  let voluntary: MarketPolicyRun
  let mandatory: MarketPolicyRun
  let logistic: MarketPolicyRun
  beforeAll(async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    ;[voluntary, mandatory, logistic] = runMarket(scenario).policies as [MarketPolicyRun, MarketPolicyRun, MarketPolicyRun]
  })

  it("runs every entity as the provider against the rest of its peer group", () => {
    // λ = 0.5: N1 ½(400 + 500) = 450, N2 ½(500 + 400) = 450, S1 ½(300 + 330) = 315, S2 ½(330 + 300) = 315.
    expect(voluntary.providers.map((p) => [p.entity, p.peerGroup, p.peerCount, money(p.years[0]!.benchmarkPmpm)])).toEqual([
      ["N1", "north", 1, "450.00"],
      ["N2", "north", 1, "450.00"],
      ["S1", "south", 1, "315.00"],
      ["S2", "south", 1, "315.00"]
    ])
  })

  it("settles each provider-year and splits savings into earned and windfall", () => {
    // N1: B 450 × 12,000 = 5,400,000; E 392 × 12,000 = 4,704,000; 50 % of 696,000 = 348,000.
    // At its counterfactual 4,800,000 the gross would be 600,000: 300,000 windfall, 48,000 earned.
    // N2: E 6,000,000 > B 5,400,000: loss 50 % × 600,000 = 300,000.
    // S1: B 315 × 6,000 = 1,890,000, E = CF = 1,800,000: 45,000, all windfall. S2: loss 50 % × 270,000 = 135,000.
    const rows = voluntary.providers.map((p) => {
      const y = p.years[0]!
      return [p.entity, money(y.sharedSavings), money(y.sharedLosses), money(y.windfall), money(y.earned), money(y.counterfactual)]
    })
    expect(rows).toEqual([
      ["N1", "348000.00", "0.00", "300000.00", "48000.00", "4800000.00"],
      ["N2", "0.00", "300000.00", "0.00", "0.00", "6000000.00"],
      ["S1", "45000.00", "0.00", "45000.00", "0.00", "1800000.00"],
      ["S2", "0.00", "135000.00", "0.00", "0.00", "5940000.00"]
    ])
  })

  it("lets a provider join under a threshold rule only when it expects to be paid", () => {
    // Expected net over 2 years ÷ benchmark: N1 +6.44 %, S1 +2.38 %, N2 −5.56 %, S2 −2.38 %: N1 and S1 in.
    expect(voluntary.providers.map((p) => p.years.map((y) => y.participation.toFixed()))).toEqual([
      ["1", "1"],
      ["0", "0"],
      ["1", "1"],
      ["0", "0"]
    ])
    expect(voluntary.providers[0]!.years[0]!.expectedNetRate.toFixed(10)).toBe(dec(348000).div(5400000).toFixed(10))
    expect(voluntary.years.map((y) => [y.participants.toFixed(), y.leaving.toFixed()])).toEqual([
      ["2", "2"],
      ["2", "0"]
    ])
  })

  it("counts what the programme costs the payer once selection is counted", () => {
    // Counterfactual 4,800,000 + 6,000,000 + 1,800,000 + 5,940,000 = 18,540,000 a year.
    // Programme: N1 4,704,000 + 348,000; S1 1,800,000 + 45,000; N2 and S2 at their counterfactual:
    // 18,837,000, so the programme costs the payer 297,000 a year = 393,000 paid − 96,000 cut by N1.
    const y = voluntary.years[0]!
    expect([y.counterfactualSpending, y.programmeSpending, y.programmeCost, y.savingsPaid, y.lossesCollected, y.earned, y.windfall].map(money)).toEqual([
      "18540000.00",
      "18837000.00",
      "297000.00",
      "393000.00",
      "0.00",
      "48000.00",
      "345000.00"
    ])
    expect([y.costReduction, y.nonParticipantSpending, y.forgoneReduction].map(money)).toEqual(["96000.00", "11940000.00", "0.00"])
    expect(money(voluntary.totals.programmeCost)).toBe("594000.00")
    // Everyone in: 393,000 paid − 435,000 collected − 96,000 cut = −138,000 a year: the payer saves.
    expect(money(mandatory.years[1]!.programmeCost)).toBe("-138000.00")
    expect(money(mandatory.totals.lossesCollected)).toBe("870000.00")
  })

  it("measures selection as the participants' baseline relative to their peers", () => {
    // N1 400/500 = 0.8, N2 500/400 = 1.25, S1 300/330, S2 330/300 = 1.1; weights member months.
    // Participants: (0.8 × 12,000 + 300/330 × 6,000) ÷ 18,000; all: the four over 48,000.
    const s1 = dec(300).div(330)
    const participants = dec("0.8").mul(12000).add(s1.mul(6000)).div(18000)
    const all = dec("0.8").mul(12000).add(dec("1.25").mul(12000)).add(s1.mul(6000)).add(dec("1.1").mul(18000)).div(48000)
    expect(voluntary.years[0]!.participantsBaselineRelative!.toFixed(12)).toBe(participants.toFixed(12))
    expect(voluntary.years[0]!.allBaselineRelative.toFixed(12)).toBe(all.toFixed(12))
  })

  it("measures the dispersion of risk-adjusted benchmarks and costs across providers", () => {
    // Benchmarks 450, 450, 315, 315: mean 382.5, sd 67.5, CV 0.176470…, P10 315 and P90 450 (nearest rank), ratio 10/7.
    const b = voluntary.years[0]!.benchmarkDispersion
    expect([b.mean.toFixed(), b.cv.toFixed(12), b.p10.toFixed(), b.p90.toFixed(), b.p90p10.toFixed(12)]).toEqual(["382.5", "0.176470588235", "315", "450", "1.428571428571"])
    // Costs 392, 500, 300, 330: mean 380.5, squared deviations sum to 23,443, sd √5,860.75.
    const c = voluntary.years[0]!.costDispersion
    expect(c.cv.toFixed(12)).toBe(dec("5860.75").sqrt().div("380.5").toFixed(12))
    // Equity: every risk score is 1, so no provider sits above the median.
    expect(voluntary.years[0]!.equity.ratio).toBeNull()
  })

  it("gives the logistic rule's chances from its two calibration points", () => {
    // a = ln(0.9/0.1), b = a − ln(0.79/0.21); chance = 1/(1 + e^−(a + b·x)), x in percent.
    const a = Math.log(0.9 / 0.1)
    const b = a - Math.log(0.79 / 0.21)
    const chance = (x: number) => 1 / (1 + Math.exp(-(a + b * x)))
    const n1 = chance((348000 / 5400000) * 100)
    const n2 = chance((-300000 / 5400000) * 100)
    const [p1, p2] = [logistic.providers[0]!, logistic.providers[1]!]
    expect(p1.years[0]!.participation.toNumber()).toBeCloseTo(n1, 12)
    // Staying in year 2 is a second draw of the same chance (the horizon looks at year 2 alone now).
    expect(p1.years[1]!.participation.toNumber()).toBeCloseTo(n1 * n1, 12)
    expect(p2.years[0]!.participation.toNumber()).toBeCloseTo(n2, 12)
    expect(logistic.years[0]!.participants.toNumber()).toBeCloseTo(
      n1 + n2 + chance((45000 / 1890000) * 100) + chance((-135000 / 5670000) * 100),
      10
    )
  })

  it("gives a provider the same contract as `run` with that provider and peers", async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    const run = runPolicy(resolvePolicy(scenario, "voluntary"))
    const market = voluntary.providers[0]!
    expect(market.years.map((y) => money(y.providerNet))).toEqual(run.result.years.map((y) => money(y.settlement.value.providerNet)))
  })

  it("takes a year that happened as its cost before the savings plan, not the projection from before the contract", async () => {
    // N1 actually cost 4,656,000 in 2025 (12,000 MM, $388). Its plan says 2 % below the counterfactual, so
    // CF = 4,656,000 ÷ 0.98 = 4,751,020.41; paid ½ × (5,400,000 − 4,656,000) = 372,000, of which the windfall
    // is ½ × (5,400,000 − 4,751,020.408…) = 324,489.80 and 47,510.20 is earned.
    const document = parse(readFileSync(FIXTURE, "utf8")) as { experience: Array<unknown> }
    document.experience.push({ entity: "N1", year: 2025, memberMonths: 12000, cost: "4656000" })
    const scenario = await parseScenario(document, { file: FIXTURE })
    const n1 = runMarket(scenario, { policies: ["mandatory"], providers: ["N1", "N2"] }).policies[0]!.providers[0]!.years[0]!
    expect([n1.counterfactual, n1.sharedSavings, n1.windfall, n1.earned].map(money)).toEqual(["4751020.41", "372000.00", "324489.80", "47510.20"])
  })

  it("names a provider alone in its peer group, and unknown providers, all at once", async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    expect(() => runMarket(scenario, { providers: ["N1", "X9"] })).toThrow(/--providers: expected one of the entities of the market .*got "X9"/)
    const lonely = await parseScenario(
      {
        name: "alone",
        market: { entities: [{ id: "A", peerGroup: "g1" }, { id: "B", peerGroup: "g2" }, { id: "C", peerGroup: "g2" }] },
        experience: ["A", "B", "C"].map((entity) => ({ entity, year: 2024, memberMonths: 1200, cost: "120000" })),
        contract: { provider: "B", peers: ["C"], startYear: 2025, years: 1, baseline: { years: [2024], weights: ["1"] } },
        benchmark: { trend: { kind: "fixed", rate: "0" } },
        settlement: { msr: { fixed: "0" }, savingsRate: "0.5" },
        projection: { marketTrend: "0" },
        policies: [{ name: "p" }]
      },
      { file: "alone.yaml" }
    )
    expect(() => runMarket(lonely)).toThrow(/alone\.yaml: market\.entities\[0\]\.peerGroup: expected a peer group with another entity/)
  })
})

describe("marketProblems", () => {
  it("names every entity a market run reads without its baseline years, a repeated or empty --providers", async () => {
    const document = parse(readFileSync(FIXTURE, "utf8")) as { experience: Array<unknown>; contract: { baseline: unknown } }
    // Two baseline years: N1 and N2 (the contract's provider and peers) get 2023 rows, S1 and S2 do not.
    document.contract.baseline = { years: [2023, 2024], weights: ["0.5", "0.5"] }
    document.experience.push({ entity: "N1", year: 2023, memberMonths: 12000, cost: "4800000" }, { entity: "N2", year: 2023, memberMonths: 12000, cost: "6000000" })
    const scenario = await parseScenario(document, { file: "two-years.yaml" })
    expect(marketProblems(scenario).map((i) => i.message)).toEqual([
      "expected rows of S1 in 2023, 2024 (the baseline years and the year before the contract: in `pbpsim market` every entity of a provider's peer group is read), got none in 2023",
      "expected rows of S2 in 2023, 2024 (the baseline years and the year before the contract: in `pbpsim market` every entity of a provider's peer group is read), got none in 2023"
    ])
    expect(() => runMarket(scenario, { providers: ["N1", "N2"] })).not.toThrow()
    expect(() => runMarket(scenario, { providers: ["N1", "N1"] })).toThrow(/--providers: expected each provider once, got "N1" again/)
    expect(() => runMarket(scenario, { providers: [] })).toThrow(/--providers: expected at least one entity id, got none/)
  })
})

describe("peersWithout", () => {
  it("pools the rest of a group exactly as summing the rest would", async () => {
    const cell = fc.record({ mm: fc.integer({ min: 12, max: 10_000_000 }), pmpmCents: fc.integer({ min: 100, max: 500_000 }), risk: fc.integer({ min: 1000, max: 39999 }) })
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 2, maxLength: 12 }), fc.nat(), async (cells, pick) => {
        const ids = cells.map((_, i) => `E${i}`)
        const scenario = await parseScenario({
          name: "pools",
          market: { entities: ids.map((id) => ({ id })) },
          experience: cells.map((c, i) => ({ entity: ids[i], year: 2024, memberMonths: c.mm, cost: dec(c.pmpmCents).mul(c.mm).div(100).toFixed(2), riskScore: dec(c.risk).div(10000).toFixed(4) })),
          contract: { provider: "E0", peers: ids, startYear: 2025, years: 1, baseline: { years: [2024], weights: ["1"] } },
          benchmark: { trend: { kind: "fixed", rate: "0" } },
          settlement: { msr: { fixed: "0" }, savingsRate: "0.5" },
          projection: { marketTrend: "0" },
          policies: [{ name: "p" }]
        })
        const realised = projectExperience(resolvePolicy(scenario, "p"))
        const without = ids[pick % ids.length]!
        const fast = pooledExperience(realised, peersWithout(ids, without), 2024)
        const slow = pooledExperience(realised, ids.filter((e) => e !== without), 2024)
        expect([fast.memberMonths.toFixed(), fast.cost.toFixed(), fast.riskScore.toFixed()]).toEqual([slow.memberMonths.toFixed(), slow.cost.toFixed(), slow.riskScore.toFixed()])
      }),
      { numRuns: 50 }
    )
  })
})

describe("runContract", () => {
  it("pools peers that are the market less the provider (in any order) from the market's sums, exactly as pooling their cells does, and other peers as well", async () => {
    const cell = fc.record({ mm: fc.integer({ min: 12, max: 10_000_000 }), pmpmCents: fc.integer({ min: 100, max: 500_000 }), risk: fc.integer({ min: 1000, max: 39999 }) })
    // How the peers list is made from the market: all but the provider (shuffled), one fewer, or the provider left in.
    const peerList = fc.constantFrom("rest", "one fewer", "with provider")
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 3, maxLength: 12 }), fc.nat(), peerList, fc.nat(), async (cells, pick, kind, seed) => {
        const ids = cells.map((_, i) => `E${i}`)
        const provider = ids[pick % ids.length]!
        const rest = ids.filter((e) => e !== provider).sort((a, b) => ((a.charCodeAt(1) * 31 + seed) % 7) - ((b.charCodeAt(1) * 31 + seed) % 7))
        const peers = kind === "rest" ? rest : kind === "one fewer" ? rest.slice(1) : [...rest, provider]
        const scenario = await parseScenario({
          name: "pools",
          market: { entities: ids.map((id) => ({ id })) },
          experience: cells.flatMap((c, i) =>
            [2023, 2024].map((year) => ({ entity: ids[i], year, memberMonths: c.mm, cost: dec(c.pmpmCents).mul(c.mm).mul(year === 2023 ? 100 : 104).div(10000).toFixed(2), riskScore: dec(c.risk).div(10000).toFixed(4) }))
          ),
          contract: { provider, peers, startYear: 2025, years: 1, baseline: { years: [2024], weights: ["1"] } },
          benchmark: { trend: { kind: "observed", source: "peers" }, historicalTrend: { kind: "observed", source: "market" } },
          settlement: { msr: { fixed: "0" }, savingsRate: "0.5" },
          projection: { marketTrend: "0" },
          policies: [{ name: "p" }]
        })
        const model = resolvePolicy(scenario, "p")
        const realised = projectExperience(model)
        runContract(model, realised)
        for (const year of [2023, 2024]) {
          const pooled = pooledExperience(realised, model.peers, year)
          const summed = pooledCell(model.peers.map((e) => realised.cells.get(e)!.get(year)!))
          expect([pooled.memberMonths.toFixed(), pooled.cost.toFixed(), pooled.riskScore.toFixed()]).toEqual([summed.memberMonths.toFixed(), summed.cost.toFixed(), summed.riskScore.toFixed()])
        }
      }),
      { numRuns: 60 }
    )
  })
})
