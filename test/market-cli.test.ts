import { createHash } from "node:crypto"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectUserError, once, pbpsim, ROOT, stripAnsi, TIMEOUT } from "./support/cli.js"
import { sep } from "./support/money.js"

/**
 * `pbpsim market` and its outputs (table, CSV at both levels, JSON, the Markdown memo, the HTML
 * page and `report --market`) on test/fixtures/market-small.yaml, run in process through runCli.
 *
 * The fixture by hand (every figure below is derived here, not read from the engine):
 * north N1 $400, N2 $500 PMPM on 120,000 member months each; south S1 $300 on 60,000, S2 $330 on
 * 180,000; 2024 baseline, contracts 2025–2027, 3 % trend on benchmarks and the market, λ = 0.5,
 * each provider's peer figure the other member of its group, 50/50 sharing with a 2 % MSR/MLR.
 * N1 cuts 2 % a year below its counterfactual; nobody else changes anything.
 *   2025 benchmark PMPM: N1 and N2 (400 + 500)/2 × 1.03 = 463.50; S1 and S2 (300 + 330)/2 × 1.03 = 324.45.
 *   N1: CF = 400 × 1.03 × 120,000 = 49,440,000.00; E = 0.98 × CF = 48,451,200.00; B = 55,620,000.00;
 *       shared savings 0.5 × (B − E) = 3,584,400.00; windfall 0.5 × (B − CF) = 3,090,000.00; earned 494,400.00.
 *   S1: 0.5 × (324.45 − 309.00) × 60,000 = 463,500.00 shared savings, all windfall.
 *   N2: 0.5 × (515.00 − 463.50) × 120,000 = 3,090,000.00 losses; S2: 0.5 × (339.90 − 324.45) × 180,000 = 1,390,500.00.
 *   2025 savings paid 3,584,400 + 463,500 = 4,047,900.00; losses 3,090,000 + 1,390,500 = 4,480,500.00.
 *   mandatory 2025 programme cost = −(CF − E of N1) + savings − losses = −988,800 + 4,047,900 − 4,480,500 = −1,421,400.00;
 *   threshold: N2 and S2 expect losses and stay out, so 2 take part and 2 do not join in 2025:
 *   programme cost −988,800 + 4,047,900 = 3,059,100.00.
 *   Baseline relative to peers: N1 0.8, N2 1.25, S1 300/330, S2 1.1; member-month weighted, of N1 and S1
 *   (96,000 + 54,545.45…)/180,000 = 0.836364, of all four (96,000 + 150,000 + 54,545.45… + 198,000)/480,000 = 1.038636.
 */
const FILE = "test/fixtures/market-small.yaml"
const POLICIES = ["mandatory", "threshold"]
const ENTITIES = ["N1", "N2", "S1", "S2"]
const YEARS = [2025, 2026, 2027]

const MONEY = /^-?\d+\.\d{2}$/
const RATIO = /^-?\d+\.\d{6}$/

const PROVIDER_MONEY = ["benchmarkPmpm", "benchmarkPerRisk", "costPerRisk", "benchmark", "expenditure", "counterfactual", "sharedSavings", "sharedLosses", "providerNet", "windfall", "earned"]
const PROVIDER_RATIOS = ["riskScore", "incentivePower", "expectedNetRate", "participation"]
const YEAR_MONEY = [
  "counterfactualSpending", "programmeSpending", "programmeCost", "savingsPaid", "lossesCollected", "earned", "windfall", "costReduction",
  "nonParticipantSpending", "forgoneReduction"
]

