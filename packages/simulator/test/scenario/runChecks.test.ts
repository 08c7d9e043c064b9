import { InvalidArgument, invalid } from "@pbpsim/benchmark"
import { checkPolicyRuns, decodeScenario, formatIssue, refusalIssue, resolvePolicy, runPolicy, runScenarioChecks, type Scenario } from "@pbpsim/simulator"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { placeRefusal } from "../../src/scenario/runChecks.js"

/** A one-provider market of 400 members (4,800 member months) growing 1 % a year, 2022–2024 history. */
const SMALL = `name: Small provider
market:
  entities: [{ id: A }, { id: B }]
experience:
  - { entity: A, year: 2023, memberMonths: 4800, cost: "2400000.00" }
  - { entity: A, year: 2024, memberMonths: 4800, cost: "2496000.00" }
  - { entity: B, year: 2023, memberMonths: 240000, cost: "103200000.00" }
  - { entity: B, year: 2024, memberMonths: 240000, cost: "107328000.00" }
contract: { provider: A, peers: [A, B], startYear: 2025, years: 3, baseline: { years: [2024], weights: ["1"] } }
benchmark: { trend: { kind: fixed, rate: "0.04" } }
settlement: { msr: { fixed: "0.02" }, savingsRate: "0.5" }
projection: { marketTrend: "0.04", default: { memberGrowth: "0.01" } }
policies: [{ name: trending }]
`

const load = (text: string): Scenario => Either.getOrThrow(decodeScenario(text, "small.yaml"))

const issuesOf = (text: string): ReadonlyArray<string> => checkPolicyRuns(load(text)).issues.map((i) => `${i.path}: ${i.message}`)

describe("checkPolicyRuns", () => {
  it("finds nothing in a scenario every policy runs, and returns the models it ran", () => {
    const checked = checkPolicyRuns(load(SMALL))
    expect(checked.issues).toEqual([])
    expect(checked.models.map((m) => m.policyName)).toEqual(["trending"])
  })

  it("places a variable MSR below its 500 members at settlement.msr, with the members of each year", () => {
    expect(issuesOf(SMALL.replace('msr: { fixed: "0.02" }', "msr: mssp-variable"))).toEqual([
      // 4,800 member months are 400 members, grown 1 % a year from 2024.
      'settlement.msr: expected at least 500 assigned members (member months ÷ 12) in every contract year, where MSSP\'s variable MSR table starts, got 404 assigned members in 2025, 408.04 in 2026, 412.12 in 2027; give a fixed MSR ({ fixed: "0.02" }) for a smaller provider (policy trending)'
    ])
  })

  it("places a preset's variable MSR at the preset, under the overlay of the policy that chose it", () => {
    const presetOnly = SMALL.replace('settlement: { msr: { fixed: "0.02" }, savingsRate: "0.5" }', "settlement: { preset: mssp-basic-b }").replace(
      "policies: [{ name: trending }]",
      "policies: [{ name: trending }, { name: basic-a, overlay: { settlement: { preset: mssp-basic-a } } }]"
    )
    expect(issuesOf(presetOnly)).toEqual([
      'settlement.preset: expected at least 500 assigned members (member months ÷ 12) in every contract year, where MSSP\'s variable MSR table starts (the mssp-basic-b preset\'s MSR is the table), got 404 assigned members in 2025, 408.04 in 2026, 412.12 in 2027; give a fixed MSR ({ fixed: "0.02" }) for a smaller provider (policy trending)',
      'policies[1].overlay.settlement.preset: expected at least 500 assigned members (member months ÷ 12) in every contract year, where MSSP\'s variable MSR table starts (the mssp-basic-a preset\'s MSR is the table), got 404 assigned members in 2025, 408.04 in 2026, 412.12 in 2027; give a fixed MSR ({ fixed: "0.02" }) for a smaller provider (policy basic-a)'
    ])
  })

  it("reports a problem of the base once for every policy it stops, naming them", () => {
    const text = SMALL.replace('msr: { fixed: "0.02" }', "msr: mssp-variable").replace(
      "policies: [{ name: trending }]",
      "policies: [{ name: trending }, { name: annual, overlay: { benchmark: { rebasing: { kind: annual } } } }, { name: fixed, overlay: { settlement: { msr: { fixed: \"0\" } } } }]"
    )
    const issues = issuesOf(text)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatch(/^settlement\.msr: expected at least 500 assigned members .* \(policies trending, annual\)$/)
  })

  it("places a rebase that reaches back past the experience at the rebasing weights of the policy's overlay", () => {
    const text = SMALL.replace(
      "policies: [{ name: trending }]",
      'policies: [{ name: trending }, { name: rolling, overlay: { benchmark: { rebasing: { kind: rolling, weights: ["0.25", "0.25", "0.25", "0.25"] } } } }]'
    )
    // Contract year 2 (2026) rebases on 2022–2025: A has no 2022.
    expect(issuesOf(text)).toEqual([
      "policies[1].overlay.benchmark.rebasing.weights: expected weights reaching back only to years with experience (a rebase takes the latest 4 realised years), got a rebase that needs A in 2022, which has no experience; add the year's experience or give fewer weights (policy rolling)"
    ])
  })

  it("places what the Monte Carlo cannot draw at the stochastic field", () => {
    // One member (12 member months, grown 1 %) with memberCostSd 10: a log-scale sd of 10 ÷ √1.01 ≈ 9.95, above the 3 allowed.
    const text = SMALL.replace('memberMonths: 4800, cost: "2496000.00"', 'memberMonths: 12, cost: "6240.00"').replace("policies:", "stochastic: { memberCostSd: 10 }\npolicies:")
    const issues = checkPolicyRuns(load(text)).issues
    expect(issues.map((i) => i.path)).toEqual(["stochastic"])
    expect(issues[0]!.message).toMatch(/^the Monte Carlo cannot simulate it: noise: stochastic of policy trending: the cost of A in 2025 would vary with a log-scale sd of 9\.9/)
  })

  it("gives a command that runs one policy the line validate gives for that policy (refusalIssue)", () => {
    const text = SMALL.replace(
      "policies: [{ name: trending }]",
      'policies: [{ name: trending }, { name: rolling, overlay: { benchmark: { rebasing: { kind: rolling, weights: ["0.25", "0.25", "0.25", "0.25"] } } } }]'
    )
    const scenario = load(text)
    let refusal: unknown
    try {
      runPolicy(resolvePolicy(scenario, "rolling"))
    } catch (error) {
      refusal = error
    }
    expect(refusal).toBeInstanceOf(InvalidArgument)
    expect(formatIssue(refusalIssue(scenario, "rolling", refusal as InvalidArgument))).toBe(
      checkPolicyRuns(scenario).issues.map((issue) => formatIssue(issue)).join("\n")
    )
  })

  it("fails runScenarioChecks with a ScenarioError listing the issues as file: path: message", () => {
    const result = Effect.runSync(Effect.either(runScenarioChecks(load(SMALL.replace('msr: { fixed: "0.02" }', "msr: mssp-variable")))))
    if (Either.isRight(result)) throw new Error("ran, but it should fail")
    expect(result.left._tag).toBe("ScenarioError")
    expect(result.left.message).toMatch(/^small\.yaml: settlement\.msr: expected at least 500 assigned members/)
  })
})

