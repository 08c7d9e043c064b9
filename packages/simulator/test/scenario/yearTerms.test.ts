import { describe, expect, it } from "vitest"
import { parseScenario, resolvePolicy } from "@pbpsim/simulator"

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
})
