import { BLOCK_TRIALS } from "../montecarlo/blocks.js"
import { drawTrial, kernelScratch, runTrial, type KernelScratch } from "../montecarlo/kernel.js"
import { drawLength, FIELD_COUNT, F_EXPENDITURE, F_LOSSES, F_PROVIDER, F_SAVINGS, type SimulationPlan } from "../montecarlo/plan.js"
import { accumulatorState, emptySlotStatistics, foldBlock, recordValues, type AccumulatorState } from "../montecarlo/statistics.js"

/**
 * The market view under uncertainty, the part that runs trials (market/simulate.ts compiles and
 * summarises). Loaded by the Monte Carlo worker threads too, so it imports only the kernel, the
 * draws and the streaming statistics: no Effect, no decimal.js.
 *
 * Per trial, for each market policy and contract year k, over its providers e (each a compiled
 * policy of the plan, its contract run by the kernel on the trial's draws):
 *
 *   programme cost   = Σ_e p_{e,k} × (E_real + providerNet_real − CF_real)
 *   savings paid     = Σ_e p_{e,k} × S_real
 *   losses collected = Σ_e p_{e,k} × L_real
 *
 * with p_{e,k} the chance of being in the programme fixed by the deterministic run (runMarket),
 * and CF_real the provider's realised counterfactual: the trial's cost before the achieved-savings
 * factor (kernel WorldScratch.counterfactual), so E_real = CF_real × (1 − achieved savings).
 * Statistics stream as simulate's do (montecarlo/statistics.ts): float sums within a block of
 * BLOCK_TRIALS in trial order, exact sums across blocks, DDSketch quantiles, whole-number counts;
 * so a run's state does not depend on the workers or shards that computed it.
 */

/** One market policy: its providers are the compiled policies plan.policies[first … first + count). */
export interface MarketPlanPolicy {
  readonly name: string
  readonly startYear: number
  readonly years: number
  readonly first: number
  readonly count: number
}

/** What the market adds to a compiled plan: plain numbers, so it crosses to a worker by structured clone. */
export interface MarketPlan {
  readonly policies: ReadonlyArray<MarketPlanPolicy>
  /** Per compiled policy × contract year (stride: plan.years): p_{e,k}, the provider's chance of being in the programme. */
  readonly participation: Float64Array
  /**
   * Per compiled policy × contract year: the deterministic counterfactual where the scenario gives
   * the year as actual experience (no draw moves it, and the world holds the actual cost there),
   * NaN where the trial's realised counterfactual applies.
   */
  readonly fixedCounterfactual: Float64Array
}

/** The figures kept per policy row (each contract year, then the contract), in this order. */
export const MARKET_FIGURES = ["programmeCost", "savingsPaid", "lossesCollected"] as const
const FIGURES = MARKET_FIGURES.length

/** Where each statistic lives; depends only on the policies' years, so merging needs no compile. */
export interface MarketLayout {
  /** Per policy: its first slot; row r (years, then the contract), figure j at first + r·3 + j. */
  readonly policySlot: Int32Array
  /** Per pair (policy n + 1 against the first): its years (those both cover), first slot and first counter; row r at first + r. */
  readonly pairYears: Int32Array
  readonly pairSlot: Int32Array
  readonly pairCounter: Int32Array
  readonly slots: number
  readonly counters: number
}

export const marketLayout = (policies: ReadonlyArray<{ readonly years: number }>): MarketLayout => {
  let slots = 0
  let counters = 0
  const policySlot = Int32Array.from(policies, (p) => {
    const first = slots
    slots += (p.years + 1) * FIGURES
    return first
  })
  const pairs = policies.slice(1)
  const pairYears = Int32Array.from(pairs, (p) => Math.min(p.years, policies[0]!.years))
  const pairSlot = Int32Array.from(pairYears, (years) => {
    const first = slots
    slots += years + 1
    return first
  })
  const pairCounter = Int32Array.from(pairYears, (years) => {
    const first = counters
    counters += years + 1
    return first
  })
  return { policySlot, pairYears, pairSlot, pairCounter, slots, counters }
}

/** Where each compiled policy's provider cells sit: its world and the cell index of its contract year 1. */
interface CounterfactualCells {
  readonly world: Int32Array
  readonly base: Int32Array
}

const counterfactualCells = (plan: SimulationPlan): CounterfactualCells => ({
  world: Int32Array.from(plan.policies, (p) => p.world),
  base: Int32Array.from(plan.policies, (p) => p.provider * plan.worlds[p.world]!.years)
})

/** Compiled policy i's realised counterfactual in contract year k: the world's cell, or the fixed figure of a year given as actual experience. */
const realisedCounterfactual = (plan: SimulationPlan, market: MarketPlan, scratch: KernelScratch, cells: CounterfactualCells, i: number, k: number): number => {
  const given = market.fixedCounterfactual[i * plan.years + k]!
  return given === given ? given : scratch.worlds[cells.world[i]!]!.counterfactual![cells.base[i]! + k]!
}

