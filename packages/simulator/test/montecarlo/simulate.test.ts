import { describe, expect, it } from "vitest"
import { BLOCK_TRIALS, compileSimulation, mergeStates, RELATIVE_ACCURACY, simulatePlan, type ContractModel } from "@pbpsim/simulator"
import { fillNormals, trialState } from "../../src/montecarlo/draws.js"
import { kernelScratch, runTrial } from "../../src/montecarlo/kernel.js"
import { drawLength, FIELD_COUNT, F_EXPENDITURE, F_PROVIDER, F_SAVINGS } from "../../src/montecarlo/plan.js"
import { makeModel } from "../engine/model.js"

const noisy = (model: ContractModel, name: string): ContractModel => ({
  ...model,
  policyName: name,
  stochastic: { marketTrendSd: 0.02, memberCostSd: 1.5, savingsSd: 0.01, riskDriftSd: 0.005 }
})

const policies = (): ReadonlyArray<ContractModel> => [
  noisy(makeModel({ providerSavings: ["0.02", "0.03", "0.03", "0.04"], providerWeight: "0.5" }), "trending"),
  noisy(makeModel({ providerSavings: ["0.02", "0.03", "0.03", "0.04"], providerWeight: "0.5", rebasing: { kind: "annual" } }), "annual"),
  noisy(makeModel({ providerSavings: ["0.02", "0.03", "0.03", "0.04"], providerWeight: "0.5", rebasing: { kind: "rolling", weights: makeModel().baselineWeights } }), "rolling")
]

const TRIALS = 2 * BLOCK_TRIALS + 500

describe("compileSimulation", () => {
  it("gives policies with the same projection inputs one world, whether the inputs are the same objects or equal copies", () => {
    const [a, b, c] = policies() as [ContractModel, ContractModel, ContractModel]
    // Built apart: equal experience, projection and noise, other objects.
    expect(compileSimulation([a, b, c]).worlds).toHaveLength(1)
    // Spread from one model: the same objects.
    expect(compileSimulation([a, { ...a, policyName: "again" }]).worlds).toHaveLength(1)
    // Other projection inputs (provider savings) make another world, and a copy of it joins that one.
    const other = noisy(makeModel({ providerSavings: ["0.05", "0.05", "0.05", "0.05"], providerWeight: "0.5" }), "other")
    const plan = compileSimulation([a, other, b, noisy(makeModel({ providerSavings: ["0.05", "0.05", "0.05", "0.05"], providerWeight: "0.5" }), "copy")])
    expect(plan.worlds).toHaveLength(2)
    expect(plan.policies.map((p) => p.world)).toEqual([0, 1, 0, 1])
  })
})

