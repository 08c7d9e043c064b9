import { InvalidArgument } from "@pbpsim/benchmark"
import { decodeScenario, resolvePolicy, runPolicy, type Scenario } from "@pbpsim/simulator"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

/**
 * A market of A (the provider), B (its peer) and C (in the market only), 2021–2024 history,
 * a 3-year baseline and observed trends: what the engine reads beyond the baseline is checked
 * when the scenario is read.
 */
const ROWS: ReadonlyArray<readonly [string, number]> = ["A", "B", "C"].flatMap((e) => [2021, 2022, 2023, 2024].map((y) => [e, y] as const))

const row = ([entity, year]: readonly [string, number]): string => {
  const memberMonths = { A: 120000, B: 240000, C: 360000 }[entity]!
  const pmpm = 400 * 1.04 ** (year - 2021)
  return `  - { entity: ${entity}, year: ${year}, memberMonths: ${memberMonths}, cost: "${(memberMonths * pmpm).toFixed(2)}" }`
}

const scenario = (rows: ReadonlyArray<readonly [string, number]>, benchmark: string): string => `name: Coverage
market:
  entities: [{ id: A }, { id: B }, { id: C }]
experience:
${rows.map(row).join("\n")}
contract: { provider: A, peers: [A, B], startYear: 2025, years: 3, baseline: { years: [2022, 2023, 2024], weights: ["0.1", "0.3", "0.6"] } }
benchmark: ${benchmark}
settlement: { msr: { fixed: "0.02" }, savingsRate: "0.5" }
projection: { marketTrend: "0.04" }
policies: [{ name: trending }]
`

/** The market's observed growth carries the baseline years (historicalTrend defaults to trend). */
const MARKET = '{ trend: { kind: blend, parts: [{ weight: "0.5", trend: { kind: observed, source: market } }, { weight: "0.5", trend: { kind: fixed, rate: "0.04" } }] } }'
/** The peers' observed growth carries the baseline years; the market's only the contract years. */
const PEERS = "{ trend: { kind: observed, source: market }, historicalTrend: { kind: observed, source: peers } }"

/** An observed peer trend from a baseline that ends two years before the contract. */
const early = (rows: ReadonlyArray<readonly [string, number]>): string =>
  scenario(rows, "{ trend: { kind: observed, source: peers } }").replace('years: [2022, 2023, 2024], weights: ["0.1", "0.3", "0.6"]', 'years: [2021, 2022], weights: ["0.5", "0.5"]')

const decode = (text: string) => decodeScenario(text, "coverage.yaml")

const errorsOf = (text: string): ReadonlyArray<string> => {
  const result = decode(text)
  if (Either.isRight(result)) throw new Error("decoded, but it should fail")
  return result.left.message.split("\n")
}

