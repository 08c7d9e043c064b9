import { readFileSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { open, type WhatIfSession } from "../packages/simulator/src/browser.js"
import { expectUserError, pbpsim, TIMEOUT } from "./support/cli.js"

/**
 * `pbpsim whatif`: the command writes one self-contained page (no fetchable URL, the scenario
 * and its CSV inside, the engine inline), and the page's engine module (the same one the page
 * bundles) gives what `compare --format json` prints, also for an edit saved as YAML.
 */
const ISSUE_BRIEF = "scenarios/issue-brief.yaml"
const ENHANCED = "scenarios/mssp-enhanced.yaml"

const compareJson = async (file: string, policies?: string): Promise<{ policies: Array<Record<string, unknown> & { name: string; years: Array<Record<string, unknown>> }> }> => {
  const r = await pbpsim("compare", file, "--format", "json", ...(policies ? ["--policies", policies] : []))
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

const withoutIncentive = (run: { years: ReadonlyArray<Record<string, unknown>> }) => ({
  ...run,
  years: run.years.map(({ incentivePower: _p, incentiveCliffs: _c, ...y }) => y)
})

const sessionOf = (path: string, csv: Record<string, string> = {}): WhatIfSession => {
  const opened = open({ file: path.replace(/^.*\//, ""), text: readFileSync(path, "utf8"), csv })
  if (!opened.ok) throw new Error(JSON.stringify(opened.issues))
  return opened.session
}

describe("pbpsim whatif", () => {
  let folder = ""
  const pages = new Map<string, string>()
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "pbpsim-whatif-"))
    for (const [name, file] of [["issue-brief", ISSUE_BRIEF], ["enhanced", ENHANCED]] as const) {
      const out = join(folder, `${name}.html`)
      const r = await pbpsim("whatif", file, "--out", out)
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
      pages.set(name, await readFile(out, "utf8"))
    }
  }, TIMEOUT)
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true })
  })

  it("writes one HTML page that fetches nothing: no src or href to http(s), no external script or stylesheet", () => {
    for (const html of pages.values()) {
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true)
      expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i)
      expect(html).not.toMatch(/<script[^>]*\ssrc=/i)
      expect(html).not.toMatch(/<link[^>]*stylesheet/i)
      expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i)
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`)
      // the engine and the page script inline, each in one script element
      expect(html.match(/<script>/g)).toHaveLength(2)
      expect(html).toContain("PbpsimEngine")
    }
  })

  it("carries the scenario: its text, and the experience CSV's text when it has one", () => {
    const data = (html: string) => JSON.parse(/<script type="application\/json" id="whatif-input">([\s\S]*?)<\/script>/.exec(html)![1]!)
    const brief = data(pages.get("issue-brief")!)
    expect(brief.file).toBe("issue-brief.yaml")
    expect(brief.text).toBe(readFileSync(ISSUE_BRIEF, "utf8"))
    expect(brief.csv).toEqual({})
    expect(pages.get("issue-brief")).toContain("Issue brief — Health Systems A, B and C")
    const enhanced = data(pages.get("enhanced")!)
    expect(enhanced.csv).toEqual({ "mssp-enhanced-experience.csv": readFileSync("scenarios/mssp-enhanced-experience.csv", "utf8") })
    // and the CLI's own figures for the page's self-check
    expect(brief.expected.map((p: { name: string }) => p.name)).toEqual(["trending", "annual-rebase", "glide-to-peer"])
  })

  it("refuses to write the page to the terminal, and reports a bad scenario as validate does", async () => {
    const r = await pbpsim("whatif", ISSUE_BRIEF)
    expectUserError(r)
    expect(r.stderr).toContain("--out is required")
    const bad = join(folder, "bad.yaml")
    await writeFile(bad, readFileSync(ISSUE_BRIEF, "utf8").replace('glidePath: { constant: "0.5" }', 'glidePath: { constant: "1.5" }'))
    const b = await pbpsim("whatif", bad, "--out", join(folder, "bad.html"))
    expectUserError(b)
    expect(b.stderr).toContain("benchmark.glidePath.constant")
  })

  it("the page's engine gives compare's figures for the scenario's policies (incentive power included when asked)", async () => {
    for (const [file, csv] of [
      [ISSUE_BRIEF, {}],
      [ENHANCED, { "mssp-enhanced-experience.csv": readFileSync("scenarios/mssp-enhanced-experience.csv", "utf8") }]
    ] as const) {
      const json = await compareJson(file)
      const session = sessionOf(file, csv)
      const full = session.runs(true)
      const fast = session.runs(false)
      json.policies.forEach((expected, i) => {
        const run = full[i]!
        const quick = fast[i]!
        if (!run.ok || !quick.ok) throw new Error("policy failed")
        const { payerCost: _a, payerCostTotal: _b, ...plain } = run.run
        expect(plain).toEqual(expected)
        const { payerCost: _c, payerCostTotal: _d, ...plainQuick } = quick.run
        expect(plainQuick).toEqual(withoutIncentive(expected))
      })
    }
  })

  it("an unedited what-if is its policy; an edit saved as YAML validates and compare on it gives the page's figures", async () => {
    const session = sessionOf(ISSUE_BRIEF)
    const json = await compareJson(ISSUE_BRIEF)
    const same = session.run("annual-rebase", {}, true)
    if (!same.ok) throw new Error(JSON.stringify(same.issues))
    const { payerCost: _a, payerCostTotal: _b, ...plain } = same.run
    expect({ ...plain, name: "annual-rebase", description: json.policies[1]!.description }).toEqual(json.policies[1])

    const controls = session.controls("trending")
    const patch = {
      benchmark: { glidePath: { providerWeights: controls.providerWeights.map((w, i) => (i === 1 ? "0.3" : w)) }, trend: { kind: "fixed", rate: "0.035" }, rebasing: { kind: "partial", alpha: "0.4" } },
      settlement: { msr: { fixed: "0.01" }, savingsRate: "0.6" },
      projection: { entities: { A: { savings: ["0.01", "0.02", "0.03", "0.05", "0.06"] } } }
    }
    const edited = session.run("trending", patch, true)
    if (!edited.ok) throw new Error(JSON.stringify(edited.issues))
    const yaml = join(folder, "saved.yaml")
    await writeFile(yaml, session.yaml("trending", patch))
    const v = await pbpsim("validate", yaml)
    expect(v.stderr).toBe("")
    expect(v.code).toBe(0)
    const saved = await compareJson(yaml)
    expect(saved.policies.map((p) => p.name)).toEqual(["trending", "annual-rebase", "glide-to-peer", "what-if"])
    const { payerCost: _c, payerCostTotal: _d, ...whatIf } = edited.run
    expect({ ...whatIf, description: saved.policies[3]!.description }).toEqual(saved.policies[3])
    // the scenario's own policies are untouched
    expect(saved.policies.slice(0, 3)).toEqual(json.policies)
    // comments of the file survive
    expect(readFileSync(yaml, "utf8")).toContain("# The market of the Qcentive issue brief")
  })

  it("a scenario with an experience CSV is saved with the rows inline, and compare on it gives the page's figures", async () => {
    const csv = { "mssp-enhanced-experience.csv": readFileSync("scenarios/mssp-enhanced-experience.csv", "utf8") }
    const session = sessionOf(ENHANCED, csv)
    const policy = session.policies[0]!
    const c = session.controls(policy)
    const patch = { benchmark: { glidePath: { providerWeights: c.providerWeights.map((w, i) => (i === 0 ? "0.8" : w)) } } }
    const edited = session.run(policy, patch, false)
    if (!edited.ok) throw new Error(JSON.stringify(edited.issues))
    const yaml = join(folder, "enhanced-saved.yaml")
    const text = session.yaml(policy, patch)
    expect(text).not.toContain("csv:")
    await writeFile(yaml, text)
    const saved = await compareJson(yaml)
    const last = saved.policies[saved.policies.length - 1]!
    const { payerCost: _a, payerCostTotal: _b, ...whatIf } = edited.run
    expect({ ...whatIf, description: last.description }).toEqual(withoutIncentive(last))
  })

  it("a bad edit is reported at its field path, not thrown", () => {
    const session = sessionOf(ISSUE_BRIEF)
    const result = session.run("trending", { benchmark: { glidePath: { providerWeights: ["0.5", "1.5", "0.5", "0.5", "0.5"] } } }, false)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues[0]!.path).toBe("benchmark.glidePath.providerWeights[1]")
    expect(result.issues[0]!.message).toContain("1.5")
  })

  it("offers the controls of a schedule: each entry's λ and settlement rates", () => {
    const session = sessionOf("scenarios/mssp-basic-glide.yaml")
    const c = session.controls("glide-path")
    expect(c.schedule.map((e) => e.fromYear)).toEqual([1, 2, 3, 4, 5])
    expect(c.schedule[2]!.msr).toEqual({ kind: "rate", rate: "0.01" })
    const edited = session.run("glide-path", { schedule: c.rawSchedule.map((e, i) => (i === 2 ? { ...(e as object), benchmark: { providerWeight: "0.5" }, settlement: { preset: "mssp-basic-c", msr: { fixed: "0.01" }, savingsRate: "0.4" } } : e)) }, false)
    if (!edited.ok) throw new Error(JSON.stringify(edited.issues))
    expect(edited.run.years[2]!.providerWeight).toBe("0.500000")
  })
})
