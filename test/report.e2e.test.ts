import { execFile } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { Effect } from "effect"
import { chromium, type Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { reportHtml } from "../packages/cli/src/actions/report.js"
import type { SimulationView } from "../packages/cli/src/render/simulationView.js"
import { expectedFigure, type CellTag } from "./fixtures/report/figures.js"
import { cents, viewOfText } from "./support/reportCells.js"

/**
 * The HTML report opened in headless Chromium (Debian's package) with every network request
 * blocked: the charts must draw, nothing may be fetched or logged as an error, and every
 * table figure the browser parses must equal what `pbpsim compare --format json` prints.
 * A full-page screenshot of each report lands in test/artifacts/ (gitignored).
 */
const ROOT = join(import.meta.dirname, "..")
const CHROMIUM = "/usr/bin/chromium"
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(
    `report.e2e: skipped, ${CHROMIUM} is missing. Install Debian's Chromium to run the browser test: ` +
      "apt-get update && apt-get install -y chromium (CI's .ci/run does this when apt-get is available)."
  )
}
const ARTIFACTS = join(ROOT, "test/artifacts")
const SIMULATION = JSON.parse(readFileSync(join(ROOT, "test/fixtures/report/simulation-view.json"), "utf8")) as SimulationView
const TIMEOUT = 180_000
/** A scenario whose settlement is 0 in every year (test/fixtures/report/all-zero.yaml). */
const ALL_ZERO = "test/fixtures/report/all-zero.yaml"

/** The real CLI's JSON, spawned once per scenario: the parity check holds against what users get. */
const compareJson = (file: string): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) =>
    execFile(join(ROOT, "node_modules/.bin/pbpsim"), ["compare", file, "--format", "json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`compare ${file} failed: ${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, unknown>)
    )
  )

interface ChartCheck {
  readonly id: string
  readonly empty: boolean
  readonly emptyNote: string
  readonly svgs: number
  readonly title: string
  readonly vegaTitle: string
  readonly axisTitles: ReadonlyArray<string>
  readonly drawnMarks: number
  readonly width: number
  readonly height: number
}

// Runs in the page (a string, so this file needs no DOM typings): every chart figure, its SVG and how many data marks have area.
const CHART_CHECKS = `[...document.querySelectorAll("figure[data-chart]")].map((f) => {
  const svg = f.querySelector("svg")
  const marks = svg ? [...svg.querySelectorAll(".role-mark path, .role-mark line, .role-mark rect")] : []
  const drawn = marks.filter((m) => {
    const d = m.getAttribute("d")
    if (m.tagName === "path" && (!d || d.trim() === "")) return false
    const box = m.getBBox()
    return box.width > 0 || box.height > 0
  })
  const r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 }
  return {
    id: f.id,
    empty: f.hasAttribute("data-empty"),
    emptyNote: f.querySelector(".chart-empty-note")?.textContent ?? "",
    svgs: f.querySelectorAll("svg").length,
    title: svg?.querySelector(":scope > title")?.textContent ?? "",
    vegaTitle: svg?.querySelector(".role-title-text text")?.textContent ?? "",
    axisTitles: svg ? [...svg.querySelectorAll(".role-axis-title text")].map((t) => t.textContent) : [],
    drawnMarks: drawn.length,
    width: r.width,
    height: r.height
  }
})`

const TAGGED_CELLS = `[...document.querySelectorAll("td[data-view]")].map((td) => ({
  view: td.dataset.view, policy: td.dataset.policy, against: td.dataset.against, year: td.dataset.year, field: td.dataset.field, value: td.dataset.value, text: td.textContent
}))`

// Every element that shows text of its own (HTML and SVG, details opened so their tables lay out): its computed font size.
const SMALL_TEXT = `(() => {
  for (const d of document.querySelectorAll("details")) d.open = true
  const shown = [...document.querySelectorAll("body *")].filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== ""))
  const svgText = shown.filter((el) => el.closest("svg") && el.tagName === "text").length
  const small = shown.filter((el) => el.closest("svg") ? el.tagName === "text" : !["title", "desc", "style"].includes(el.tagName)).filter((el) => parseFloat(getComputedStyle(el).fontSize) < 12)
  return { checked: shown.length, svgText, small: small.map((el) => el.tagName + " " + getComputedStyle(el).fontSize + " " + el.textContent.slice(0, 40)) }
})()`