describe("checkCoverage", () => {
  it("accepts the full history under both trends", () => {
    expect(Either.isRight(decode(scenario(ROWS, MARKET)))).toBe(true)
    expect(Either.isRight(decode(scenario(ROWS, PEERS)))).toBe(true)
  })

  it("refuses every market entity without experience in the year before the contract, naming them all", () => {
    const text = scenario(ROWS, PEERS).replace("[{ id: A }, { id: B }, { id: C }]", "[{ id: A }, { id: B }, { id: C }, { id: D }, { id: E }]")
    expect(errorsOf(text)).toEqual([
      "coverage.yaml: experience: expected experience for every market entity in 2024, the year before the contract starts (each entity's projection starts from it), got none for D, E"
    ])
  })

  it("refuses an observed market trend lacking a history year of an entity outside the contract, at the blend's part", () => {
    const rows = ROWS.filter(([e, y]) => !(e === "C" && y === 2022))
    expect(errorsOf(scenario(rows, MARKET))).toEqual([
      "coverage.yaml: benchmark.trend.parts[0].trend: expected experience for every market entity in 2022–2024 (the observed market growth of 2023–2024 compares each year with the one before), got none for C in 2022"
    ])
  })

  it("refuses an observed peer trend over the years between the baseline and the contract, naming only peers", () => {
    // Baseline 2021–2022, contract from 2025: year 1's trend carries 2022 dollars through 2023 and 2024 (and, as the
    // historical trend too, 2021 dollars to 2022).
    // C is no peer: its 2023 row does not matter; B's does.
    expect(Either.isRight(decode(early(ROWS.filter(([e, y]) => !(e === "C" && y === 2023)))))).toBe(true)
    expect(errorsOf(early(ROWS.filter(([e, y]) => !(e === "B" && y === 2023))))).toEqual([
      "coverage.yaml: benchmark.trend: expected experience for every peer in 2021–2024 (the observed peers growth of 2022–2024 compares each year with the one before), got none for B in 2023"
    ])
  })

  it("does not report again an absence the baseline check reports", () => {
    // B's 2023 row is a baseline year of a peer: one line, from the baseline check, not a second from the observed trend.
    const rows = ROWS.filter(([e, y]) => !(e === "B" && y === 2023))
    expect(errorsOf(scenario(rows, PEERS))).toEqual(["coverage.yaml: experience: expected experience in every baseline year for the provider and each peer, got none for B in 2023"])
  })

  it("reports an observed trend a policy's overlay brings under that policy", () => {
    const rows = ROWS.filter(([e, y]) => !(e === "C" && y === 2023))
    const text = scenario(rows, '{ trend: { kind: fixed, rate: "0.04" } }').replace(
      "policies: [{ name: trending }]",
      "policies: [{ name: trending }, { name: observed, overlay: { benchmark: { trend: { kind: observed, source: market } } } }]"
    )
    expect(errorsOf(text)).toEqual([
      "coverage.yaml: policies[1].overlay.benchmark.trend: expected experience for every market entity in 2022–2024 (the observed market growth of 2023–2024 compares each year with the one before), got none for C in 2023"
    ])
  })
})

describe("checkCoverage against the exact engine", () => {
  /** The loaded scenario with one row taken out of what every policy runs on (as a scenario built by hand could be). */
  const without = (loaded: Scenario, [entity, year]: readonly [string, number]): Scenario => ({
    ...loaded,
    policies: loaded.policies.map((p) => ({ ...p, experience: p.experience.filter((r) => !(r.entity === entity && r.year === year)) }))
  })

  const engineRefuses = (loaded: Scenario): boolean => {
    try {
      runPolicy(resolvePolicy(loaded, "trending"))
      return false
    } catch (error) {
      if (error instanceof InvalidArgument) return true
      throw error
    }
  }

  const variants: ReadonlyArray<readonly [string, (rows: ReadonlyArray<readonly [string, number]>) => string, ReadonlyArray<string>]> = [
    // 2021 is before what the trends compare; C's history matters to the market's trend only.
    ["observed market trend", (rows) => scenario(rows, MARKET), ["A 2022", "A 2023", "A 2024", "B 2022", "B 2023", "B 2024", "C 2022", "C 2023", "C 2024"]],
    ["observed peer history", (rows) => scenario(rows, PEERS), ["A 2022", "A 2023", "A 2024", "B 2022", "B 2023", "B 2024", "C 2024"]],
    ["observed peer trend from an early baseline", early, ["A 2021", "A 2022", "A 2023", "A 2024", "B 2021", "B 2022", "B 2023", "B 2024", "C 2024"]]
  ]
  for (const [label, text, refusedRows] of variants) {
    it(`refuses a missing row when reading exactly when the engine would refuse it (${label})`, () => {
      const full = Either.getOrThrow(decode(text(ROWS)))
      const verdicts = ROWS.map((missing) => {
        const loadRefuses = Either.isLeft(decode(text(ROWS.filter((r) => r !== missing))))
        return { missing: missing.join(" "), loadRefuses, engineRefuses: engineRefuses(without(full, missing)) }
      })
      for (const v of verdicts) expect(v.loadRefuses, v.missing).toBe(v.engineRefuses)
      expect(verdicts.filter((v) => v.engineRefuses).map((v) => v.missing)).toEqual(refusedRows)
    })
  }
})
