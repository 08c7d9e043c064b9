import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectUserError, once, pbpsim, TIMEOUT } from "./support/cli.js"
import { sep } from "./support/money.js"

/**
 * `pbpsim market --simulate` end to end (issue 12, item 5) on test/fixtures/market-sim.yaml:
 * six providers in two peer groups, a linear policy with a threshold rule and an annual rebase
 * with the logistic rule. The JSON is the same for any number of workers and for shards merged
 * back; with every sd 0 the simulation gives the expected-value run's figures; every other
 * format prints the JSON's strings; mistakes are one-line user errors.
 */
const FILE = "test/fixtures/market-sim.yaml"
const POLICIES = ["trending-threshold", "annual-rebase"]
const YEARS = [2025, 2026, 2027]
// Three blocks of 1,000 trials: two workers and two shards each get a share.
const TRIALS = "2500"
const SEED = "cli"
const STATS = ["mean", "sd", "p5", "p25", "p50", "p75", "p95"] as const
const MONEY = /^-?\d+\.\d{2}$/
const CHANCE = /^[01]\.\d{6}$/
const NO_NOISE = ["marketTrendSd", "memberCostSd", "savingsSd", "riskDriftSd"].flatMap((f) => ["--set", `stochastic.${f}=0`])

type Distribution = Record<(typeof STATS)[number], string>
interface Figures {
  programmeCost: Distribution
  savingsPaid: Distribution
  lossesCollected: Distribution
}
interface SimulationJson {
  seed: string
  trials: number
  generator: string
  quantileRelativeAccuracy: string
  policies: Array<{ policy: string; years: Array<Figures & { year: number }>; contract: Figures }>
  differences: Array<{ policy: string; against: string; years: Array<{ year: number; programmeCost: Distribution; pCheaper: string }>; contract: { programmeCost: Distribution; pCheaper: string } }>
}
interface MarketJson {
  engine: { name: string; version: string }
  scenario: { name: string; file: string; sha256: string }
  policies: Array<{ policy: string; years: Array<{ year: number; programmeCost: string }>; totals: Record<string, string> }>
  simulation?: SimulationJson
}


/** Dollars as the memo writes them: "−$1,234.50". */
const usd = (money: string): string => (money.startsWith("-") ? `−$${sep(money.slice(1))}` : `$${sep(money)}`)

const simulate = (...more: ReadonlyArray<string>) => pbpsim("market", FILE, "--simulate", "--trials", TRIALS, "--seed", SEED, "-q", ...more)
const whole = once(() => simulate("--workers", "1", "--format", "json"))
const view = once(async () => JSON.parse((await whole()).stdout) as MarketJson)
const simulation = async (): Promise<SimulationJson> => (await view()).simulation!

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pbpsim-market-simulate-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** market --simulate --shard i/n of the whole run's trials and seed, written into the test folder. */
const shard = (name: string, i: number, n: number, seed = SEED) =>
  pbpsim("market", FILE, "--simulate", "--trials", TRIALS, "--seed", seed, "--shard", `${i}/${n}`, "--out", join(dir, name), "-q")
const shards = once(async () => {
  const made = await Promise.all([shard("m1.json", 1, 2), shard("m2.json", 2, 2)])
  expect(made.map((r) => [r.code, r.stdout, r.stderr])).toEqual([
    [0, "", ""],
    [0, "", ""]
  ])
})

