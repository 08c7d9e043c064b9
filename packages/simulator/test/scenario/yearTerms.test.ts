import { describe, expect, it } from "vitest"
import { findStep } from "@pbpsim/benchmark"
import { decodeScenario, parseScenario, resolvePolicy, runPolicy } from "@pbpsim/simulator"
import { Either } from "effect"

/** A small scenario: provider A and peer B, one baseline year, a four-year contract; `extra` is appended YAML. */
const scenario = (benchmark: string, settlement: string, schedule = "") =>
  parseScenario(
    [
      "name: year terms",
      "market: { entities: [{ id: A }, { id: B }] }",
      "experience:",
      '  - { entity: A, year: 2024, memberMonths: 120000, cost: "60000000.00" }',
      '  - { entity: B, year: 2024, memberMonths: 240000, cost: "126000000.00" }',
      "contract: { provider: A, peers: [B], startYear: 2025, years: 4, baseline: { years: [2024], weights: [\"1\"] } }",
      `benchmark: ${benchmark}`,
      `settlement: ${settlement}`,
      'projection: { marketTrend: "0.04" }',
      schedule,
      "policies: [{ name: p }]"
    ].join("\n"),
    { file: "year-terms.yaml" }
  )

const trend = 'trend: { kind: fixed, rate: "0.04" }'