type Strings = Record<string, string>
interface ProviderJson {
  entity: string
  name: string
  peerGroup: string
  peerCount: number
  baselineRelative: string
  years: Array<Strings & { year: number; incentivePower: string | null }>
  expected: Strings
}
interface YearJson extends Record<string, unknown> {
  year: number
  participantsBaselineRelative: string | null
  benchmarkDispersion: Strings
  costDispersion: Strings
  equity: Record<string, string | null>
}
interface PolicyJson {
  policy: string
  description: string
  participation: string
  providers: Array<ProviderJson>
  years: Array<YearJson>
  totals: Strings
  windfallShare: string | null
}
interface MarketJson {
  engine: { name: string; version: string }
  scenario: { name: string; file: string; sha256: string; overrides?: Array<string> }
  incentivePower: boolean
  policies: Array<PolicyJson>
  differences: Array<{ policy: string; against: string; totals: Strings }>
}


const json = once(() => pbpsim("market", FILE, "--format", "json", "--incentive-power"))
const view = once(async () => JSON.parse((await json()).stdout) as MarketJson)
const policyOf = async (name: string) => (await view()).policies.find((p) => p.policy === name)!
const yearOf = async (policy: string, year: number) => (await policyOf(policy)).years.find((y) => y.year === year)!
const providerYear = async (policy: string, entity: string, year: number) =>
  (await policyOf(policy)).providers.find((p) => p.entity === entity)!.years.find((y) => y.year === year)!