describe("market --simulate --format json", () => {
  it.concurrent("is byte-identical with --workers 1 and --workers 2, and names seed and trials but not the workers", { timeout: TIMEOUT }, async () => {
    const [one, two] = await Promise.all([whole(), simulate("--workers", "2", "--format", "json")])
    expect(one.code).toBe(0)
    expect(one.stderr).toBe("")
    expect(two.stdout).toBe(one.stdout)
    const sim = await simulation()
    expect(Object.keys(sim)).toEqual(["seed", "trials", "generator", "quantileRelativeAccuracy", "policies", "differences"])
    expect([sim.seed, sim.trials]).toEqual([SEED, 2500])
    expect(one.stdout).not.toMatch(/"workers"/)
  })

  it.concurrent("prints money as fixed 2-place strings, P(cheaper) to 6 places, every policy, year and the contract", { timeout: TIMEOUT }, async () => {
    const sim = await simulation()
    expect(sim.policies.map((p) => p.policy)).toEqual(POLICIES)
    for (const p of sim.policies) {
      expect(p.years.map((y) => y.year)).toEqual(YEARS)
      for (const row of [...p.years, p.contract])
        for (const figure of [row.programmeCost, row.savingsPaid, row.lossesCollected]) {
          expect(Object.keys(figure)).toEqual(STATS)
          for (const s of STATS) expect(figure[s]).toMatch(MONEY)
        }
    }
    expect(sim.differences.map((d) => [d.policy, d.against])).toEqual([["annual-rebase", "trending-threshold"]])
    const d = sim.differences[0]!
    expect(d.years.map((y) => y.year)).toEqual(YEARS)
    for (const row of [...d.years, d.contract]) {
      expect(row.pCheaper).toMatch(CHANCE)
      for (const s of STATS) expect(row.programmeCost[s]).toMatch(MONEY)
    }
    // The noise moves the payer's cost: not a degenerate distribution.
    expect(Number(sim.policies[1]!.contract.programmeCost.sd)).toBeGreaterThan(0)
  })

  it.concurrent("leaves the rest of the market JSON as it is without --simulate", { timeout: TIMEOUT }, async () => {
    const plain = await pbpsim("market", FILE, "--format", "json")
    expect(plain.code).toBe(0)
    const { simulation: _, ...rest } = await view()
    expect(JSON.stringify(rest, null, 2)).toBe(plain.stdout.trimEnd())
    expect(plain.stdout).not.toContain('"simulation"')
  })

  it.concurrent("gives, with every sd 0, the expected-value run's programme cost: the contract total to the cent, P5 = P95", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--simulate", "--trials", "1500", "-q", "--format", "json", ...NO_NOISE)
    expect(r.code).toBe(0)
    const v = JSON.parse(r.stdout) as MarketJson
    v.policies.forEach((p, m) => {
      const simulated = v.simulation!.policies[m]!
      expect(simulated.policy).toBe(p.policy)
      const cost = simulated.contract.programmeCost
      expect(cost.mean).toBe(p.totals.programmeCost)
      expect(cost.sd).toBe("0.00")
      expect(cost.p5).toBe(cost.p95)
      expect(cost.p5).toBe(p.totals.programmeCost)
      expect(simulated.contract.savingsPaid.mean).toBe(p.totals.savingsPaid)
      expect(simulated.contract.lossesCollected.mean).toBe(p.totals.lossesCollected)
      // A year's float sum may land on the other side of a half cent from the exact decimal: within a cent.
      p.years.forEach((y, k) => expect(Math.abs(Number(simulated.years[k]!.programmeCost.mean) - Number(y.programmeCost))).toBeLessThanOrEqual(0.01 + 1e-9))
    })
    const d = v.simulation!.differences[0]!
    expect(["0.000000", "1.000000"]).toContain(d.contract.pCheaper)
  })
})

