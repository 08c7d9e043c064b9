import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { dec, formatFixed } from "@pbpsim/benchmark"
import { loadScenario, policyNames, resolvePolicy, runPolicy, type PolicyRun, type Scenario } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { renderComparison } from "../packages/cli/src/render/comparisonFormats.js"
import { comparisonView, type Provenance } from "../packages/cli/src/render/comparisonView.js"
import { provenanceOf } from "../packages/cli/src/provenance.js"

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..")
const scenarioDir = join(repoRoot, "scenarios")
const goldenDir = join(repoRoot, "test", "golden")
const bundled = readdirSync(scenarioDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => f.slice(0, -".yaml".length))

const load = (name: string): Scenario => Effect.runSync(loadScenario(join(scenarioDir, `${name}.yaml`)))
const runAll = (scenario: Scenario): ReadonlyArray<PolicyRun> => policyNames(scenario).map((p) => runPolicy(resolvePolicy(scenario, p)))
const runNamed = (scenario: Scenario, policy: string): PolicyRun => runPolicy(resolvePolicy(scenario, policy))

/** The CLI's provenance, with the file made repo-relative so goldens do not depend on the checkout path. */
const stableProvenance = (scenario: Scenario): Provenance => {
  const p = provenanceOf(scenario)
  return { ...p, scenario: { ...p.scenario, file: relative(repoRoot, scenario.file) } }
}

/** What `pbpsim compare <file> --format json` prints, computed in process. */
const compareJson = (name: string): string => {
  const scenario = load(name)
  return renderComparison(comparisonView(stableProvenance(scenario), runAll(scenario)), "json", "compare")
}

/** Exact to 30 places: the engine works to 40 significant digits, so a repeating fraction may differ only beyond that. */
const expectExact = (actual: Decimal, expected: Decimal): void => {
  expect(formatFixed(actual, 30)).toBe(formatFixed(expected, 30))
}

describe("bundled scenarios", () => {
  it("are all present", () => {
    expect(bundled).toEqual(["commercial-aqc", "issue-brief", "lan-contract", "mssp-aco-a5202", "mssp-basic-glide", "mssp-enhanced", "mssp-market-2023", "ratchet", "safety-net"])
  })

  it.each(bundled)("%s loads and runs every policy over the whole contract", (name) => {
    const scenario = load(name)
    const names = policyNames(scenario)
    expect(names.length).toBeGreaterThanOrEqual(2)
    for (const run of runAll(scenario)) {
      expect(run.result.years.length).toBe(run.model.years)
      expect(run.incentivePower.length).toBe(run.result.years.length)
    }
  })

  it.each(bundled)("%s starts with the schema comment and names the schema", (name) => {
    const text = readFileSync(join(scenarioDir, `${name}.yaml`), "utf8")
    expect(text.startsWith("# yaml-language-server: $schema=../schema/scenario.schema.json\n")).toBe(true)
    expect(text).toMatch(/^\$schema: \.\.\/schema\/scenario\.schema\.json$/m)
  })
})

describe("renderComparison (golden)", () => {
  it.each(bundled)("%s compare JSON equals test/golden/%s.json byte for byte", (name) => {
    const output = compareJson(name)
    const golden = join(goldenDir, `${name}.json`)
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(golden)) {
      if (process.env["UPDATE_GOLDEN"] !== "1") throw new Error(`missing ${golden}: run with UPDATE_GOLDEN=1 once`)
      writeFileSync(golden, output)
    }
    expect(output).toBe(readFileSync(golden, "utf8"))
  })

  it.each(bundled)("%s gives identical output for the same input twice", (name) => {
    expect(compareJson(name)).toBe(compareJson(name))
  })

  it("names the scenario file relative to the repository", () => {
    const view = JSON.parse(compareJson("ratchet")) as { scenario: { file: string } }
    expect(view.scenario.file).toBe("scenarios/ratchet.yaml")
  })
})