describe("market --format json", () => {
  it("carries compare's provenance: engine, scenario name, file and the SHA-256 of its bytes", { timeout: TIMEOUT }, async () => {
    const r = await json()
    expect(r.code).toBe(0)
    expect(r.stderr).toBe("")
    const v = await view()
    const pkg = JSON.parse(await readFile(join(ROOT, "packages/cli/package.json"), "utf8")) as { version: string }
    expect(v.engine).toEqual({ name: "pbpsim", version: pkg.version })
    const sha256 = createHash("sha256").update(await readFile(join(ROOT, FILE))).digest("hex")
    expect(v.scenario).toEqual({ name: "Small market", file: FILE, sha256 })
    expect(v.incentivePower).toBe(true)
    expect(v.policies.map((p) => p.policy)).toEqual(POLICIES)
    expect(v.differences.map((d) => [d.policy, d.against])).toEqual([["threshold", "mandatory"]])
  })

  it("prints money as fixed 2-place strings and ratios, rates and chances as fixed 6-place strings", { timeout: TIMEOUT }, async () => {
    const v = await view()
    for (const p of v.policies) {
      expect(p.providers.map((x) => x.entity)).toEqual(ENTITIES)
      expect(p.years.map((y) => y.year)).toEqual(YEARS)
      for (const x of p.providers) {
        expect(x.baselineRelative).toMatch(RATIO)
        expect(x.years.map((y) => y.year)).toEqual(YEARS)
        for (const y of x.years) {
          for (const f of PROVIDER_MONEY) expect({ f, v: y[f] }).toEqual({ f, v: expect.stringMatching(MONEY) })
          for (const f of PROVIDER_RATIOS) expect({ f, v: y[f] }).toEqual({ f, v: expect.stringMatching(RATIO) })
          expect(y.memberMonths).toMatch(/^\d+$/)
        }
        for (const f of ["sharedSavings", "sharedLosses", "providerNet", "earned", "windfall"]) expect(x.expected[f]).toMatch(MONEY)
      }
      for (const y of p.years) {
        for (const f of YEAR_MONEY) expect({ f, v: y[f] }).toEqual({ f, v: expect.stringMatching(MONEY) })
        for (const f of ["participants", "leaving", "allBaselineRelative"]) expect({ f, v: y[f] }).toEqual({ f, v: expect.stringMatching(RATIO) })
        for (const d of [y.benchmarkDispersion, y.costDispersion]) {
          for (const f of ["mean", "p10", "p90"]) expect(d[f]).toMatch(MONEY)
          for (const f of ["cv", "p90p10"]) expect(d[f]).toMatch(RATIO)
        }
      }
      for (const f of YEAR_MONEY) expect(p.totals[f]).toMatch(MONEY)
    }
  })

  it("gives the figures derived by hand in this file's header", { timeout: TIMEOUT }, async () => {
    const n1 = await providerYear("mandatory", "N1", 2025)
    expect([n1.benchmarkPmpm, n1.counterfactual, n1.expenditure, n1.benchmark, n1.sharedSavings, n1.windfall, n1.earned]).toEqual([
      "463.50", "49440000.00", "48451200.00", "55620000.00", "3584400.00", "3090000.00", "494400.00"
    ])
    expect((await providerYear("mandatory", "S1", 2025)).windfall).toBe("463500.00")
    const m = await yearOf("mandatory", 2025)
    expect([m.participants, m.savingsPaid, m.lossesCollected, m.programmeCost]).toEqual(["4.000000", "4047900.00", "4480500.00", "-1421400.00"])
    const t = await yearOf("threshold", 2025)
    expect([t.participants, t.leaving, t.savingsPaid, t.lossesCollected, t.programmeCost]).toEqual(["2.000000", "2.000000", "4047900.00", "0.00", "3059100.00"])
    expect([t.participantsBaselineRelative, t.allBaselineRelative]).toEqual(["0.836364", "1.038636"])
    // Under the threshold rule N2 and S2 never take part: chance 0 in every year, so their expected figures are 0.
    const threshold = await policyOf("threshold")
    for (const e of ["N2", "S2"]) {
      const x = threshold.providers.find((p) => p.entity === e)!
      expect(x.years.map((y) => y.participation)).toEqual(["0.000000", "0.000000", "0.000000"])
      expect(x.expected.providerNet).toBe("0.00")
    }
  })

  it("gives differences of the totals against the first policy, to the cent", { timeout: TIMEOUT }, async () => {
    const v = await view()
    const [first, second] = v.policies
    const cents = (s: string) => BigInt(s.replace(".", ""))
    for (const f of YEAR_MONEY) expect(cents(v.differences[0]!.totals[f]!)).toBe(cents(second!.totals[f]!) - cents(first!.totals[f]!))
  })

  it("is byte-identical when run twice, and lists --set overrides beside the file's hash", { timeout: TIMEOUT }, async () => {
    const [again, set] = await Promise.all([pbpsim("market", FILE, "--format", "json", "--incentive-power"), pbpsim("market", FILE, "--format", "json", "--set", "settlement.savingsRate=0.6")])
    expect(again.stdout).toBe((await json()).stdout)
    const v = JSON.parse(set.stdout) as MarketJson
    expect(v.scenario.overrides).toEqual(["settlement.savingsRate=0.6"])
    expect(v.scenario.sha256).toBe((await view()).scenario.sha256)
    // 0.6 × (55,620,000.00 − 48,451,200.00) = 4,301,280.00
    expect(v.policies[0]!.providers[0]!.years[0]!.sharedSavings).toBe("4301280.00")
  })

  it("leaves incentive power null without --incentive-power, every other figure unchanged", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--format", "json")
    const v = JSON.parse(r.stdout) as MarketJson
    expect(v.incentivePower).toBe(false)
    const all = await view()
    for (const [i, p] of v.policies.entries()) {
      expect(p.years).toEqual(all.policies[i]!.years)
      for (const [j, x] of p.providers.entries()) {
        for (const [k, y] of x.years.entries()) expect({ ...y, incentivePower: "" }).toEqual({ ...all.policies[i]!.providers[j]!.years[k]!, incentivePower: "" })
        expect(x.years.every((y) => y.incentivePower === null)).toBe(true)
      }
    }
  })
})