describe("market --simulate --shard and merge", () => {
  it.concurrent("gives, after merge, the whole run's simulation from shards 1/2 and 2/2, in any order", { timeout: TIMEOUT }, async () => {
    await shards()
    const file = JSON.parse(await readFile(join(dir, "m1.json"), "utf8")) as Record<string, unknown>
    expect(file["format"]).toBe("pbpsim-market-shard/2")
    expect(Object.keys(file)).toEqual(["format", "engine", "scenario", "policies", "providers", "seed", "trials", "shard", "blocks", "layout", "state"])
    expect(file["providers"]).toBeNull()
    expect(file["layout"]).toEqual({ policies: POLICIES.map((name) => ({ name, startYear: 2025, years: 3 })) })
    const merged = await pbpsim("merge", join(dir, "m2.json"), join(dir, "m1.json"), "--format", "json")
    expect(merged.code).toBe(0)
    const v = await view()
    const m = JSON.parse(merged.stdout) as MarketJson
    expect(JSON.stringify(m.simulation)).toBe(JSON.stringify(v.simulation))
    expect([m.engine, m.scenario]).toEqual([v.engine, v.scenario])
  })

  it.concurrent("prints the merged simulation as a table, CSV and Markdown too", { timeout: TIMEOUT }, async () => {
    await shards()
    const sim = await simulation()
    const [table, csv, md] = await Promise.all(["table", "csv", "markdown"].map((f) => pbpsim("merge", join(dir, "m1.json"), join(dir, "m2.json"), "--format", f, "--wide")))
    expect([table!.code, csv!.code, md!.code]).toEqual([0, 0, 0])
    expect(table!.stdout).toContain(sep(sim.policies[0]!.contract.programmeCost.mean))
    expect(csv!.stdout).toBe((await simulate("--format", "csv", "--level", "simulation")).stdout)
    expect(md!.stdout).toContain(usd(sim.policies[1]!.contract.programmeCost.p95))
  })

  it.concurrent("refuses a simulate shard beside a market shard, a missing shard, a shard given twice and another seed", { timeout: TIMEOUT }, async () => {
    await shards()
    const simulateShard = join(dir, "simulate-2.json")
    const [made, otherSeed] = await Promise.all([
      pbpsim("simulate", FILE, "--trials", TRIALS, "--seed", SEED, "--shard", "2/2", "--out", simulateShard, "-q"),
      shard("other-seed-2.json", 2, 2, "another")
    ])
    expect([made.code, otherSeed.code]).toEqual([0, 0])
    const mixed = await pbpsim("merge", join(dir, "m1.json"), simulateShard)
    expectUserError(mixed)
    expect(mixed.stderr).toBe(`${simulateShard}: written by simulate --shard, but ${join(dir, "m1.json")} by market --simulate --shard: merge the shards of one run (a market's statistics and a simulation's do not add up)\n`)
    const missing = await pbpsim("merge", join(dir, "m1.json"))
    expectUserError(missing)
    expect(missing.stderr).toBe("1 of 2 shards missing: got 1/2\n")
    const twice = await pbpsim("merge", join(dir, "m1.json"), join(dir, "m1.json"), join(dir, "m2.json"))
    expectUserError(twice)
    expect(twice.stderr).toContain("some shards are given twice")
    const seeds = await pbpsim("merge", join(dir, "m1.json"), join(dir, "other-seed-2.json"))
    expectUserError(seeds)
    expect(seeds.stderr).toContain(`${join(dir, "other-seed-2.json")}: seed "another" differs from ${join(dir, "m1.json")}'s "${SEED}"`)
  })

  it.concurrent("refuses shards whose layout was edited (both alike), naming the file and what the scenario runs", { timeout: TIMEOUT }, async () => {
    await shards()
    const edit = async (name: string) => {
      const file = JSON.parse(await readFile(join(dir, `${name}.json`), "utf8")) as { layout: { policies: Array<{ years: number }> } }
      file.layout.policies[0]!.years = 4
      await writeFile(join(dir, `edited-${name}.json`), JSON.stringify(file))
      return join(dir, `edited-${name}.json`)
    }
    const [a, b] = await Promise.all([edit("m1"), edit("m2")])
    const r = await pbpsim("merge", a, b)
    expectUserError(r)
    expect(r.stderr.split("\n")[0]).toBe(`${a}: layout: policy trending-threshold runs 3 years from 2025 in the scenario, the shard says 4 from 2025`)
  })
})

