import { execFileSync } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectUserError, pbpsim, TIMEOUT, type Outcome } from "./support/cli.js"
import { caseArb, FuzzPool, loadSeeds, messageProblem } from "./support/fuzz.js"

/**
 * Hostile input: a fast-check property over a few hundred structurally mutated scenario files
 * (test/support/fuzz.ts; `pnpm fuzz` runs the long soak), then fixed hostile command lines and
 * files, each of which must end in a clean one-line-per-problem error and exit code 1.
 */
const RATCHET = "scenarios/ratchet.yaml"
let dir = ""
const pool = new FuzzPool(1, 10_000)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pbpsim-fuzz-"))
  await pool.start()
}, TIMEOUT)
afterAll(async () => {
  await pool.stop()
  await rm(dir, { recursive: true, force: true })
})

/** A user mistake with a clean message: exit 1, no stack, no raw control characters, short lines. */
const expectCleanRefusal = (r: Outcome): void => {
  expectUserError(r)
  expect(messageProblem(r.stderr)).toBeUndefined()
}

describe("mutated scenario files", () => {
  it("end in a typed error with a clean message or in a sane result, within 10 s each", { timeout: 120_000 }, async () => {
    const seeds = loadSeeds()
    const counts = { typed: 0, sane: 0 }
    await fc.assert(
      fc.asyncProperty(caseArb(seeds, 0.1), async (spec) => {
        const { outcome } = await pool.run(spec)
        if (outcome.kind === "failure") throw new Error(outcome.reason)
        counts[outcome.kind]++
      }),
      { numRuns: 250, endOnFailure: true }
    )
    // The mutations reach past decoding: some cases run the engine and the Monte Carlo to a result.
    expect(counts.sane).toBeGreaterThan(5)
    expect(counts.typed).toBeGreaterThan(100)
  })
})

describe("hostile command lines", () => {
  it.concurrent("refuses --trials 1e12, saying the limit and why", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("simulate", RATCHET, "--trials", "1e12", "-q")
    expectCleanRefusal(r)
    expect(r.stderr).toContain("--trials must be a whole number from 1 to 10,000,000, got 1000000000000")
    expect(r.stderr).toContain("10,000 blocks")
  })

  it.concurrent("refuses --workers 999, naming the machine's limit", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("simulate", RATCHET, "--trials", "1000000", "--workers", "999", "-q")
    expectCleanRefusal(r)
    expect(r.stderr).toMatch(/--workers must be a whole number from 1 to \d+, got 999 \(twice the \d+ CPUs? of this machine/)
  })

  it.concurrent("refuses --trials -5 and --workers 0 together", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("simulate", RATCHET, "--trials", "-5", "--workers", "0", "-q")
    expectCleanRefusal(r)
    expect(r.stderr.trim().split("\n")).toEqual([
      "--trials must be a whole number from 1 to 10,000,000, got -5",
      expect.stringMatching(/^--workers must be a whole number from 1 to \d+, got 0$/)
    ])
  })
})

