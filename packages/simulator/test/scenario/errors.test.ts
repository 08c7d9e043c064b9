import { fileURLToPath } from "node:url"
import { decodeScenario, loadScenario, type ScenarioError } from "@pbpsim/simulator"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"

const errorsDir = fileURLToPath(new URL("../fixtures/scenario/errors/", import.meta.url))

/** The ScenarioError of a fixture, with the fixture folder stripped from file names so lines read as in the folder. */
const failureOf = (name: string): ScenarioError => {
  const result = Effect.runSync(Effect.either(loadScenario(`${errorsDir}${name}`)))
  if (Either.isRight(result)) throw new Error(`${name} loaded, but it should fail`)
  return result.left
}

const linesOf = (name: string): ReadonlyArray<string> => failureOf(name).message.replaceAll(errorsDir, "").split("\n")

/** A small valid scenario to vary inline. */
const VALID = `name: Small
market:
  entities: [{ id: A }, { id: B }]
experience:
  - { entity: A, year: 2024, memberMonths: 1200, cost: "480000.00" }
  - { entity: B, year: 2024, memberMonths: 2400, cost: "1032000.00" }
contract: { provider: A, peers: [A, B], startYear: 2025, years: 2, baseline: { years: [2024], weights: ["1"] } }
benchmark: { trend: { kind: fixed, rate: "0.04" } }
settlement: { preset: mssp-enhanced }
projection: { marketTrend: "0.05" }
policies: [{ name: trending }]
`

const decodeLines = (text: string, readCsv?: (path: string) => string): ReadonlyArray<string> => {
  const result = decodeScenario(text, "small.yaml", readCsv)
  if (Either.isRight(result)) throw new Error("decoded, but it should fail")
  return result.left.message.split("\n")
}