describe("market --format csv", () => {
  it("prints one row per policy, provider and year with every provider-year field, as the JSON has it", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--format", "csv", "--incentive-power")
    expect(r.code).toBe(0)
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>
    expect(rows).toHaveLength(POLICIES.length * ENTITIES.length * YEARS.length)
    expect(r.stdout.split("\n")[0]).toBe(
      "policy,entity,name,peerGroup,peerCount,baselineRelative,year,memberMonths,riskScore,benchmarkPmpm,benchmarkPerRisk,costPerRisk,benchmark,expenditure,counterfactual,sharedSavings,sharedLosses,providerNet,windfall,earned,incentivePower,expectedNetRate,participation"
    )
    const v = await view()
    for (const row of rows) {
      const x = v.policies.find((p) => p.policy === row.policy)!.providers.find((p) => p.entity === row.entity)!
      const y = x.years.find((k) => String(k.year) === row.year)!
      expect([row.name, row.peerGroup, row.peerCount, row.baselineRelative]).toEqual([x.name, x.peerGroup, String(x.peerCount), x.baselineRelative])
      for (const f of [...PROVIDER_MONEY, ...PROVIDER_RATIOS, "memberMonths"]) expect({ f, csv: row[f] }).toEqual({ f, csv: y[f] })
    }
  })

  it("prints one row per policy and year with --level market, dispersions flattened, as the JSON has it", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--format", "csv", "--level", "market")
    expect(r.code).toBe(0)
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>
    expect(rows.map((row) => `${row.policy} ${row.year}`)).toEqual(POLICIES.flatMap((p) => YEARS.map((y) => `${p} ${y}`)))
    for (const row of rows) {
      const y = await yearOf(row.policy!, Number(row.year))
      for (const f of [...YEAR_MONEY, "participants", "leaving", "allBaselineRelative"]) expect({ f, csv: row[f] }).toEqual({ f, csv: y[f] })
      expect(row.participantsBaselineRelative).toBe(y.participantsBaselineRelative ?? "")
      expect([row.benchmarkCv, row.benchmarkP90P10, row.costCv, row.costMean]).toEqual([y.benchmarkDispersion.cv, y.benchmarkDispersion.p90p10, y.costDispersion.cv, y.costDispersion.mean])
      // Every provider has risk 1: none is above the median, so the high-risk mean and the ratio are empty.
      expect([row.equityMedianRisk, row.equityHighRisk, row.equityRatio]).toEqual(["1.000000", "", ""])
    }
  })
})

describe("market (terminal tables)", () => {
  const table = once(() => pbpsim("market", FILE, "--wide"))

  /** The rows of the year table under the line titled `Policy <name>:`, as header → cell. */
  const yearRows = (text: string, policy: string): Array<Record<string, string>> => {
    const lines = text.split("\n")
    const start = lines.findIndex((l) => l.startsWith(`Policy ${policy}:`))
    const headers = lines[start + 1]!.trim().split(/\s{2,}/)
    return lines
      .slice(start + 3)
      .filter((l, i, all) => all.slice(0, i + 1).every((x) => /^\s*\d{4}\s/.test(x)))
      .map((l) => Object.fromEntries(l.trim().split(/\s{2,}/).map((cell, i) => [headers[i]!, cell])))
  }

  it("prints each policy's year table with the JSON's money, grouped in thousands", { timeout: TIMEOUT }, async () => {
    const r = await table()
    expect(r.code).toBe(0)
    expect(r.stdout.split("\n")[0]).toBe(`Small market — market of 4 providers in 2 peer groups (${FILE}, pbpsim ${(await view()).engine.version})`)
    for (const policy of POLICIES) {
      const rows = yearRows(r.stdout, policy)
      expect(rows.map((row) => row.Year)).toEqual(YEARS.map(String))
      for (const row of rows) {
        const y = await yearOf(policy, Number(row.Year))
        expect([row["Programme cost"], row["Savings paid"], row["Losses collected"], row.Earned, row.Windfall]).toEqual(
          [y.programmeCost, y.savingsPaid, y.lossesCollected, y.earned, y.windfall].map((m) => sep(m as string))
        )
      }
    }
    // The hand-derived figures, as the table prints them.
    expect(yearRows(r.stdout, "mandatory")[0]!["Programme cost"]).toBe("-1,421,400.00")
    expect(yearRows(r.stdout, "threshold")[0]).toMatchObject({ Participants: "2.00", Leaving: "2.00", "Programme cost": "3,059,100.00", "Participants' baseline rel.": "0.8364", "All baseline rel.": "1.0386" })
  })

  it("prints the totals side by side with the difference from the first policy, and the providers", { timeout: TIMEOUT }, async () => {
    const r = await table()
    const v = await view()
    const line = r.stdout.split("\n").find((l) => l.startsWith("Programme cost to the payer "))!
    expect(line.trim().split(/\s{2,}/)).toEqual(["Programme cost to the payer", sep(v.policies[0]!.totals.programmeCost!), sep(v.policies[1]!.totals.programmeCost!), sep(v.differences[0]!.totals.programmeCost!)])
    expect(r.stdout).toContain("Providers (all 4): expected figures over the contract")
    const n1 = r.stdout.split("\n").find((l) => l.startsWith("N1 "))!.trim().split(/\s{2,}/)
    const expected = v.policies.flatMap((p) => [sep(p.providers[0]!.expected.providerNet!), sep(p.providers[0]!.expected.windfall!)])
    expect([n1[3], n1[4], n1[6], n1[7]]).toEqual(expected)
  })

  it("splits wide tables into column groups of at most 120 columns without --wide", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE)
    expect(r.code).toBe(0)
    expect(Math.max(...r.stdout.split("\n").map((l) => l.length))).toBeLessThanOrEqual(120)
    expect(r.stdout).toContain("(continued, 2 of 2)")
  })
})