describe("issue-brief", () => {
  const scenario = load("issue-brief")

  it("pools the provider's groups and the peers by member months", () => {
    const y1 = runNamed(scenario, "trending").result.years[0]!.benchmark.value
    // A: (260,700 × 400 + 322,800 × 420 + 120,000 × 440) / 703,500 MM = 292,656,000 / 703,500 = 416 exactly
    expectExact(y1.providerBaseline, dec(416))
    // Peers A+B+C: (292,656,000 + 616,476 × 426 + 524,424 × 457) / (703,500 + 616,476 + 524,424)
    //   = (292,656,000 + 262,618,776 + 239,661,768) / 1,844,400 = 794,936,544 / 1,844,400
    //   = 431 + 144 / 1,844,400 = 431 + 3/38,425 (≈ 431.0000781, the brief's "$431")
    expectExact(y1.peerBaseline, dec(431).add(dec(3).div(38425)))
  })

  it("blends 50/50 to $423.50 + 3/76,850 before trend, then trends 3 % and rounds half-up", () => {
    const y1 = runNamed(scenario, "trending").result.years[0]!.benchmark.value
    // 0.5 × 416 + 0.5 × (431 + 3/38,425) = 208 + 215.5 + 3/76,850 = 423.5 + 3/76,850
    const blend = dec("423.5").add(dec(3).div(76850))
    expectExact(y1.blended, blend)
    // 2024 → 2025 at the fixed 3 %: factor 1.03
    expectExact(y1.trendFactor, dec("1.03"))
    // (423.5 + 3/76,850) × 1.03 = 436.205 + 3.09/76,850 ≈ 436.20504: to cents half-up, 436.21
    expectExact(y1.benchmarkPmpm, dec("436.21"))
  })

  it("glides the provider weight from 1 to 0 so year 5 is the peer figure trended", () => {
    const years = runNamed(scenario, "glide-to-peer").result.years
    expect(years.map((y) => formatFixed(y.providerWeight, 2))).toEqual(["1.00", "0.75", "0.50", "0.25", "0.00"])
    // λ = 0: (431 + 3/38,425) × 1.03^5; 1.03^5 = 1.1592740743, product ≈ 499.6472 → 499.65
    expectExact(years[4]!.benchmark.value.benchmarkPmpm, dec("499.65"))
  })
})

describe("ratchet", () => {
  const scenario = load("ratchet")
  const powers = (policy: string): ReadonlyArray<Decimal> => runNamed(scenario, policy).incentivePower.map((p) => p.value)

  it("has incentive power exactly 0.5 every year under trending (no corridor, flat 50 %)", () => {
    for (const p of powers("trending")) expectExact(p, dec("0.5"))
  })

  it("has incentive power below 0.5 in years 1..n−1 under annual rebasing and 0.5 in the last year", () => {
    const annual = powers("annual-rebase")
    for (const p of annual.slice(0, -1)) expect(p.lt(dec("0.5"))).toBe(true)
    expectExact(annual[annual.length - 1]!, dec("0.5"))
  })

  it("costs 0.5 × (1 + trend) × MM_{t+1}/MM_t the next year under annual rebasing", () => {
    const run = runNamed(scenario, "annual-rebase")
    const mm = run.result.years.map((y) => y.memberMonths)
    // Member months grow 1 % a year: 120,000 × 1.01 = 121,200 in 2025, 122,412 in 2026
    expectExact(mm[0]!, dec(121200))
    expectExact(mm[1]!, dec(122412))
    // A $1 PMPM cut in 2025 earns 0.5 × $1 that year, lowers the 2026 baseline by $1 and its
    // benchmark by $1 × 1.03 (a whole number of cents, so rounding moves it exactly), costing
    // 0.5 × 1.03 × 122,412 the next year: power = 0.5 − 0.5 × 1.03 × 122,412 / 121,200
    //   = 0.5 − 0.515 × 1.01 = 0.5 − 0.52015 = −0.02015
    expectExact(run.incentivePower[0]!.value, dec("-0.02015"))
    for (const p of run.incentivePower.slice(0, -1)) expectExact(p.value, dec("-0.02015"))
  })

  it("lies between annual rebasing and trending with a 50 % savings credit in the ratcheted years", () => {
    const annual = powers("annual-rebase")
    const credit = powers("rebase-with-savings-credit")
    credit.slice(0, -1).forEach((p, i) => {
      expect(p.gt(annual[i]!)).toBe(true)
      expect(p.lt(dec("0.5"))).toBe(true)
    })
    expectExact(credit[credit.length - 1]!, dec("0.5"))
  })
})
