import { readFileSync } from "node:fs"
import { join } from "node:path"
import { derivationToJson } from "@pbpsim/benchmark"
import { parse } from "csv-parse/sync"
import { explainYear, loadScenarioFile } from "@pbpsim/simulator"
import { beforeAll, describe, expect, it } from "vitest"
import { renderSimulation } from "../packages/cli/src/render/simulationFormats.js"
import type { SimulationView } from "../packages/cli/src/render/simulationView.js"
import { pbpsim, ROOT, type Outcome } from "./support/cli.js"

/**
 * Terminal output a person reads (docs/cli.md, "Units" and "explain"): explain leads with a
 * short summary whose figures are compare's own, --verbose adds the whole derivation, money in
 * tables carries thousands separators (CSV and JSON do not), rates print as percentages.
 */
const MSSP = "scenarios/mssp-enhanced.yaml"
const BRIEF = "scenarios/issue-brief.yaml"
const SEGMENTS = "test/fixtures/segments/two-segments.yaml"
const HINT = "--verbose (-v) shows the full derivation: every step with its rule, formula, inputs and source."

type Year = Record<string, string> & { readonly contractYear: number; readonly year: number }
type Compare = { readonly policies: ReadonlyArray<{ readonly name: string; readonly years: ReadonlyArray<Year> }> }

const ok = (r: Outcome): string => {
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return r.stdout
}

let summary: ReadonlyArray<string>
let verbose: string
let year2: Year

beforeAll(async () => {
  const [explained, detailed, compared] = await Promise.all([
    pbpsim("explain", MSSP, "--year", "2"),
    pbpsim("explain", MSSP, "--year", "2", "-v"),
    pbpsim("compare", MSSP, "--format", "json")
  ])
  summary = ok(explained).trimEnd().split("\n")
  verbose = ok(detailed)
  year2 = (JSON.parse(ok(compared)) as Compare).policies[0]!.years[1]!
})

/** The summary line that starts with a label (the label, the figure, then its detail). */
const line = (label: string): string => {
  const found = summary.find((l) => l.startsWith(label))
  expect(found, label).toBeDefined()
  return found!
}

