import { formatFixed } from "@pbpsim/benchmark"
import { comparePolicies, loadScenarioFile, parseScenario, type PolicyRun } from "@pbpsim/simulator"
import { readFileSync } from "node:fs"
import { parse } from "yaml"
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

  it("puts the loss cliff where the guardrail puts the loss corridor, and never folds it into the slope", async () => {
    // MLR 0.2 % against B′ = 1,030.00 (3 % update): losses are owed from E = 1,030 × 1.002 = 1,032.06 PMPM.
    // At 1,031.56 the edge is $0.50 away: crossing it upward costs (1,032.06 − 1,030) × 120,000 × 30 % = 74,160.
    // At exactly 1,032.06 the cut side owes nothing, so the slope there is 0, not the jump over 10⁻¹² PMPM.
    const at = async (pmpm: string) => {
      const document = parse(readFileSync(FIXTURE, "utf8")) as Record<string, unknown>
      document["experience"] = [
        { entity: "A", year: 2024, memberMonths: 120000, cost: "120000000" },
        { entity: "A", year: 2025, memberMonths: 120000, cost: (Number(pmpm) * 120000).toFixed(2) }
      ]
      const [run] = (await comparePolicies(await parseScenario(document, { file: FIXTURE }), ["guardrail"])) as [PolicyRun]
      return run.incentivePower[0]!
    }
    const near = await at("1031.56")
    expect(near.cliffs.map((c) => `${c.threshold} ${formatFixed(c.costPmpm, 2)} ${formatFixed(c.distancePmpm, 2)} ${formatFixed(c.jump, 2)}`)).toEqual(["MLR 1032.06 0.50 74160.00"])
    const onEdge = await at("1032.06")
    expect(formatFixed(onEdge.value, 4)).toBe("0.0000")
    expect(onEdge.cliffs.map((c) => `${c.threshold} ${formatFixed(c.distancePmpm, 2)}`)).toEqual(["MLR 0.00"])
  })

  it("shows the recalculated benchmark and what the guardrail did in compare's JSON", async () => {
    const out = await pbpsim("compare", FIXTURE, "--format", "json")
    expect(out.code).toBe(0)
    const view = JSON.parse(out.stdout) as { policies: ReadonlyArray<{ name: string; years: ReadonlyArray<{ guardrail?: unknown; outcome: string }> }> }
    const byName = Object.fromEntries(view.policies.map((p) => [p.name, p.years[0]!]))
    expect(byName["guardrail"]).toMatchObject({ guardrail: { benchmarkTotal: "123600000.00", applied: "neither" }, outcome: "guardrail: neither" })
    expect(byName["smaller-excess"]).toMatchObject({ guardrail: { benchmarkTotal: "123000000.00", applied: "reduced" }, outcome: "loss owed" })
    expect(byName["none"]!.guardrail).toBeUndefined()
  })
})