// Tables: the box around each scrolls sideways, and nothing widens the page.
const LAYOUT = `({
  tables: document.querySelectorAll("table").length,
  scrolling: [...document.querySelectorAll("table")].filter((t) => getComputedStyle(t.parentElement).overflowX === "auto").length,
  pageWidth: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
  dashes: [...document.querySelectorAll("#glance-benchmark-actual .role-mark path[aria-roledescription='line mark']")].map((p) => getComputedStyle(p).strokeDasharray),
  best: Object.fromEntries(["provider", "payer"].map((party) => [party, [...document.querySelectorAll("[data-best-for='" + party + "']")].map((e) => e.textContent)]))
})`

interface Layout {
  readonly tables: number
  readonly scrolling: number
  readonly pageWidth: number
  readonly viewport: number
  readonly dashes: ReadonlyArray<string>
  readonly best: { readonly provider: ReadonlyArray<string>; readonly payer: ReadonlyArray<string> }
}

type Cell = CellTag & { readonly value: string | undefined }

interface Opened {
  readonly charts: ReadonlyArray<ChartCheck>
  readonly cells: ReadonlyArray<Cell>
  readonly layout: Layout
  readonly text: { readonly checked: number; readonly svgText: number; readonly small: ReadonlyArray<string> }
  readonly tables: number
  readonly consoleErrors: ReadonlyArray<string>
  readonly blocked: ReadonlyArray<string>
  readonly failed: ReadonlyArray<string>
}