describe("merge of hostile shard files", () => {
  let shard: Record<string, unknown> = {}
  const other = () => join(dir, "shard-2.json")
  beforeAll(async () => {
    const made = await Promise.all(
      [1, 2].map((i) => pbpsim("simulate", RATCHET, "--trials", "2500", "--seed", "m", "--shard", `${i}/2`, "--out", join(dir, `shard-${i}.json`), "-q"))
    )
    expect(made.map((r) => r.code)).toEqual([0, 0])
    shard = JSON.parse(await readFile(join(dir, "shard-1.json"), "utf8")) as Record<string, unknown>
  }, TIMEOUT)

  type Edit = (s: Record<string, unknown>) => unknown
  const mergeWith = async (name: string, edit: Edit): Promise<Outcome & { file: string }> => {
    const file = join(dir, `${name}.json`)
    const copy = JSON.parse(JSON.stringify(shard)) as Record<string, unknown>
    const edited = edit(copy) ?? copy
    await writeFile(file, typeof edited === "string" ? edited : JSON.stringify(edited))
    return { ...(await pbpsim("merge", file, other())), file }
  }
  const state = (s: Record<string, unknown>) => s["state"] as Record<string, Array<unknown>>

  it("merges the untouched shards", { timeout: TIMEOUT }, async () => {
    const r = await pbpsim("merge", join(dir, "shard-1.json"), other(), "--format", "json")
    expect(r.code).toBe(0)
  })

  // Shard 1/2 of 2,500 trials runs block 0: 1,000 trials.
  it.each<readonly [string, Edit, string]>([
    ["blocks.end 1e9", (s) => void ((s["blocks"] as Record<string, number>)["end"] = 1e9), "blocks.end"],
    ["a negative count", (s) => void (state(s)["counts"]![0] = -3), "state.counts.0"],
    ["a missing field", (s) => void delete (s["state"] as Record<string, unknown>)["min"], "state.min"],
    ["an unknown field", (s) => void (s["extra"] = 1), "extra"],
    ["a sum that overflows to Infinity", (s) => ((state(s)["sum"]![0] = ["INF"]), JSON.stringify(s).replace('"INF"', "1e999")), "state.sum.0.0"],
    ["trials beyond the limit", (s) => void (s["trials"] = 1e12), "trials"],
    ["a shard index above its count", (s) => void (s["shard"] = { index: 3, count: 2 }), "index 3 is above the count 2"],
    ["a count above the trials", (s) => void (state(s)["counts"]![0] = 1e6), "state.counts[0]: expected at most 1000 (the trials), got 1000000"],
    ["a sketch holding more values than trials", (s) => void ((state(s)["sketches"]![0] as Record<string, number>)["zero"] = 5e6), "state.sketches[0]: expected 1000 values (one per trial)"],
    ["one statistic too few", (s) => void state(s)["min"]!.pop(), "state.min: expected"],
    ["not JSON", () => "{ not json", "not JSON"]
  ])("refuses a shard with %s, naming the file and the field", { timeout: TIMEOUT }, async (what, edit, expected) => {
    const r = await mergeWith(what.replaceAll(" ", "-"), edit)
    expectCleanRefusal(r)
    expect(r.stderr).toContain(`${r.file}: `)
    expect(r.stderr).toContain(expected)
  })

  it("escapes a control character in the scenario path a shard names", { timeout: TIMEOUT }, async () => {
    const r = await mergeWith("escape", (s) => void ((s["scenario"] as Record<string, string>)["file"] = "\u001b[2J/nowhere.yaml"))
    expectCleanRefusal(r)
    expect(r.stderr).toContain("\\u001b[2J/nowhere.yaml: cannot read the scenario file")
  })

  it("refuses a shard that is a named pipe instead of waiting on it", { timeout: TIMEOUT }, async () => {
    const fifo = join(dir, "fifo.json")
    execFileSync("mkfifo", [fifo])
    const r = await pbpsim("merge", fifo)
    expectCleanRefusal(r)
    expect(r.stderr).toContain(`${fifo}: cannot read the shard (not a regular file)`)
  })
})