describe("market --format markdown", () => {
  it("writes a memo: the question, the rules, the policies' table and sentences built from its figures", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--format", "markdown")
    expect(r.code).toBe(0)
    const v = await view()
    const md = r.stdout
    expect(md.startsWith("## Small market: the market\n")).toBe(true)
    expect(md).toContain("**Question.**")
    expect(md).toContain(`Source: \`${FILE}\` (SHA-256 \`${v.scenario.sha256}\`), pbpsim ${v.engine.version}.`)
    for (const p of v.policies) expect(md).toContain(`- \`${p.policy}\`: ${p.participation}`)
    // The policies' table: one row per policy with its totals grouped in thousands.
    for (const p of v.policies) {
      const row = md.split("\n").find((l) => l.startsWith(`| ${p.policy} `))!
      const cells = row.split("|").map((c) => c.trim())
      expect(cells.slice(2, 7)).toEqual([p.totals.programmeCost, p.totals.savingsPaid, p.totals.lossesCollected, p.totals.earned, p.totals.windfall].map((m) => sep(m!)))
    }
    // mandatory saves the payer 5,909,568.41 and threshold costs it 7,938,963.49 (the totals above): mandatory is cheapest.
    expect(md).toContain(
      `- Cheapest for the payer: \`mandatory\`, whose programme saves the payer $${sep(v.policies[0]!.totals.programmeCost!.slice(1))} over the contract; \`threshold\` costs the payer $${sep(v.policies[1]!.totals.programmeCost!)} (a programme cost $${sep(v.differences[0]!.totals.programmeCost!)} higher than \`mandatory\`'s).`
    )
    // Both policies pay the same savings (N2 and S2, out under threshold, are paid nothing under mandatory either).
    expect(md).toContain("- Under `mandatory` and `threshold`, $10,983,909.00 of the $14,028,854.51 of savings paid (78.30 %) is windfall")
    expect(md).toContain("- Under `threshold` 2 of the 4 providers join in 2025 and all of them stay.")
    expect(md).toContain("- Under `threshold` the 2027 participants are cheaper than the market relative to their peers (baseline 0.8364 of their peers' against 1.0386 for every provider)")
    // Constant blend, one trend for all: the benchmarks' CV moves only in its 6th place (cents), and the memo says it stays.
    expect(md).toMatch(/- Under `mandatory` and `threshold` the coefficient of variation of risk-adjusted benchmarks across providers stays at 0\.1765 from 2025 to 2027\./)
  })
})

