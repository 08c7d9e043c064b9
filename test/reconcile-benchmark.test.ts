import { mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { pbpsim, ROOT, TIMEOUT } from "./support/cli.js"

/**
 * `pbpsim reconcile`'s benchmark-side section on the synthetic files of test/fixtures/puf/
 * (README there). Every expected figure is worked by hand from the row's own columns in the
 * comments; none comes from pbpsim's output.
 */
const FIXTURES = "test/fixtures/puf"

interface CheckJson {
  readonly check: string
  readonly inFile: boolean
  readonly checked: number
  readonly counts: Readonly<Record<string, number>>
  readonly missingColumns: ReadonlyArray<string>
  readonly off: ReadonlyArray<{ readonly acoId: string; readonly detail: string }>
}
interface Report {
  readonly summary: { readonly benchmark: { readonly checks: ReadonlyArray<CheckJson>; readonly limits: ReadonlyArray<{ readonly figure: string }> } }
}

const reconcileJson = async (file: string): Promise<Report> => {
  const r = await pbpsim("reconcile", file, "--format", "json")
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Report
}

/** Check → its non-zero counts, "-" when not in this layout. */
const counts = (report: Report): Record<string, string> =>
  Object.fromEntries(
    report.summary.benchmark.checks.map((c) => [
      c.check,
      c.inFile
        ? Object.entries(c.counts)
            .filter(([, k]) => k > 0)
            .map(([s, k]) => `${s} ${k}`)
            .join(", ")
        : "-"
    ])
  )

describe("reconcile: benchmark-side parity, PY2024 layout", () => {
  it.concurrent("checks every benchmark figure the columns determine", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2024-synthetic.csv`)
    expect(counts(report)).toEqual({
      // X0001: 10,417 × 19,200 = 200,006,400 vs 200,000,000 printed, 6,400 off, within
      // ½ × 19,200 + ½ × 10,417 + ¾ = 14,809.25; the other rows exactly (X0002 5,000 × 30,000 = 150,000,000, …)
      "total-benchmark": "match 6",
      // X0001: 9,896 × 19,200 = 190,003,200 vs 190,000,000; the others exactly (X0005 4,080 × 25,000 = 102,000,000, …)
      "total-expenditure": "match 6",
      // X0001 100 + 1,100 + 2,000 + 16,000 = 19,200; X0003 50 + 950 + 1,000 + 6,000 = 8,000; …;
      // X0006 suppresses its ESRD person-years ("*")
      "person-years-by-type": "match 5, not-printed 1",
      // X0001 100 × 90,000 + 1,100 × 11,000 + 2,000 × 16,050 + 16,000 × 8,550 = 190,000,000 vs 9,896 × 19,200;
      // X0004 100 × 70,000 + 900 × 10,000 + 1,000 × 16,000 + 10,000 × 8,200 = 114,000,000 = 9,500 × 12,000; …
      "expenditure-by-type": "match 5, not-printed 1",
      // July 2019–2023 agreements (X0001, X0002, X0006; the 2024 starters are on the other rule):
      // X0001 disabled 1.050 ÷ 1.000 above 1.03 → binds; X0002 every type ≤ 1.0202 → within;
      // X0006 disabled 1.030 ÷ 1.000 straddles 1.03 at printed precision → undetermined (its ESRD scores are "*")
      "risk-cap-2019": "binds 1, within 1, undetermined 1, not-applicable 3",
      // 2024 agreements (X0003, X0004, X0005), weights RR_weight_t_PY:
      // X0003 aggregate 0.06 × 1 + 0.04 × 1.1 + 0.2 × 1.05 + 0.7 × 1.05 = 1.049 > cap 1 + 0.03 → binds;
      // X0004 0.05 × 1.1 + 0.05 × 1.02 + 0.25 × 1.01 + 0.65 × 1.02 = 1.0215 ≤ cap
      //   1.0059 (0.05 × 0.99 + 0.05 + 0.25 + 0.65 × 1.02/1.01) + 0.03 = 1.0359 → within, ESRD keeps 1.10;
      // X0005 0.03 + 0.07 + 0.4 × 1.07 + 0.5 × 1.02 = 1.038 > 1.0009 + 0.03 = 1.0309 → binds (aged dual)
      "risk-cap-2024": "binds 2, within 1, not-applicable 3",
      // X0001 (2022) regional 150 → Regional; X0002, X0006 (2022–2023) regional 0 → None; X0003 (2024) no PSA,
      // regional 0 → None; X0004 (2024) no PSA, regional 180 → Regional; X0005 (2024) PSA 200 > regional 150 → Prior Savings
      "adjustment-choice": "match 6"
    })
  })

  it.concurrent("prints the section, with the rows off and what public data cannot reproduce", { timeout: TIMEOUT }, async () => {
    const original = await readFile(join(ROOT, FIXTURES, "py2024-synthetic.csv"), "utf8")
    // X0004's UpdatedBnchmk 10,000 → 10,100: 10,100 × 12,000 = 121,200,000 vs 120,000,000 printed, beyond
    // ½ × 12,000 + ½ × 10,100 + ¾ = 11,050.75; its FinalAdjCat Regional → None while RegAdj is 180 > 0
    const lines = original.split("\n")
    const i = lines.findIndex((l) => l.startsWith("X0004,"))
    lines[i] = lines[i]!.replace(",180,-,Regional,10000,", ",180,-,None,10100,")
    expect(lines[i]).toContain(",None,10100,")
    const dir = await mkdtemp(join(tmpdir(), "pbpsim-puf-benchmark-"))
    const file = join(dir, "py2024-off.csv")
    await writeFile(file, lines.join("\n"))
    const report = await reconcileJson(file)
    const byId = Object.fromEntries(report.summary.benchmark.checks.map((c) => [c.check, c]))
    expect(byId["total-benchmark"]!.off.map((o) => o.acoId)).toEqual(["X0004"])
    expect(byId["total-benchmark"]!.off[0]!.detail).toContain("difference −1,200,000, beyond the ±11,050.75 the printed rounding allows")
    expect(byId["adjustment-choice"]!.off[0]!.detail).toMatch(/FinalAdjCat "None"; RegAdj 180, no PriorSavAdj: not eligible for the PSA, regional > 0 → regional/)
    const text = (await pbpsim("reconcile", file, "--wide")).stdout
    expect(text).toContain("total benchmark: 6 rows checked, 5 within the printed rounding, 1 off")
    expect(text).toMatch(/off: X0004 \(total benchmark\): ABtotBnchmk 120,000,000 vs UpdatedBnchmk 10,100 × N_AB_Year_PY 12,000 = 121,200,000/)
    expect(text).toContain("risk ratio cap, agreements from 2024: 3 rows on this rule, nothing printed to compare")
    expect(text).toContain("benchmark figures public data cannot reproduce:")
    expect(text).toContain("UpdatedBnchmk from HistBnchmk:")
  })
})

describe("reconcile: benchmark-side parity in the other layouts", () => {
  // The other synthetic files carry only the settlement columns (their README): no person-years, per
  // capita figures, risk scores or adjustment category, so every check is "not in this layout".
  for (const file of ["py2023-synthetic.csv", "py2022-synthetic.csv", "py2020-synthetic.csv", "py2019-synthetic.csv"]) {
    it.concurrent(`${file}: every check not in this layout, with the columns it lacks`, { timeout: TIMEOUT }, async () => {
      const report = await reconcileJson(`${FIXTURES}/${file}`)
      expect(Object.values(counts(report)).every((v) => v === "-")).toBe(true)
      const total = report.summary.benchmark.checks.find((c) => c.check === "total-benchmark")!
      expect(total.missingColumns).toContain("N_AB_Year_PY")
    })
  }

  it.concurrent("says so in the text summary", { timeout: TIMEOUT }, async () => {
    const text = (await pbpsim("reconcile", `${FIXTURES}/py2022-synthetic.csv`, "--wide")).stdout
    expect(text).toMatch(/total benchmark: not in this layout \(no UpdatedBnchmk, N_AB_Year_PY\)/)
  })
})