describe("explain: the summary", () => {
  it("is at most 12 lines, then a blank line and the --verbose hint, with no derivation", () => {
    expect(summary.at(-1)).toBe(HINT)
    expect(summary.at(-2)).toBe("")
    expect(summary.length - 2).toBeLessThanOrEqual(12)
    expect(summary.join("\n")).not.toContain("rule ")
    expect(summary[0]).toBe("Contract year 2 (2025) of policy agreement-as-written, provider ACO")
    expect(summary[1]).toBe("Terms in force: base terms, settled on MSSP ENHANCED")
  })

  it("builds the benchmark step by step with compare's figures for the year, worked by hand", () => {
    // compare --format json for agreement-as-written, 2025 (contract year 2): the same figures, unrounded strings.
    expect(year2).toMatchObject({
      year: 2025,
      providerBaseline: "1304.00",
      peerBaseline: "1232.73",
      blended: "1285.51",
      trendFactor: "1.089026",
      riskRatio: "1.020100",
      benchmarkPmpm: "1428.09",
      actualPmpm: "1391.24"
    })
    expect(line("Provider baseline")).toMatch(/^Provider baseline\s+1,304\.00 PMPM {2}from 2021, 2022, 2023$/)
    // λ 0.65 on the provider, so the peers weigh 1 − 0.65 = 0.35.
    expect(line("Peer baseline")).toMatch(/^Peer baseline\s+1,232\.73 PMPM {2}from 2024; weight 1 − λ = 0\.35 \(λ = 0\.65 on the provider\)$/)
    // 0.35 × (1,232.73 − 1,304.00) = −24.94, capped at −1.5 % of the peer baseline: −18.49; 1,304.00 − 18.49 = 1,285.51.
    expect(line("Blended baseline")).toMatch(/^Blended baseline\s+1,285\.51 PMPM {2}B_P -18\.49 toward the peers \(uncapped .* = -24\.94\)$/)
    // Factors to 4 places: 1.089026 → 1.0890, 1.020100 → 1.0201.
    expect(line("× trend factor")).toMatch(/^× trend factor\s+1\.0890\s+2023 → 2025$/)
    expect(line("× risk ratio")).toMatch(/^× risk ratio\s+1\.0201\s/)
    // 1,285.51 × 1.089026 × 1.0201 = 1,428.09 (to cents).
    expect(line("= Benchmark")).toMatch(/^= Benchmark\s+1,428\.09 PMPM {2}total 367,112,241\.47 over 257,065 member months$/)
    expect(year2.benchmarkTotal).toBe("367112241.47")
    expect(year2.memberMonths).toBe("257065")
  })

  it("settles the year as compare does: savings rate, shared savings, nets and incentive power", () => {
    expect(year2).toMatchObject({
      expenditure: "357639350.29",
      gross: "9472891.18",
      savingsRate: "0.025804",
      msr: "0.010000",
      outcome: "savings paid",
      sharedSavings: "6962575.02",
      sharedLosses: "0.00",
      providerNet: "6962575.02",
      payerNet: "2510316.16",
      incentivePower: "0.634339"
    })
    // 9,472,891.18 ÷ 367,112,241.47 = 2.58 %, above the 1 % MSR.
    expect(line("Actual")).toMatch(/^Actual\s+1,391\.24 PMPM {2}expenditure 357,639,350\.29; savings rate 2\.58 % \(MSR 1\.00 %, MLR 1\.00 %\)$/)
    // 9,472,891.18 × 75 % × (1 − 2 % sequestration) = 6,962,575.02.
    expect(line("Shared savings")).toMatch(/^Shared savings\s+6,962,575\.02 {7}savings paid at a sharing rate of 75\.00 %; shared losses 0\.00$/)
    // Payer net = gross − provider net = 9,472,891.18 − 6,962,575.02 = 2,510,316.16.
    expect(line("Provider net")).toMatch(/^Provider net\s+6,962,575\.02 {7}payer net 2,510,316\.16 \(gross savings 9,472,891\.18\)$/)
    // 0.634339 to 4 places, dollars of provider net per $1 of cost cut.
    expect(line("Incentive power")).toMatch(/^Incentive power\s+0\.6343 {7}per \$1 of cost cut; no cliff within ±\$1 PMPM of the actual cost$/)
  })

  it("aligns the figures: every figure ends in the same column", () => {
    const figures = summary.slice(2, -2).map((l) => /^.+?\s{2,}(-?[\d,]+\.\d+)/.exec(l))
    const ends = figures.map((m) => m!.index + m![0].length)
    expect(new Set(ends).size).toBe(1)
  })

  it("gives a segmented benchmark one line per segment", async () => {
    const text = ok(await pbpsim("explain", SEGMENTS, "--policy", "by-segment", "--year", "1"))
    const lines = text.split("\n")
    // test/segments.test.ts works these out: aged 1,108.69 over 1,320 MM, esrd 9,085.96 over 108 MM, 1,712.01 over both.
    expect(lines.filter((l) => l.startsWith("  segment "))).toHaveLength(2)
    expect(lines.find((l) => l.startsWith("  segment aged"))).toMatch(/^ {2}segment aged\s+1,108\.69 PMPM {2}1,320 MM: B_P 1,000\.00, B_R 1,100\.00 → 1,035\.00 × 1\.0400 × 1\.0300; actual 984\.85$/)
    expect(lines.find((l) => l.startsWith("  segment esrd"))).toMatch(/^ {2}segment esrd\s+9,085\.96 PMPM {2}108 MM: /)
    expect(lines.find((l) => l.startsWith("= Benchmark"))).toMatch(/1,712\.01 PMPM {2}member-month-weighted over 2 segments; total 2,444,754\.48 over 1,428 member months$/)
    expect(lines.at(-2)).toBe(HINT)
  })
})