describe("market --help", () => {
  it.concurrent("shows the options and an example, and pbpsim --help lists the command", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", "--help")
    expect(r.code).toBe(0)
    const text = stripAnsi(r.stdout)
    expect(text).toContain("$ market")
    expect(text).toContain("Example: pbpsim market")
    for (const option of ["--policies", "--providers", "--incentive-power", "--format", "--level", "--out", "--set", "--wide"]) expect(text).toContain(option)
    const root = stripAnsi((await pbpsim("--help")).stdout)
    expect(root).toContain("market")
  })
})

describe("market user mistakes", () => {
  it.concurrent("an unknown provider: exit 1, the file, the option and the name, no stack trace", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--providers", "N1,Z9")
    expectUserError(r)
    expect(r.stderr).toContain(`${FILE}: --providers: expected one of the entities of the market`)
    expect(r.stderr).toContain('got "Z9"')
  })

  it.concurrent("an unknown policy: exit 1, as compare says it", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--policies", "mandatory,nope")
    expectUserError(r)
    expect(r.stderr).toBe(`${FILE}: no policy named "nope"; the scenario has mandatory, threshold\n`)
  })

  it.concurrent("a provider alone in its peer group: exit 1 at the field", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("market", FILE, "--set", "market.entities[3].peerGroup=east")
    expectUserError(r)
    expect(r.stderr).toContain(`${FILE}: market.entities[3].peerGroup: expected a peer group with another entity`)
  })

  it.concurrent("--level without --format csv, and --format html without --out", { timeout: TIMEOUT }, async () => {
    const level = await pbpsim("market", FILE, "--format", "json", "--level", "market")
    expectUserError(level)
    expect(level.stderr).toContain("--level market chooses the rows of --format csv")
    const html = await pbpsim("market", FILE, "--format", "html")
    expectUserError(html)
    expect(html.stderr).toContain("--format html needs --out")
  })
})

/** Tagged table cells of an HTML page, every data-* attribute (entity included) and the text. */
const cellsOf = (html: string): Array<Record<string, string> & { text: string }> =>
  [...html.matchAll(/<td\b([^>]*\bdata-view="[^>]*)>([^<]*)<\/td>/g)].map((m) => ({
    ...Object.fromEntries([...m[1]!.matchAll(/data-([a-z]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!.replaceAll("&#39;", "'").replaceAll("&amp;", "&")])),
    text: m[2]!
  }))

/** The JSON's figure for a tagged market cell, resolved from the JSON's documented shape. */
const jsonFigure = (v: MarketJson, c: Record<string, string>): unknown => {
  const at = (o: unknown, dotted: string) => dotted.split(".").reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o)
  if (c.against !== undefined) return at(v.differences.find((d) => d.policy === c.policy && d.against === c.against)?.totals, c.field!)
  const p = v.policies.find((x) => x.policy === c.policy)
  if (c.entity !== undefined) return at(p?.providers.find((x) => x.entity === c.entity), c.field!)
  if (c.year === "total") return c.field === "windfallShare" ? p?.windfallShare : at(p?.totals, c.field!)
  return at(p?.years.find((y) => String(y.year) === c.year), c.field!)
}

