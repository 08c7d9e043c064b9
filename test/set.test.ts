import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { loadScenarioWithOverrides, overridesOf, parseOverride, type Override } from "../packages/simulator/src/index.js"
import { expectUserError, pbpsim } from "./support/cli.js"

/**
 * `--set path=value`: a scenario field overridden for one run, applied to the parsed file
 * before decoding, so the file's checks and messages apply. Figures from
 * test/fixtures/sensitivity/small.yaml (derivation in its header): benchmark 1,272,960.00,
 * expenditure 1,222,200.00, gross 50,760.00, shared at 50 % = 25,380.00.
 */
const FILE = "test/fixtures/sensitivity/small.yaml"

const overrides = (...texts: ReadonlyArray<string>): ReadonlyArray<Override> => texts.map((t) => Either.getOrThrow(parseOverride(t)))
const loadWith = (...texts: ReadonlyArray<string>) => Effect.runPromise(loadScenarioWithOverrides(FILE, overrides(...texts)))

interface Totals {
  readonly providerNet: string
  readonly payerNet: string
  readonly benchmark: string
}
const totalsOf = (stdout: string, policy = 0): Totals => (JSON.parse(stdout) as { policies: ReadonlyArray<{ totals: Totals }> }).policies[policy]!.totals

describe("parseOverride", () => {
  it("reads paths with fields, indices and quoted keys, and values as YAML", () => {
    const o = Either.getOrThrow(parseOverride('policies[1].overlay.projection.entities["Health System A"].savings=[0.8, 0.6]'))
    expect(o.segments).toEqual(["policies", 1, "overlay", "projection", "entities", "Health System A", "savings"])
    expect(o.path).toBe('policies[1].overlay.projection.entities["Health System A"].savings')
    expect(Array.isArray(o.value)).toBe(true)
    // A mapping in flow style, a quoted number (a string) and null are values too.
    expect(Either.getOrThrow(parseOverride("benchmark.trend={ kind: fixed, rate: \"0.04\" }")).value).toEqual({ kind: "fixed", rate: "0.04" })
    expect(Either.getOrThrow(parseOverride('settlement.savingsRate="0.5"')).value).toBe("0.5")
    expect(Either.getOrThrow(parseOverride("settlement.savingsCap=null")).value).toBeNull()
  })

  it("refuses text without =, an empty value, a bad path and bad YAML, saying what was expected", () => {
    expect(Either.getLeft(parseOverride("benchmark.trend.rate"))._tag).toBe("Some")
    expect(Either.getOrThrow(Either.flip(parseOverride("benchmark.trend.rate")))).toContain('(no "=")')
    expect(Either.getOrThrow(Either.flip(parseOverride("benchmark.trend.rate=")))).toContain('expected a value after "="')
    expect(Either.getOrThrow(Either.flip(parseOverride("benchmark..rate=1")))).toContain("an empty field name")
    expect(Either.getOrThrow(Either.flip(parseOverride("weights[x]=1")))).toContain("neither a list index")
    expect(Either.getOrThrow(Either.flip(parseOverride("benchmark.trend.rate=[1, 2")))).toContain("expected a YAML value")
  })
})

describe("loadScenarioWithOverrides", () => {
  it("keeps numbers exact: --set x=0.1 reaches decimal.js as 0.1, and 22 places stay 22 places", async () => {
    const scenario = await loadWith("benchmark.trend.rate=0.1")
    const trend = scenario.base.benchmark.trend
    expect(trend.kind === "fixed" && trend.rate.toFixed()).toBe("0.1")
    // A JS float would read this as 0.04.
    const long = await loadWith("benchmark.trend.rate=0.0400000000000000000001")
    const t = long.base.benchmark.trend
    expect(t.kind === "fixed" && t.rate.toFixed()).toBe("0.0400000000000000000001")
  })

  it("creates a field the file does not have, applies overrides in order, and remembers them", async () => {
    const scenario = await loadWith("settlement.sequestration=0.01", "settlement.sequestration=0.02")
    expect(scenario.base.settlement.sequestration?.toFixed()).toBe("0.02")
    expect(overridesOf(scenario).map((o) => o.path)).toEqual(["settlement.sequestration", "settlement.sequestration"])
  })
})