describe.skipIf(!hasChromium)("HTML report in headless Chromium", () => {
  let browser: Browser | undefined
  let folder = ""
  const opened = new Map<string, Opened>()
  const json = new Map<string, Record<string, unknown>>()

  /** Write the report, open it offline, screenshot it and collect what the page says about itself. */
  const open = async (name: string, html: string): Promise<Opened> => {
    const file = join(folder, `report-${name}.html`)
    await writeFile(file, html, "utf8")
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } })
    const consoleErrors: Array<string> = []
    const blocked: Array<string> = []
    const failed: Array<string> = []
    page.on("console", (m) => (m.type() === "error" ? consoleErrors.push(m.text()) : undefined))
    page.on("pageerror", (e) => consoleErrors.push(e.message))
    page.on("requestfailed", (r) => failed.push(r.url()))
    await page.route("**", (route) => {
      const url = route.request().url()
      if (url.startsWith("file:")) return route.continue()
      blocked.push(url)
      return route.abort()
    })
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" })
    const screenshot = join(ARTIFACTS, `report-${name}.png`)
    await rm(screenshot, { force: true })
    await page.screenshot({ path: screenshot, fullPage: true })
    const result: Opened = {
      charts: (await page.evaluate(CHART_CHECKS)) as ReadonlyArray<ChartCheck>,
      cells: ((await page.evaluate(TAGGED_CELLS)) as ReadonlyArray<Cell & { against: string | null }>).map((c) => ({ ...c, against: c.against ?? undefined })),
      layout: (await page.evaluate(LAYOUT)) as Layout,
      text: (await page.evaluate(SMALL_TEXT)) as Opened["text"],
      tables: (await page.evaluate(`document.querySelectorAll("table").length`)) as number,
      consoleErrors,
      blocked,
      failed
    }
    await page.close()
    return result
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true })
    folder = await mkdtemp(join(tmpdir(), "pbpsim-report-e2e-"))
    const [issueBriefJson, ratchetJson, allZeroJson] = await Promise.all([compareJson("scenarios/issue-brief.yaml"), compareJson("scenarios/ratchet.yaml"), compareJson(ALL_ZERO)])
    json.set("issue-brief", issueBriefJson)
    json.set("ratchet", ratchetJson)
    json.set("all-zero", allZeroJson)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
    })
    const build = (scenario: string, extra: Partial<Parameters<typeof reportHtml>[0]> = {}) =>
      Effect.runPromise(reportHtml({ scenario, requested: [], ...extra }))
    opened.set("issue-brief", await open("issue-brief", await build("scenarios/issue-brief.yaml")))
    opened.set("ratchet", await open("ratchet", await build("scenarios/ratchet.yaml")))
    opened.set("all-zero", await open("all-zero", await build(ALL_ZERO)))
    opened.set(
      "issue-brief-simulated",
      await open(
        "issue-brief-simulated",
        await build("scenarios/issue-brief.yaml", {
          requested: ["trending", "annual-rebase"],
          simulation: { trials: SIMULATION.trials, seed: SIMULATION.seed, workers: 1, quiet: true },
          simulate: () => Effect.succeed(SIMULATION)
        })
      )
    )
    // The real Monte Carlo pipeline (simulate's), small enough to stay quick.
    opened.set("ratchet-simulated", await open("ratchet-simulated", await build("scenarios/ratchet.yaml", { simulation: { trials: 2000, seed: "1", workers: 1, quiet: true } })))
  }, TIMEOUT)

  afterAll(async () => {
    await browser?.close()
    if (folder) await rm(folder, { recursive: true, force: true })
  })

  it.each(["issue-brief", "ratchet", "all-zero", "issue-brief-simulated", "ratchet-simulated"])("%s: opens with no console error and no network request", (name) => {
    const o = opened.get(name)!
    expect(o.consoleErrors).toEqual([])
    expect(o.blocked).toEqual([])
    expect(o.failed).toEqual([])
  })

  it.each([
    // 4 at a glance + 3 policies × 4 charts + 4 comparison charts + the sensitivity tornado
    ["issue-brief", 21],
    ["ratchet", 21],
    // 4 + 2 policies × 4 + 4 comparison + 1 tornado + 2 × 3 fan charts + 1 pair × 2
    ["issue-brief-simulated", 25],
    // 4 + 3 policies × 4 + 4 + 1 + 3 × 3 fan charts + 2 pairs (each policy against the first) × 2
    ["ratchet-simulated", 34]
  ] as const)("%s: draws all %i charts, each an SVG with marks, a title and axis titles", (name, count) => {
    const charts = opened.get(name)!.charts
    expect(charts).toHaveLength(count)
    for (const c of charts) {
      // The fixture's P(a better than b) is 0 in every year: that chart says so instead of drawing.
      expect(c.empty, `${c.id} is drawn`).toBe(name === "issue-brief-simulated" && c.id === "sim-pair-0-probability")
      if (c.empty) {
        expect(c.emptyNote).toMatch(/: all values are 0: nothing to draw\.$/)
        continue
      }
      expect({ id: c.id, svgs: c.svgs }).toEqual({ id: c.id, svgs: 1 })
      expect(c.drawnMarks, `${c.id} has drawn marks`).toBeGreaterThan(0)
      expect(c.title, `${c.id} has an SVG title`).not.toBe("")
      // The tornado's two panels show their own titles (provider net, payer cost); its SVG title names the whole.
      expect(c.vegaTitle, `${c.id} shows its title`).toBe(c.id === "sensitivity-chart" ? "Provider net" : c.title)
      expect(c.axisTitles, `${c.id} titles its x axis`).toContain(
        c.id === "glance-waterfall" ? "Step of the 2025 benchmark (trending)" : c.id === "sensitivity-chart" ? "Provider net over the contract ($)" : "Contract year"
      )
      expect(c.axisTitles.length, `${c.id} titles its y axis`).toBeGreaterThanOrEqual(2)
      expect(c.width).toBeGreaterThan(200)
      expect(c.height).toBeGreaterThan(150)
    }
  })

  it.each(["issue-brief", "ratchet", "all-zero"])("%s: every table figure the browser reads equals compare --format json, only made readable", (name) => {
    const o = opened.get(name)!
    expect(o.tables).toBeGreaterThan(10)
    const cells = o.cells.filter((c) => c.view !== "derived")
    expect(cells.length).toBeGreaterThan(100)
    const compared = json.get(name)!
    for (const c of cells) expect({ at: [c.view, c.policy, c.against, c.year, c.field], value: c.value, shows: viewOfText(c.text) }).toEqual({ at: [c.view, c.policy, c.against, c.year, c.field], value: expectedFigure(c, compared), shows: c.value })
  })

  it("issue-brief-simulated: every simulated figure the browser reads equals the simulation view", () => {
    const cells = opened.get("issue-brief-simulated")!.cells.filter((c) => c.view === "simulation" || c.view === "pair")
    expect(cells.length).toBeGreaterThan(100)
    for (const c of cells) expect({ at: [c.view, c.policy, c.against, c.year, c.field], value: c.value, shows: viewOfText(c.text) }).toEqual({ at: [c.view, c.policy, c.against, c.year, c.field], value: expectedFigure(c, {}, SIMULATION as unknown as Record<string, unknown>), shows: c.value })
  })

  it.each(["issue-brief", "ratchet", "all-zero"])("%s: the totals at the top equal compare --format json's, and the best-policy line names the right policies", (name) => {
    const o = opened.get(name)!
    const compared = json.get(name)! as { policies: Array<{ name: string; totals: { expenditure: string; providerNet: string; payerNet: string } }> }
    const at = (policy: string, field: string) => o.cells.find((c) => c.year === "total" && c.policy === policy && c.field === field && (field === "payerCost" ? c.view === "derived" : c.view === "comparison"))!
    const payerCost = (p: (typeof compared.policies)[number]) => cents(p.totals.expenditure) + cents(p.totals.providerNet)
    for (const p of compared.policies) {
      expect(at(p.name, "providerNet").value).toBe(p.totals.providerNet)
      expect(at(p.name, "payerNet").value).toBe(p.totals.payerNet)
      expect(cents(at(p.name, "payerCost").value!)).toBe(payerCost(p))
    }
    // Best for the provider: the highest provider net; for the payer: the lowest expenditure + provider net (every tied policy).
    const top = (score: (p: (typeof compared.policies)[number]) => bigint) => {
      const best = compared.policies.map(score).reduce((a, b) => (b > a ? b : a))
      return compared.policies.filter((p) => score(p) === best).map((p) => p.name)
    }
    expect(o.layout.best.provider).toEqual(top((p) => cents(p.totals.providerNet)))
    expect(o.layout.best.payer).toEqual(top((p) => -payerCost(p)))
    // By hand (report.test.ts has the figures): the issue brief's provider prefers trending, its payer annual-rebase.
    if (name === "issue-brief") expect(o.layout.best).toEqual({ provider: ["trending"], payer: ["annual-rebase"] })
  })

  it("issue-brief: the waterfall the browser reads reconciles step by step to the 2025 benchmark PMPM", () => {
    const o = opened.get("issue-brief")!
    const trending = (json.get("issue-brief")! as { policies: Array<{ years: Array<{ benchmarkPmpm: string; providerBaseline: string }> }> }).policies[0]!.years[0]!
    const step = (i: number, what: string) => cents(o.cells.find((c) => c.view === "derived" && c.field === `waterfall.${i}.${what}`)!.value!)
    let running = step(0, "after")
    expect(running).toBe(cents(trending.providerBaseline))
    for (let i = 1; i <= 6; i++) {
      expect(step(i, "before")).toBe(running)
      running += step(i, "change")
      expect(step(i, "after")).toBe(running)
    }
    expect(running).toBe(cents(trending.benchmarkPmpm))
    expect(step(7, "after")).toBe(cents(trending.benchmarkPmpm))
  })

  it.each(["issue-brief", "ratchet", "all-zero", "issue-brief-simulated", "ratchet-simulated"])("%s: no text below 12 px, tables scroll in their box, the page does not overflow", (name) => {
    const o = opened.get(name)!
    expect(o.text.svgText).toBeGreaterThan(100)
    expect(o.text.small).toEqual([])
    expect(o.layout.scrolling).toBe(o.layout.tables)
    expect(o.layout.pageWidth).toBeLessThanOrEqual(o.layout.viewport)
  })

  it.each(["issue-brief", "ratchet"])("%s: each line of the benchmark vs actual chart has its own dash pattern", (name) => {
    const dashes = opened.get(name)!.layout.dashes
    // One benchmark per policy and the actual line.
    expect(dashes).toHaveLength(4)
    expect(new Set(dashes).size).toBe(4)
  })

  it("all-zero: charts of all-zero figures say so instead of drawing", () => {
    const charts = opened.get("all-zero")!.charts
    const empty = charts.filter((c) => c.empty)
    expect(empty.map((c) => c.id)).toEqual(["glance-cumulative-provider", "compare-provider-net", "compare-incentive", "policy-0-settlement", "policy-0-incentive", "policy-1-settlement", "policy-1-incentive"])
    for (const c of empty) {
      expect(c.svgs).toBe(0)
      expect(c.emptyNote).toMatch(/: all values are 0: nothing to draw\.$/)
    }
    for (const c of charts.filter((x) => !x.empty)) expect(c.drawnMarks, c.id).toBeGreaterThan(0)
  })

  it("saves a full-page screenshot of each report", () => {
    for (const name of opened.keys()) expect(existsSync(join(ARTIFACTS, `report-${name}.png`))).toBe(true)
  })
})
