import { readFile } from "node:fs/promises"
import { describe, expect, it } from "vitest"
import { parse } from "yaml"
import {
  BLOCK_TRIALS,
  loadScenarioFile,
  marketSimulationLayout,
  marketStateProblems,
  mergeMarketStates,
  parseScenario,
  runMarket,
  simulateMarket,
  type MarketRun,
  type Scenario
} from "@pbpsim/simulator"
import { compileMarket } from "../packages/simulator/src/market/simulate.js"
import { counterfactualOf } from "../packages/simulator/src/market/simulateBlocks.js"
import { kernelScratch, runTrial } from "../packages/simulator/src/montecarlo/kernel.js"
import { drawLength } from "../packages/simulator/src/montecarlo/plan.js"

/**
 * simulateMarket (issue 12, item 5): the market view on common random numbers. The fixture
 * (test/fixtures/market-sim.yaml) is six providers in two peer groups, three contract years,
 * a linear policy with a threshold participation rule and an annual rebase with the default
 * logistic rule.
 */
const FIXTURE = "test/fixtures/market-sim.yaml"

const fixture = async (edit: (document: Record<string, unknown>) => void = () => {}): Promise<Scenario> => {
  const document = parse(await readFile(FIXTURE, "utf8")) as Record<string, unknown>
  edit(document)
  return parseScenario(document, { file: FIXTURE })
}

/** The fixture with every noise stream at sd 0. */
const quiet = () => fixture((d) => (d.stochastic = { marketTrendSd: 0, memberCostSd: 0, savingsSd: 0, riskDriftSd: 0 }))

const num = (d: { toNumber: () => number }): number => d.toNumber()

/** |a − b| within `tolerance` relative to b (to `floor` when b is 0). */
const close = (a: number, b: number, tolerance = 1e-9, floor = 1): void => {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(b), floor))
}

const TRIALS = 2 * BLOCK_TRIALS + 500

describe("simulateMarket with every sd 0", () => {
  it("keeps each provider-year's realised counterfactual equal to the deterministic CF (1e-9 relative)", async () => {
    const scenario = await quiet()
    const market = runMarket(scenario)
    const { plan, market: marketPlan } = compileMarket(scenario, market)
    const scratch = kernelScratch(plan, { keepCounterfactual: true })
    runTrial(scratch, new Float64Array(drawLength(plan)))
    let checked = 0
    marketPlan.policies.forEach((policy, m) => {
      const run = market.policies[m]!
      for (let i = policy.first; i < policy.first + policy.count; i++) {
        const compiled = plan.policies[i]!
        const entity = plan.entities[plan.worlds[compiled.world]!.drawRow[compiled.provider]!]!
        const provider = run.providers.find((p) => p.entity === entity)!
        provider.years.forEach((y, k) => {
          close(counterfactualOf(plan, marketPlan, scratch, i, k), num(y.counterfactual))
          checked++
        })
      }
    })
    // The threshold policy leaves out the two providers never in (N2, S1): 4 + 6 providers × 3 years.
    expect(checked).toBe((4 + 6) * 3)
  })

  it("gives, for every statistic, the deterministic runMarket figures (1e-9 relative)", async () => {
    const scenario = await quiet()
    const market = runMarket(scenario)
    const { summary } = await simulateMarket(scenario, market, { seed: "zero", trials: 1500, workers: 1 })
    expect(summary.trials).toBe(1500)
    expect(summary.policies.map((p) => p.name)).toEqual(["trending-threshold", "annual-rebase"])
    summary.policies.forEach((policy, m) => {
      const run = market.policies[m]!
      const rows = [
        ...policy.years.map((row, k) => ({ row, exact: run.years[k]! })),
        { row: policy.contract, exact: run.totals }
      ]
      for (const { row, exact } of rows) {
        for (const [figure, value] of [
          [row.programmeCost, exact.programmeCost],
          [row.savingsPaid, exact.savingsPaid],
          [row.lossesCollected, exact.lossesCollected]
        ] as const) {
          expect(figure.sd).toBe(0)
          for (const q of [figure.mean, figure.p5, figure.p25, figure.p50, figure.p75, figure.p95]) close(q, num(value))
        }
      }
    })
    // The paired difference too: the deterministic difference, in every trial (P(cheaper) 0 or 1).
    const [first, second] = market.policies as [MarketRun["policies"][number], MarketRun["policies"][number]]
    const pair = summary.pairs[0]!
    expect([pair.a, pair.b]).toEqual(["annual-rebase", "trending-threshold"])
    const difference = num(second.totals.programmeCost.sub(first.totals.programmeCost))
    close(pair.contract.programmeCost.mean, difference)
    close(pair.contract.programmeCost.p50, difference)
    expect(pair.contract.pACheaper).toBe(difference < 0 ? 1 : 0)
    pair.years.forEach((row, k) => close(row.programmeCost.mean, num(second.years[k]!.programmeCost.sub(first.years[k]!.programmeCost))))
  })
})