describe("explain --verbose and --format json", () => {
  it("--verbose prints the summary, then the whole derivation tree instead of the hint", () => {
    const lines = verbose.split("\n")
    expect(lines.slice(0, summary.length - 2)).toEqual(summary.slice(0, -2))
    expect(verbose).not.toContain(HINT)
    for (const heading of ["Benchmark", "Settlement", "Incentive power"]) expect(lines).toContain(heading)
    for (const rule of ["baseline.weighted", "blend.convergence", "benchmark.trend", "benchmark.risk", "benchmark.rounding", "settlement.msr", "settlement.settle", "incentive.power"]) {
      expect(verbose).toContain(`rule ${rule}:`)
    }
    expect(lines.length).toBeGreaterThan(200)
    // The tree in the same units: factors to 4 places, money grouped, rates in percent, incentive power per $1.
    expect(verbose).toContain("▸ Trend factor 2023 → 2025 = 1.0890")
    expect(verbose).toContain("▸ Contract-year benchmark PMPM = 1,428.09")
    expect(verbose).toContain("▸ Minimum savings rate = 1.00 %")
    expect(verbose).toContain("▸ Incentive power of 2025 = 0.6343 per $1 of cost cut")
  })

  it("--format json is the whole derivation tree with exact values, with or without --verbose", async () => {
    const [plain, withVerbose] = await Promise.all([
      pbpsim("explain", MSSP, "--year", "2", "--format", "json"),
      pbpsim("explain", MSSP, "--year", "2", "--format", "json", "--verbose")
    ])
    expect(ok(withVerbose)).toBe(ok(plain))
    const json = JSON.parse(plain.stdout) as Record<string, unknown>
    const library = await explainYear(await loadScenarioFile(join(ROOT, MSSP)), "agreement-as-written", 2)
    expect(json["benchmark"]).toEqual(derivationToJson(library.benchmark.derivation))
    expect(json["settlement"]).toEqual(derivationToJson(library.settlement.derivation))
    expect(json["incentivePower"]).toEqual(derivationToJson(library.incentivePower.derivation))
    expect(plain.stdout).toContain('"value": "1428.093198032001"')
    expect(plain.stdout).not.toMatch(/\d,\d{3}/)
  })
})

describe("tables: money grouped, right-aligned; rates in percent; CSV and JSON plain", () => {
  let table: string
  let csv: string
  let json: string
  let markdown: string
  beforeAll(async () => {
    const outs = await Promise.all(["table", "csv", "json", "markdown"].map((f) => pbpsim("compare", BRIEF, "--format", f)))
    ;[table, csv, json, markdown] = outs.map(ok) as [string, string, string, string]
  })

  it("prints money with thousands separators in the terminal table, right-aligned under its header", () => {
    // trending 2025: shared savings 4,226,205.90 (compare's own figure, 4226205.90 in CSV and JSON).
    expect(table).toContain("4,226,205.90")
    expect(table).toContain("38,574,666.18")
    expect(table).not.toContain("4226205.90")
    const lines = table.split("\n")
    const header = lines.find((l) => l.includes("Shared savings") && l.startsWith(" Year"))!
    const row = lines.find((l) => l.startsWith(" 2025") && l.includes("4,226,205.90"))!
    expect(row.indexOf("4,226,205.90") + "4,226,205.90".length).toBe(header.indexOf("Shared savings") + "Shared savings".length)
  })

  it("keeps CSV and JSON machine-readable: no separators", () => {
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>
    expect(rows.find((r) => r["policy"] === "trending" && r["year"] === "2025")).toMatchObject({ sharedSavings: "4226205.90", savingsRate: "0.027544" })
    for (const cell of rows.flatMap((r) => Object.values(r))) expect(cell).not.toMatch(/\d,\d/)
    expect(json).toContain('"sharedSavings": "4226205.90"')
    expect(json).toContain('"savingsRate": "0.027544"')
    expect(json).not.toMatch(/\d,\d{3}/)
  })

  it("prints rates as percentages with 2 decimals, factors with 4 and incentive power with 4, in the table and the memo", () => {
    const lines = table.split("\n")
    const row = lines.find((l) => l.startsWith(" 2025") && l.includes("1.0300"))!
    // trending 2025: savings rate 0.027544 → 2.75 %, trend factor 1.030000 → 1.0300, risk 1.0000.
    expect(row).toMatch(/ 1\.0300 {2}1\.0000 .* 2\.75 %$/)
    expect(lines.find((l) => l.startsWith(" 2025") && l.includes("2.00 %  savings paid"))).toMatch(/ 0\.5000$/)
    expect(table).not.toMatch(/0\.0\d{5}/)
    expect(markdown).toContain("Savings rate (%)")
    expect(markdown).toMatch(/\| +2\.75 \| +2\.00 \| savings paid/)
    expect(markdown).toContain("4,226,205.90")
  })

  it("groups money in simulate's terminal table too, not in its CSV", () => {
    const view = JSON.parse(readFileSync(join(ROOT, "test/fixtures/report/simulation-view.json"), "utf8")) as SimulationView
    expect(renderSimulation(view, "table")).toContain("4,226,205.90")
    const csvText = renderSimulation(view, "csv")
    expect(csvText).toContain("4226205.90")
    expect(csvText).not.toContain("4,226,205.90")
  })
})