describe("loadScenario errors", () => {
  it("accepts the small valid scenario the inline cases vary", () => {
    expect(Either.isRight(decodeScenario(VALID, "small.yaml"))).toBe(true)
  })

  it("reports wrong types with the field's path, what it expects and what the file holds", () => {
    // wrong-types.yaml: one mistake per line 8, 12, 13, 14, 15 and 16.
    expect(linesOf("wrong-types.yaml")).toEqual([
      'wrong-types.yaml: contract.startYear: expected a calendar year (1900–2200), got "twenty25"',
      'wrong-types.yaml: benchmark.glidePath.constant: expected a decimal between 0 and 1, got "1.5"',
      'wrong-types.yaml: benchmark.trend.rate: expected a rate above −1 (0.04 = 4 %), got "four percent"',
      'wrong-types.yaml: benchmark.peerRefresh: expected one of with-rebase, annual, fixed, got "sometimes"',
      'wrong-types.yaml: settlement.quality.meetsStandard: expected true or false, got "yes"',
      'wrong-types.yaml: projection.marketTrend[1]: expected a rate above −1 (0.04 = 4 %), got "x"'
    ])
  })

  it("gives each issue the line of its YAML node", () => {
    const issues = failureOf("wrong-types.yaml").issues
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ["contract.startYear", 8],
      ["benchmark.glidePath.constant", 12],
      ["benchmark.trend.rate", 13],
      ["benchmark.peerRefresh", 14],
      ["settlement.quality.meetsStandard", 15],
      ["projection.marketTrend[1]", 16]
    ])
    expect(issues[0]).toMatchObject({ expected: "a calendar year (1900–2200)", actual: '"twenty25"' })
  })

  it("reports every missing field, including the one of a glide path form and of a discriminated trend", () => {
    expect(linesOf("missing-fields.yaml")).toEqual([
      "missing-fields.yaml: experience[0].memberMonths: expected a decimal > 0, got nothing",
      "missing-fields.yaml: contract.startYear: expected a calendar year (1900–2200), got nothing",
      "missing-fields.yaml: contract.baseline.weights: expected a non-empty list of weights, got nothing",
      // { from: "1" } is the { from, to } form: `to` is what is missing, not one of three alternatives.
      "missing-fields.yaml: benchmark.glidePath.to: expected a decimal between 0 and 1, got nothing",
      "missing-fields.yaml: benchmark.trend.source: expected one of peers, market, got nothing",
      "missing-fields.yaml: projection: expected a projection { marketTrend, default, entities }, got nothing",
      // settlement: {} decodes (every field optional), then the terms check says what a preset-less contract needs.
      'missing-fields.yaml: settlement.msr: expected { fixed: rate } or "mssp-variable" (required without a preset), got nothing',
      "missing-fields.yaml: settlement.savingsRate: expected a sharing rate or { bands } (required without a preset), got nothing"
    ])
  })

  it("reports entities, groups and projections that name no entity of the market", () => {
    expect(linesOf("unknown-entity.yaml")).toEqual([
      'unknown-entity.yaml: contract.peers[1]: expected one of the market\'s entities (A, B), got "C"',
      'unknown-entity.yaml: projection.entities.E: expected one of the market\'s entities (A, B), got "E"',
      'unknown-entity.yaml: experience[1].group: expected one of A\'s groups (A1), got "A9"',
      'unknown-entity.yaml: experience[3].entity: expected one of the market\'s entities (A, B), got "D"'
    ])
  })

  it("reports weights that do not sum to 1, per-year lists of the wrong length and years without experience", () => {
    expect(linesOf("weights.yaml")).toEqual([
      // 0.1 + 0.3 + 0.5 = 0.9
      "weights.yaml: contract.baseline.weights: expected weights summing to 1, got 0.9 (0.1 + 0.3 + 0.5)",
      // small-experience.csv starts in 2023; the baseline starts in 2022.
      "weights.yaml: experience: expected experience in every baseline year for the provider and each peer, got none for A in 2022; B in 2022",
      "weights.yaml: benchmark.glidePath.providerWeights: expected 2 provider weights, one per contract year, got 3",
      // 2/3 is its 40-digit value 0.666…67 (half-up); + 0.5 = 1.1666…67, rounded to 40 significant digits: 7/6 ≠ 1.
      `weights.yaml: benchmark.trend.parts: expected weights summing to 1, got 1.1${"6".repeat(37)}7 (0.${"6".repeat(39)}7 + 0.5)`,
      // 0.2 + 0.3 + 0.4 = 0.9
      "weights.yaml: benchmark.rebasing.weights: expected weights summing to 1, got 0.9 (0.2 + 0.3 + 0.4)"
    ])
  })

  it("reports an unreadable experience CSV at the scenario field that names it, with the CSV's path relative to the scenario file", () => {
    expect(linesOf("unreadable-csv.yaml")).toEqual([
      "unreadable-csv.yaml: experience.csv: cannot read the experience CSV data/no-such-file.csv: ENOENT: no such file or directory, open 'data/no-such-file.csv'"
    ])
  })

  it("reports malformed CSV lines with the CSV file's name and line number", () => {
    expect(linesOf("malformed-csv.yaml")).toEqual([
      // line 3: a thousands separator is not a decimal
      'malformed.csv: line 3, cost: expected a decimal ≥ 0, got "52,800,000.00"',
      // line 4: the risk score cell is missing altogether
      "malformed.csv: line 4: expected 5 fields (entity,year,memberMonths,cost,riskScore), got 4",
      'malformed.csv: line 5, memberMonths: expected a decimal > 0, got "-5"',
      'malformed.csv: line 5, riskScore: expected a decimal > 0, got "0"'
    ])
  })

  it("reports a CSV header without a required column", () => {
    expect(linesOf("missing-column.yaml")).toEqual([
      "missing-column.csv: line 1 (header): expected columns entity, year, memberMonths, cost, got no column cost (header: entity,year,memberMonths,costs)",
      "missing-column.csv: line 1 (header): expected only the columns entity, year, memberMonths, cost, riskScore, group, segment, got unknown column costs"
    ])
  })

  it("reports CSV that cannot be parsed at all, with its line", () => {
    const text = VALID.replace(/experience:\n(  - .*\n)+/, "experience: { csv: rows.csv }\n")
    expect(decodeLines(text, () => 'entity,year,memberMonths,cost\nA,2024,1200,"480000\n')).toEqual([
      // The quote opens on line 2 and is never closed.
      "rows.csv: line 2: malformed CSV: Quote Not Closed: the parsing is finished with an opening quote"
    ])
  })

  it("names overlay errors by the policy's path, and reports a base error once rather than per policy", () => {
    expect(linesOf("bad-overlay.yaml")).toEqual([
      'bad-overlay.yaml: policies[3].overlay.settlements: expected one of the fields market, experience, contract, benchmark, settlement, schedule, projection, presentValue, stochastic, participation, got unknown field "settlements" (did you mean "settlement"?)',
      'bad-overlay.yaml: policies[3].name: expected a policy name not used before (policies[0] is trending), got "trending"',
      'bad-overlay.yaml: policies[1].overlay.benchmark.glidePathOnRebse: expected one of the fields glidePath, convergenceCaps, trend, historicalTrend, risk, peerWeightBySide, nationalPerCapita, lossGuardrail, bySegment, peerTarget, equityAddOn, discount, rounding, peerRefresh, rebasing, savingsCredit, glidePathOnRebase, got unknown field "glidePathOnRebse" (did you mean "glidePathOnRebase"?)',
      "bad-overlay.yaml: policies[1].overlay.benchmark.rebasing.every: expected a whole number ≥ 1, got nothing",
      // The overlay shortens the contract to 2 years but lists 3 discounts.
      "bad-overlay.yaml: policies[2].overlay.benchmark.discount: expected 2 discounts, one per contract year, got 3"
    ])
  })

  it("turns YAML syntax errors into issues with line and column, never a stack trace", () => {
    expect(linesOf("yaml-syntax.yaml")).toEqual([
      "yaml-syntax.yaml: line 4, column 1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "yaml-syntax.yaml: line 6, column 3: invalid YAML: Map keys must be unique"
    ])
  })

  it("reports several problems of different kinds at once: schema, semantic and policy checks", () => {
    expect(linesOf("several.yaml")).toEqual([
      "several.yaml: experience[0].memberMonths: expected a decimal > 0, got 0",
      'several.yaml: experience[1].cost: expected a decimal ≥ 0, got "-1"',
      'several.yaml: experience[1].riskScore: expected a decimal > 0, got "0"',
      'several.yaml: benchmark.risk.capUp: expected a decimal ≥ 0 or null (none), got "-0.03"',
      "several.yaml: contract.baseline.weights: expected weights summing to 1, got 0.9 (0.4 + 0.5)",
      'several.yaml: settlement.msr: expected { fixed: rate } or "mssp-variable" (required without a preset), got nothing',
      "several.yaml: settlement.mlr: expected a minimum loss rate, since lossRate makes the terms two-sided, got nothing",
      "several.yaml: projection.marketTrend: expected 2 market trend rates, one per contract year, got 1",
      'several.yaml: policies[1].name: expected a policy name not used before (policies[0] is base), got "base"'
    ])
  })

  it("reports an unreadable scenario file as an issue", () => {
    expect(linesOf("no-such-scenario.yaml")).toEqual([
      "no-such-scenario.yaml: cannot read the scenario file: ENOENT: no such file or directory, open 'no-such-scenario.yaml'"
    ])
  })
})