/**
 * The realised counterfactual of compiled policy i's provider in contract year k (0-based) after
 * runTrial on a scratch made with keepCounterfactual (what the trial sums read; for tests).
 */
export const counterfactualOf = (plan: SimulationPlan, market: MarketPlan, scratch: KernelScratch, i: number, k: number): number =>
  realisedCounterfactual(plan, market, scratch, counterfactualCells(plan), i, k)

/**
 * This trial's values (kernel output in scratch.out and the worlds' realised counterfactuals) into
 * `values` by the layout; pair counters (a cheaper for the payer) into `counts` unless null.
 * Providers are summed in a fixed order, so a trial's values do not depend on who runs it.
 */
const marketValues = (
  plan: SimulationPlan,
  market: MarketPlan,
  layout: MarketLayout,
  scratch: KernelScratch,
  cells: CounterfactualCells,
  values: Float64Array,
  counts: Float64Array | null
): void => {
  const Y = plan.years
  const out = scratch.out
  const participation = market.participation
  for (let m = 0; m < market.policies.length; m++) {
    const policy = market.policies[m]!
    const base = layout.policySlot[m]!
    let totalCost = 0
    let totalSavings = 0
    let totalLosses = 0
    for (let k = 0; k < policy.years; k++) {
      let cost = 0
      let savings = 0
      let losses = 0
      for (let i = policy.first; i < policy.first + policy.count; i++) {
        const c = i * Y + k
        const p = participation[c]!
        if (p === 0) continue
        const o = c * FIELD_COUNT
        const cf = realisedCounterfactual(plan, market, scratch, cells, i, k)
        cost += p * (out[o + F_EXPENDITURE]! + out[o + F_PROVIDER]! - cf)
        savings += p * out[o + F_SAVINGS]!
        losses += p * out[o + F_LOSSES]!
      }
      const slot = base + k * FIGURES
      values[slot] = cost
      values[slot + 1] = savings
      values[slot + 2] = losses
      totalCost += cost
      totalSavings += savings
      totalLosses += losses
    }
    const slot = base + policy.years * FIGURES
    values[slot] = totalCost
    values[slot + 1] = totalSavings
    values[slot + 2] = totalLosses
  }
  // Each policy after the first against the first, over the years both cover: a − b of the programme cost.
  const first = layout.policySlot[0]!
  for (let n = 0; n < layout.pairYears.length; n++) {
    const years = layout.pairYears[n]!
    const a = layout.policySlot[n + 1]!
    const slot = layout.pairSlot[n]!
    const counter = layout.pairCounter[n]!
    let costA = 0
    let costB = 0
    for (let k = 0; k < years; k++) {
      const yearA = values[a + k * FIGURES]!
      const yearB = values[first + k * FIGURES]!
      values[slot + k] = yearA - yearB
      if (counts !== null && yearA < yearB) counts[counter + k]!++
      costA += yearA
      costB += yearB
    }
    values[slot + years] = costA - costB
    if (counts !== null && costA < costB) counts[counter + years]!++
  }
}

/** The zero-noise trial's values (every draw 0): the deterministic figures in floats, which centre the sums. */
export const marketZeroNoise = (plan: SimulationPlan, market: MarketPlan): Float64Array => {
  const scratch = kernelScratch(plan, { keepCounterfactual: true })
  runTrial(scratch, new Float64Array(drawLength(plan)))
  const values = new Float64Array(marketLayout(market.policies).slots)
  marketValues(plan, market, marketLayout(market.policies), scratch, counterfactualCells(plan), values, null)
  return values
}

/** Runs blocks of the market on this thread (a worker holds one, and so does a single-threaded run): blocks.ts blockRunner for the market. */
export const marketBlockRunner = (
  plan: SimulationPlan,
  market: MarketPlan,
  seed: string,
  trials: number
): { readonly run: (block: number) => void; readonly state: () => AccumulatorState } => {
  const scratch = kernelScratch(plan, { keepCounterfactual: true })
  const layout = marketLayout(market.policies)
  const cells = counterfactualCells(plan)
  const acc = emptySlotStatistics(marketZeroNoise(plan, market), layout.counters)
  return {
    run: (block) => {
      const end = Math.min(trials, (block + 1) * BLOCK_TRIALS)
      for (let trial = block * BLOCK_TRIALS; trial < end; trial++) {
        drawTrial(scratch, seed, trial)
        runTrial(scratch)
        marketValues(plan, market, layout, scratch, cells, acc.values, acc.counts)
        recordValues(acc)
      }
      foldBlock(acc)
    },
    state: () => accumulatorState(acc)
  }
}
