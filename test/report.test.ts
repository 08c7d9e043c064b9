import { mkdtemp, readFile, readdir, rm } from "node:fs/promises"
import { readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { reportHtml, writeReport, type SimulationSource } from "../packages/cli/src/actions/report.js"
import { pbpsim as pbpsimInProcess } from "./support/cli.js"
import { Io } from "../packages/cli/src/io.js"
import { reportDocument } from "../packages/cli/src/render/html/document.js"
import { escapeHtml } from "../packages/cli/src/render/html/escape.js"
import { scenarioSummary } from "../packages/cli/src/render/html/summary.js"
import { renderComparison } from "../packages/cli/src/render/comparisonFormats.js"
import { comparisonView, type ComparisonView } from "../packages/cli/src/render/comparisonView.js"
import type { SimulationView } from "../packages/cli/src/render/simulationView.js"
import { load, runPolicies, selectPolicies } from "../packages/cli/src/scenarioInput.js"
import { provenanceOf } from "../packages/cli/src/provenance.js"
import { simulationViewFor } from "../packages/cli/src/actions/simulationPipeline.js"
import { captureIo } from "./support/io.js"
import { cents, valuedCells, viewOfText } from "./support/reportCells.js"
import { expectedFigure, taggedCells, type CellTag } from "./fixtures/report/figures.js"

const ISSUE_BRIEF = "scenarios/issue-brief.yaml"
const RATCHET = "scenarios/ratchet.yaml"
const ALL_ZERO = "test/fixtures/report/all-zero.yaml"
const SIMULATION = JSON.parse(readFileSync("test/fixtures/report/simulation-view.json", "utf8")) as SimulationView

/** What `pbpsim compare <file> --format json` prints (the same pipeline, in process). */
const compareJson = (file: string, requested: ReadonlyArray<string> = []): Record<string, unknown> =>
  JSON.parse(
    Effect.runSync(
      Effect.gen(function* () {
        const scenario = yield* load(file)
        const runs = yield* runPolicies(scenario, yield* selectPolicies(scenario, requested))
        return renderComparison(comparisonView(provenanceOf(scenario), runs), "json", "compare")
      })
    )
  ) as Record<string, unknown>

const fixtureSimulation: SimulationSource = () => Effect.succeed(SIMULATION)

const html = (file: string, extra: Partial<Parameters<typeof reportHtml>[0]> = {}) =>
  Effect.runPromise(reportHtml({ scenario: file, requested: [], ...extra }))

/** YearRow fields that are figures (the reference-year lists and the rebased flag print as words). */
const YEAR_FIGURES = [
  "contractYear", "providerWeight", "providerBaseline", "peerBaseline", "blended", "trendFactor", "riskRatio", "benchmarkPmpm",
  "actualPmpm", "memberMonths", "benchmarkTotal", "expenditure", "gross", "savingsRate", "msr", "outcome", "sharedSavings",
  "sharedLosses", "providerNet", "payerNet", "incentivePower"
]
const TOTAL_FIGURES = ["benchmark", "expenditure", "gross", "sharedSavings", "sharedLosses", "providerNet", "payerNet"]

const key = (c: Pick<CellTag, "view" | "policy" | "against" | "year" | "field">) => [c.view, c.policy, c.against ?? "", c.year, c.field].join("|")

describe("reportHtml", () => {
  const reports = new Map<string, string>()
  beforeAll(async () => {
    reports.set(ISSUE_BRIEF, await html(ISSUE_BRIEF))
    reports.set(RATCHET, await html(RATCHET))
    reports.set(ALL_ZERO, await html(ALL_ZERO))
    reports.set("simulated", await html(ISSUE_BRIEF, { requested: ["trending", "annual-rebase"], simulation: { trials: 10000, seed: "1", workers: 1, quiet: true }, simulate: fixtureSimulation }))
  }, 120_000)

  it.each([ISSUE_BRIEF, RATCHET, ALL_ZERO])("prints every table figure of %s exactly as compare --format json has it, only made readable", (file) => {
    const json = compareJson(file)
    const cells = valuedCells(reports.get(file)!).filter((c) => c.view !== "derived")
    expect(cells.length).toBeGreaterThan(100)
    // data-value is the JSON's string; the text shows the same digits (separators, rates as percentages), never rounded.
    for (const cell of cells) expect({ cell: key(cell), value: cell.value, shows: viewOfText(cell.text) }).toEqual({ cell: key(cell), value: expectedFigure(cell, json), shows: cell.value })
  })

  it("shows money with thousands separators and rates as percentages in the tables", () => {
    const cells = valuedCells(reports.get(ISSUE_BRIEF)!)
    const at = (policy: string, year: string, field: string) => cells.find((c) => c.view === "comparison" && c.policy === policy && c.year === year && c.field === field)?.text
    expect(at("trending", "2025", "providerNet")).toBe("4,226,205.90")
    expect(at("trending", "total", "benchmark")).toBe("1,629,214,545.00")
    expect(at("trending", "2025", "memberMonths")).toBe("703,500")
    // Savings rate 8,452,411.80 / 306,873,735.00 = 0.027544… → the view's 0.027544 → 2.7544 %; MSR 0.02 → 2.0000 %.
    expect(at("trending", "2025", "savingsRate")).toBe("2.7544 %")
    expect(at("trending", "2025", "msr")).toBe("2.0000 %")
    for (const c of cells) if (/^-?\d{4,}/.test(c.text)) throw new Error(`${key(c)} prints ${c.text} without separators`)
  })

  it.each([ISSUE_BRIEF, RATCHET])("tabulates every year figure, total and difference of %s", (file) => {
    const json = compareJson(file) as { policies: Array<{ name: string; years: Array<{ year: number }> }>; differences: Array<{ policy: string; against: string; years: Array<{ year: number }> }> }
    const printed = new Set(taggedCells(reports.get(file)!).map(key))
    const missing: Array<string> = []
    const want = (c: Pick<CellTag, "view" | "policy" | "against" | "year" | "field">) => (printed.has(key(c)) ? undefined : missing.push(key(c)))
    for (const p of json.policies) {
      for (const y of p.years) for (const field of YEAR_FIGURES) want({ view: "comparison", policy: p.name, against: undefined, year: String(y.year), field })
      for (const field of TOTAL_FIGURES) want({ view: "comparison", policy: p.name, against: undefined, year: "total", field })
    }
    for (const d of json.differences) {
      for (const y of d.years) for (const field of ["benchmarkPmpm", "providerNet", "payerNet"]) want({ view: "difference", policy: d.policy, against: d.against, year: String(y.year), field })
      for (const field of ["providerNet", "payerNet"]) want({ view: "difference", policy: d.policy, against: d.against, year: "total", field })
    }
    expect(missing).toEqual([])
  })

  it("prints the issue brief's trending benchmark for 2025 as derived by hand", () => {
    // Blend 0.5 × 416 + 0.5 × (431 + 3/38425) = 423.50 + 3/76850 = 423.500039…; × 1.03 trend = 436.205040… → 436.21.
    const cell = taggedCells(reports.get(ISSUE_BRIEF)!).find((c) => c.view === "comparison" && c.policy === "trending" && c.year === "2025" && c.field === "benchmarkPmpm")
    expect(cell?.text).toBe("436.21")
  })

  it("prints the ratchet's annual-rebase incentive power as derived by hand", () => {
    // A $1 cut earns 0.5 now and lowers next year's benchmark by 1.03 on 1.01× the members: 0.5 − 0.5 × 1.03 × 1.01 = −0.02015.
    const cells = taggedCells(reports.get(RATCHET)!).filter((c) => c.view === "comparison" && c.policy === "annual-rebase" && c.field === "incentivePower" && c.year === "2025")
    expect(cells.length).toBeGreaterThan(0)
    for (const c of cells) expect(c.text).toBe("-0.020150")
  })

  it("prints every simulated figure exactly as the simulation view has it, and all of them", () => {
    const report = reports.get("simulated")!
    const cells = valuedCells(report).filter((c) => c.view === "simulation" || c.view === "pair")
    for (const cell of cells) expect({ cell: key(cell), value: cell.value, shows: viewOfText(cell.text) }).toEqual({ cell: key(cell), value: expectedFigure(cell, {}, SIMULATION as unknown as Record<string, unknown>), shows: cell.value })
    const printed = new Set(cells.map(key))
    const stats = ["mean", "sd", "p5", "p25", "p50", "p75", "p95"]
    const missing: Array<string> = []
    for (const p of SIMULATION.policies) {
      for (const row of [...p.years, p.contract]) {
        const year = row.year === null ? "contract" : String(row.year)
        const measures = ["sharedSavings", "sharedLosses", "providerNet", "payerNet", ...(row.benchmarkPmpm ? ["benchmarkPmpm", "actualPmpm"] : [])]
        for (const m of measures) for (const s of stats) if (!printed.has(key({ view: "simulation", policy: p.name, against: undefined, year, field: `${m}.${s}` }))) missing.push(`${p.name} ${year} ${m}.${s}`)
        for (const f of ["pSharedSavings", "pSharedLoss"]) if (!printed.has(key({ view: "simulation", policy: p.name, against: undefined, year, field: f }))) missing.push(`${p.name} ${year} ${f}`)
      }
    }
    for (const pair of SIMULATION.pairs) {
      for (const row of [...pair.years, pair.contract]) {
        const year = row.year === null ? "contract" : String(row.year)
        const fields = [...["providerNet", "payerCost"].flatMap((m) => stats.map((s) => `${m}.${s}`)), "pABetterForPayer", "pABetterForProvider"]
        for (const f of fields) if (!printed.has(key({ view: "pair", policy: pair.a, against: pair.b, year, field: f }))) missing.push(`${pair.a}−${pair.b} ${year} ${f}`)
      }
    }
    expect(missing).toEqual([])
  })

  it("draws four charts at a glance, four per policy, four comparing them and a tornado chart, each an SVG with a title, a description and axis titles", () => {
    for (const [file, policies] of [[ISSUE_BRIEF, 3], [RATCHET, 3]] as const) {
      const all = reports.get(file)!.split("<figure ").slice(1)
      expect(all).toHaveLength(4 + policies * 4 + 4 + 1)
      // The sensitivity section's tornado chart: its axes are the two totals in dollars, its table follows the figure.
      const tornado = all.filter((f) => f.includes('aria-labelledby="sensitivity-chart-title sensitivity-chart-desc"'))
      expect(tornado).toHaveLength(1)
      expect(tornado[0]).toMatch(/<figcaption>[^<]+<\/figcaption>/)
      const figures = all.filter((f) => f !== tornado[0])
      for (const f of figures) {
        expect(f).toMatch(/<svg [^>]*aria-labelledby="[^"]+-title [^"]+-desc"/)
        expect(f).toMatch(/<title id="[^"]+">[^<]+<\/title><desc id="[^"]+">[^<]+<\/desc>/)
        // The waterfall's x axis is the build-up's steps; every other chart's is the contract year.
        expect(f).toContain(f.startsWith('class="chart" id="glance-waterfall"') ? ">Step of the 2025 benchmark (trending)</text>" : ">Contract year</text>")
        expect(f).toMatch(/<figcaption>[^<]+<\/figcaption>/)
        expect(f).toContain("<summary>Chart data</summary><div class=\"table-scroll\"><table>")
      }
    }
    expect(reports.get(ISSUE_BRIEF)).toContain(">PMPM ($)</text>")
  })

  it("adds three fan charts per simulated policy and two charts per pair with --simulate", () => {
    const report = reports.get("simulated")!
    // Why the two parties' paired differences mirror each other, in the report's words.
    expect(report).toContain("payer cost a − b equals provider net a − b, trial by trial")
    expect(report).toContain("10,000 trials with seed")
    // 4 at a glance + 2 policies × 4 + 4 comparison + 1 tornado + 2 × 3 fan charts + 1 pair × 2 = 25
    expect(report.split("<figure ").length - 1).toBe(25)
    expect(report).toContain('id="sim-policy-0-benchmarkPmpm"')
    expect(report).toContain('id="sim-pair-0-payer"')
    // The fan chart draws two bands (areas) and a median line.
    const fan = report.slice(report.indexOf('id="sim-policy-1-actualPmpm"'), report.indexOf('id="sim-policy-1-providerNet"'))
    expect(fan.match(/class="mark-area role-mark/g)).toHaveLength(2)
    expect(fan).toMatch(/class="mark-line role-mark/)
  })

  it("draws the first policy's sensitivity with the figures pbpsim sensitivity prints", async () => {
    const out = await pbpsimInProcess("sensitivity", ISSUE_BRIEF, "--format", "json")
    expect(out.code).toBe(0)
    const result = JSON.parse(out.stdout) as { policy: string; inputs: ReadonlyArray<{ input: string; swing: { providerNet: string; payerCost: string } }> }
    const report = reports.get(ISSUE_BRIEF)!
    const section = report.slice(report.indexOf('id="sensitivity"'))
    expect(result.policy).toBe("trending")
    expect(section).toContain("What moves the contract totals of trending")
    // "-33223021.83" is shown "-$33,223,021.83".
    const dollars = (money: string) => {
      const [whole, cents] = money.replace("-", "").split(".")
      return `${money.startsWith("-") ? "-" : ""}$${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`
    }
    for (const i of result.inputs) {
      expect(section).toContain(`<td class="right">${dollars(i.swing.providerNet)}</td>`)
      expect(section).toContain(`<td class="right">${dollars(i.swing.payerCost)}</td>`)
    }
  })

  it("says in its provenance which --set overrides the figures were read with", async () => {
    const html = await Effect.runPromise(
      reportHtml({ scenario: ISSUE_BRIEF, sets: ["benchmark.trend.rate=0.05"], requested: ["trending"], sensitivity: false }).pipe(Effect.provideService(Io, captureIo().io))
    )
    expect(html).toContain("<code>--set benchmark.trend.rate=0.05</code>")
    expect(html).toContain("prints for this file read with the same <code>--set</code> overrides")
    expect(reports.get(ISSUE_BRIEF)).not.toContain("Read with")
  })

  it("is self-contained: no script, no stylesheet link, no URL to fetch, and a policy forbidding fetches", () => {
    for (const report of reports.values()) {
      expect(report).not.toMatch(/<script\b/i)
      expect(report).not.toMatch(/<link\b/i)
      expect(report).not.toMatch(/@import/i)
      expect(report).not.toMatch(/\b(?:src|href|xlink:href)\s*=\s*"(?!#)/i)
      expect(report).not.toMatch(/url\(\s*['"]?(?!#)/i)
      expect(report).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`)
    }
  })

  it("gives every element id once, so the charts' titles and anchors resolve", () => {
    for (const report of reports.values()) {
      const ids = [...report.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])
      expect(ids.length).toBeGreaterThan(0)
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
    }
  })

  it("opens with each policy's contract totals, equal to compare --format json's totals", () => {
    for (const file of [ISSUE_BRIEF, RATCHET, ALL_ZERO]) {
      const report = reports.get(file)!
      const json = compareJson(file) as { policies: Array<{ name: string; totals: { benchmark: string; expenditure: string; providerNet: string; payerNet: string } }> }
      // The first section is the glance, and its first table the totals.
      expect(report.indexOf('<section id="glance"')).toBeLessThan(report.indexOf('<section id="summary"'))
      const glance = report.slice(report.indexOf('<section id="glance"'), report.indexOf("</table>", report.indexOf('<section id="glance"')))
      expect(glance).toContain("<caption>Contract totals per policy</caption>")
      const cells = valuedCells(glance)
      for (const p of json.policies) {
        const at = (field: string) => cells.find((c) => c.policy === p.name && c.year === "total" && c.field === field)
        expect(at("providerNet")?.value).toBe(p.totals.providerNet)
        expect(at("payerNet")?.value).toBe(p.totals.payerNet)
        expect(at("benchmark")?.value).toBe(p.totals.benchmark)
        expect(at("expenditure")?.value).toBe(p.totals.expenditure)
        // Payer cost = expenditure + provider net, and payer savings vs benchmark (payer net) = benchmark − payer cost.
        const cost = at("payerCost")!
        expect(cost.view).toBe("derived")
        expect(cents(cost.value!)).toBe(cents(p.totals.expenditure) + cents(p.totals.providerNet))
        // Each total is rounded once from its exact sum, so benchmark − payer cost from printed totals is payer net to within a cent.
        const gap = cents(p.totals.benchmark) - cents(cost.value!) - cents(p.totals.payerNet)
        expect(gap >= -1n && gap <= 1n, `${file} ${p.name}: benchmark − payer cost − payer net = ${gap} cents`).toBe(true)
        for (const c of [at("providerNet")!, cost, at("payerNet")!]) expect(viewOfText(c.text)).toBe(c.value)
      }
    }
    // Issue brief, by hand: trending's payer cost 1,552,065,212.64 + 38,574,666.18 = 1,590,639,878.82.
    expect(reports.get(ISSUE_BRIEF)).toContain(`data-field="payerCost" data-value="1590639878.82">1,590,639,878.82</td>`)
    // One line defines each term.
    for (const term of ["Provider net", "Payer cost", "Payer savings vs benchmark"]) expect(reports.get(ISSUE_BRIEF)).toContain(`<dt>${term}</dt><dd>`)
  })

  it("names the best policy for each party: the provider's by highest provider net, the payer's by lowest payer cost", () => {
    // Issue brief totals (compare --format json): provider net trending 38,574,666.18, annual-rebase 27,311,631.18,
    // glide-to-peer 37,493,105.28 → best for the provider: trending. Expenditure is 1,552,065,212.64 under all three
    // (one projection), so payer cost = 1,552,065,212.64 + provider net: 1,590,639,878.82, 1,579,376,843.82 and
    // 1,589,558,317.92 → best for the payer: annual-rebase, though glide-to-peer has the highest payer savings vs
    // benchmark (40,507,462.08): its higher benchmark, not a lower cost.
    const best = (report: string, party: string) => [...report.matchAll(new RegExp(`data-best-for="${party}">([^<]+)<`, "g"))].map((m) => m[1])
    const brief = reports.get(ISSUE_BRIEF)!
    expect(best(brief, "provider")).toEqual(["trending"])
    expect(best(brief, "payer")).toEqual(["annual-rebase"])
    expect(brief).toContain("<strong>Best for the provider</strong> (highest provider net over the contract)")
    expect(brief).toContain("<strong>Best for the payer</strong> (lowest payer cost over the contract)")
    expect(brief).toContain(", $38,574,666.18.")
    expect(brief).toContain(", $1,579,376,843.82.")
    // Ratchet: trending keeps the unrebased benchmark: provider net 10,135,410.97 is the highest; annual-rebase's
    // 3,245,148.34 the lowest, so with a common expenditure it is the payer's lowest cost.
    expect(best(reports.get(RATCHET)!, "provider")).toEqual(["trending"])
    expect(best(reports.get(RATCHET)!, "payer")).toEqual(["annual-rebase"])
    // All-zero: provider net 0 and the same expenditure under both: every policy ties for both parties.
    expect(best(reports.get(ALL_ZERO)!, "provider")).toEqual(["trending", "annual-rebase"])
    expect(best(reports.get(ALL_ZERO)!, "payer")).toEqual(["trending", "annual-rebase"])
    expect(reports.get(ALL_ZERO)).toContain("(tied)")
  })

  it("builds the waterfall of the first policy's first contract year from compare's figures, reconciling to the benchmark PMPM to the cent", () => {
    for (const file of [ISSUE_BRIEF, RATCHET, ALL_ZERO]) {
      const report = reports.get(file)!
      const json = compareJson(file) as { policies: Array<{ name: string; years: Array<Record<string, string | number>> }> }
      const first = json.policies[0]!
      const year = first.years[0]!
      const figure = report.slice(report.indexOf('id="glance-waterfall"'), report.indexOf("</figure>", report.indexOf('id="glance-waterfall"')))
      expect(figure).toContain(`${first.name}, ${year.year} (contract year 1)`)
      const cells = valuedCells(figure).filter((c) => c.view === "derived" && c.year === String(year.year) && c.policy === first.name)
      const step = (i: number, what: string) => cents(cells.find((c) => c.field === `waterfall.${i}.${what}`)!.value!)
      // Provider baseline, blend, savings credit, trend, risk, discount (and rounding), equity add-on, benchmark.
      expect(cells.length).toBe(8 * 3)
      expect(step(0, "after")).toBe(cents(String(year.providerBaseline)))
      expect(step(1, "after")).toBe(cents(String(year.blended)))
      expect(step(2, "change")).toBe(cents(String(year.savingsCredit)))
      expect(step(6, "change")).toBe(cents(String(year.equityAddOn)))
      let running = step(0, "after")
      for (let i = 1; i <= 6; i++) {
        expect(step(i, "before")).toBe(running)
        expect(step(i, "after") - step(i, "before")).toBe(step(i, "change"))
        running = step(i, "after")
      }
      expect(running).toBe(cents(String(year.benchmarkPmpm)))
      expect(step(7, "after")).toBe(cents(String(year.benchmarkPmpm)))
    }
    // Issue brief trending 2025 by hand: 416.00, + 7.50 blend (423.50), + 0 credit, 423.50 × 1.03 = 436.205 → 436.21
    // (+ 12.71), × risk 1 (+ 0), no discount, no add-on: 416.00 + 7.50 + 12.71 = 436.21, the benchmark.
    const brief = reports.get(ISSUE_BRIEF)!
    const labels = [...brief.slice(brief.indexOf('id="glance-waterfall"')).matchAll(/<title>([^<]+)<\/title><\/path>/g)].map((m) => m[1]).slice(0, 8)
    expect(labels).toEqual([
      "Provider baseline: $416.00", "Blend (convergence): +$7.50", "Savings credit: $0.00", "Trend (× 1.030000): +$12.71",
      "Risk (× 1.000000): $0.00", "Discount (and rounding): $0.00", "Equity add-on: $0.00", "Benchmark PMPM: $436.21"
    ])
  })

  it("charts cumulative provider net and payer savings per policy as exact running sums of compare's figures", () => {
    const json = compareJson(ISSUE_BRIEF) as { policies: Array<{ name: string; years: Array<{ year: number; providerNet: string; payerNet: string }> }> }
    const cells = valuedCells(reports.get(ISSUE_BRIEF)!).filter((c) => c.view === "derived" && c.field.startsWith("cumulative."))
    expect(cells).toHaveLength(3 * 5 * 2)
    for (const p of json.policies) {
      for (const field of ["providerNet", "payerNet"] as const) {
        let sum = 0n
        for (const y of p.years) {
          sum += cents(y[field])
          expect(cents(cells.find((c) => c.policy === p.name && c.year === String(y.year) && c.field === `cumulative.${field}`)!.value!)).toBe(sum)
        }
      }
    }
    // The last point is the contract total: trending's 38,574,666.18, as a tooltip with separators.
    expect(reports.get(ISSUE_BRIEF)).toContain("<title>trending, 2029: $38,574,666.18</title>")
  })

  it("draws each policy's line with its own dash and marker, and says where lines coincide", () => {
    const brief = reports.get(ISSUE_BRIEF)!
    for (const id of ["glance-benchmark-actual", "glance-cumulative-provider", "glance-cumulative-payer", "compare-benchmark", "compare-incentive", "compare-glide"]) {
      const svg = brief.slice(brief.indexOf(`id="${id}"`), brief.indexOf("</figure>", brief.indexOf(`id="${id}"`)))
      const lines = [...svg.matchAll(/<path aria-label="[^"]*" role="graphics-symbol" aria-roledescription="line mark"[^>]*>/g)].map((m) => m[0])
      expect(lines.length, id).toBeGreaterThanOrEqual(3)
      const dashes = lines.map((tag) => /stroke-dasharray="([^"]*)"/.exec(tag)?.[1] ?? "solid")
      expect(new Set(dashes).size, `${id}: ${dashes.join(" | ")}`).toBe(lines.length)
    }
    // Trending and annual-rebase share 2025 (no rebase yet): the caption says their markers overlap there.
    expect(brief).toContain("Equal values, where the markers overlap: 2025 (trending = annual-rebase).")
    // All-zero: the two policies' glide paths coincide in every year.
    expect(reports.get(ALL_ZERO)).toContain("Trending and annual-rebase coincide exactly in every year (one line drawn over the other; told apart by dash and marker).")
  })

  it("says 'all values are 0: nothing to draw' for an all-zero chart instead of drawing an axis", () => {
    const report = reports.get(ALL_ZERO)!
    const empty = [...report.matchAll(/<figure class="chart" id="([^"]+)" data-chart data-empty>/g)].map((m) => m[1])
    expect(empty).toEqual(["glance-cumulative-provider", "compare-provider-net", "compare-incentive", "policy-0-settlement", "policy-0-incentive", "policy-1-settlement", "policy-1-incentive"])
    for (const id of empty) {
      const f = report.slice(report.indexOf(`id="${id}"`), report.indexOf("</figure>", report.indexOf(`id="${id}"`)))
      expect(f).toContain(": all values are 0: nothing to draw.</p>")
      expect(f).not.toContain("<svg")
    }
    expect(report).not.toContain("NaN")
    // Payer savings vs benchmark are not 0: that chart draws.
    expect(report).toMatch(/<figure class="chart" id="glance-cumulative-payer" data-chart><div class="chart-svg"><svg /)
  })

  it("keeps chart text at 12 px or more, money axes with thousands separators, and every table in a scrolling box", () => {
    for (const report of reports.values()) {
      const sizes = [...report.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]))
      expect(sizes.length).toBeGreaterThan(100)
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12)
      const css = [...report.matchAll(/font-size:\s*([\d.]+)px/g)].map((m) => Number(m[1]))
      expect(Math.min(...css)).toBeGreaterThanOrEqual(12)
      // Every table sits directly in a box that scrolls sideways.
      expect(report.split("<table>").length - 1).toBe(report.split('<div class="table-scroll"><table>').length - 1)
      expect(report).toContain(".table-scroll { overflow-x: auto;")
    }
    expect(reports.get(ISSUE_BRIEF)).toContain(">40,000,000</text>")
    expect(reports.get(ISSUE_BRIEF)).not.toMatch(/>\d+(\.\d+)?[kMG]<\/text>/)
  })

  it("names the scenario, provider, peers, contract years and provenance", async () => {
    const report = reports.get(ISSUE_BRIEF)!
    const sha = (compareJson(ISSUE_BRIEF).scenario as { sha256: string }).sha256
    expect(report).toContain("<h1>Issue brief — Health Systems A, B and C</h1>")
    expect(report).toContain("<dt>Provider</dt><dd>Health System A (A)</dd>")
    expect(report).toContain("<dt>Peers</dt><dd>Health System A (A), Health System B (B), Health System C (C)</dd>")
    // startYear 2025, 5 years
    expect(report).toContain("<dt>Contract years</dt><dd>2025–2029 (5 years)</dd>")
    expect(report).toContain(`<code class="hash">${sha}</code>`)
    expect(report).toContain("<dt>Scenario file</dt><dd><code>scenarios/issue-brief.yaml</code></dd>")
  })
})

describe("reportHtml --simulate", () => {
  it("runs simulate's own pipeline: every simulated figure equals simulationViewFor's for the same seed and trials", async () => {
    const request = { trials: 2000, seed: "report", workers: 1, quiet: true }
    const report = await html(RATCHET, { simulation: request })
    const scenario = Effect.runSync(load(RATCHET))
    const view = await Effect.runPromise(simulationViewFor({ scenario, policies: [], ...request }))
    const cells = valuedCells(report).filter((c) => c.view === "simulation" || c.view === "pair")
    // 3 policies × (5 years × 6 measures + contract × 4 measures) × 7 statistics, once in the full table, plus the probabilities
    expect(cells.length).toBeGreaterThan(3 * (5 * 6 + 4) * 7)
    for (const cell of cells) expect({ cell: key(cell), value: cell.value, shows: viewOfText(cell.text) }).toEqual({ cell: key(cell), value: expectedFigure(cell, {}, view as unknown as Record<string, unknown>), shows: cell.value })
    expect(report).toContain("2,000 trials with seed <code>report</code>")
  }, 120_000)
})

describe("reportDocument", () => {
  it("escapes scenario and policy names and descriptions from the user's file", async () => {
    const scenario = Effect.runSync(load(RATCHET))
    const runs = Effect.runSync(runPolicies(scenario, ["trending", "annual-rebase"]))
    const view = comparisonView(provenanceOf(scenario), runs)
    const hostile = `<script>alert("x")</script> & <img src=x onerror=y>`
    const renamed: ComparisonView = {
      ...view,
      scenario: { ...view.scenario, name: hostile, file: `${hostile}.yaml` },
      policies: view.policies.map((p, i) => ({ ...p, name: i === 0 ? hostile : p.name, description: hostile, settlementTerms: hostile })),
      differences: view.differences.map((d) => ({ ...d, against: hostile }))
    }
    const summary = { ...scenarioSummary(scenario), name: hostile, description: hostile, provider: { id: "P", name: hostile } }
    const report = await reportDocument({ summary, comparison: renamed })
    expect(report).not.toContain("<script")
    expect(report).not.toContain("<img")
    expect(report).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;")
    // Attribute values too: the policy name tags its cells.
    expect(report).toContain(`data-policy="${escapeHtml(hostile)}"`)
    expect(taggedCells(report).filter((c) => c.policy === hostile).length).toBeGreaterThan(0)
  })
})

describe("escapeHtml", () => {
  it("escapes the five characters that can end text or an attribute", () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe("a&amp;b&lt;c&gt;d&quot;e&#39;f")
  })
})

describe("writeReport", () => {
  let folder = ""
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "pbpsim-report-"))
  })
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it("writes the report to --out and leaves no temporary file", async () => {
    const out = join(folder, "ratchet.html")
    await Effect.runPromise(writeReport({ scenario: RATCHET, requested: ["annual-rebase"], out }).pipe(Effect.provideService(Io, captureIo().io)))
    const text = await readFile(out, "utf8")
    expect(text.startsWith("<!DOCTYPE html>")).toBe(true)
    expect(text).toContain('id="policy-0"')
    // One policy: nothing to compare.
    expect(text).not.toContain('id="comparison"')
    expect(await readdir(folder)).toEqual(["ratchet.html"])
  })

  it("refuses to run without --out, saying how to call it", async () => {
    const result = await Effect.runPromise(Effect.either(writeReport({ scenario: RATCHET, requested: [], out: undefined })).pipe(Effect.provideService(Io, captureIo().io)))
    expect(Either.isLeft(result) && result.left._tag === "UserError" && result.left.message).toBe(
      "report: --out is required (the report is one HTML file), e.g. pbpsim report scenarios/ratchet.yaml --out report.html"
    )
  })

  it("names the unknown policy and the known ones", async () => {
    const result = await Effect.runPromise(Effect.either(reportHtml({ scenario: RATCHET, requested: ["nope"] })))
    expect(Either.isLeft(result) && result.left.message).toContain('no policy named "nope"; the scenario has trending, annual-rebase, rebase-with-savings-credit')
  })
})

describe("renderComparison markdown", () => {
  const memo = (file: string, kind: "run" | "compare" = "compare") => {
    const scenario = Effect.runSync(load(file))
    const runs = Effect.runSync(runPolicies(scenario, Effect.runSync(selectPolicies(scenario, []))))
    return renderComparison(comparisonView(provenanceOf(scenario), runs), "markdown", kind)
  }

  /** The table under a bold title: its raw lines and its cells, trimmed. */
  const table = (text: string, title: string) => {
    const lines = text.split("\n")
    const start = lines.indexOf(`**${title}**`)
    expect(start, `table "${title}"`).toBeGreaterThanOrEqual(0)
    const raw: Array<string> = []
    for (let i = start + 2; i < lines.length && lines[i]!.startsWith("|"); i++) raw.push(lines[i]!)
    const cells = raw.map((l) => l.slice(1, -1).split(" | ").map((c) => c.trim()))
    return { raw, header: cells[0]!, align: cells[1]!, rows: cells.slice(2) }
  }

  const issueBrief = memo(ISSUE_BRIEF)
  const ratchet = memo(RATCHET)

  it("opens with the scenario title, what was compared and a provenance line", () => {
    const lines = issueBrief.split("\n")
    expect(lines[0]).toBe("## Issue brief — Health Systems A, B and C")
    expect(issueBrief).toContain("Policies compared: trending, annual-rebase, glide-to-peer; differences (Δ) are each policy minus trending.")
    expect(issueBrief).toMatch(/^Source: `scenarios\/issue-brief\.yaml` \(SHA-256 `[0-9a-f]{64}`\), pbpsim \d+\.\d+\.\d+\.$/m)
  })

  it("gives each policy a heading, a benchmark build-up table and a settlement table, then the comparison", () => {
    const headings = issueBrief.split("\n").filter((l) => l.startsWith("#"))
    expect(headings).toEqual([
      "## Issue brief — Health Systems A, B and C",
      "### Policy trending",
      "### Policy annual-rebase",
      "### Policy glide-to-peer",
      "### Policies compared"
    ])
    expect(table(issueBrief, "Benchmark build-up — annual-rebase").header).toEqual([
      "Year", "λ", "Reference years", "Provider baseline ($ PMPM)", "Peer baseline ($ PMPM)", "Blended ($ PMPM)", "Trend factor", "Risk ratio", "Benchmark ($ PMPM)"
    ])
  })

  it("pads every column so each table's lines are equally long, with right-aligned numbers and left-aligned words", () => {
    for (const text of [issueBrief, ratchet]) {
      const titles = text.split("\n").filter((l) => /^\*\*.+\*\*$/.test(l)).map((l) => l.slice(2, -2))
      expect(titles.length).toBe(1 + 3 * 2 + 5)
      for (const title of titles) {
        const t = table(text, title)
        expect(new Set(t.raw.map((l) => l.length)).size, title).toBe(1)
        expect(t.align.length).toBe(t.header.length)
        for (const [i, a] of t.align.entries()) expect(a, `${title}: ${t.header[i]}`).toMatch(/^(-{2,}:|:-{2,})$/)
        for (const row of t.rows) expect(row.length).toBe(t.header.length)
      }
    }
    const settlement = table(issueBrief, "Settlement — trending (Two-sided 50/50, 2 % corridor)")
    expect(settlement.align.map((a) => (a.endsWith(":") ? "right" : "left"))).toEqual(["right", "right", "right", "right", "right", "left", "right", "right", "right", "right", "right"])
  })

  it("puts units in the money, PMPM and percent headers", () => {
    const settlement = table(issueBrief, "Settlement — trending (Two-sided 50/50, 2 % corridor)")
    expect(settlement.header).toEqual([
      "Year", "Actual ($ PMPM)", "Gross savings ($)", "Savings rate (%)", "MSR (%)", "Outcome", "Shared savings ($)", "Shared losses ($)", "Provider net ($)", "Payer net ($)", "Incentive power"
    ])
  })

  it("prints the issue brief's first trending year as derived by hand", () => {
    // Provider A: (104,280,000 + 135,576,000 + 52,800,000) / 703,500 MM = $416.00; peers pooled $431 + 3/38,425.
    // Blend 0.5/0.5 = 423.50 + 3/76,850; × 1.03 = 436.205… → $436.21.
    const build = table(issueBrief, "Benchmark build-up — trending").rows[0]
    expect(build).toEqual(["2025", "0.50", "2024", "416.00", "431.00", "423.50", "1.0300", "1.0000", "436.21"])
    // Actual 416 × 1.03 × 0.99 = 424.1952 → 424.20. Benchmark 436.21 × 703,500 = 306,873,735.00; expenditure
    // 424.1952 × 703,500 = 298,421,323.20; gross 8,452,411.80 = 2.75 % of the benchmark, above the 2 % MSR,
    // so half is shared: 4,226,205.90. Incentive power under trending is the 50 % sharing rate.
    const settle = table(issueBrief, "Settlement — trending (Two-sided 50/50, 2 % corridor)").rows[0]
    expect(settle).toEqual(["2025", "424.20", "8,452,411.80", "2.75", "2.00", "savings paid", "4,226,205.90", "0.00", "4,226,205.90", "4,226,205.90", "0.5000"])
  })

  it("prints totals in bold under each settlement and measure table, and differences against the first policy", () => {
    const net = table(issueBrief, "Provider net ($): shared savings − shared losses; Δ = policy − trending")
    expect(net.header).toEqual(["Year", "trending", "annual-rebase", "glide-to-peer", "Δ annual-rebase", "Δ glide-to-peer"])
    const total = net.rows[net.rows.length - 1]!
    expect(total[0]).toBe("Total")
    for (const cell of total.slice(1)) expect(cell).toMatch(/^\*\*-?[\d,]+\.\d\d\*\*$/)
    // 2025: glide-to-peer's λ = 1 benchmark 416 × 1.03 = 428.48 leaves savings of 1.00 %, under the 2 % MSR: nothing shared,
    // so its provider net differs from trending's by −4,226,205.90.
    expect(net.rows[0]).toEqual(["2025", "4,226,205.90", "4,226,205.90", "0.00", "0.00", "-4,226,205.90"])
  })

  it("prints one policy and no comparison for run", () => {
    const text = memo(RATCHET, "run")
    expect(text.split("\n").filter((l) => l.startsWith("#"))).toEqual(["## Ratchet — a provider that saves 2 % a year", "### Policy trending"])
    expect(table(text, "Contract totals").rows.map((r) => r[0])).toEqual(["trending"])
  })
})
