import { mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { dec } from "@pbpsim/benchmark"
import { decodeScenario, formatWarning, loadScenario, onScenarioWarnings, type ScenarioWarning } from "@pbpsim/simulator"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { DISCOUNT, judge, MEMBER_GROWTH, MEMBER_MONTHS, PMPM, RISK_DRIFT, RISK_SCORE, TREND_RATE } from "../../src/scenario/plausibility.js"

/** A small valid scenario with ordinary figures: no errors, no warnings. */
const VALID = `name: Small
market:
  entities: [{ id: A }, { id: B }]
experience:
  - { entity: A, year: 2024, memberMonths: 120000, cost: "48000000.00" }
  - { entity: B, year: 2024, memberMonths: 240000, cost: "103200000.00", riskScore: "1.02" }
contract: { provider: A, peers: [A, B], startYear: 2025, years: 2, baseline: { years: [2024], weights: ["1"] } }
benchmark: { trend: { kind: fixed, rate: "0.04" } }
settlement: { preset: mssp-enhanced }
projection: { marketTrend: "0.05" }
policies: [{ name: trending }]
`

/** The error lines of a scenario that must fail. */
const errorsOf = (text: string, readCsv?: (path: string) => string): ReadonlyArray<string> => {
  const result = decodeScenario(text, "small.yaml", readCsv)
  if (Either.isRight(result)) throw new Error("decoded, but it should fail")
  return result.left.message.split("\n")
}

const folder = mkdtempSync(join(tmpdir(), "pbpsim-plausibility-"))
let files = 0

/** Loads the text as a file and returns its warnings as printed; throws when it does not load. */
const warningsOf = (text: string, csv?: string): ReadonlyArray<string> => {
  const file = join(folder, `s${++files}.yaml`)
  writeFileSync(file, text.replace("{ csv: data.csv }", `{ csv: s${files}.csv }`))
  if (csv !== undefined) writeFileSync(join(folder, `s${files}.csv`), csv)
  const warnings: Array<ScenarioWarning> = []
  Effect.runSync(loadScenario(file).pipe(onScenarioWarnings((found) => warnings.push(...found))))
  return warnings.map((w) => formatWarning(w).replaceAll(`${folder}/`, ""))
}

describe("judge", () => {
  const level = (bounds: Parameters<typeof judge>[0], value: string) => judge(bounds, dec(value))?.level ?? "fine"

  it("refuses a trend above 50 % or below −50 % a year, warns above 15 % or below −10 %", () => {
    expect(["0.5", "0.5001", "-0.5", "-0.5001"].map((v) => level(TREND_RATE, v))).toEqual(["warning", "error", "warning", "error"])
    expect(["0.15", "0.1501", "-0.1", "-0.1001", "0", "0.04"].map((v) => level(TREND_RATE, v))).toEqual(["fine", "warning", "fine", "warning", "fine", "fine"])
  })

  it("refuses member growth above 100 % or below −50 % a year, warns beyond ±25 %", () => {
    expect(["1", "1.01", "-0.5", "-0.51", "0.25", "0.26", "-0.26"].map((v) => level(MEMBER_GROWTH, v))).toEqual([
      "warning",
      "error",
      "warning",
      "error",
      "fine",
      "warning",
      "warning"
    ])
  })

  it("refuses a risk drift beyond ±50 % a year, warns beyond ±10 %", () => {
    expect(["0.5", "0.51", "-0.51", "0.1", "0.11", "-0.11", "0.02"].map((v) => level(RISK_DRIFT, v))).toEqual(["warning", "error", "error", "fine", "warning", "warning", "fine"])
  })

  it("refuses a risk score above 10 or below 0.1, warns above 3 or below 0.3", () => {
    expect(["10", "10.01", "0.1", "0.09", "3", "3.01", "0.29", "1.05"].map((v) => level(RISK_SCORE, v))).toEqual([
      "warning",
      "error",
      "warning",
      "error",
      "fine",
      "warning",
      "warning",
      "fine"
    ])
  })

  it("refuses a discount above 30 %, warns above 10 % and on a premium beyond 10 %, never refuses a premium", () => {
    expect(["0.3", "0.31", "0.99", "0.1", "0.11", "0.04", "-0.05", "-0.1", "-0.11", "-0.9"].map((v) => level(DISCOUNT, v))).toEqual([
      "warning",
      "error",
      "error",
      "fine",
      "warning",
      "fine",
      "fine",
      "fine",
      "warning",
      "warning"
    ])
  })

  it("refuses a PMPM below $1, warns below $50 or above $20,000, and never refuses a high one", () => {
    expect(["0", "0.99", "1", "49.99", "50", "20000", "20000.01", "514000000000"].map((v) => level(PMPM, v))).toEqual([
      "error",
      "error",
      "warning",
      "warning",
      "fine",
      "fine",
      "warning",
      "warning"
    ])
  })

  it("refuses fewer than 12 member months, warns below 1,200 (100 members)", () => {
    expect(["1", "11.9", "12", "1199", "1200"].map((v) => level(MEMBER_MONTHS, v))).toEqual(["error", "error", "warning", "warning", "fine"])
  })

  it("hints at a percentage typed as a number only where dividing by 100 gives a plausible figure", () => {
    expect(judge(TREND_RATE, dec("4.5"))?.message).toBe(
      "expected an annual trend rate of at most 0.5 (50 %), got 4.5 (450 % a year); did you mean 0.045 (4.5 %)? Rates are fractions: 0.04 = 4 %"
    )
    // 0.6 is not 0.6 % typed for 0.006: no guess.
    expect(judge(TREND_RATE, dec("0.6"))?.message).toBe("expected an annual trend rate of at most 0.5 (50 %), got 0.6 (60 % a year)")
    expect(judge(RISK_SCORE, dec("105"))?.message).toBe("expected an average risk score of at most 10, got 105; did you mean 1.05 (a score written as a percentage)?")
    // 5,000 / 100 = 50 is no risk score either.
    expect(judge(RISK_SCORE, dec("5000"))?.message).toBe("expected an average risk score of at most 10, got 5,000")
  })
})

describe("loading a scenario with absurd figures", () => {
  it("accepts the small scenario the cases vary, without warnings", () => {
    expect(Either.isRight(decodeScenario(VALID, "small.yaml"))).toBe(true)
    expect(warningsOf(VALID)).toEqual([])
  })

  it("refuses a trend rate of 4.5 in every kind of trend, at its path, with the percent hint", () => {
    const text = VALID.replace(
      'benchmark: { trend: { kind: fixed, rate: "0.04" } }',
      [
        "benchmark:",
        '  trend: { kind: blend, parts: [{ weight: "0.5", trend: { kind: fixed, rate: 4.5 } }, { weight: "0.5", trend: { kind: schedule, rates: { 2025: "0.04", 2026: 3 } } }], cap: 6, floor: "-0.6", deduction: 2 }',
        '  historicalTrend: { kind: fixed, rate: "4.5" }'
      ].join("\n")
    )
    const lines = errorsOf(text)
    expect(lines).toEqual([
      "small.yaml: benchmark.trend.parts[0].trend.rate: expected an annual trend rate of at most 0.5 (50 %), got 4.5 (450 % a year); did you mean 0.045 (4.5 %)? Rates are fractions: 0.04 = 4 %",
      "small.yaml: benchmark.trend.parts[1].trend.rates.2026: expected an annual trend rate of at most 0.5 (50 %), got 3 (300 % a year); did you mean 0.03 (3 %)? Rates are fractions: 0.04 = 4 %",
      "small.yaml: benchmark.trend.deduction: expected an annual trend deduction of at most 0.5 (50 %), got 2 (200 % a year); did you mean 0.02 (2 %)? Rates are fractions: 0.04 = 4 %",
      "small.yaml: benchmark.trend.cap: expected an annual trend cap of at most 0.5 (50 %), got 6 (600 % a year); did you mean 0.06 (6 %)? Rates are fractions: 0.04 = 4 %",
      "small.yaml: benchmark.trend.floor: expected an annual trend floor of at least -0.5 (-50 %), got -0.6 (-60 % a year)",
      "small.yaml: benchmark.historicalTrend.rate: expected an annual trend rate of at most 0.5 (50 %), got 4.5 (450 % a year); did you mean 0.045 (4.5 %)? Rates are fractions: 0.04 = 4 %"
    ])
  })

  it("refuses projection figures typed as percentages: market trend, member growth of 500 %, risk drift", () => {
    const text = VALID.replace(
      'projection: { marketTrend: "0.05" }',
      "projection: { marketTrend: [\"0.05\", 5], default: { memberGrowth: 5 }, entities: { B: { riskDrift: \"1.5\" } } }"
    )
    expect(errorsOf(text)).toEqual([
      "small.yaml: projection.marketTrend[1]: expected an annual trend rate of at most 0.5 (50 %), got 5 (500 % a year); did you mean 0.05 (5 %)? Rates are fractions: 0.04 = 4 %",
      "small.yaml: projection.default.memberGrowth: expected an annual growth of member months of at most 1 (100 %), got 5 (500 % a year); did you mean 0.05 (5 %)? Rates are fractions: 0.04 = 4 %",
      "small.yaml: projection.entities.B.riskDrift: expected an annual change of the risk score of at most 0.5 (50 %), got 1.5 (150 % a year); did you mean 0.015 (1.5 %)? Rates are fractions: 0.04 = 4 %"
    ])
  })

  it("refuses a discount of 0.99 per year and in a schedule entry, but not a benchmark premium", () => {
    const text = VALID.replace('benchmark: { trend: { kind: fixed, rate: "0.04" } }', 'benchmark: { trend: { kind: fixed, rate: "0.04" }, discount: ["0.02", "0.99"] }')
    expect(errorsOf(text)).toEqual(["small.yaml: benchmark.discount[1]: expected a benchmark discount of at most 0.3 (30 %), got 0.99 (99 %); did you mean 0.0099 (0.99 %)?"])
    const premium = VALID.replace('benchmark: { trend: { kind: fixed, rate: "0.04" } }', 'benchmark: { trend: { kind: fixed, rate: "0.04" }, discount: "-0.05" }')
    expect(warningsOf(premium)).toEqual([])
    const scheduled = VALID.replace("policies:", 'schedule: [{ fromYear: 2, benchmark: { discount: "0.5" } }]\npolicies:')
    expect(errorsOf(scheduled)).toEqual(["small.yaml: schedule[0].benchmark.discount: expected a benchmark discount of at most 0.3 (30 %), got 0.5 (50 %); did you mean 0.005 (0.5 %)?"])
  })

  it("refuses inline rows with a cost of 0, one member month or a risk score of 100, at the row's field", () => {
    const text = VALID.replace('memberMonths: 120000, cost: "48000000.00" }', 'memberMonths: 120000, cost: "0", riskScore: 100 }').replace(
      'memberMonths: 240000, cost: "103200000.00"',
      'memberMonths: 1, cost: "430.00"'
    )
    expect(errorsOf(text)).toEqual([
      "small.yaml: experience[0].cost: expected a cost per member month (PMPM = cost ÷ member months) of at least $1, got $0.00; a PMPM of $0 means no care was paid for at all",
      "small.yaml: experience[0].riskScore: expected an average risk score of at most 10, got 100; did you mean 1 (a score written as a percentage)?",
      // One member month: the PMPM of $430 is not judged again.
      "small.yaml: experience[1].memberMonths: expected member months of at least 12, got 1; one member for one year is 12 member months"
    ])
  })

  it("points at the CSV line of a row read from a CSV", () => {
    const text = VALID.replace(/experience:\n( {2}- .*\n)+/, "experience: { csv: data.csv }\n")
    const csv = ["entity,year,memberMonths,cost,riskScore", "A,2024,120000,48000000.00,", "B,2024,240000,103200000.00,102"].join("\n")
    expect(errorsOf(text, () => csv)).toEqual([
      "data.csv: line 3, riskScore: expected an average risk score of at most 10, got 102; did you mean 1.02 (a score written as a percentage)?"
    ])
  })

  it("does not judge the figures of a row refused for another reason", () => {
    // A duplicate row of one member month at $1 is reported once, as a duplicate.
    const text = VALID.replace("contract:", '  - { entity: B, year: 2024, memberMonths: 1, cost: "1" }\ncontract:')
    expect(errorsOf(text)).toEqual(["small.yaml: experience[2]: expected one row per entity, group, segment and year, got a second row for B in 2024 (first at experience[1])"])
  })

  it("reports a policy's absurd figure under its overlay, and a figure of the base once", () => {
    const text = VALID.replace('rate: "0.04"', 'rate: "4"').replace(
      "policies: [{ name: trending }]",
      'policies: [{ name: trending }, { name: fast, overlay: { projection: { default: { memberGrowth: 3 } } } }]'
    )
    expect(errorsOf(text)).toEqual([
      "small.yaml: benchmark.trend.rate: expected an annual trend rate of at most 0.5 (50 %), got 4 (400 % a year); did you mean 0.04 (4 %)? Rates are fractions: 0.04 = 4 %",
      "small.yaml: policies[1].overlay.projection.default.memberGrowth: expected an annual growth of member months of at most 1 (100 %), got 3 (300 % a year); did you mean 0.03 (3 %)? Rates are fractions: 0.04 = 4 %"
    ])
  })
})

describe("warnings", () => {
  it("names the file, the path, the figure and why it is unusual, and the scenario still loads", () => {
    const text = VALID.replace('rate: "0.04"', 'rate: "0.2"').replace('riskScore: "1.02"', 'riskScore: "4"').replace('marketTrend: "0.05"', 'marketTrend: "0.05", default: { riskDrift: "-0.2" }')
    expect(warningsOf(text).map((line) => line.replace(/^s\d+\./, "s."))).toEqual([
      "s.yaml: benchmark.trend.rate: warning: 0.2 (20 % a year) is unusual for an annual trend rate, above 0.15 (15 %): US health spending per person has grown by about 2–10 % a year since 1990 (CMS National Health Expenditure Accounts)",
      "s.yaml: projection.default.riskDrift: warning: -0.2 (-20 % a year) is unusual for an annual change of the risk score, below -0.1 (-10 %): average risk scores drift by a few percent a year (MSSP caps an ACO's risk-score growth at 3 % over a whole agreement period)",
      "s.yaml: experience[1].riskScore: warning: 4 is unusual for an average risk score, above 3: risk scores are normalised to 1 for an average population, and the average of a whole population seldom leaves 0.3–3"
    ])
  })

  it("warns at the CSV line of an unusual row, and once for a figure the base holds", () => {
    const text = VALID.replace(/experience:\n( {2}- .*\n)+/, "experience: { csv: data.csv }\n").replace(
      "policies: [{ name: trending }]",
      'policies: [{ name: trending }, { name: rebase, overlay: { benchmark: { rebasing: { kind: annual } } } }]'
    )
    const csv = ["entity,year,memberMonths,cost", "A,2024,600,240000.00", "B,2024,240000,103200000.00"].join("\n")
    expect(warningsOf(text, csv).map((line) => line.replace(/^s\d+\./, "s."))).toEqual([
      "s.csv: line 2, memberMonths: warning: 600 is unusual for member months, below 1,200: with fewer than 100 members chance alone moves a PMPM by about 17 % a year (memberCostSd 1.7 ÷ √100), and programs require far more (MSSP: 5,000 assigned beneficiaries)"
    ])
  })

  it("reports nothing to a caller who installed no listener", () => {
    const file = join(folder, "quiet.yaml")
    writeFileSync(file, VALID.replace('rate: "0.04"', 'rate: "0.2"'))
    expect(Effect.runSync(loadScenario(file)).name).toBe("Small")
  })

  it("finds nothing to warn about in the bundled scenarios", () => {
    const dir = fileURLToPath(new URL("../../../../scenarios/", import.meta.url))
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      const warnings: Array<ScenarioWarning> = []
      Effect.runSync(loadScenario(join(dir, name)).pipe(onScenarioWarnings((found) => warnings.push(...found))))
      expect(warnings.map(formatWarning), name).toEqual([])
    }
  })
})
