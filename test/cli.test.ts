import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../packages/cli/src/cli.js"
import { expectUserError, once, pbpsim, ROOT, stripAnsi, TIMEOUT, type Outcome } from "./support/cli.js"
import { captureIo } from "./support/io.js"

/**
 * The pbpsim command line, run in process through runCli as the bin runs it, asserting what
 * lands on stdout, stderr and the exit code. test/bin.e2e.test.ts starts the real executable.
 */
const GOOD = "packages/simulator/test/fixtures/scenario/issue-brief.yaml"
const FIXTURES = "test/fixtures/cli"
const PUF = "data/cms/mssp/py2023-aco-results-puf.csv"

describe("validate", () => {
  it.concurrent("accepts the issue-brief scenario and names its policies", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("validate", GOOD)
    expect(r.code).toBe(0)
    // The three policies listed, in file order, in issue-brief.yaml.
    expect(r.stdout).toMatch(/valid\..*policies trending, annual-rebase, periodic-restart/)
  })

  it.concurrent("reports wrong types with file, field path and what was expected", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/wrong-types.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    expect(r.stderr).toContain(`${file}: contract.startYear: expected a calendar year`)
    expect(r.stderr).toContain('got "twenty25"')
    expect(r.stderr).toContain(`${file}: benchmark.trend.rate: expected a rate`)
    expect(r.stderr).toContain('got "four percent"')
  })

  it.concurrent("reports missing fields as expected-but-got-nothing", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/missing-fields.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    // contract.startYear and the fixed trend's rate are both left out of the fixture.
    expect(r.stderr).toMatch(new RegExp(`${file}: contract\\.startYear: expected .*, got nothing`))
    expect(r.stderr).toMatch(new RegExp(`${file}: benchmark\\.trend\\.rate: expected .*, got nothing`))
  })

  it.concurrent("reports a peer that is not one of the market's entities", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/unknown-entity.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    // peers: [A, Z] → index 1 is the unknown one; the market has A and B.
    expect(r.stderr).toContain(`${file}: contract.peers[1]: expected one of the market's entities (A, B), got "Z"`)
  })

  it.concurrent("reports baseline weights that do not sum to 1, with their sum", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/weights.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    // 0.5 + 0.4 = 0.9
    expect(r.stderr).toContain(`${file}: contract.baseline.weights: expected weights summing to 1, got 0.9`)
  })

  it.concurrent("reports an experience CSV that does not exist", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("validate", `${FIXTURES}/missing-csv.yaml`)
    expectUserError(r)
    // The message names the scenario file, the field and the CSV it points at (resolved beside the scenario), and why it failed.
    expect(r.stderr).toContain(`${FIXTURES}/missing-csv.yaml: experience.csv: cannot read the experience CSV ${FIXTURES}/no-such-experience.csv`)
    expect(r.stderr).toContain("ENOENT")
  })

  it.concurrent("reports a malformed CSV line with its line number and expected fields", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("validate", `${FIXTURES}/malformed-csv.yaml`)
    expectUserError(r)
    // Line 3 of malformed.csv (header is line 1) has 3 of the header's 4 fields.
    expect(r.stderr).toContain(`${FIXTURES}/malformed.csv: line 3: expected 4 fields (entity,year,memberMonths,cost), got 3`)
  })

  it.concurrent("lists several mistakes in one file at once, one line each", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/several.yaml`
    const r = await pbpsim("validate", file)
    expectUserError(r)
    const lines = r.stderr.trim().split("\n")
    // Four planted mistakes: trend rate text, meetsStandard "yes", peer Z, weights 0.6 + 0.6 = 1.2.
    expect(lines).toHaveLength(4)
    for (const line of lines) expect(line.startsWith(`${file}: `)).toBe(true)
    expect(r.stderr).toContain("benchmark.trend.rate: expected")
    expect(r.stderr).toContain("settlement.quality.meetsStandard: expected true or false")
    expect(r.stderr).toContain("contract.peers[1]: expected one of the market's entities")
    expect(r.stderr).toContain("contract.baseline.weights: expected weights summing to 1, got 1.2")
  })
})

// Shared by the JSON, determinism and --out tests.
const compareJson = once(() => pbpsim("compare", GOOD, "--format", "json"))

describe("compare", () => {
  const json = compareJson
  const jsonAgain = once(() => pbpsim("compare", GOOD, "--format", "json"))

  it.concurrent("prints JSON with engine version, scenario hash, policies and differences", { timeout: TIMEOUT }, async () => {
    const r = await json()
    expect(r.code).toBe(0)
    const view = JSON.parse(r.stdout) as {
      engine: { version: string }
      scenario: { sha256: string }
      policies: Array<{ name: string; years: Array<unknown> }>
      differences: Array<{ policy: string; against: string }>
    }
    const pkg = JSON.parse(await readFile(join(ROOT, "packages/cli/package.json"), "utf8")) as { version: string }
    expect(view.engine.version).toBe(pkg.version)
    expect(view.scenario.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(view.policies.map((p) => p.name)).toEqual(["trending", "annual-rebase", "periodic-restart"])
    // 5-year contract; periodic-restart overlays contract.years: 3.
    expect(view.policies.map((p) => p.years.length)).toEqual([5, 5, 3])
    // Differences are taken against the first policy, one per other policy.
    expect(view.differences.map((d) => [d.policy, d.against])).toEqual([
      ["annual-rebase", "trending"],
      ["periodic-restart", "trending"]
    ])
  })

  it.concurrent("gives byte-identical JSON when run twice on the same inputs", { timeout: TIMEOUT }, async () => {
    const [a, b] = await Promise.all([json(), jsonAgain()])
    expect(a.code).toBe(0)
    expect(b.stdout).toBe(a.stdout)
  })

  it.concurrent("prints CSV with a header line and one row per policy-year", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("compare", GOOD, "--format", "csv")
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^policy,contractYear,year,/)
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>
    // trending 5 + annual-rebase 5 + periodic-restart 3 (its overlay shortens the contract) = 13
    expect(rows).toHaveLength(13)
    expect(lines).toHaveLength(14)
    expect(rows.filter((row) => row.policy === "periodic-restart").map((row) => row.year)).toEqual(["2025", "2026", "2027"])
  })

  it.concurrent("prints Markdown tables with a | Year | header", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("compare", GOOD, "--format", "markdown")
    expect(r.code).toBe(0)
    expect(r.stdout.split("\n").some((line) => line.startsWith("| Year |"))).toBe(true)
  })
})

describe("--out", () => {
  let folder = ""
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "pbpsim-e2e-"))
  })
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it("writes the file with exactly what stdout would show and leaves no temporary file", { timeout: TIMEOUT }, async () => {
    const target = join(folder, "compare.json")
    const [written, printed] = await Promise.all([pbpsim("compare", GOOD, "--format", "json", "--out", target), compareJson()])
    expect(written.code).toBe(0)
    expect(written.stdout).toBe("")
    expect(await readFile(target, "utf8")).toBe(printed.stdout)
    expect(await readdir(folder)).toEqual(["compare.json"])
  })

  it("into a missing directory fails with a clear message and leaves nothing behind", { timeout: TIMEOUT }, async () => {
    const before = await readdir(folder)
    const target = join(folder, "no-such-dir", "compare.json")
    const r = await pbpsim("compare", GOOD, "--format", "json", "--out", target)
    expectUserError(r)
    expect(r.stderr).toContain(`${target}: cannot write the output`)
    expect(r.stderr).toContain("ENOENT")
    expect(await readdir(folder)).toEqual(before)
  })
})

describe("explain", () => {
  it.concurrent("prints the benchmark waterfall and the settlement of year 2 with --verbose", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("explain", GOOD, "--policy", "annual-rebase", "--year", "2", "--verbose")
    expect(r.code).toBe(0)
    // Contract year 2 of a contract starting 2025 is calendar 2026.
    expect(r.stdout).toContain("Contract year 2 (2026) of policy annual-rebase, provider A")
    for (const rule of ["blend.convergence", "benchmark.trend", "benchmark.rounding", "settlement.msr"]) {
      expect(r.stdout).toContain(`rule ${rule}:`)
    }
    expect(r.stdout.split("\n")).toContain("Settlement")
    expect(r.stdout).toContain("source: 42 CFR 425")
  })

  it.concurrent("rejects a year outside the contract with the valid range", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("explain", GOOD, "--policy", "annual-rebase", "--year", "99")
    expectUserError(r)
    // 5 contract years from 2025: 1–5 or 2025–2029.
    expect(r.stderr).toContain("--year 99: expected a contract year 1–5 or a calendar year 2025–2029")
  })
})

describe("run", () => {
  it.concurrent("rejects an unknown policy and lists the known ones", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("run", GOOD, "--policy", "nope")
    expectUserError(r)
    expect(r.stderr).toContain(`${GOOD}: no policy named "nope"; the scenario has trending, annual-rebase, periodic-restart`)
  })
})

describe("schema", () => {
  it.concurrent("prints a JSON Schema", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("schema")
    expect(r.code).toBe(0)
    const schema = JSON.parse(r.stdout) as Record<string, unknown>
    expect("$schema" in schema || "properties" in schema).toBe(true)
  })
})

describe("reconcile", () => {
  it.concurrent("re-settles every PY2023 savings row within $1", { timeout: TIMEOUT }, async () => {
    const [r, text] = await Promise.all([pbpsim("reconcile", PUF, "--format", "json"), readFile(join(ROOT, PUF), "utf8")])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { summary: { savingsRows: number; savingsWithinDollar: number } }
    // Counted from the PUF itself: ACOs with positive earned savings (EarnSaveLoss > 0) — 313 in PY2023.
    const records = parse(text, { columns: true, bom: true, trim: true }) as Array<Record<string, string>>
    const earning = records.filter((row) => Number(row.EarnSaveLoss) > 0).length
    expect(earning).toBe(313)
    expect(report.summary.savingsRows).toBe(earning)
    expect(report.summary.savingsWithinDollar).toBe(313)
  })

  it.concurrent("rejects a CSV missing required columns and names them", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/puf-two-columns.csv`
    const r = await pbpsim("reconcile", file)
    expectUserError(r)
    expect(r.stderr).toContain(`${file}: this is not an MSSP results file of the expected layout; missing columns`)
    // Columns the MSSP settlement cannot do without; the fixture has only ACO_ID and ACO_Name.
    for (const column of ["Sav_rate", "MinSavPerc", "EarnSaveLoss", "QualScore", "FinalShareRate"]) expect(r.stderr).toContain(column)
    expect(r.stderr).not.toMatch(/missing columns.*ACO_ID/)
  })
})

