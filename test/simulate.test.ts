import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadScenario } from "@pbpsim/simulator"
import { simulationViewFor } from "../packages/cli/src/actions/simulationPipeline.js"
import { expectUserError, once, pbpsim, TIMEOUT } from "./support/cli.js"

/**
 * simulate and merge end to end: worker counts and shard splits give byte-identical JSON,
 * mistakes are one-line user errors, and every bundled scenario simulates.
 */
const BRIEF = "scenarios/issue-brief.yaml"
const TRIALS = "2500"
let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pbpsim-simulate-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const whole = once(() => pbpsim("simulate", BRIEF, "--trials", TRIALS, "--seed", "e2e", "--workers", "1", "--format", "json", "--quiet"))

describe("simulate", () => {
  it.concurrent("prints the same JSON with --workers 1 and --workers 2", { timeout: TIMEOUT }, async () => {
    const [one, two] = await Promise.all([whole(), pbpsim("simulate", BRIEF, "--trials", TRIALS, "--seed", "e2e", "--workers", "2", "--format", "json", "--quiet")])
    expect(one.code).toBe(0)
    expect(two.code).toBe(0)
    expect(two.stdout).toBe(one.stdout)
    const view = JSON.parse(one.stdout)
    expect(view.trials).toBe(2500)
    expect(view.policies.map((p: { name: string }) => p.name)).toEqual(["trending", "annual-rebase", "glide-to-peer"])
    // Pairs are each policy against the first, trending (linear in the number of policies).
    expect(view.pairs.map((p: { a: string; b: string }) => `${p.a} − ${p.b}`)).toEqual(["annual-rebase − trending", "glide-to-peer − trending"])
    // Year 1 is identical under trending and annual rebasing (both start from the 2024 baseline), so the paired difference is exactly 0.
    const pair = view.pairs.find((p: { a: string; b: string }) => p.a === "annual-rebase" && p.b === "trending")
    expect(pair.years[0].providerNet).toEqual({ mean: "0.00", sd: "0.00", p5: "0.00", p25: "0.00", p50: "0.00", p75: "0.00", p95: "0.00" })
  })

  it.concurrent("gives, after merge, the same JSON from shards 1/2 and 2/2 as the whole run", { timeout: TIMEOUT }, async () => {
    const shard = (i: number) =>
      pbpsim("simulate", BRIEF, "--trials", TRIALS, "--seed", "e2e", "--shard", `${i}/2`, "--out", join(dir, `shard-${i}.json`), "--quiet")
    const [a, b] = await Promise.all([shard(1), shard(2)])
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    const merged = await pbpsim("merge", join(dir, "shard-2.json"), join(dir, "shard-1.json"), "--format", "json")
    expect(merged.code).toBe(0)
    expect(merged.stdout).toBe((await whole()).stdout)
  })

  it.concurrent("refuses a shard set with a shard missing, naming what it got", { timeout: TIMEOUT }, async () => {
    const file = join(dir, "lonely.json")
    const made = await pbpsim("simulate", BRIEF, "--trials", "3000", "--shard", "1/3", "--out", file, "--quiet")
    expect(made.code).toBe(0)
    const r = await pbpsim("merge", file)
    expectUserError(r)
    expect(r.stderr).toContain("2 of 3 shards missing: got 1/3")
  })

  it.concurrent("reports bad counts and a bad shard at once, and a non-shard file to merge", { timeout: TIMEOUT }, async () => {
    const bad = await pbpsim("simulate", BRIEF, "--trials", "0", "--workers", "0", "--quiet")
    expectUserError(bad)
    expect(bad.stderr).toContain("--trials must be a whole number from 1 to 10,000,000, got 0")
    expect(bad.stderr).toMatch(/--workers must be a whole number from 1 to \d+, got 0/)
    const shard = await pbpsim("simulate", BRIEF, "--shard", "3/2", "--out", join(dir, "x.json"), "--quiet")
    expectUserError(shard)
    expect(shard.stderr).toContain('--shard: expected i/n with 1 ≤ i ≤ n (like 1/2), got "3/2"')
    const notShard = join(dir, "not-a-shard.json")
    await writeFile(notShard, "{}")
    const merge = await pbpsim("merge", notShard)
    expectUserError(merge)
    expect(merge.stderr).toContain(`${notShard}: not a pbpsim simulation shard`)
  })

  it.concurrent("refuses a shard of an older version, whose trials were drawn differently, and says to run it again", { timeout: TIMEOUT }, async () => {
    const file = join(dir, "current.json")
    expect((await pbpsim("simulate", BRIEF, "--trials", "2000", "--shard", "1/2", "--out", file, "--quiet")).code).toBe(0)
    const old = join(dir, "old.json")
    await writeFile(old, (await readFile(file, "utf8")).replace('"pbpsim-simulation-shard/5"', '"pbpsim-simulation-shard/4"'))
    const merge = await pbpsim("merge", file, old)
    expectUserError(merge)
    expect(merge.stderr).toContain(`${old}: written by another version of pbpsim ("format": "pbpsim-simulation-shard/4"; this version reads "pbpsim-simulation-shard/5"`)
    expect(merge.stderr).toContain("run every shard again with this version")
  })
})

describe("simulationViewFor", () => {
  it.each(["issue-brief", "mssp-enhanced", "commercial-aqc", "ratchet", "mssp-basic-glide", "lan-contract", "safety-net"])(
    "simulates the bundled %s scenario with every policy and consistent figures",
    { timeout: TIMEOUT },
    async (name) => {
      const scenario = await Effect.runPromise(loadScenario(`scenarios/${name}.yaml`))
      const view = await Effect.runPromise(simulationViewFor({ scenario, policies: [], trials: 1000, seed: "bundled", workers: 1, quiet: true }))
      expect(view.policies.length).toBeGreaterThan(0)
      for (const p of view.policies) {
        for (const row of [...p.years, p.contract]) {
          const n = (s: string) => Number(s)
          // Quantiles are ordered and the probabilities are probabilities.
          expect(n(row.providerNet.p5)).toBeLessThanOrEqual(n(row.providerNet.p50))
          expect(n(row.providerNet.p50)).toBeLessThanOrEqual(n(row.providerNet.p95))
          expect(n(row.pSharedSavings) + n(row.pSharedLoss)).toBeLessThanOrEqual(1)
          // Provider net is shared savings minus shared losses in every trial, so in the mean too.
          expect(Math.abs(n(row.providerNet.mean) - (n(row.sharedSavings.mean) - n(row.sharedLosses.mean)))).toBeLessThanOrEqual(0.011)
        }
      }
      expect(view.scenario.file).toBe(`scenarios/${name}.yaml`)
    }
  )
})

describe("report", () => {
  it.concurrent("writes one self-contained HTML file from the command line, simulation included", { timeout: TIMEOUT }, async () => {
    const out = join(dir, "ratchet.html")
    const r = await pbpsim("report", "scenarios/ratchet.yaml", "--simulate", "-n", "1000", "-q", "--out", out)
    expect(r.code).toBe(0)
    const html = await readFile(out, "utf8")
    expect(html.startsWith("<!doctype html>") || html.startsWith("<!DOCTYPE html>")).toBe(true)
    // Charts are inline SVG; nothing is fetched at view time.
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(10)
    expect(html).not.toMatch(/(src|href)="https?:/)
  })

  it.concurrent("refuses to run without --out, saying how to call it", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("report", "scenarios/ratchet.yaml")
    expectUserError(r)
    expect(r.stderr).toContain("--out")
  })
})
