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

/** The real CLI's JSON, spawned once per scenario: the parity check holds against what users get. */
const compareJson = (file: string): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) =>
    execFile(join(ROOT, "node_modules/.bin/pbpsim"), ["compare", file, "--format", "json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`compare ${file} failed: ${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, unknown>)
    )
  )

interface ChartCheck {
  readonly id: string
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
  view: td.dataset.view, policy: td.dataset.policy, against: td.dataset.against, year: td.dataset.year, field: td.dataset.field, text: td.textContent
}))`

interface Opened {
  readonly charts: ReadonlyArray<ChartCheck>
  readonly cells: ReadonlyArray<CellTag>
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
      cells: ((await page.evaluate(TAGGED_CELLS)) as ReadonlyArray<CellTag & { against: string | null }>).map((c) => ({ ...c, against: c.against ?? undefined })),
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
    const [issueBriefJson, ratchetJson] = await Promise.all([compareJson("scenarios/issue-brief.yaml"), compareJson("scenarios/ratchet.yaml")])
    json.set("issue-brief", issueBriefJson)
    json.set("ratchet", ratchetJson)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
    })
    const build = (scenario: string, extra: Partial<Parameters<typeof reportHtml>[0]> = {}) =>
      Effect.runPromise(reportHtml({ scenario, requested: [], ...extra }))
    opened.set("issue-brief", await open("issue-brief", await build("scenarios/issue-brief.yaml")))
    opened.set("ratchet", await open("ratchet", await build("scenarios/ratchet.yaml")))
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

  it.each(["issue-brief", "ratchet", "issue-brief-simulated", "ratchet-simulated"])("%s: opens with no console error and no network request", (name) => {
    const o = opened.get(name)!
    expect(o.consoleErrors).toEqual([])
    expect(o.blocked).toEqual([])
    expect(o.failed).toEqual([])
  })

  it.each([
    // 3 policies × 4 charts + 4 comparison charts
    ["issue-brief", 16],
    ["ratchet", 16],
    // 2 policies × 4 + 4 comparison + 2 × 3 fan charts + 1 pair × 2
    ["issue-brief-simulated", 20],
    // 3 policies × 4 + 4 + 3 × 3 fan charts + 2 pairs (each policy against the first) × 2
    ["ratchet-simulated", 29]
  ] as const)("%s: draws all %i charts, each an SVG with marks, a title and axis titles", (name, count) => {
    const charts = opened.get(name)!.charts
    expect(charts).toHaveLength(count)
    for (const c of charts) {
      expect({ id: c.id, svgs: c.svgs }).toEqual({ id: c.id, svgs: 1 })
      expect(c.drawnMarks, `${c.id} has drawn marks`).toBeGreaterThan(0)
      expect(c.title, `${c.id} has an SVG title`).not.toBe("")
      expect(c.vegaTitle, `${c.id} shows its title`).toBe(c.title)
      expect(c.axisTitles, `${c.id} titles its x axis`).toContain("Contract year")
      expect(c.axisTitles.length, `${c.id} titles its y axis`).toBeGreaterThanOrEqual(2)
      expect(c.width).toBeGreaterThan(200)
      expect(c.height).toBeGreaterThan(150)
    }
  })

  it.each(["issue-brief", "ratchet"])("%s: every table figure the browser reads equals compare --format json", (name) => {
    const o = opened.get(name)!
    expect(o.tables).toBeGreaterThan(10)
    expect(o.cells.length).toBeGreaterThan(100)
    const compared = json.get(name)!
    for (const c of o.cells) expect({ at: [c.view, c.policy, c.against, c.year, c.field], text: c.text }).toEqual({ at: [c.view, c.policy, c.against, c.year, c.field], text: expectedFigure(c, compared) })
  })

  it("issue-brief-simulated: every simulated figure the browser reads equals the simulation view", () => {
    const cells = opened.get("issue-brief-simulated")!.cells.filter((c) => c.view === "simulation" || c.view === "pair")
    expect(cells.length).toBeGreaterThan(100)
    for (const c of cells) expect({ at: [c.view, c.policy, c.against, c.year, c.field], text: c.text }).toEqual({ at: [c.view, c.policy, c.against, c.year, c.field], text: expectedFigure(c, {}, SIMULATION as unknown as Record<string, unknown>) })
  })

  it("saves a full-page screenshot of each report", () => {
    for (const name of opened.keys()) expect(existsSync(join(ARTIFACTS, `report-${name}.png`))).toBe(true)
  })
})
