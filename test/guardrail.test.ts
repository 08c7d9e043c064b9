import { formatFixed } from "@pbpsim/benchmark"
import { comparePolicies, loadScenarioFile, type PolicyRun } from "@pbpsim/simulator"
import { beforeAll, describe, expect, it } from "vitest"
import { pbpsim } from "./support/cli.js"

/**
 * benchmark.lossGuardrail (42 CFR 425.652(b)(5)) through the scenario file, on
 * test/fixtures/guardrail.yaml: baseline 1,000.00 PMPM, 120,000 member months; the three-way
 * update 2/3 × 3 % + 1/3 × 0 % = 2 % gives B = 1,020.00 × 120,000 = 122,400,000; actual
 * spending 123,600,000 exceeds it by 1,200,000 ≥ 0.2 % × B = 244,800, so losses qualify.
 */

const FIXTURE = "test/fixtures/guardrail.yaml"

describe("benchmark.lossGuardrail", () => {
  let runs: Record<string, PolicyRun>
  beforeAll(async () => {
    const all = await comparePolicies(await loadScenarioFile(FIXTURE))
    runs = Object.fromEntries(all.map((r) => [r.model.policyName, r]))
  })
  const settlementOf = (policy: string) => runs[policy]!.result.years[0]!.settlement.value

  it("settles on nothing when spending is at or below the benchmark recalculated with the two-way update", () => {
    // B′ = 1,000 × 1.03 × 120,000 = 123,600,000 = E: neither savings nor losses.
    const s = settlementOf("guardrail")
    expect(formatFixed(s.guardrail!.benchmark, 2)).toBe("123600000.00")
    expect(s.guardrail!.applied).toBe("neither")
    expect(s.settled).toBe("guardrail: neither")
    expect(formatFixed(s.sharedLosses, 2)).toBe("0.00")
    expect(formatFixed(s.gross, 2)).toBe("-1200000.00")
  })

  it("shares the smaller excess over the recalculated benchmark", () => {
    // B′ = 1,025 × 120,000 = 123,000,000; E − B′ = 600,000 ≥ 0.2 % × B′ = 246,000; × 30 % = 180,000.
    const s = settlementOf("smaller-excess")
    expect(s.guardrail!.applied).toBe("reduced")
    expect(formatFixed(s.sharedLosses, 2)).toBe("180000.00")
  })

  it("owes the full loss without it", () => {
    // 1,200,000 × 30 % = 360,000.
    const s = settlementOf("none")
    expect(s.guardrail).toBeUndefined()
    expect(formatFixed(s.sharedLosses, 2)).toBe("360000.00")
  })

  it("refuses a guardrail trend that does not cover the contract years, naming the field", async () => {
    const out = await pbpsim("validate", "test/fixtures/guardrail-uncovered.yaml")
    expect(out.code).not.toBe(0)
    expect(out.stderr).toContain("benchmark.lossGuardrail.trend")
  })

  it("simulates the guardrail: with the noise at zero every trial settles on nothing", async () => {
    const out = await pbpsim("simulate", "test/fixtures/guardrail-quiet.yaml", "--trials", "10", "--format", "json")
    expect(out.code).toBe(0)
    const summary = JSON.parse(out.stdout) as { policies: ReadonlyArray<{ years: ReadonlyArray<{ sharedLosses: { mean: string; sd: string } }> }> }
    expect(summary.policies[0]!.years[0]!.sharedLosses).toMatchObject({ mean: "0.00", sd: "0.00" })
  })
})