describe("simulatePlan", () => {
  it("gives identical statistics with 1 and with 2 workers", async () => {
    const plan = compileSimulation(policies())
    const one = await simulatePlan(plan, { seed: "7", trials: TRIALS, workers: 1 })
    const two = await simulatePlan(plan, { seed: "7", trials: TRIALS, workers: 2 })
    expect(JSON.stringify(two.summary)).toBe(JSON.stringify(one.summary))
    // The state too, byte for byte: exact sums are written in their canonical form, not as whatever partials the merge order left.
    expect(JSON.stringify(two.state)).toBe(JSON.stringify(one.state))
  })

  it("gives with one worker (whose own statistics are the result) what merging its one state gives", async () => {
    const plan = compileSimulation(policies())
    const one = await simulatePlan(plan, { seed: "m", trials: 2500, workers: 1 })
    const merged = mergeStates(plan, [one.state])
    expect(JSON.stringify(merged.summary)).toBe(JSON.stringify(one.summary))
    expect(JSON.stringify(merged.state)).toBe(JSON.stringify(one.state))
  })

  it("writes byte-identical shard states whatever the number of workers that computed them", async () => {
    const plan = compileSimulation(policies())
    // Shard 2/2 of 6 blocks runs 3 of them: two workers merge them in another grouping than one worker (which once changed the partials written).
    const shard = { index: 2, count: 2 }
    const one = await simulatePlan(plan, { seed: "w", trials: 6 * BLOCK_TRIALS, workers: 1, shard })
    const two = await simulatePlan(plan, { seed: "w", trials: 6 * BLOCK_TRIALS, workers: 2, shard })
    expect(JSON.stringify(two.state)).toBe(JSON.stringify(one.state))
  })

  it("gives the whole run's statistics when shards 1/2 and 2/2, or 1/3 to 3/3, are merged", async () => {
    const plan = compileSimulation(policies())
    const whole = await simulatePlan(plan, { seed: "s", trials: TRIALS, workers: 1 })
    for (const count of [2, 3]) {
      const shards = await Promise.all(
        Array.from({ length: count }, (_, i) => simulatePlan(plan, { seed: "s", trials: TRIALS, workers: 1, shard: { index: i + 1, count } }))
      )
      // Reversed on purpose: the merge does not depend on order.
      const merged = mergeStates(plan, JSON.parse(JSON.stringify(shards.map((s) => s.state).reverse())))
      expect(JSON.stringify(merged.summary)).toBe(JSON.stringify(whole.summary))
    }
  })

  it("gives a policy the same statistics whether or not other policies run beside it (common random numbers)", async () => {
    const all = await simulatePlan(compileSimulation(policies()), { seed: "crn", trials: 1500, workers: 1 })
    const alone = await simulatePlan(compileSimulation(policies().slice(1, 2)), { seed: "crn", trials: 1500, workers: 1 })
    expect(JSON.stringify(alone.summary.policies[0])).toBe(JSON.stringify(all.summary.policies[1]))
  })

  it("changes with the seed", async () => {
    const plan = compileSimulation(policies())
    const a = await simulatePlan(plan, { seed: "1", trials: 500, workers: 1 })
    const b = await simulatePlan(plan, { seed: "2", trials: 500, workers: 1 })
    expect(a.summary.policies[0]!.contract.providerNet.mean).not.toBe(b.summary.policies[0]!.contract.providerNet.mean)
  })

  it("reports the mean, sd, quantiles and probabilities a naive pass over every trial's kept values gives", async () => {
    const models = policies()
    const plan = compileSimulation(models)
    const trials = 1200
    const sim = await simulatePlan(plan, { seed: "naive", trials, workers: 1 })
    // Independent pass: keep every trial's values in arrays, then textbook formulas.
    const scratch = kernelScratch(plan)
    const z = new Float64Array(drawLength(plan))
    const provider2: Array<number> = []
    const payerCostDiff: Array<number> = []
    let savings2 = 0
    let annualCheaperForPayer = 0
    for (let t = 0; t < trials; t++) {
      fillNormals(trialState("naive", t), z)
      runTrial(scratch, z)
      const year = (policy: number, k: number, field: number) => scratch.out[(policy * plan.years + k) * FIELD_COUNT + field]!
      provider2.push(year(0, 1, F_PROVIDER))
      // Shared savings paid: a year whose savings qualify but pay nothing does not count.
      if (year(0, 1, F_SAVINGS) > 0) savings2++
      // What the payer pays: expenditure + provider net, summed over the contract.
      let paidTrending = 0
      let paidAnnual = 0
      for (let k = 0; k < 4; k++) {
        paidTrending += year(0, k, F_EXPENDITURE) + year(0, k, F_PROVIDER)
        paidAnnual += year(1, k, F_EXPENDITURE) + year(1, k, F_PROVIDER)
      }
      // Pairs are each policy against the first: annual − trending.
      payerCostDiff.push(paidAnnual - paidTrending)
      if (paidAnnual < paidTrending) annualCheaperForPayer++
    }
    const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = (xs: ReadonlyArray<number>) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1))
    const quantile = (xs: ReadonlyArray<number>, q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!
    const year2 = sim.summary.policies[0]!.years[1]!
    expect(year2.providerNet.mean).toBeCloseTo(mean(provider2), 4)
    expect(year2.providerNet.sd).toBeCloseTo(sd(provider2), 3)
    for (const [q, got] of [[0.05, year2.providerNet.p5], [0.5, year2.providerNet.p50], [0.95, year2.providerNet.p95]] as const)
      expect(Math.abs(got - quantile(provider2, q))).toBeLessThanOrEqual(RELATIVE_ACCURACY * Math.abs(quantile(provider2, q)) + 1e-6)
    expect(year2.pSharedSavings).toBe(savings2 / trials)
    expect(sim.summary.pairs.map((p) => [p.a, p.b])).toEqual([
      ["annual", "trending"],
      ["rolling", "trending"]
    ])
    const pair = sim.summary.pairs[0]!
    expect(pair.contract.payerCost.mean).toBeCloseTo(mean(payerCostDiff), 4)
    expect(pair.contract.pABetterForPayer).toBe(annualCheaperForPayer / trials)
  })

  it("counts only savings paid in P(shared savings): savings that qualify under a failed quality standard pay nothing", async () => {
    // 10 % savings qualify in nearly every trial (year 1: an 11.8 % gap against a 0 % MSR, noise sd about 2 %), but
    // failing the quality standard pays none of them: P(shared savings) is 0 where counting "savings" outcomes gave ≈ 1.
    const base = noisy(makeModel({ providerSavings: ["0.1", "0.1", "0.1", "0.1"] }), "met")
    const failed: ContractModel = { ...base, policyName: "failed", terms: base.terms.map((t) => ({ ...t, quality: { ...t.quality, meetsStandard: false } })) }
    const sim = await simulatePlan(compileSimulation([base, failed]), { seed: "paid", trials: 1000, workers: 1 })
    const [met, notPaid] = sim.summary.policies
    for (const y of met!.years) expect(y.pSharedSavings).toBeGreaterThan(0.99)
    expect(notPaid!.years.map((y) => y.pSharedSavings)).toEqual([0, 0, 0, 0])
    expect(notPaid!.years.map((y) => y.sharedSavings.mean)).toEqual([0, 0, 0, 0])
  })

  it("keeps the mean of realised cost on the plan: the shocks are mean-preserving (within 4 standard errors)", async () => {
    const plan = compileSimulation(policies().slice(0, 1))
    const sim = await simulatePlan(plan, { seed: "mean", trials: 4000, workers: 1 })
    // Zero noise: provider PMPM 400 × 1.04 (market trend) × (1 − 0.02) = 407.68 in year 1.
    const year1 = sim.summary.policies[0]!.years[0]!.actualPmpm!
    expect(Math.abs(year1.mean - 407.68)).toBeLessThan((4 * year1.sd) / Math.sqrt(4000))
  })
})