describe("decodeScenario checks", () => {
  it("rejects a file that is not a mapping", () => {
    expect(decodeLines("- just\n- a list\n")).toEqual(['small.yaml: expected a scenario (a mapping with name, market, experience, contract, …), got ["just", "a list"]'])
    expect(decodeLines("")).toEqual(["small.yaml: expected a scenario (a mapping with name, market, experience, contract, …), got null"])
  })

  it("reports duplicate rows, rows after the contract's end and group rows mixed with whole-entity rows", () => {
    const text = VALID.replace(
      '  - { entity: B, year: 2024, memberMonths: 2400, cost: "1032000.00" }\n',
      [
        '  - { entity: B, year: 2024, memberMonths: 2400, cost: "1032000.00" }',
        '  - { entity: B, year: 2024, memberMonths: 10, cost: "1" }',
        '  - { entity: B, year: 2027, memberMonths: 10, cost: "1" }',
        '  - { entity: A, group: A1, year: 2024, memberMonths: 10, cost: "1" }',
        ""
      ].join("\n")
    ).replace("{ id: A }", "{ id: A, groups: [A1] }")
    expect(decodeLines(text)).toEqual([
      "small.yaml: experience[2]: expected one row per entity, group, segment and year, got a second row for B in 2024 (first at experience[1])",
      "small.yaml: experience[3].year: expected a year before the contract ends in 2026 (history, or a contract year's actual experience), got 2027",
      'small.yaml: experience[4].group: expected rows of A in 2024 either all with a group or all without (experience[0] has no group), got "A1"'
    ])
  })

  it("reports a schedule trend missing years it will be asked for, historical years included", () => {
    const text = `name: Schedule
market:
  entities: [{ id: A }]
experience:
  - { entity: A, year: 2023, memberMonths: 1200, cost: "470000.00" }
  - { entity: A, year: 2024, memberMonths: 1200, cost: "480000.00" }
contract: { provider: A, peers: [A], startYear: 2025, years: 2, baseline: { years: [2023, 2024], weights: ["0.5", "0.5"] } }
benchmark: { trend: { kind: schedule, rates: { 2025: "0.04" } } }
settlement: { preset: mssp-enhanced }
projection: { marketTrend: "0.05" }
policies: [{ name: trending }]
`
    // Trend from 2024 into 2025 and 2026; the historical trend (defaulting to trend) from 2023 into 2024.
    expect(decodeLines(text)).toEqual([
      "small.yaml: benchmark.trend.rates: expected a rate for every year 2024–2026 (historicalTrend defaults to trend), got none for 2024, 2026"
    ])
  })

  it("reports an MLR on a one-sided preset and terms that are two-sided only in part", () => {
    expect(decodeLines(VALID.replace("{ preset: mssp-enhanced }", "{ preset: mssp-basic-a, mlr: { fixed: \"0.02\" } }"))).toEqual([
      "small.yaml: settlement.mlr: expected no minimum loss rate (mssp-basic-a is one-sided), or null, got { fixed: 0.02 }"
    ])
    expect(decodeLines(VALID.replace("{ preset: mssp-enhanced }", '{ msr: { fixed: "0.02" }, savingsRate: "0.5", mlr: { fixed: "0.02" } }'))).toEqual([
      "small.yaml: settlement.lossRate: expected a loss rate for two-sided terms (mlr is set), got nothing"
    ])
  })

  it("reports savings bands that overlap or are empty", () => {
    const bands = '{ bands: [{ from: "0", to: "0.05", share: "0.5" }, { from: "0.04", to: "0.04", share: "0.75" }] }'
    expect(decodeLines(VALID.replace("{ preset: mssp-enhanced }", `{ msr: { fixed: "0" }, savingsRate: ${bands} }`))).toEqual([
      "small.yaml: settlement.savingsRate.bands[1].to: expected an upper end above from 0.04, got 0.04",
      "small.yaml: settlement.savingsRate.bands[1].from: expected at least the previous band's end 0.05 (bands ascending, not overlapping), got 0.04"
    ])
  })

  it("reports a number where a mapping belongs, and a mapping that is none of a field's forms, as one issue", () => {
    expect(decodeLines(VALID.replace(/contract: \{.*\}\n/, "contract: 5\n"))).toEqual([
      "small.yaml: contract: expected a contract { provider, peers, startYear, years, baseline }, got 5"
    ])
    expect(decodeLines(VALID.replace("benchmark: { trend", 'benchmark: { glidePath: { constant: "0.5", from: "1" }, trend'))).toEqual([
      'small.yaml: benchmark.glidePath: expected a glide path { providerWeights } or { from, to } or { constant }, got { constant: "0.5", from: "1" }'
    ])
  })

  it("reports a bad experience row given in an overlay at the overlay's path", () => {
    const overlay = '{ experience: [{ entity: A, year: 2024, memberMonths: -1, cost: "1" }] }'
    expect(decodeLines(VALID.replace("policies: [{ name: trending }]", `policies: [{ name: trending, overlay: ${overlay} }]`))).toEqual([
      "small.yaml: policies[0].overlay.experience[0].memberMonths: expected a decimal > 0, got -1"
    ])
  })

  it("reports an overlay that breaks what the base had right, and nothing for a policy that only repeats the base", () => {
    const text = VALID.replace(
      "policies: [{ name: trending }]",
      'policies:\n  - { name: trending }\n  - { name: same, overlay: { benchmark: { trend: { rate: "0.04" } } } }\n  - { name: broken, overlay: { contract: { peers: [A, Z] } } }'
    )
    expect(decodeLines(text)).toEqual([
      'small.yaml: policies[2].overlay.contract.peers[1]: expected one of the market\'s entities (A, B), got "Z"'
    ])
  })
})