describe("--set on the commands", () => {
  it("run: a trend of exactly 0.1 — benchmark 102 × 1.1 = 112.20 PMPM, × 12,000 = 1,346,400.00; gross 124,200.00 × 0.5 = 62,100 capped at 3 % = 40,392.00", async () => {
    const r = await pbpsim("run", FILE, "--set", "benchmark.trend.rate=0.1", "--format", "json")
    expect(r.code).toBe(0)
    const t = totalsOf(r.stdout)
    expect(t.benchmark).toBe("1346400.00")
    expect(t.providerNet).toBe("40392.00")
  })

  it("compare: an override inside a policy's overlay — shared-60 at 70 %: 50,760 × 0.7 = 35,532.00; JSON lists the overrides beside the file's hash", async () => {
    const r = await pbpsim("compare", FILE, "--set", "policies[1].overlay.settlement.savingsRate=0.7", "--set", "settlement.sequestration=0.02", "-f", "json")
    expect(r.code).toBe(0)
    const view = JSON.parse(r.stdout) as { scenario: { sha256: string; overrides: ReadonlyArray<string> } }
    expect(view.scenario.overrides).toEqual(["policies[1].overlay.settlement.savingsRate=0.7", "settlement.sequestration=0.02"])
    expect(view.scenario.sha256).toMatch(/^[0-9a-f]{64}$/)
    // trending: sequestration (created: the file has none) 2 % of 25,380 → 24,872.40; shared-60 at 0.7 less 2 %: 35,532 × 0.98 = 34,821.36.
    expect(totalsOf(r.stdout, 0).providerNet).toBe("24872.40")
    expect(totalsOf(r.stdout, 1).providerNet).toBe("34821.36")
  })

  it("compare without --set says nothing about overrides", async () => {
    const r = await pbpsim("compare", FILE, "-f", "json")
    expect((JSON.parse(r.stdout) as { scenario: object }).scenario).not.toHaveProperty("overrides")
  })

  it("simulate: the overrides apply and are listed; with --shard they are refused", async () => {
    const r = await pbpsim("simulate", FILE, "--trials", "1000", "--quiet", "--set", "settlement.savingsRate=0.6", "-f", "json")
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as { scenario: { overrides: ReadonlyArray<string> } }).scenario.overrides).toEqual(["settlement.savingsRate=0.6"])
    const shard = await pbpsim("simulate", FILE, "--trials", "1000", "--shard", "1/1", "--out", "/tmp/never.json", "--set", "settlement.savingsRate=0.6")
    expectUserError(shard)
    expect(shard.stderr).toContain("--set cannot be used with --shard")
  })

  it("report: the overrides are read (a bad one stops it before anything is drawn; rendering is left to report.test.ts)", async () => {
    const r = await pbpsim("report", FILE, "--set", "settlement.savingsRate=1.5", "--out", "/tmp/pbpsim-never-written.html")
    expectUserError(r)
    expect(r.stderr).toContain(`${FILE}: --set settlement.savingsRate: expected`)
  })

  it("sensitivity: the overrides apply before the inputs are varied", async () => {
    const r = await pbpsim("sensitivity", FILE, "--inputs", "savingsRate", "--set", "settlement.savingsRate=0.6", "-f", "json")
    expect(r.code).toBe(0)
    const view = JSON.parse(r.stdout) as { base: { providerNet: string }; scenario: { overrides: ReadonlyArray<string> } }
    expect(view.base.providerNet).toBe("30456.00")
    expect(view.scenario.overrides).toEqual(["settlement.savingsRate=0.6"])
  })
})

describe("--set mistakes: exit 1, the --set named, what was expected, no stack trace", () => {
  it("a bad value is checked as the file's value would be", async () => {
    const r = await pbpsim("run", FILE, "--set", "benchmark.trend.rate=abc")
    expectUserError(r)
    expect(r.stderr).toBe(`${FILE}: --set benchmark.trend.rate: expected a rate above −1 (0.04 = 4 %), got "abc"\n`)
  })

  it("a misspelt field is an unknown field, with a suggestion", async () => {
    const r = await pbpsim("compare", FILE, "--set", "benchmark.trend.rat=0.04")
    expectUserError(r)
    expect(r.stderr).toContain(`${FILE}: --set benchmark.trend.rat: expected one of the fields kind, rate, deduction, cap, floor, got unknown field "rat" (did you mean "rate"?)`)
  })

  it("an index beyond a list's end is refused (the fixture's baseline has one weight)", async () => {
    const r = await pbpsim("run", FILE, "--set", "contract.baseline.weights[1]=0.5")
    expectUserError(r)
    expect(r.stderr).toContain(`${FILE}: --set contract.baseline.weights[1]: expected an index of the 1 entries of contract.baseline.weights (0–0;`)
    expect(r.stderr).toContain("got [1]")
  })

  it("a field inside a number, and a path without =", async () => {
    const inside = await pbpsim("simulate", FILE, "--trials", "1000", "--set", "benchmark.trend.rate.x=1")
    expectUserError(inside)
    expect(inside.stderr).toContain(`--set benchmark.trend.rate.x: expected a mapping at benchmark.trend.rate to set the field x in, got the value "0.04"`)
    const noValue = await pbpsim("sensitivity", FILE, "--set", "benchmark.trend.rate")
    expectUserError(noValue)
    expect(noValue.stderr).toContain(`--set benchmark.trend.rate: expected path=value`)
  })

  it("a problem the override causes elsewhere keeps its path, with a note naming the overrides", async () => {
    // A contract starting in 2024 has its baseline year 2024 inside it: reported at contract.baseline.years, not at the override.
    const r = await pbpsim("run", FILE, "--set", "contract.startYear=2024")
    expectUserError(r)
    expect(r.stderr).toContain(`${FILE}: contract.baseline.years`)
    expect(r.stderr).toContain(`${FILE}: read with --set contract.startYear=2024: a problem above may come from these overrides`)
  })
})

describe("explain --set", () => {
  it("explains the year of the overridden scenario", async () => {
    // small.yaml: blended 102 PMPM; --set trend 5 %: 102 × 1.05 = 107.10 PMPM, × 12,000 = 1,285,200.00.
    const out = await pbpsim("explain", "test/fixtures/sensitivity/small.yaml", "--year", "1", "--set", "benchmark.trend.rate=0.05")
    expect(out.code).toBe(0)
    expect(out.stdout).toMatch(/× trend factor\s+1\.0500/)
    expect(out.stdout).toMatch(/= Benchmark\s+107\.10 PMPM\s+total 1,285,200\.00/)
  })
})