describe("yearTerms", () => {
  it("adds the demographic change to the upward risk cap (MSSP 2024+: demographic change + 3 points)", async () => {
    // −0.04 + 0.03 = −0.01: the ratio is capped at 0.99; a year-3 entry with +0.02 gives 0.05.
    const s = await scenario(
      `{ ${trend}, risk: { capUp: "0.03", demographicChange: "-0.04" } }`,
      '{ msr: { fixed: "0.02" }, savingsRate: "0.5" }',
      'schedule: [{ fromYear: 3, benchmark: { risk: { capUp: "0.03", demographicChange: "0.02" } } }]'
    )
    const terms = resolvePolicy(s, "p").terms
    expect(terms.map((t) => t.riskCaps.up?.toFixed(2))).toEqual(["-0.01", "-0.01", "0.05", "0.05"])
  })

  it("turns a dual share and risk score into MSSP's offset factor clamp(dual + RS − 1, 0, 1)", async () => {
    // 0.45 + (1.30 − 1) = 0.75.
    const s = await scenario(
      `{ ${trend}, convergenceCaps: { down: "0.015", negativeOffset: { dualShare: "0.45", riskScore: "1.30" } } }`,
      '{ msr: { fixed: "0.02" }, savingsRate: "0.5" }'
    )
    expect(resolvePolicy(s, "p").terms[0]!.convergenceCaps.negativeOffset?.toFixed(2)).toBe("0.75")
  })

  it("starts afresh from a preset an entry names: earlier terms do not outlive it, the year's inputs do", async () => {
    // Base: explicit 50 % sharing, a 2 % MSR, revenue $30 M. Year 3 names ENHANCED: its 75 % applies, the revenue stays.
    const s = await scenario(
      `{ ${trend} }`,
      '{ name: Custom 50 %, msr: { fixed: "0.02" }, savingsRate: "0.5", participantRevenue: "30000000" }',
      "schedule: [{ fromYear: 3, settlement: { preset: mssp-enhanced } }]"
    )
    const terms = resolvePolicy(s, "p").terms
    expect(terms.map((t) => t.settlement.name)).toEqual(["Custom 50 %", "Custom 50 %", "MSSP ENHANCED", "MSSP ENHANCED"])
    const rate = terms[2]!.settlement.savingsRate
    expect(rate.kind === "flat" ? rate.rate.toFixed(2) : rate.kind).toBe("0.75")
    expect(terms[3]!.revenue?.toFixed(0)).toBe("30000000")
  })

  it("names terms an entry changes without a name of its own after the terms they changed", async () => {
    const s = await scenario(`{ ${trend} }`, '{ name: Upside only, msr: { fixed: "0.02" }, savingsRate: "0.5" }', 'schedule: [{ fromYear: 2, settlement: { savingsRate: "0.6" } }]')
    expect(resolvePolicy(s, "p").terms.map((t) => t.settlement.name)).toEqual([
      "Upside only",
      "Upside only, changed from year 2",
      "Upside only, changed from year 2",
      "Upside only, changed from year 2"
    ])
  })

  it("lets an overlay remove a schedule with null", async () => {
    const s = await parseScenario(
      [
        "name: removable",
        "market: { entities: [{ id: A }, { id: B }] }",
        "experience:",
        '  - { entity: A, year: 2024, memberMonths: 120000, cost: "60000000.00" }',
        '  - { entity: B, year: 2024, memberMonths: 240000, cost: "126000000.00" }',
        'contract: { provider: A, peers: [B], startYear: 2025, years: 3, baseline: { years: [2024], weights: ["1"] } }',
        `benchmark: { ${trend} }`,
        'settlement: { msr: { fixed: "0.02" }, savingsRate: "0.5" }',
        'projection: { marketTrend: "0.04" }',
        'schedule: [{ fromYear: 2, name: later, settlement: { savingsRate: "0.6" } }]',
        "policies: [{ name: with }, { name: without, overlay: { schedule: null } }]"
      ].join("\n"),
      { file: "removable.yaml" }
    )
    expect(resolvePolicy(s, "with").terms.map((t) => t.name)).toEqual(["base terms", "later", "later"])
    expect(resolvePolicy(s, "without").terms.map((t) => t.name)).toEqual(["base terms", "base terms", "base terms"])
  })

  it("derives the quality standard from its inputs (42 CFR 425.512): 70.63 % + 6 bonus points at the 35th percentile, alternative met", async () => {
    // Years 1–2: health equity 12 × 0.5 = 6 points → 76.63 %; 35th < 40th percentile, alternative met → multiplier 0.7663.
    // Year 3: the 45th percentile meets the standard → 1. Year 4: 20th, no alternative → failed.
    const q = (percentile: string, alternative: boolean) =>
      `{ score: "0.7063", percentile: "${percentile}", alternativeMet: ${alternative}, healthEquity: { measurePerformanceScaler: 12, underservedProportion: "0.5" } }`
    const s = await scenario(`{ ${trend} }`, `{ preset: mssp-basic-c, quality: [${q("0.35", true)}, ${q("0.35", true)}, ${q("0.45", false)}, ${q("0.2", false)}] }`)
    const quality = resolvePolicy(s, "p").terms.map((t) => t.quality)
    expect(quality.map((x) => [x.score.toFixed(), x.savingsMultiplier.toFixed(), x.meetsStandard])).toEqual([
      ["0.7663", "0.7663", true],
      ["0.7663", "0.7663", true],
      ["0.7663", "1", true],
      ["0.7663", "0", false]
    ])
    // The settlement explains where the multiplier came from.
    const year1 = runPolicy(resolvePolicy(s, "p")).result.years[0]!.settlement.derivation
    expect(findStep(year1, "settlement.quality.standard")?.notes).toEqual([
      "percentile rank 35 % < the standard's 40 %",
      "alternative quality performance standard met: the sharing rate × the adjusted score 76.63 %"
    ])
  })

  it("keeps the hand-given form as it was, and refuses both forms at once", async () => {
    const hand = await scenario(`{ ${trend} }`, '{ preset: mssp-basic-c, quality: { score: "0.9", savingsMultiplier: "0.9" } }')
    const q = resolvePolicy(hand, "p").terms[0]!.quality
    expect([q.score.toFixed(), q.savingsMultiplier.toFixed(), q.meetsStandard, q.derivation]).toEqual(["0.9", "0.9", true, undefined])
    const both = decodeScenario(
      [
        "name: both",
        "market: { entities: [{ id: A }, { id: B }] }",
        "experience:",
        '  - { entity: A, year: 2024, memberMonths: 120000, cost: "60000000.00" }',
        '  - { entity: B, year: 2024, memberMonths: 240000, cost: "126000000.00" }',
        'contract: { provider: A, peers: [B], startYear: 2025, years: 2, baseline: { years: [2024], weights: ["1"] } }',
        `benchmark: { ${trend} }`,
        'settlement: { preset: mssp-basic-c, quality: [{ percentile: "0.3", meetsStandard: true }, { alternativeMet: true }], advanceInvestment: ["250000"] }',
        'projection: { marketTrend: "0.04" }',
        "policies: [{ name: p }]"
      ].join("\n"),
      "both.yaml"
    )
    expect(Either.isLeft(both) ? both.left.issues.map((i) => i.path) : []).toEqual(["settlement.advanceInvestment", "settlement.quality[0].meetsStandard", "settlement.quality[1].alternativeMet"])
  })

  it("resolves advance investment payments by contract year and keeps reduced shared savings across a preset switch", async () => {
    // Level A then Level B from year 2: 425.605(h) belongs to the agreement, so it stays; so do the advances.
    const s = await scenario(
      `{ ${trend} }`,
      '{ preset: mssp-basic-a, reducedBelowMsr: {}, advanceInvestment: ["400000", "180000", "0", "0"] }',
      "schedule: [{ fromYear: 2, settlement: { preset: mssp-basic-b } }, { fromYear: 4, settlement: { reducedBelowMsr: null } }]"
    )
    const terms = resolvePolicy(s, "p").terms
    expect(terms.map((t) => t.advanceInvestment?.toFixed())).toEqual(["400000", "180000", "0", "0"])
    // Defaults: one-half, from 5,000 assigned beneficiaries (425.605(h)(1)(iii), (h)(2)).
    expect(terms.map((t) => (t.settlement.reducedBelowMsr ? `${t.settlement.reducedBelowMsr.factor.toFixed()} from ${t.settlement.reducedBelowMsr.minAssigned.toFixed()}` : "none"))).toEqual([
      "0.5 from 5000",
      "0.5 from 5000",
      "0.5 from 5000",
      "none"
    ])
  })
})
