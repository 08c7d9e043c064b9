import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { formatWarning, type ScenarioWarning } from "@pbpsim/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { printWarnings } from "../packages/cli/src/warnings.js"
import { expectUserError, pbpsim, TIMEOUT } from "./support/cli.js"
import { captureIo } from "./support/io.js"

/**
 * `pbpsim validate` means the scenario runs: what the exact engine or the Monte Carlo would
 * refuse, and figures nobody means (a trend of 4.5), are reported by validate as
 * `file: field: expected …, got …`, all at once; unusual figures are warnings on stderr.
 */

const ISSUE_BRIEF = "scenarios/issue-brief.yaml"
let dir = ""
let brief = ""

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pbpsim-validate-"))
  brief = await readFile(ISSUE_BRIEF, "utf8")
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes a variant of the issue-brief scenario and returns its path. */
const variant = async (name: string, edit: (text: string) => string): Promise<string> => {
  const file = join(dir, name)
  const text = edit(brief)
  if (text === brief) throw new Error(`${name}: the edit changed nothing`)
  await writeFile(file, text)
  return file
}

describe("validate", () => {
  for (const file of ["scenarios/issue-brief.yaml", "scenarios/mssp-enhanced.yaml", "scenarios/commercial-aqc.yaml", "scenarios/ratchet.yaml"]) {
    it.concurrent(`accepts ${file} without errors or warnings`, { timeout: TIMEOUT }, async () => {
      const r = await pbpsim("validate", file)
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^${file.replace(".", "\\.")}: valid\\. `))
    })
  }

  it.concurrent("reports what the engine refuses in every policy at once, at its field, naming the policy", { timeout: TIMEOUT }, async () => {
    // A has 400 members (a variable MSR needs 500); the rolling policy's 3 weights also reach back to 2022, before any experience.
    const file = await variant("engine.yaml", (t) =>
      t
        .replace('msr: { fixed: "0.02" }', "msr: mssp-variable")
        .replace("memberMonths: 260700, cost: \"104280000.00\"", "memberMonths: 1200, cost: \"480000.00\"")
        .replace("memberMonths: 322800, cost: \"135576000.00\"", "memberMonths: 1200, cost: \"504000.00\"")
        .replace("memberMonths: 120000, cost: \"52800000.00\"", "memberMonths: 2400, cost: \"1056000.00\"")
        .replace(
          "  - name: glide-to-peer",
          '  - name: rolling\n    overlay: { settlement: { msr: { fixed: "0.02" } }, benchmark: { rebasing: { kind: rolling, weights: ["0.2", "0.3", "0.5"] } } }\n  - name: glide-to-peer'
        )
    )
    const r = await pbpsim("validate", file)
    expectUserError(r)
    const lines = r.stderr.trim().split("\n")
    expect(lines).toEqual([
      `${file}: settlement.msr: expected at least 500 assigned members (member months ÷ 12) in every contract year, where MSSP's variable MSR table starts, got 400 assigned members in 2025, 400 in 2026, 400 in 2027, 400 in 2028, 400 in 2029; give a fixed MSR ({ fixed: "0.02" }) for a smaller provider (policies trending, annual-rebase, glide-to-peer)`,
      `${file}: policies[2].overlay.benchmark.rebasing.weights: expected weights reaching back only to years with experience (a rebase takes the latest 3 realised years), got a rebase that needs A in 2023, which has no experience; add the year's experience or give fewer weights (policy rolling)`
    ])
    // run refuses the same scenario, without a stack trace.
    expectUserError(await pbpsim("run", file))
  })

  it.concurrent("refuses an entity with no rows when any command reads the scenario, with the same line", { timeout: TIMEOUT }, async () => {
    const file = await variant("no-rows.yaml", (t) => t.replace("    - { id: C, name: Health System C }", "    - { id: C, name: Health System C }\n    - { id: D, name: Health System D }"))
    const line = `${file}: experience: expected experience for every market entity in 2024, the year before the contract starts (each entity's projection starts from it), got none for D\n`
    for (const args of [["validate", file], ["run", file], ["compare", file, "--format", "csv"], ["simulate", file, "-n", "1000", "-q"]]) {
      const r = await pbpsim(...args)
      expectUserError(r)
      expect(r.stderr, args[0]).toBe(line)
    }
  })

  it.concurrent("refuses an observed trend lacking a history year at benchmark.trend", { timeout: TIMEOUT }, async () => {
    const file = await variant("observed.yaml", (t) =>
      t
        .replace('baseline: { years: [2024], weights: ["1"] }', 'baseline: { years: [2023, 2024], weights: ["0.5", "0.5"] }')
        .replace("peers: [A, B, C]", "peers: [A, B]")
        .replace('trend: { kind: fixed, rate: "0.03" }', "trend: { kind: observed, source: market }")
        .replace(
          "experience:\n",
          'experience:\n  - { entity: A, year: 2023, memberMonths: 703500, cost: "283000000.00" }\n  - { entity: B, year: 2023, memberMonths: 616476, cost: "255000000.00" }\n'
        )
        .replace(/ {2}- \{ entity: A, group: A\d.*\n/g, "")
        .replace("{ id: A, name: Health System A, groups: [A1, A2, A3] }", "{ id: A, name: Health System A }")
        .replace("experience:\n", 'experience:\n  - { entity: A, year: 2024, memberMonths: 703500, cost: "292656000.00" }\n')
    )
    const r = await pbpsim("validate", file)
    expectUserError(r)
    // C, in the market but no peer, has no 2023 row: the market's growth of 2024 cannot be observed.
    expect(r.stderr).toBe(
      `${file}: benchmark.trend: expected experience for every market entity in 2023–2024 (the observed market growth of 2024 compares each year with the one before), got none for C in 2023\n`
    )
  })

  it.concurrent("refuses figures typed as percentages, with the hint, in validate and run alike", { timeout: TIMEOUT }, async () => {
    const file = await variant("percent.yaml", (t) => t.replace('trend: { kind: fixed, rate: "0.03" }', "trend: { kind: fixed, rate: 4.5 }").replace('marketTrend: "0.03"', 'marketTrend: "0.03"\n  default: { memberGrowth: 5 }'))
    const expected = [
      `${file}: benchmark.trend.rate: expected an annual trend rate of at most 0.5 (50 %), got 4.5 (450 % a year); did you mean 0.045 (4.5 %)? Rates are fractions: 0.04 = 4 %`,
      `${file}: projection.default.memberGrowth: expected an annual growth of member months of at most 1 (100 %), got 5 (500 % a year); did you mean 0.05 (5 %)? Rates are fractions: 0.04 = 4 %`
    ]
    for (const command of ["validate", "run"]) {
      const r = await pbpsim(command, file)
      expectUserError(r)
      expect(r.stderr.trim().split("\n"), command).toEqual(expected)
    }
  })
})

