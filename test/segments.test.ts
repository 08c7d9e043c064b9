import { join } from "node:path"
import { formatFixed } from "@pbpsim/benchmark"
import { comparePolicies, parseScenario, type PolicyRun } from "@pbpsim/simulator"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import type { Decimal } from "decimal.js"
import { parse, stringify } from "yaml"
import { beforeAll, describe, expect, it } from "vitest"
import { pbpsim, ROOT } from "./support/cli.js"

/**
 * Benchmarks per segment (benchmark.bySegment, docs/rules/segments.md) and actual experience in
 * contract years, on test/fixtures/segments/two-segments.yaml. Every figure is worked by hand in
 * the comments from the fixture's rows.
 */

const FIXTURE = "test/fixtures/segments/two-segments.yaml"
const fixture = (): Record<string, unknown> => parse(readFileSync(join(ROOT, FIXTURE), "utf8")) as Record<string, unknown>
const money = (d: Decimal): string => formatFixed(d, 2)

describe("benchmark.bySegment", () => {
  let bySegment: PolicyRun
  let whole: PolicyRun
  beforeAll(async () => {
    const scenario = await parseScenario(fixture(), { file: FIXTURE })
    ;[bySegment, whole] = (await comparePolicies(scenario)) as [PolicyRun, PolicyRun]
  })

  it("computes each segment's benchmark on its own and weights them by the year's member months", () => {
    // Reference 2024. aged: A 1,200,000 ÷ 1,200 = 1,000.00; R 13,200,000 ÷ 12,000 = 1,100.00.
    // esrd: A 900,000 ÷ 100 = 9,000.00; R 9,600,000 ÷ 1,200 = 8,000.00 (all risk 1).
    // Side on the whole: 1,200 × (1,100 − 1,000) + 100 × (8,000 − 9,000) = 20,000 > 0 → below → peer weight 0.35.
    // aged: 1,000 + 0.35 × 100 = 1,035; × 1.04 = 1,076.40; risk 1.05 capped at 1.03 → 1,108.692 → 1,108.69.
    // esrd: 9,000 − 0.35 × 1,000 = 8,650; × 1.04 = 8,996.00; risk 1.01 → 9,085.96.
    const y1 = bySegment.result.years[0]!
    expect(y1.providerWeight.toFixed()).toBe("0.65")
    expect(y1.segments?.map((s) => `${s.segment} ${money(s.benchmark.value.benchmarkPmpm)} ${s.memberMonths.toFixed()}`)).toEqual([
      "aged 1108.69 1320",
      "esrd 9085.96 108"
    ])
    // B = 1,108.69 × 1,320 + 9,085.96 × 108 = 1,463,470.80 + 981,283.68 = 2,444,754.48.
    expect(money(y1.settlement.value.benchmark)).toBe("2444754.48")
    // The year's benchmark PMPM is the whole ÷ member months: 2,444,754.48 ÷ 1,428.
    expect(y1.benchmark.value.benchmarkPmpm.mul(1428).toFixed(2)).toBe("2444754.48")
  })

  it("settles the contract year on the actual experience the scenario gives", () => {
    // E = 1,300,000 + 1,000,000 = 2,300,000; gross 144,754.48; × 0.5 = 72,377.24.
    const y1 = bySegment.result.years[0]!
    expect(money(y1.settlement.value.expenditure)).toBe("2300000.00")
    expect(money(y1.settlement.value.sharedSavings)).toBe("72377.24")
    // Risk of the whole: (1.05 × 1,320 + 1.01 × 108) ÷ 1,428 = 1,495.08 ÷ 1,428.
    expect(y1.riskScore.mul(1428).toFixed(2)).toBe("1495.08")
  })

  it("projects each segment from its own base year where no actual experience is given", () => {
    // 2026: market trend 4 % twice → 1.0816. aged 1,000 × 1.0816 × 1,200 = 1,297,920; esrd 9,000 × 1.0816 × 100 = 973,440.
    // Benchmarks: 1,035 × 1.0816 = 1,119.4560 → 1,119.46; 8,650 × 1.0816 = 9,355.84 (risk 1 both).
    // B = 1,119.46 × 1,200 + 9,355.84 × 100 = 1,343,352 + 935,584 = 2,278,936.
    const y2 = bySegment.result.years[1]!
    expect(money(y2.settlement.value.expenditure)).toBe("2271360.00")
    expect(y2.segments?.map((s) => money(s.benchmark.value.benchmarkPmpm))).toEqual(["1119.46", "9355.84"])
    expect(money(y2.settlement.value.benchmark)).toBe("2278936.00")
  })

  it("differs from one benchmark on the summed experience", () => {
    // Whole: P = 2,100,000 ÷ 1,300 = 1,615.3846…; R = 22,800,000 ÷ 13,200 = 1,727.2727…; below → 0.35.
    // 1,615.3846 + 0.35 × 111.8881 = 1,654.5455; × 1.04 = 1,720.7273; risk 1,495.08 ÷ 1,428 = 1.0470 → 1.03 → 1,772.35.
    const y1 = whole.result.years[0]!
    expect(y1.segments).toBeUndefined()
    expect(money(y1.benchmark.value.benchmarkPmpm)).toBe("1772.35")
    expect(money(y1.settlement.value.benchmark)).toBe(money(y1.benchmark.value.benchmarkPmpm.mul(1428)))
  })

  it("caps the segments' risk only when their aggregate growth exceeds the cap (MSSP 2024+)", async () => {
    // demographicChange 0.01: cap 1 + 0.03 + 0.01 = 1.04. Weights = historical benchmark before trend (no credit here, so blended) × MM: aged 1,035 × 1,320 = 1,366,200;
    // esrd 8,650 × 108 = 934,200. Aggregate (1,366,200 × 1.05 + 934,200 × 1.01) ÷ 2,300,400 = 1.03376 ≤ 1.04:
    // no segment capped, so aged keeps 1.05 although it exceeds 1.04: 1,076.40 × 1.05 = 1,130.22.
    const document = fixture()
    const base = document["benchmark"] as Record<string, unknown>
    document["benchmark"] = { ...base, risk: { capUp: "0.03", demographicChange: "0.01" } }
    const [within] = (await comparePolicies(await parseScenario(document, { file: FIXTURE }), ["by-segment"])) as [PolicyRun]
    expect(within.result.years[0]!.segments?.map((s) => money(s.benchmark.value.benchmarkPmpm))).toEqual(["1130.22", "9085.96"])
    // demographicChange −0.005: cap 1.025; aggregate 1.03376 exceeds it: aged 1,076.40 × 1.025 = 1,103.31; esrd 1.01 stays.
    document["benchmark"] = { ...base, risk: { capUp: "0.03", demographicChange: "-0.005" } }
    const [over] = (await comparePolicies(await parseScenario(document, { file: FIXTURE }), ["by-segment"])) as [PolicyRun]
    expect(over.result.years[0]!.segments?.map((s) => money(s.benchmark.value.benchmarkPmpm))).toEqual(["1103.31", "9085.96"])
    // demographicChange null (what an overlay writes to remove it): each segment capped on its own at 1.03, as without it.
    document["benchmark"] = { ...base, risk: { capUp: "0.03", demographicChange: null } }
    const removed = (await comparePolicies(await parseScenario(document, { file: FIXTURE }), ["by-segment"])) as [PolicyRun]
    expect(removed[0].result.years[0]!.segments?.map((s) => money(s.benchmark.value.benchmarkPmpm))).toEqual(["1108.69", "9085.96"])
  })

  it("explains the segments: each one's benchmark and the weighting", async () => {
    const out = await pbpsim("explain", FIXTURE, "--policy", "by-segment", "--year", "1", "--verbose")
    expect(out.code).toBe(0)
    expect(out.stdout).toContain("Benchmark over the segments")
    expect(out.stdout).toMatch(/aged benchmark\s+1,?108\.69/)
  })

  it("refuses rows without a segment, and a peer year missing one of the provider's segments, naming the rows", async () => {
    const out = await pbpsim("validate", "test/fixtures/segments/missing-segment.yaml")
    expect(out.code).not.toBe(0)
    expect(out.stderr).toContain("experience[2].segment: expected a segment")
    expect(out.stderr).toContain("R in 2024 lacks esrd")
  })

  it("is simulated per segment: with the noise at zero every trial settles at the deterministic figures", async () => {
    const document = fixture()
    document["stochastic"] = { marketTrendSd: 0, memberCostSd: 0, savingsSd: 0, riskDriftSd: 0 }
    const dir = mkdtempSync(join(tmpdir(), "pbpsim-segments-"))
    const file = join(dir, "quiet.yaml")
    writeFileSync(file, stringify(document))
    const out = await pbpsim("simulate", file, "--trials", "20", "--format", "json")
    expect(out.code).toBe(0)
    type Stat = { mean: string; sd: string }
    const summary = JSON.parse(out.stdout) as { policies: ReadonlyArray<{ name: string; years: ReadonlyArray<{ benchmarkPmpm: Stat; sharedSavings: Stat }> }> }
    const years = summary.policies.find((p) => p.name === "by-segment")!.years
    // Year 1 is actual experience: 72,377.24 as above; year 2 the projection: (2,278,936 − 2,271,360) × 0.5 = 3,788.00.
    expect(years.map((y) => `${y.sharedSavings.mean} ± ${y.sharedSavings.sd}`)).toEqual(["72377.24 ± 0.00", "3788.00 ± 0.00"])
    // 2,444,754.48 ÷ 1,428 = 1,712.0129… and 2,278,936 ÷ 1,300 = 1,753.0277…
    expect(years.map((y) => y.benchmarkPmpm.mean)).toEqual(["1712.01", "1753.03"])
  })
})