describe("hostile scenario files", () => {
  const validate = async (name: string, content: string | Buffer, csv?: string): Promise<Outcome & { file: string }> => {
    const file = join(dir, name)
    await writeFile(file, content)
    if (csv !== undefined) await writeFile(join(dir, "experience.csv"), csv)
    return { ...(await pbpsim("validate", file)), file }
  }
  const ratchet = async () => (await readFile(RATCHET, "utf8")).replace(/^\$schema: .*$/m, "")

  it("refuses a YAML alias bomb and an alias to no anchor, with the line", { timeout: TIMEOUT }, async () => {
    const levels = Array.from({ length: 8 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(", ")}]`)
    const bomb = await validate("bomb.yaml", `l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n${levels.join("\n")}\n`)
    expectCleanRefusal(bomb)
    expect(bomb.stderr).toContain(`${bomb.file}: line 2: invalid YAML: aliases expand too often (more than 100 expansions; an alias bomb?)`)
    const undefinedAlias = await validate("alias.yaml", "name: x\nmarket: *nowhere\n")
    expectCleanRefusal(undefinedAlias)
    expect(undefinedAlias.stderr).toContain(`${undefinedAlias.file}: line 2: invalid YAML: alias *nowhere refers to no anchor &nowhere set before it`)
    const recursive = await validate("recursive.yaml", "name: x\nmarket: &m { entities: [*m] }\n")
    expectCleanRefusal(recursive)
    expect(recursive.stderr).toContain("nested more than 64 levels deep (or an alias inside its own anchor)")
  })

  it("refuses brackets nested 100,000 deep before the YAML parser sees them", { timeout: TIMEOUT }, async () => {
    const r = await validate("deep.yaml", `name: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`)
    expectCleanRefusal(r)
    expect(r.stderr).toContain("invalid YAML: lists or mappings nested more than 100 deep")
  })

  it("refuses an experience CSV that is /dev/zero or a FIFO, and a scenario that is one", { timeout: TIMEOUT }, async () => {
    const zero = await validate("zero.yaml", (await ratchet()).replace(/^experience:\n(  - .*\n)+/m, "experience: { csv: /dev/zero }\n"))
    expectCleanRefusal(zero)
    expect(zero.stderr).toContain(`${zero.file}: experience.csv: cannot read the experience CSV /dev/zero: a character device (such as /dev/zero), not a regular file`)
    const fifo = join(dir, "scenario-fifo.yaml")
    execFileSync("mkfifo", [fifo])
    const r = await pbpsim("validate", fifo)
    expectCleanRefusal(r)
    expect(r.stderr).toContain(`${fifo}: cannot read the scenario file: a named pipe (FIFO), not a regular file`)
  })

  it("refuses a file that is not UTF-8, with the line and column of the bad byte", { timeout: TIMEOUT }, async () => {
    const r = await validate("latin1.yaml", Buffer.from("name: Caf\xe9\n", "latin1"))
    expectCleanRefusal(r)
    expect(r.stderr).toContain("not UTF-8 text: byte 0xe9 at line 1, column 10 is not valid UTF-8")
  })

  it("reports __proto__ in an overlay as an unknown field instead of ignoring it", { timeout: TIMEOUT }, async () => {
    const r = await validate("proto.yaml", (await ratchet()).replace("overlay: { benchmark: { rebasing: { kind: none } } }", "overlay: { __proto__: { benchmark: 1 } }"))
    expectCleanRefusal(r)
    expect(r.stderr).toContain('policies[0].overlay.__proto__: expected one of the fields market, experience, contract, benchmark, settlement, schedule, projection, presentValue, stochastic, participation, got unknown field "__proto__"')
  })

  it("refuses 1e400 quoted as it refuses it bare", { timeout: TIMEOUT }, async () => {
    const r = await validate("inf.yaml", `${await ratchet()}stochastic: { marketTrendSd: "1e400", memberCostSd: 1e400 }\n`)
    expectCleanRefusal(r)
    expect(r.stderr).toContain('stochastic.marketTrendSd: expected a number from 0 to 1, got "1e400" (numbers in a scenario must be finite and below 1e18')
    expect(r.stderr).toContain("stochastic.memberCostSd: expected a number from 0 to 10, got 1e400 (numbers in a scenario must be finite and below 1e18")
  })

  it("escapes control characters and clips a 1 MB key in messages", { timeout: TIMEOUT }, async () => {
    const r = await validate("echo.yaml", `name: x\nmarket: "\\e[31mred\\0"\n${"k".repeat(1_000)}\u001b: 1\n`)
    expectCleanRefusal(r)
    expect(r.stderr).toContain('market: expected a market { entities, providers?, peersIncludeProvider? }, got "\\u001b[31mred\\u0000"')
    expect(Math.max(...r.stderr.split("\n").map((l) => l.length))).toBeLessThanOrEqual(600)
    const long = await validate("long-key.yaml", `name: x\n"${"k".repeat(1_000_000)}": 1\n`)
    expectCleanRefusal(long)
    expect(long.stderr.length).toBeLessThan(5_000)
  })

  it("refuses more than 200 policies with one line", { timeout: TIMEOUT }, async () => {
    const policies = Array.from({ length: 250 }, (_, i) => `  - { name: p${i} }`).join("\n")
    const r = await validate("policies.yaml", (await ratchet()).replace(/^policies:\n[\s\S]*$/m, `policies:\n${policies}\n`))
    expectCleanRefusal(r)
    expect(r.stderr.trim()).toBe(`${r.file}: policies: expected at most 200 policies, got 250 of them`)
  })

  it("refuses noise the Monte Carlo cannot draw, naming the entity, the year and the fields", { timeout: TIMEOUT }, async () => {
    // 12 member months (one member-year, the least validate accepts) at $500 PMPM.
    const tiny = (await ratchet()).replace("memberMonths: 120000", "memberMonths: 12").replace('cost: "60000000.00"', 'cost: "6000"')
    const r = await validate("tiny.yaml", `${tiny}stochastic: { memberCostSd: 10 }\n`)
    expectCleanRefusal(r)
    // sd 10 ÷ √(12 ÷ 12 × 1.01 members) = 9.9504 on a log scale.
    expect(r.stderr).toContain(
      `${r.file}: stochastic: the Monte Carlo cannot simulate it: noise: stochastic of policies trending, annual-rebase, rebase-with-savings-credit: the cost of P in 2025 would vary with a log-scale sd of 9.9504`
    )
    const simulated = await pbpsim("simulate", r.file, "-n", "100", "-q")
    expectCleanRefusal(simulated)
    expect(simulated.stderr).toContain("above the 3 the Monte Carlo allows")
  })

  it("reports in validate a rule the exact engine refuses, naming the policy", { timeout: TIMEOUT }, async () => {
    // MSSP's variable MSR table starts at 500 assigned members; 1,200 member months (grown 1 %) are 101.
    const small = (await ratchet()).replace("memberMonths: 120000", "memberMonths: 1200").replace('cost: "60000000.00"', 'cost: "600000.00"').replace('msr: { fixed: "0" }', "msr: mssp-variable")
    const r = await validate("small.yaml", small)
    expectCleanRefusal(r)
    // One line for every policy, at the field that asks for the table.
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toContain(`${r.file}: settlement.msr: expected at least 500 assigned members`)
    expect(r.stderr).toContain("got 101 assigned members in 2025, 102.01 in 2026, 103.03 in 2027, 104.06 in 2028, 105.1 in 2029")
    expect(r.stderr).toContain("(every policy)")
    const run = await pbpsim("run", r.file)
    expectCleanRefusal(run)
  })
})