describe("--help", () => {
  for (const command of ["validate", "run", "compare", "explain", "simulate", "merge", "report", "schema", "reconcile"]) {
    it.concurrent(`works on ${command}`, { timeout: TIMEOUT }, async () => {
      const r = await pbpsim(command, "--help")
      expect(r.code).toBe(0)
      const text = stripAnsi(r.stdout)
      expect(text).toContain("USAGE")
      expect(text).toContain(`$ ${command}`)
      expect(text).toContain(`Example: pbpsim ${command}`)
    })
  }

  it.concurrent("works on pbpsim itself and lists the commands", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("--help")
    expect(r.code).toBe(0)
    const text = stripAnsi(r.stdout)
    for (const command of ["validate", "run", "compare", "explain", "schema", "reconcile"]) expect(text).toContain(command)
  })
})

describe("terminal conventions", () => {
  const help = async (color: boolean, columns: number) => {
    const { io, stdout } = captureIo({ color, columns })
    expect(await runCli(["compare", "--help"], io)).toBe(0)
    return stdout()
  }

  it("colours help only when the terminal allows it", async () => {
    expect(await help(true, 80)).toContain("\u001b[")
    expect(await help(false, 80)).not.toContain("\u001b[")
  })

  it("wraps help to the terminal's width, keeping every word", async () => {
    const narrow = await help(false, 60)
    const wide = await help(false, 400)
    expect(Math.max(...narrow.split("\n").map((line) => line.length))).toBeLessThanOrEqual(60)
    // The compare description is one 200-odd character line unwrapped.
    expect(Math.max(...wide.split("\n").map((line) => line.length))).toBeGreaterThan(100)
    const words = (text: string) => text.split(/\s+/).filter((w) => w !== "")
    expect(words(narrow)).toEqual(words(wide))
  })

  for (const name of ["issue-brief", "mssp-enhanced", "commercial-aqc", "ratchet", "mssp-basic-glide", "lan-contract", "safety-net"]) {
    it.concurrent(`keeps the default ${name} comparison within 120 columns and --wide on one line per row`, { timeout: TIMEOUT }, async () => {
      const [grouped, wide] = await Promise.all([pbpsim("compare", `scenarios/${name}.yaml`), pbpsim("compare", `scenarios/${name}.yaml`, "--wide")])
      const widest = (text: string) => Math.max(...text.split("\n").map((line) => line.length))
      expect(widest(grouped.stdout)).toBeLessThanOrEqual(120)
      expect(grouped.stdout).toContain("(continued, 2 of 2)")
      // The policy table has 18 columns; on one line it is far wider than 120.
      expect(widest(wide.stdout)).toBeGreaterThan(160)
      expect(wide.stdout).not.toContain("(continued")
    })
  }
})
