import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { dec } from "@pbpsim/benchmark"
import {
  decodeScenario,
  loadScenario,
  policyNames,
  resolvePolicy,
  type Scenario,
  ScenarioError,
  ScenarioSchema
} from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import { Effect, Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { stringify } from "yaml"

const fixtures = fileURLToPath(new URL("../fixtures/scenario/", import.meta.url))
const issueBrief = `${fixtures}issue-brief.yaml`

const load = (path: string): Scenario => Effect.runSync(loadScenario(path))

/** Decimals as their exact text, so a failing test shows digits, not decimal.js internals. */
const digits = (values: ReadonlyArray<Decimal>): ReadonlyArray<string> => values.map((v) => v.toFixed())

describe("loadScenario", () => {
  const scenario = load(issueBrief)

  it("reads the file and the experience CSV named relative to it", () => {
    expect(scenario.name).toBe("Issue brief — Health Systems A, B and C")
    // issue-brief-experience.csv holds 15 data lines: 5 rows (A1, A2, A3, B, C) for each of 2022–2024.
    expect(scenario.experience).toHaveLength(15)
    expect(policyNames(scenario)).toEqual(["trending", "annual-rebase", "periodic-restart"])
  })

  it("keeps experience rows as given: groups, costs to the cent, risk 1 where the cell is empty", () => {
    const [first] = scenario.experience
    // CSV line 2: A,A1,2022,228000,86640000.00,0.98
    expect(first?.entity).toBe("A")
    expect(first?.group).toBe("A1")
    expect(first?.year).toBe(2022)
    expect(first?.memberMonths.toFixed()).toBe("228000")
    expect(first?.cost.toFixed(2)).toBe("86640000.00")
    expect(first?.riskScore.toFixed()).toBe("0.98")
    // CSV line 5: B,,2022,372000,148428000.00, — no group, no risk score (default 1).
    const b2022 = scenario.experience.find((r) => r.entity === "B" && r.year === 2022)
    expect(b2022?.group).toBeUndefined()
    expect(b2022?.riskScore.toFixed()).toBe("1")
  })
})

describe("resolvePolicy", () => {
  const scenario = load(issueBrief)
  const trending = resolvePolicy(scenario, "trending")

  it("fills the contract from the file and derives peerIncludesProvider from the peer list", () => {
    expect(trending.scenarioName).toBe(scenario.name)
    expect(trending.policyName).toBe("trending")
    expect(trending.policyDescription).toBe("Baseline fixed at contract start, trended forward")
    expect(trending.entities).toEqual(["A", "B", "C"])
    expect(trending.provider).toBe("A")
    expect(trending.peers).toEqual(["A", "B", "C"])
    // A is listed among its own peers, as in the issue brief's $431 peer figure.
    expect(trending.peerIncludesProvider).toBe(true)
    expect(trending.startYear).toBe(2025)
    expect(trending.years).toBe(5)
    expect(trending.baselineYears).toEqual([2022, 2023, 2024])
    expect(digits(trending.baselineWeights)).toEqual(["0.1", "0.3", "0.6"])
  })

  it("expands a { from: 1, to: 0 } glide path linearly over the contract years", () => {
    // λ_k = 1 + (0 − 1)(k − 1)/(5 − 1): 1, 3/4, 1/2, 1/4, 0.
    expect(digits(trending.glidePath)).toEqual(["1", "0.75", "0.5", "0.25", "0"])
  })

  it("turns { annual: 0.02 } savings into compounding levels 1 − 0.98^k", () => {
    // 0.98^1..5 = 0.98, 0.9604, 0.941192, 0.92236816, 0.9039207968 (by hand: each × 0.98).
    const a = trending.projection.get("A")
    expect(digits(a?.savings ?? [])).toEqual(["0.02", "0.0396", "0.058808", "0.07763184", "0.0960792032"])
    // A gives no member growth: the default's 0.005 applies; no risk drift anywhere by default.
    expect(a?.memberGrowth.toFixed()).toBe("0.005")
    expect(a?.riskDrift.toFixed()).toBe("0")
  })

  it("gives every entity a projection, listed or not, with defaults filled field by field", () => {
    const b = trending.projection.get("B")
    expect(digits(b?.savings ?? [])).toEqual(["0.01", "0.02", "0.03", "0.04", "0.05"])
    expect(b?.memberGrowth.toFixed()).toBe("0.01")
    expect(b?.riskDrift.toFixed()).toBe("0.002")
    // C is not listed: savings 0 every year, memberGrowth from projection.default.
    const c = trending.projection.get("C")
    expect(digits(c?.savings ?? [])).toEqual(["0", "0", "0", "0", "0"])
    expect(c?.memberGrowth.toFixed()).toBe("0.005")
  })

  it("gives policies whose overlays leave the market and projection alone the same entity list, projections and market trend, and a policy that changes the projection its own", () => {
    const text = readFileSync(issueBrief, "utf8").replace(
      /policies:\n/,
      "policies:\n  - name: faster-market\n    overlay: { projection: { marketTrend: \"0.06\" } }\n"
    )
    const withProjection = Either.getOrThrow(decodeScenario(text, issueBrief))
    const model = (name: string) => resolvePolicy(withProjection, name)
    // trending and annual-rebase overlay the benchmark only.
    const [trending, annual, faster, periodic] = [model("trending"), model("annual-rebase"), model("faster-market"), model("periodic-restart")]
    // The same objects, not equal copies: what lets compile put them in one world without comparing their contents.
    expect(annual.entities).toBe(trending.entities)
    expect(annual.projection).toBe(trending.projection)
    expect(annual.marketTrend).toBe(trending.marketTrend)
    expect(faster.entities).toBe(trending.entities)
    expect(faster.projection).not.toBe(trending.projection)
    expect(digits(faster.marketTrend)).toEqual(["0.06", "0.06", "0.06", "0.06", "0.06"])
    expect(digits(trending.marketTrend)).toEqual(["0.05", "0.05", "0.05", "0.05", "0.05"])
    // Its own projection and contract length.
    expect(digits(periodic.marketTrend)).toEqual(["0.05", "0.04", "0.03"])
    expect(digits(periodic.projection.get("B")?.savings ?? [])).toEqual(["0.01", "0.02", "0.03"])
  })

  it("expands single values to one per contract year", () => {
    expect(digits(trending.terms.map((t) => t.discount))).toEqual(["0.02", "0.02", "0.02", "0.02", "0.02"])
    expect(digits(trending.marketTrend)).toEqual(["0.05", "0.05", "0.05", "0.05", "0.05"])
    // quality { score: 0.9 }: multiplier and standard take their defaults (1, met).
    expect(trending.terms.map((t) => t.quality).map((q) => [q.score.toFixed(), q.savingsMultiplier.toFixed(), q.meetsStandard])).toEqual(
      Array.from({ length: 5 }, () => ["0.9", "1", true])
    )
  })

  it("maps trend, caps, rounding and rebasing terms, filling the defaults the file leaves out", () => {
    expect(trending.terms[0]!.trend.spec).toEqual({ kind: "fixed", rate: dec("0.04") })
    expect(trending.terms[0]!.trend.cap?.toFixed()).toBe("0.06")
    expect(trending.terms[0]!.trend.floor).toBeUndefined()
    expect(trending.historicalTrend).toEqual({ spec: { kind: "observed", source: "market" } })
    expect(trending.terms[0]!.convergenceCaps).toEqual({ up: dec("0.05"), down: dec("0.015"), noNegative: false })
    // capDown: null means no floor on the risk ratio.
    expect(trending.terms[0]!.riskCaps).toEqual({ up: dec("0.03") })
    expect(trending.rounding).toEqual({ places: 2, mode: "half-up" })
    expect(trending.peerRefresh).toBe("with-rebase")
    expect(trending.rebasing).toEqual({
      rebasing: { kind: "none" },
      savingsCredit: { share: dec("0.5"), cap: dec("0.05"), withRegional: "add" },
      glidePathOnRebase: "continue"
    })
    expect(trending.presentValueRate?.toFixed()).toBe("0.03")
    // Not in the file: the documented Monte Carlo defaults.
    expect(trending.stochastic).toEqual({ marketTrendSd: 0.01, memberCostSd: 1.7, savingsSd: 0.01, riskDriftSd: 0 })
  })

  it("takes the MSSP ENHANCED preset's terms (42 CFR 425.605(d), 425.610)", () => {
    const terms = trending.terms[0]!.settlement
    // docs/model.md §9.8: 75 % sharing, cap 20 % of benchmark, loss rate 1 − 0.75 × quality in [40 %, 75 %],
    // 75 % when quality fails, loss limit 15 % of benchmark, 2 % sequestration; §9.7: first-dollar sharing.
    expect(terms.name).toBe("MSSP ENHANCED")
    expect(terms.savingsRate).toEqual({ kind: "flat", rate: dec("0.75") })
    expect(terms.savingsCap?.toFixed()).toBe("0.2")
    expect(terms.lossRate).toEqual({ kind: "quality-linked", savingsRate: dec("0.75"), min: dec("0.4"), max: dec("0.75"), failedQuality: dec("0.75") })
    expect(terms.lossLimit).toEqual({ shareOfBenchmark: dec("0.15") })
    expect(terms.sequestration.toFixed()).toBe("0.02")
    expect(terms.sharingBasis).toBe("first-dollar")
  })

  it("applies a policy overlay: only the rebasing differs between trending and annual-rebase", () => {
    const annual = resolvePolicy(scenario, "annual-rebase")
    expect(annual.rebasing.rebasing).toEqual({ kind: "annual" })
    const { policyName: _a, policyDescription: _b, rebasing: _c, ...rest } = annual
    const { policyName: _d, policyDescription: _e, rebasing: _f, ...trendingRest } = trending
    expect(rest).toEqual(trendingRest)
  })

  it("applies a deep overlay: shorter contract, new glide path form, preset with an MSR override, per-year lists", () => {
    const periodic = resolvePolicy(scenario, "periodic-restart")
    expect(periodic.years).toBe(3)
    // { providerWeights } replaces the base's { from, to } whole.
    expect(digits(periodic.glidePath)).toEqual(["1", "0.5", "0"])
    expect(digits(periodic.terms.map((t) => t.discount))).toEqual(["0.02", "0.03", "0.04"])
    expect(digits(periodic.marketTrend)).toEqual(["0.05", "0.04", "0.03"])
    expect(periodic.rebasing.glidePathOnRebase).toBe("restart")
    expect(periodic.rebasing.rebasing.kind).toBe("periodic")
    if (periodic.rebasing.rebasing.kind === "periodic") {
      expect(periodic.rebasing.rebasing.every).toBe(2)
      // "1/3" three times: 40-digit thirds, summing to 1 within 1e-39.
      const [w1, w2, w3] = periodic.rebasing.rebasing.weights
      expect(w1?.toFixed(10)).toBe("0.3333333333")
      expect(w1?.add(w2 ?? 0).add(w3 ?? 0).sub(1).abs().lte("1e-39")).toBe(true)
    }
    // BASIC C (docs/model.md §9.8): 50 %, cap 10 %, losses 30 % limited to min(2 % revenue, 1 % benchmark);
    // the MSR override of 2 % is mirrored as the MLR (elections are symmetric, 425.605(b)).
    expect(periodic.terms[0]!.settlement.name).toBe("MSSP BASIC Level C")
    expect(periodic.terms[0]!.settlement.msr).toEqual({ kind: "fixed", rate: dec("0.02") })
    expect(periodic.terms[0]!.settlement.mlr).toEqual({ kind: "fixed", rate: dec("0.02") })
    expect(periodic.terms[0]!.settlement.savingsRate).toEqual({ kind: "flat", rate: dec("0.5") })
    expect(periodic.terms[0]!.settlement.lossRate).toEqual({ kind: "flat", rate: dec("0.3") })
    expect(periodic.terms[0]!.settlement.lossLimit).toEqual({ shareOfRevenue: dec("0.02"), shareOfBenchmark: dec("0.01") })
    // A list of quality entries, each with its own defaults.
    expect(periodic.terms.map((t) => t.quality).map((q) => [q.score.toFixed(), q.meetsStandard])).toEqual([
      ["0.8", true],
      ["1", true],
      ["1", false]
    ])
    // B's savings list was replaced by a three-year one; A's { annual } compounds over 3 years now.
    expect(digits(periodic.projection.get("B")?.savings ?? [])).toEqual(["0.01", "0.02", "0.03"])
    expect(digits(periodic.projection.get("A")?.savings ?? [])).toEqual(["0.02", "0.0396", "0.058808"])
  })

  it("fails with a ScenarioError naming the policies for an unknown policy name", () => {
    let caught: unknown
    try {
      resolvePolicy(scenario, "rolling")
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ScenarioError)
    expect((caught as ScenarioError).message).toBe(
      `${issueBrief}: policies: expected one of the policies trending, annual-rebase, periodic-restart, got "rolling"`
    )
  })
})

describe("decodeScenario", () => {
  it("keeps a 20-significant-digit JSON number exactly (no float detour)", () => {
    const text = readFileSync(`${fixtures}precision.json`, "utf8")
    const scenario = Either.getOrThrow(decodeScenario(text, "precision.json"))
    const [row] = scenario.experience
    // precision.json writes cost as the bare number 12345678901234567.891 (20 significant digits);
    // as a JS float it would be 12345678901234568.
    expect(Number("12345678901234567.891").toString()).toBe("12345678901234568")
    expect(row?.cost.toFixed()).toBe("12345678901234567.891")
    expect(row?.riskScore.toFixed()).toBe("1.0000000000000000001")
    expect(row?.memberMonths.toFixed()).toBe("24000")
  })

  it("reads the experience CSV through the given reader, relative to the scenario file, keeping segments", () => {
    const requested: Array<string> = []
    const text = readFileSync(`${fixtures}precision.json`, "utf8").replace(/"experience": \[[^\]]*\]/s, '"experience": { "csv": "data/rows.csv" }')
    const csv = "entity,year,memberMonths,cost,segment\nA,2024,1200,499200.00,ESRD\nA,2024,24000,9984000.00,aged\n"
    const scenario = Either.getOrThrow(
      decodeScenario(text, "scenarios/precision.json", (path) => {
        requested.push(path)
        return csv
      })
    )
    expect(requested).toEqual(["scenarios/data/rows.csv"])
    expect(scenario.experience.map((r) => [r.segment, r.cost.toFixed(2)])).toEqual([
      ["ESRD", "499200.00"],
      ["aged", "9984000.00"]
    ])
  })

  it("round-trips: decode, encode, write as YAML, decode again gives the same scenario", () => {
    const scenario = load(issueBrief)
    const encoded = Schema.encodeSync(ScenarioSchema)(scenario.document)
    const again = Either.getOrThrow(decodeScenario(stringify(encoded), issueBrief))
    expect(again.document).toEqual(scenario.document)
    expect(again.base).toEqual(scenario.base)
    expect(again.policies).toEqual(scenario.policies)
    expect(resolvePolicy(again, "periodic-restart")).toEqual(resolvePolicy(scenario, "periodic-restart"))
  })

  it("encodes decimals as exact text and keeps overlays as written", () => {
    const scenario = load(issueBrief)
    const encoded = Schema.encodeSync(ScenarioSchema)(scenario.document)
    expect(encoded.contract.baseline.weights).toEqual(["0.1", "0.3", "0.6"])
    const overlay = encoded.policies[2]?.overlay as { benchmark: { rebasing: { weights: ReadonlyArray<string> } } }
    // Overlays are kept as written (they are decoded only once merged), so "1/3" stays "1/3".
    expect(overlay.benchmark.rebasing.weights).toEqual(["1/3", "1/3", "1/3"])
  })

  it("encodes fraction weights as their 40-digit decimals, which decode to the same values", () => {
    const blend = '{ "kind": "blend", "parts": [{ "weight": "1/3", "trend": { "kind": "fixed", "rate": 0.04 } }, { "weight": "2/3", "trend": { "kind": "observed", "source": "market" } }] }'
    const text = readFileSync(`${fixtures}precision.json`, "utf8").replace('{ "kind": "fixed", "rate": 0.04 }', blend)
    const scenario = Either.getOrThrow(decodeScenario(text, "precision.json"))
    const encoded = Schema.encodeSync(ScenarioSchema)(scenario.document)
    const trend = encoded.benchmark.trend as { readonly parts: ReadonlyArray<{ readonly weight: unknown }> }
    // 40 significant digits, half-up: 1/3 = 0.333…3 (40 threes), 2/3 = 0.666…67; they sum to exactly 1.
    expect(trend.parts.map((p) => p.weight)).toEqual([`0.${"3".repeat(40)}`, `0.${"6".repeat(39)}7`])
    const again = Either.getOrThrow(decodeScenario(stringify(encoded), "precision.json"))
    expect(again.document).toEqual(scenario.document)
  })

  it("ignores $schema, which is there for editors", () => {
    const text = readFileSync(`${fixtures}precision.json`, "utf8").replace("{", '{ "$schema": "../schema/scenario.schema.json",')
    const scenario = Either.getOrThrow(decodeScenario(text, "precision.json"))
    expect(scenario.name).toBe("Precision: numbers as written")
  })
})