describe("market in HTML", () => {
  let folder = ""
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "pbpsim-market-"))
  })
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  const CHARTS = ["market-participation", "market-programme-cost", "market-convergence", "market-savings-split"]

  it("market --format html: four charts, each with its data table, every figure the JSON's exact string", { timeout: TIMEOUT }, async () => {
    const target = join(folder, "market.html")
    const r = await pbpsim("market", FILE, "--format", "html", "--out", target)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe("")
    const html = await readFile(target, "utf8")
    expect(html).not.toMatch(/<script\b/i)
    const v = await view()
    for (const id of CHARTS) {
      const block = new RegExp(`<figure class="chart" id="${id}"[^>]*>([\\s\\S]*?)</figure>`).exec(html)?.[1]
      expect(block, id).toBeDefined()
      expect(block).toContain("<svg")
      expect(block).toContain("<details><summary>Chart data</summary>")
      const cells = cellsOf(block!)
      expect(cells.length, id).toBeGreaterThan(0)
      for (const c of cells) expect(c.view).toBe("market")
    }
    // The participation chart's table: participants per policy and year; the cost chart's: programme cost with totals.
    const participation = cellsOf(new RegExp(`<figure class="chart" id="market-participation"[^>]*>([\\s\\S]*?)</figure>`).exec(html)![1]!)
    expect(participation.map((c) => `${c.policy} ${c.year} ${c.field}`).sort()).toEqual(POLICIES.flatMap((p) => YEARS.map((y) => `${p} ${y} participants`)).sort())
    const cost = cellsOf(new RegExp(`<figure class="chart" id="market-programme-cost"[^>]*>([\\s\\S]*?)</figure>`).exec(html)![1]!)
    expect(cost.find((c) => c.policy === "mandatory" && c.year === "total")?.value).toBe(v.policies[0]!.totals.programmeCost)
    const all = cellsOf(html)
    expect(all.length).toBeGreaterThan(100)
    for (const c of all) {
      const key = `${c.policy}|${c.against ?? ""}|${c.entity ?? ""}|${c.year}|${c.field}`
      expect({ key, value: c.value }).toEqual({ key, value: jsonFigure(v, c) })
      // Shown with separators (shares as percentages), the digits never rounded.
      if (c.field === "windfallShare") expect(c.text).toMatch(/ %$/)
      else expect({ key, text: c.text.replaceAll(",", "") }).toEqual({ key, text: c.value })
    }
  })

  it("report --market adds the market section, linked from the contents", { timeout: TIMEOUT }, async () => {
    const target = join(folder, "report.html")
    const r = await pbpsim("report", FILE, "--market", "--no-sensitivity", "--out", target)
    expect(r.code).toBe(0)
    const html = await readFile(target, "utf8")
    expect(html).toContain(`<a href="#market">Market</a>`)
    expect(html).toContain(`<section id="market"`)
    for (const id of CHARTS) expect(html).toContain(`id="${id}"`)
    const v = await view()
    const market = cellsOf(html).filter((c) => c.view === "market")
    expect(market.length).toBeGreaterThan(100)
    for (const c of market) expect(c.value).toBe(jsonFigure(v, c))
    // Without --market the report has no market section.
    const plain = await pbpsim("report", FILE, "--no-sensitivity", "--out", join(folder, "plain.html"))
    expect(plain.code).toBe(0)
    expect(await readFile(join(folder, "plain.html"), "utf8")).not.toContain(`id="market"`)
  })
})

describe("market --out", () => {
  let folder = ""
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "pbpsim-market-out-"))
  })
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it("writes exactly what stdout would show, atomically: no temporary file is left", { timeout: TIMEOUT }, async () => {
    const target = join(folder, "market.json")
    const r = await pbpsim("market", FILE, "--format", "json", "--incentive-power", "--out", target)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe("")
    expect(await readFile(target, "utf8")).toBe((await json()).stdout)
    expect(await readdir(folder)).toEqual(["market.json"])
  })

  it("into a missing directory fails with a clear message and leaves nothing behind", { timeout: TIMEOUT }, async () => {
    const before = await readdir(folder)
    const target = join(folder, "no-such-dir", "market.csv")
    const r = await pbpsim("market", FILE, "--format", "csv", "--out", target)
    expectUserError(r)
    expect(r.stderr).toContain(`${target}: cannot write the output`)
    expect(await readdir(folder)).toEqual(before)
  })
})