describe("market --simulate in the other formats", () => {
  it.concurrent("table: a table per policy and one per difference, with the JSON's money grouped in thousands", { timeout: TIMEOUT }, async () => {
    const r = await simulate("--wide")
    expect(r.code).toBe(0)
    const sim = await simulation()
    const lines = r.stdout.split("\n")
    for (const p of sim.policies) {
      const start = lines.findIndex((l) => l.startsWith(`Policy ${p.policy}, simulated over 2,500 trials (seed ${SEED})`))
      expect(start, p.policy).toBeGreaterThan(0)
      expect(lines[start + 1]!.trim().split(/\s{2,}/)).toEqual(["Year", "Mean", "SD", "P5", "P50", "P95", "Savings paid", "Losses collected"])
      const total = lines.slice(start).find((l) => l.startsWith("Total"))!.trim().split(/\s{2,}/)
      const c = p.contract
      expect(total).toEqual(["Total", ...(["mean", "sd", "p5", "p50", "p95"] as const).map((s) => sep(c.programmeCost[s])), sep(c.savingsPaid.mean), sep(c.lossesCollected.mean)])
    }
    const d = sim.differences[0]!
    const start = lines.findIndex((l) => l.startsWith("annual-rebase minus trending-threshold (the first policy)"))
    const total = lines.slice(start).find((l) => l.startsWith("Total"))!.trim().split(/\s{2,}/)
    const percent = `${(Number(d.contract.pCheaper) * 100).toFixed(2)} %`
    // The pair's total names the years both policies cover.
    expect(total).toEqual([`Total ${YEARS[0]}–${YEARS[YEARS.length - 1]}`, ...(["mean", "p5", "p50", "p95"] as const).map((s) => sep(d.contract.programmeCost[s])), percent])
  })

  it.concurrent("csv --level simulation: a row per policy and year or contract, the JSON's strings", { timeout: TIMEOUT }, async () => {
    const r = await simulate("--format", "csv", "--level", "simulation")
    expect(r.code).toBe(0)
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>
    expect(rows.map((row) => `${row["policy"]} ${row["year"]}`)).toEqual(POLICIES.flatMap((p) => [...YEARS.map(String), "contract"].map((y) => `${p} ${y}`)))
    const sim = await simulation()
    for (const row of rows) {
      const p = sim.policies.find((x) => x.policy === row["policy"])!
      const figures = row["year"] === "contract" ? p.contract : p.years.find((y) => String(y.year) === row["year"])!
      for (const f of ["programmeCost", "savingsPaid", "lossesCollected"] as const)
        for (const s of STATS) expect(row[`${f}${s[0]!.toUpperCase()}${s.slice(1)}`]).toBe(figures[f][s])
      const d = sim.differences.find((x) => x.policy === row["policy"])
      const diff = d && (row["year"] === "contract" ? d.contract : d.years.find((y) => String(y.year) === row["year"]))
      expect(row["against"]).toBe(d ? d.against : "")
      expect(row["differenceMean"]).toBe(diff ? diff.programmeCost["mean"] : "")
      expect(row["pCheaper"]).toBe(diff ? diff.pCheaper : "")
    }
  })

  it.concurrent("markdown: per policy its mean programme cost with P5–P95, and the pair's P(cheaper)", { timeout: TIMEOUT }, async () => {
    const r = await simulate("--format", "markdown")
    expect(r.code).toBe(0)
    const sim = await simulation()
    const v = await view()
    expect(r.stdout).toContain("### Under uncertainty: 2,500 trials, seed cli")
    for (const p of sim.policies) {
      const c = p.contract.programmeCost
      const line = r.stdout.split("\n").find((l) => l.startsWith(`- Under \`${p.policy}\` the programme `))!
      expect(line).toContain(c.mean.startsWith("-") ? `saves the payer ${usd(c.mean.slice(1))} on average over 2025–2027 across 2,500 trials` : `costs the payer ${usd(c.mean)} on average`)
      expect(line).toContain(`between ${usd(c.p5)} (P5) and ${usd(c.p95)} (P95)`)
      expect(line).toContain(`the expected-value run gives a programme cost of ${usd(v.policies.find((x) => x.policy === p.policy)!.totals["programmeCost"]!)}`)
    }
    const d = sim.differences[0]!
    expect(r.stdout).toContain(`- Over ${YEARS[0]}–${YEARS[YEARS.length - 1]}, \`annual-rebase\` costs the payer less than \`trending-threshold\` in ${(Number(d.contract.pCheaper) * 100).toFixed(2)} % of trials`)
  })

  it.concurrent("html: the intervals chart with its data table, every figure the JSON's exact string", { timeout: TIMEOUT }, async () => {
    const out = join(dir, "market.html")
    const r = await simulate("--format", "html", "--out", out)
    expect(r.code).toBe(0)
    const html = await readFile(out, "utf8")
    const block = /<figure class="chart" id="market-programme-cost-intervals"[^>]*>([\s\S]*?)<\/figure>/.exec(html)?.[1]
    expect(block).toBeDefined()
    expect(block).toContain("Programme cost to the payer by policy, P5–P95")
    expect(block).toContain("<svg")
    expect(block).toContain("<details><summary>Chart data</summary>")
    const cells = [...block!.matchAll(/<td [^>]*data-view="market-simulation" data-policy="([^"]+)" data-year="contract" data-field="programmeCost\.([a-z0-9]+)" data-value="([^"]+)">([^<]+)<\/td>/g)]
    const sim = await simulation()
    expect(cells.map((c) => `${c[1]} ${c[2]}`)).toEqual(POLICIES.flatMap((p) => ["mean", "sd", "p5", "p50", "p95"].map((s) => `${p} ${s}`)))
    for (const [, policy, stat, value, text] of cells) {
      expect(value).toBe(sim.policies.find((p) => p.policy === policy)!.contract.programmeCost[stat as (typeof STATS)[number]])
      expect(text).toBe(sep(value!))
    }
    // The paired difference's P(cheaper), shown as a percentage of the same digits.
    expect(html).toContain(`data-view="market-pair" data-policy="annual-rebase" data-against="trending-threshold" data-year="contract" data-field="pCheaper" data-value="${sim.differences[0]!.contract.pCheaper}"`)
  })
})

