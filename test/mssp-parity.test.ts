import { readFileSync } from "node:fs"
import { dec, detectPufLayout, formatFixed, missingPufColumns, reconcilePufRow, reconcilePufRows, summarizePufReconciliation, type PufRowReconciliation } from "@pbpsim/benchmark"
import { parse } from "csv-parse/sync"
import { describe, expect, it } from "vitest"

/**
 * Parity with real CMS data: every ACO of the PY2023 Shared Savings Program financial results
 * PUF (data/cms/mssp/, described in data/README.md) re-settled with our rules
 * (docs/rules/mssp-parity.md). The expected counts were established with an independent
 * re-implementation of the MSSP settlement rules (docs/model.md §9.7–§9.9) in Python's decimal
 * module, which also reproduced all 313 PY2023 savings rows, and agree with the PY2023 PUF sums
 * (docs/model.md §9.9). Any regression in the MSR table, the sharing rates,
 * sequestration, the cap order, quality-linked loss rates or the disaster adjustment changes
 * these counts.
 */
const PUF = new URL("../data/cms/mssp/py2023-aco-results-puf.csv", import.meta.url)

const rows = parse(readFileSync(PUF, "utf8"), { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>
const header = Object.keys(rows[0] ?? {})
const layout = detectPufLayout(header)
const results: ReadonlyArray<PufRowReconciliation> = reconcilePufRows(header, rows)
const summary = summarizePufReconciliation(results, layout)
const ids = (rs: ReadonlyArray<PufRowReconciliation>) => rs.map((r) => r.acoId)

describe("MSSP PY2023 PUF parity", () => {
  it("reads all 453 ACOs with every required column", () => {
    expect(missingPufColumns(header)).toEqual([])
    expect(summary.rows).toBe(453)
  })

  it("recognises the PY2023 layout and its rates printed with a % sign", () => {
    expect(summary.layout?.id).toBe("PY2023")
    expect(summary.layout?.percentStyles).toEqual(["percent-sign"])
    // a row read on its own (layout from its keys) settles the same
    expect(reconcilePufRow(rows[0]!).computedEarned?.eq(results[0]!.computedEarned!)).toBe(true)
  })

  it("reports parity per rule path: savings 313/313, losses 17/20 (3 revenue limits), none 120/120, the PY2024 paths absent", () => {
    const byPath = Object.fromEntries(summary.paths.map((p) => [p.path, { inFile: p.inFile, rows: p.rows, reproduced: p.reproduced, gaps: p.notReproduced.map((g) => `${g.gap}×${g.rows}`) }]))
    expect(byPath).toEqual({
      savings: { inFile: true, rows: 313, reproduced: 313, gaps: [] },
      losses: { inFile: true, rows: 20, reproduced: 17, gaps: ["revenue-loss-limit×3"] },
      none: { inFile: true, rows: 120, reproduced: 120, gaps: [] },
      // Every PY2023 ACO met the quality performance standard: the alternative standard is in the file but not exercised.
      "alternative-quality": { inFile: true, rows: 0, reproduced: 0, gaps: [] },
      // ReducedSS, Guardrail and the AIP columns arrive with PY2024.
      "reduced-shared-savings": { inFile: false, rows: 0, reproduced: 0, gaps: [] },
      guardrail: { inFile: false, rows: 0, reproduced: 0, gaps: [] },
      "aip-recoupment": { inFile: false, rows: 0, reproduced: 0, gaps: [] }
    })
  })

  it("finds every printed ABtotExp within $1 of ABtotBnchmk − BnchmkMinExp, the expenditure settled on", () => {
    expect(ids(results.filter((r) => /differs from ABtotExp/.test(r.explanation)))).toEqual([])
  })

  it("reproduces EarnSaveLoss within $1 for 313 of 313 savings rows", () => {
    const savings = results.filter((r) => r.reportedOutcome === "savings")
    expect(savings).toHaveLength(313)
    expect(ids(savings.filter((r) => !r.withinDollar))).toEqual([])
    expect(summary.savingsWithinDollar).toBe(313)
  })

  it("reproduces MinSavPerc to printed precision for 151 of 151 one-sided ACOs from the variable table", () => {
    expect(summary.oneSidedRows).toBe(151)
    expect(summary.oneSidedMsrMatches).toBe(151)
  })

  it("explains every two-sided MinSavPerc: 256 allowed fixed elections, 46 the variable table, 0 unexplained", () => {
    // Which MSR a two-sided ACO elected is not in the file; what can be checked is that the printed
    // rate is one of the elections of 425.605(b) (0, 0.5, 1, 1.5, 2 %) or the table at N_AB.
    expect(summary.twoSidedRows).toBe(302)
    expect(summary.twoSidedFixedElection).toBe(256)
    expect(summary.twoSidedVariableTable).toBe(46)
    expect(summary.twoSidedMsrUnexplained).toBe(0)
  })

  it("reproduces MinSavPerc to printed precision on every savings row", () => {
    const savings = results.filter((r) => r.reportedOutcome === "savings")
    expect(ids(savings.filter((r) => r.msrMatches !== true))).toEqual([])
  })

  it("gives CMS's outcome (savings, loss, inside the corridor) for 453 of 453 ACOs", () => {
    expect(ids(results.filter((r) => r.outcome !== r.reportedOutcome))).toEqual([])
    expect(summary.noneRows).toBe(120)
    expect(summary.noneWithinDollar).toBe(120)
  })

  it("agrees with the printed Sav_rate, FinalShareRate and FinalLossRate of every ACO", () => {
    expect(summary.savingsRateMatches).toBe(453)
    expect(summary.shareRateMatches).toBe(453)
    expect(summary.lossRateRows).toBe(302)
    expect(summary.lossRateMatches).toBe(302)
  })

  it("reproduces 17 of 20 loss rows within $1 (rate, then DisAdj); the other 3 are revenue-based loss limits the PUF cannot show", () => {
    expect(summary.lossRows).toBe(20)
    expect(summary.lossWithinDollar).toBe(17)
    expect(summary.lossExplainedByRevenueLimit).toBe(3)
    const misses = summary.misses.map((m) => ({ aco: m.acoId, off: m.difference === undefined ? "not settled" : formatFixed(m.difference, 0), revenueLimit: /revenue-based loss limit binds/.test(m.explanation) }))
    expect(misses).toEqual([
      // BASIC E: 8,290,897 × 30 % = 2,487,269 − 823,342 DisAdj = 1,663,927 vs 1,149,065 owed
      { aco: "A1241", off: "-514862", revenueLimit: true },
      // BASIC E (4,690 members, table MLR 4.07 %): 935,342 − 370,788 = 564,554 vs 138,360
      { aco: "A4627", off: "-426194", revenueLimit: true },
      // BASIC C: 1,003,853 − 72,695 = 931,158 vs 98,453
      { aco: "A5293", off: "-832705", revenueLimit: true }
    ])
  })

  it("matches the PY2023 PUF sums (docs/model.md §9.9): $3,094,455,061 earned by 313 ACOs, −$14,213,577 owed by 20", () => {
    expect(summary.reportedSavingsTotal.eq(dec("3094455061"))).toBe(true)
    expect(summary.reportedLossTotal.eq(dec("-14213577"))).toBe(true)
    const computedSavings = results.filter((r) => r.reportedOutcome === "savings").reduce((acc, r) => acc.add(r.computedEarned!), dec(0))
    // 313 rows each within $1 of the printed whole dollars
    expect(computedSavings.sub(summary.reportedSavingsTotal).abs().lte(313)).toBe(true)
  })
})