describe("warnings", () => {
  const unusual = () =>
    variant("unusual.yaml", (t) => t.replace('trend: { kind: fixed, rate: "0.03" }', 'trend: { kind: fixed, rate: "0.2" }').replace('cost: "239661768.00" }', 'cost: "239661768.00", riskScore: "3.5" }'))
  const warningLines = (file: string) => [
    `${file}: benchmark.trend.rate: warning: 0.2 (20 % a year) is unusual for an annual trend rate, above 0.15 (15 %): US health spending per person has grown by about 2–10 % a year since 1990 (CMS National Health Expenditure Accounts)`,
    `${file}: experience[4].riskScore: warning: 3.5 is unusual for an average risk score, above 3: risk scores are normalised to 1 for an average population, and the average of a whole population seldom leaves 0.3–3`
  ]

  it.concurrent("validate prints them on stderr, counts them in its verdict and exits 0", { timeout: TIMEOUT }, async () => {
    const file = await unusual()
    const r = await pbpsim("validate", file)
    expect(r.code).toBe(0)
    expect(r.stderr.trim().split("\n")).toEqual(warningLines(file))
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: valid, 2 warnings\\. Issue brief`))
  })

  it.concurrent("compare prints them on stderr only: its CSV on stdout stays clean", { timeout: TIMEOUT }, async () => {
    const file = await unusual()
    const r = await pbpsim("compare", file, "--format", "csv")
    expect(r.code).toBe(0)
    expect(r.stderr.trim().split("\n")).toEqual(warningLines(file))
    expect(r.stdout.split("\n")[0]).toMatch(/^policy,contractYear,year,/)
    expect(r.stdout).not.toContain("warning")
  })

  it.concurrent("come before the errors when a scenario has both", { timeout: TIMEOUT }, async () => {
    const file = await variant("both.yaml", (t) => t.replace('trend: { kind: fixed, rate: "0.03" }', 'trend: { kind: fixed, rate: "0.2" }').replace('marketTrend: "0.03"', 'marketTrend: "3"'))
    const r = await pbpsim("validate", file)
    expectUserError(r)
    const lines = r.stderr.trim().split("\n")
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/: benchmark\.trend\.rate: warning: 0\.2 /)
    expect(lines[1]).toMatch(/: projection\.marketTrend: expected an annual trend rate of at most 0\.5 \(50 %\), got 3 \(300 % a year\); did you mean 0\.03/)
  })
})

describe("printWarnings", () => {
  it("prints each warning as formatWarning writes it: escaped, clipped, on standard error", () => {
    const { io, stdout, stderr } = captureIo()
    const warning: ScenarioWarning = { file: "x\u001b[2J.yaml", path: "benchmark.trend.rate", expected: "e", actual: "a", message: `0.2 is unusual ${"long ".repeat(200)}` }
    printWarnings(io)([warning, { ...warning, path: "" }])
    expect(stdout()).toBe("")
    expect(stderr()).toBe(`${formatWarning(warning)}\n${formatWarning({ ...warning, path: "" })}\n`)
    expect(stderr()).toContain("x\\u001b[2J.yaml: benchmark.trend.rate: warning: 0.2 is unusual long")
    // Clipped with … like every printed message line.
    expect(stderr().split("\n")[0]!.endsWith("…")).toBe(true)
  })

  it("prints at most 100 and counts the rest", () => {
    const { io, stderr } = captureIo()
    const warning: ScenarioWarning = { file: "x.yaml", path: "p", expected: "e", actual: "a", message: "m" }
    printWarnings(io)(Array.from({ length: 102 }, () => warning))
    const lines = stderr().trim().split("\n")
    expect(lines).toHaveLength(101)
    expect(lines[100]).toBe("… and 2 more warnings (102 in all)")
  })
})
