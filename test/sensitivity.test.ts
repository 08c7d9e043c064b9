import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { formatFixed } from "../packages/benchmark/src/index.js"
import { sensitivityView, type SensitivityView } from "../packages/cli/src/render/sensitivity.js"
import { tornadoSection } from "../packages/cli/src/render/html/tornado.js"
import { isRefused, loadScenario, loadScenarioWithOverrides, parseOverride, sensitivity, type SensitivityResult, type SensitivitySide } from "../packages/simulator/src/index.js"
import { expectUserError, pbpsim } from "./support/cli.js"

/**
 * pbpsim sensitivity on test/fixtures/sensitivity/small.yaml, a one-year contract settled by hand:
 * A's 2024 PMPM 100, peers A+B pooled (1,200,000 + 1,440,000) / 24,000 = 110, λ 0.8 → blended
 * 0.8 × 100 + 0.2 × 110 = 102; trend 4 % → benchmark PMPM 106.08 × 12,000 MM = 1,272,960.
 * Actual 100 × 1.05 (market) × 0.97 (savings 3 %) = 101.85 PMPM → expenditure 1,222,200.
 * Gross 50,760 = 3.99 % of the benchmark > MSR 2 % → 50 % shared = 25,380 (cap 3 % = 38,188.80).
 * Payer cost = expenditure + provider net = 1,222,200 + 25,380 = 1,247,580.
 */
const FILE = "test/fixtures/sensitivity/small.yaml"
const money = (d: Parameters<typeof formatFixed>[0]) => formatFixed(d, 2)

const run = async (inputs?: ReadonlyArray<string>): Promise<SensitivityResult> => {
  const scenario = await Effect.runPromise(loadScenario(FILE))
  return sensitivity(scenario, "trending", inputs ? { inputs } : {})
}
const side = (s: SensitivitySide) => (isRefused(s) ? s.refused : `${money(s.providerNet)} / ${money(s.payerCost)}`)

describe("sensitivity (library, exact)", () => {
  it("base totals are the policy's contract totals", async () => {
    const r = await run(["trend"])
    expect(money(r.base.providerNet)).toBe("25380.00")
    expect(money(r.base.payerCost)).toBe("1247580.00")
  })

  it("trend ±0.5 point moves the benchmark and the settlement by hand-computed amounts", async () => {
    const [trend] = (await run(["trend"])).inputs
    expect(trend!.paths).toEqual(["benchmark.trend.rate"])
    // Low 3.5 %: 102 × 1.035 = 105.57 PMPM → 1,266,840; gross 44,640 (3.52 % > 2 %) × 0.5 = 22,320; payer 1,222,200 + 22,320.
    expect(side(trend!.low)).toBe("22320.00 / 1244520.00")
    // High 4.5 %: 102 × 1.045 = 106.59 PMPM → 1,279,080; gross 56,880 × 0.5 = 28,440; payer 1,250,640.
    expect(side(trend!.high)).toBe("28440.00 / 1250640.00")
    // Swing = high − low = 6,120 (= 0.01 × 102 × 12,000 × 0.5), the same for the payer (expenditure unchanged).
    expect(money(trend!.swing.providerNet)).toBe("6120.00")
    expect(money(trend!.swing.payerCost)).toBe("6120.00")
  })

  it("every default input, ranked by the larger absolute swing", async () => {
    const r = await run()
    const rows = r.inputs.map((i) => [i.input, side(i.low), side(i.high), money(i.swing.providerNet), money(i.swing.payerCost)])
    expect(rows).toEqual([
      // Cap 1 % (low) = 12,729.60 binds below 25,380; 5 % (high) does not: swing 12,650.40.
      ["savingsCap", "12729.60 / 1234929.60", "25380.00 / 1247580.00", "12650.40", "12650.40"],
      // Savings 2 %: 100 × 1.05 × 0.98 = 102.90 → 1,234,800, gross 38,160 (3.00 % > 2 %) → 19,080; 4 %: 100.80 → 1,209,600, gross 63,360 → 31,680.
      ["savings", "19080.00 / 1253880.00", "31680.00 / 1241280.00", "12600.00", "-12600.00"],
      // λ 0.7: 70 + 33 = 103 × 1.04 = 107.12 → 1,285,440, gross 63,240 → 31,620; λ 0.9: 90 + 11 = 101 × 1.04 = 105.04 → 1,260,480, gross 38,280 → 19,140.
      ["providerWeight", "31620.00 / 1253820.00", "19140.00 / 1241340.00", "-12480.00", "-12480.00"],
      // 40 % and 60 % of 50,760.
      ["savingsRate", "20304.00 / 1242504.00", "30456.00 / 1252656.00", "10152.00", "10152.00"],
      ["trend", "22320.00 / 1244520.00", "28440.00 / 1250640.00", "6120.00", "6120.00"],
      // Market 4.5 %: 100 × 1.045 × 0.97 = 101.365 → 1,216,380, gross 56,580 → 28,290; 5.5 %: 102.335 → 1,228,020, gross 44,940 → 22,470.
      ["marketTrend", "28290.00 / 1244670.00", "22470.00 / 1250490.00", "-5820.00", "5820.00"],
      // MSR 1.5 % or 2.5 %: 3.99 % clears both.
      ["msr", "25380.00 / 1247580.00", "25380.00 / 1247580.00", "0.00", "0.00"]
    ])
    expect(r.skipped.map((s) => [s.input, s.reason])).toEqual([
      ["mlr", "one-sided terms: no minimum loss rate"],
      ["riskCap", "no cap on the risk ratio (benchmark.risk.capUp)"],
      ["discount", "no discount (benchmark.discount is 0)"]
    ])
  })

  it("a variation the file's rules refuse is reported for that input, the other side still runs", async () => {
    const edited = await Effect.runPromise(loadScenarioWithOverrides(FILE, [Either.getOrThrow(parseOverride("projection.entities.A.savings=0.995"))]))
    // Savings 0.995 + 0.01 = 1.005: a savings level must stay below 1.
    const r = sensitivity(edited, "trending", { inputs: ["savings"] })
    const savings = r.inputs[0]!
    expect(isRefused(savings.high)).toBe(true)
    expect(isRefused(savings.high) && savings.high.refused).toContain("projection.entities.A.savings: expected a savings level below 1")
    expect(isRefused(savings.low)).toBe(false)
  })

  it("refuses an unknown input name, listing the known ones", async () => {
    await expect(run(["trend", "bogus"])).rejects.toMatchObject({ message: expect.stringContaining('--inputs: expected inputs among trend, marketTrend') })
  })
})