describe("simulateMarket on common random numbers", () => {
  it("gives byte-identical statistics and state with 1 and 2 worker threads", async () => {
    const scenario = await fixture()
    const market = runMarket(scenario)
    const one = await simulateMarket(scenario, market, { seed: "w", trials: TRIALS, workers: 1 })
    const two = await simulateMarket(scenario, market, { seed: "w", trials: TRIALS, workers: 2 })
    expect(JSON.stringify(two.summary)).toBe(JSON.stringify(one.summary))
    expect(JSON.stringify(two.state)).toBe(JSON.stringify(one.state))
    expect(one.summary.trials).toBe(TRIALS)
  })

  it("gives the whole run when shards 1/2 + 2/2 (or 1/3 … 3/3) are merged, and shard states do not depend on workers", async () => {
    const scenario = await fixture()
    const market = runMarket(scenario)
    const whole = await simulateMarket(scenario, market, { seed: "s", trials: TRIALS, workers: 1 })
    const layout = marketSimulationLayout(market)
    expect(layout).toEqual(whole.layout)
    for (const count of [2, 3]) {
      const shards = await Promise.all(
        Array.from({ length: count }, (_, i) => simulateMarket(scenario, market, { seed: "s", trials: TRIALS, workers: 1, shard: { index: i + 1, count } }))
      )
      // As a shard file would hold them (JSON), and in reverse order: the merge depends on neither.
      const states = JSON.parse(JSON.stringify(shards.map((s) => s.state).reverse()))
      shards.forEach((s) => expect(marketStateProblems(layout, s.state, s.state.trials)).toEqual([]))
      const merged = mergeMarketStates(layout, states)
      expect(JSON.stringify(merged.summary)).toBe(JSON.stringify(whole.summary))
      expect(JSON.stringify(merged.state)).toBe(JSON.stringify(whole.state))
    }
    // Shard 2/2 of 4 blocks, on 1 and on 2 workers: the same bytes.
    const shard = { index: 2, count: 2 }
    const [a, b] = await Promise.all([
      simulateMarket(scenario, market, { seed: "s", trials: 4 * BLOCK_TRIALS, workers: 1, shard }),
      simulateMarket(scenario, market, { seed: "s", trials: 4 * BLOCK_TRIALS, workers: 2, shard })
    ])
    expect(a.blocks).toEqual({ first: 2, end: 4 })
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state))
  })

  it("gives a policy the same statistics alone as beside another (the draws are common)", async () => {
    const scenario = await fixture()
    const market = runMarket(scenario)
    const both = await simulateMarket(scenario, market, { seed: "crn", trials: 1200, workers: 1 })
    const alone = await simulateMarket(scenario, { ...market, policies: market.policies.slice(1) }, { seed: "crn", trials: 1200, workers: 1 })
    expect(JSON.stringify(alone.summary.policies[0])).toBe(JSON.stringify(both.summary.policies[1]))
    expect(alone.summary.pairs).toEqual([])
  })

  it("has a paired difference whose mean is the difference of the means (to float rounding)", async () => {
    const scenario = await fixture()
    const market = runMarket(scenario)
    const { summary } = await simulateMarket(scenario, market, { seed: "pairs", trials: TRIALS, workers: 1 })
    const [b, a] = summary.policies
    const pair = summary.pairs[0]!
    const scale = Math.max(a!.contract.programmeCost.sd, b!.contract.programmeCost.sd)
    expect(Math.abs(pair.contract.programmeCost.mean - (a!.contract.programmeCost.mean - b!.contract.programmeCost.mean))).toBeLessThan(1e-9 * scale)
    pair.years.forEach((row, k) => {
      const diff = a!.years[k]!.programmeCost.mean - b!.years[k]!.programmeCost.mean
      expect(Math.abs(row.programmeCost.mean - diff)).toBeLessThan(1e-9 * scale)
    })
    // Not a degenerate pair: the policies differ, and which one is cheaper varies little.
    expect(pair.contract.programmeCost.sd).toBeGreaterThan(0)
    expect(pair.contract.pACheaper).toBeGreaterThan(0.5)
  })

  it("keeps the mean programme cost of a linear contract within 4 standard errors of the deterministic figure", async () => {
    // trending-threshold: benchmarks fixed by history (fixed trend, no rebasing, no risk drift), and settlement
    // linear in expenditure E (50 % of B − E both ways: no corridor, cap, limit or sequestration), so each
    // provider-year's E + net − CF = (1 − ½)·E + ½·B − CF is linear in the trial's draws, with participation
    // fixed. The draws are mean-preserving (E[exp(x − var/2)] = 1; the savings draw is centred on the plan and
    // its 99 % ceiling is never near), and independent of each other: so E[E_real] = CF × (1 − plan) and
    // E[CF_real] = CF, the expectation of the programme cost is the deterministic one, and the sample mean
    // misses it only by sampling error (sd ÷ √n).
    const scenario = await fixture()
    const market = runMarket(scenario)
    const trials = 3000
    const { summary } = await simulateMarket(scenario, market, { seed: "linear", trials, workers: 1 })
    const linear = summary.policies[0]!
    const exact = market.policies[0]!
    expect(linear.name).toBe("trending-threshold")
    const within = (d: { mean: number; sd: number }, value: number) => {
      expect(d.sd).toBeGreaterThan(0)
      expect(Math.abs(d.mean - value)).toBeLessThan((4 * d.sd) / Math.sqrt(trials))
    }
    within(linear.contract.programmeCost, num(exact.totals.programmeCost))
    linear.years.forEach((row, k) => within(row.programmeCost, num(exact.years[k]!.programmeCost)))
  })

  it("refuses bad counts and a market run on another scenario", async () => {
    const scenario = await fixture()
    const market = runMarket(scenario)
    await expect(simulateMarket(scenario, market, { seed: "x", trials: 0, workers: 1 })).rejects.toThrow("trials must be a whole number")
    const other = await loadScenarioFile("test/fixtures/sensitivity/small.yaml")
    await expect(simulateMarket(other, market, { seed: "x", trials: 10, workers: 1 })).rejects.toThrow('got "trending-threshold"')
    expect(() => mergeMarketStates(marketSimulationLayout(market), [])).toThrow("at least one state")
  })
})