describe("placeRefusal", () => {
  const scenario = load(
    SMALL.replace("benchmark: { trend: { kind: fixed, rate: \"0.04\" } }", [
      "benchmark:",
      '  trend: { kind: blend, parts: [{ weight: "0.5", trend: { kind: schedule, rates: { 2025: "0.04", 2026: "0.04", 2027: "0.04" } } }, { weight: "0.5", trend: { kind: observed, source: market } }] }',
      "  historicalTrend: { kind: observed, source: peers }"
    ].join("\n"))
  )
  const policy = scenario.policies[0]!
  const model = resolvePolicy(scenario, "trending")
  const place = (rule: string, field: string, message: string) => placeRefusal(policy, model, invalid(rule, field, message))

  it("places a missing observed growth at the trend that carries the year, inside a blend", () => {
    // 2024 is a baseline year: the historical trend (peers); 2026 is carried by the contract trend's market part.
    expect(place("trend.observed", "observed.peers[2024]", "is missing").path).toEqual(["benchmark", "historicalTrend"])
    expect(place("trend.observed", "observed.market[2026]", "is missing")).toEqual({
      path: ["benchmark", "trend", "parts", 1, "trend"],
      expected: "experience for every market entity in 2025 and 2026 (the observed market growth of 2026 compares the two)",
      actual: "no realised market growth for 2026"
    })
  })

  it("places a missing scheduled rate at the schedule's rates, inside a blend", () => {
    expect(place("trend.schedule", "spec.parts[0].rates[2028]", "is missing").path).toEqual(["benchmark", "trend", "parts", 0, "trend", "rates"])
  })

  it("places a benchmark refusal at its field, and any other at the top, in the rule's words", () => {
    expect(place("benchmark.contractYear", "discount", "must be above −1 and below 1, got 1")).toEqual({
      path: ["benchmark", "discount"],
      expected: "what the rule benchmark.contractYear accepts",
      actual: "discount must be above −1 and below 1, got 1"
    })
    expect(place("something.new", "x", "is wrong").path).toEqual([])
  })
})