describe("pbpsim sensitivity", () => {
  it("prints the base above a table sorted by swing, and what was skipped", async () => {
    const r = await pbpsim("sensitivity", FILE, "--policy", "trending", "--wide")
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("Base (trending): provider net 25,380.00, payer cost 1,247,580.00")
    const order = ["savingsCap", "savings ", "providerWeight", "savingsRate", "trend ", "marketTrend", "msr "].map((name) => r.stdout.indexOf(`\n${name}`))
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true)
    expect(r.stdout).toContain("skipped mlr")
  })

  it("JSON carries engine and scenario provenance and exact strings; CSV a base row then the inputs", async () => {
    const json = await pbpsim("sensitivity", FILE, "--inputs", "trend,savingsRate", "-f", "json")
    const view = JSON.parse(json.stdout) as SensitivityView
    expect(view.engine.name).toBe("pbpsim")
    expect(view.scenario.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(view.inputs.map((i) => [i.input, i.step, i.swing.providerNet])).toEqual([
      ["savingsRate", "0.1", "10152.00"],
      ["trend", "0.005", "6120.00"]
    ])
    const csv = await pbpsim("sensitivity", FILE, "--inputs", "trend", "-f", "csv")
    expect(csv.stdout.split("\n").slice(1, 3)).toEqual([
      "base,Base,,,25380.00,25380.00,0.00,1247580.00,1247580.00,0.00,",
      "trend,Benchmark trend rate (0.005 = 0.5 percentage point),±0.005 each year,0.005,22320.00,28440.00,6120.00,1244520.00,1250640.00,6120.00,"
    ])
  })

  it("an unknown policy or input is a user error", async () => {
    const policy = await pbpsim("sensitivity", FILE, "--policy", "nope")
    expectUserError(policy)
    expect(policy.stderr).toContain('no policy named "nope"')
    const input = await pbpsim("sensitivity", FILE, "--inputs", "trnd")
    expectUserError(input)
    expect(input.stderr).toContain('--inputs: expected inputs among trend, marketTrend, providerWeight')
  })
})

describe("tornado section", () => {
  it("renders an SVG chart and a table of the figures with thousands separators, text escaped", async () => {
    const r = await run(["trend", "savingsRate"])
    const view = sensitivityView(
      { engine: { name: "pbpsim", version: "test" }, scenario: { name: "x", file: "x.yaml", sha256: "0".repeat(64) } },
      { ...r, policy: "<b>&policy" }
    )
    const html = await tornadoSection(view)
    expect(html).toContain("<svg")
    expect(html).toContain("&lt;b&gt;&amp;policy")
    expect(html).not.toContain("<b>&policy")
    // Base and sides as dollars with separators; the axis titles carry the unit.
    expect(html).toContain("$25,380.00")
    expect(html).toContain("$1,247,580.00")
    expect(html).toContain("$22,320.00")
    expect(html).toContain("Provider net over the contract ($)")
    // Bars sorted by swing: savingsRate (10,152) above trend (6,120) in the table.
    expect(html.indexOf(">savingsRate<")).toBeLessThan(html.indexOf(">trend<"))
  })
})