describe("report --market --simulate", () => {
  it.concurrent("simulates the market section too, with the report's trials and seed: the market JSON's figures", { timeout: TIMEOUT }, async () => {
    const out = join(dir, "report.html")
    const r = await pbpsim("report", FILE, "--market", "--simulate", "--trials", TRIALS, "--seed", SEED, "-q", "--no-sensitivity", "--out", out)
    expect(r.code).toBe(0)
    const html = await readFile(out, "utf8")
    expect(html).toContain('id="market-programme-cost-intervals"')
    const sim = await simulation()
    for (const p of sim.policies)
      expect(html).toContain(`data-view="market-simulation" data-policy="${p.policy}" data-year="contract" data-field="programmeCost.p95" data-value="${p.contract.programmeCost.p95}"`)
    // Without --simulate the report's market section has no simulation.
    const plain = await pbpsim("report", FILE, "--market", "--no-sensitivity", "--out", join(dir, "plain.html"))
    expect(plain.code).toBe(0)
    expect(await readFile(join(dir, "plain.html"), "utf8")).not.toContain("market-programme-cost-intervals")
  })
})

describe("market --simulate user mistakes", () => {
  it.concurrent.each<readonly [string, ReadonlyArray<string>, string]>([
    ["a bad --shard", ["--simulate", "--shard", "3/2", "--out", "/tmp/never.json"], '--shard: expected i/n with 1 ≤ i ≤ n (like 1/2), got "3/2"'],
    ["--shard without --out", ["--simulate", "--shard", "1/2"], "--shard needs --out FILE"],
    ["--shard without --simulate", ["--shard", "1/2", "--out", "/tmp/never.json"], "market: --shard runs one shard of the Monte Carlo run: add --simulate"],
    ["--set with --shard", ["--simulate", "--shard", "1/2", "--out", "/tmp/never.json", "--set", "stochastic.savingsSd=0"], "--set cannot be used with --shard"],
    ["--level simulation without --simulate", ["--format", "csv", "--level", "simulation"], "market: --level simulation prints the rows of the Monte Carlo run: add --simulate"],
    ["bad counts", ["--simulate", "--trials", "0", "--workers", "0"], "--trials must be a whole number from 1 to 10,000,000, got 0"]
  ])("%s: exit 1, a clear message, no stack trace", { timeout: TIMEOUT }, async (_what, args, message) => {
    const r = await pbpsim("market", FILE, ...args)
    expectUserError(r)
    expect(r.stderr).toContain(message)
    expect(r.stderr.trimEnd().split("\n").length).toBeLessThanOrEqual(2)
  })
})
