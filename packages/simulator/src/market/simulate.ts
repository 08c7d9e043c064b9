import { invalid, showCount } from "@pbpsim/benchmark"
import type { ContractModel } from "../model.js"
import { runCountProblems, shardBlocks, trialsInBlocks } from "../montecarlo/blocks.js"
import { compileSimulation } from "../montecarlo/compile.js"
import type { SimulationPlan } from "../montecarlo/plan.js"
import { blocksHere, checkSimulationPlan, inWorkers, type SimulateOptions } from "../montecarlo/simulate.js"
import { accumulatorState, emptySlotStatistics, slotStateProblems, type AccumulatorState, type SlotStatistics } from "../montecarlo/statistics.js"
import { mergeState, slotDistribution, type Distribution } from "../montecarlo/summary.js"
import type { Scenario } from "../scenario/resolve.js"
import { marketContracts } from "./run.js"
import {
  MARKET_FIGURES,
  marketBlockRunner,
  marketLayout,
  type MarketPlan,
  type MarketPlanPolicy
} from "./simulateBlocks.js"
import type { MarketProvider, MarketRun } from "./types.js"

/**
 * `pbpsim market --simulate` (issue 12, item 5): the market view on common random numbers.
 * Participation is decided once, on expected values, by the deterministic run (runMarket): each
 * provider-year's chance p_{e,k} is fixed. Outcomes vary by trial: every provider's contract
 * under every policy runs in the Monte Carlo kernel on the trial's draws (one world of draws
 * for the whole market, shared by every provider and every policy with the same projection),
 * and the payer's programme cost, savings paid and losses collected are summed over providers
 * weighted by p_{e,k} (simulateBlocks.ts). Statistics per policy and contract year and over the
 * contract, and for each policy after the first the paired difference from the first.
 *
 * As simulate: a trial's draws depend only on (seed, trial); trials run in blocks of
 * BLOCK_TRIALS; exact sums and whole-number counts merge in any order; so the result is identical
 * for any number of workers and for shards merged back (mergeMarketStates).
 */

/** Options: simulate's (seed, trials, workers, shard, onProgress). */
export type SimulateMarketOptions = SimulateOptions

/** The policies of a market simulation, what its statistics are laid out by (and all a merge needs). */
export interface MarketSimulationLayout {
  readonly policies: ReadonlyArray<{ readonly name: string; readonly startYear: number; readonly years: number }>
}

/** One policy's distributions for a contract year (contractYear and year set) or the whole contract (both null). */
export interface MarketSimulationRow {
  readonly contractYear: number | null
  readonly year: number | null
  /** Σ p × (E + provider net − CF): what the programme costs the payer against no programme (negative: it saves). */
  readonly programmeCost: Distribution
  /** Σ p × shared savings. */
  readonly savingsPaid: Distribution
  /** Σ p × shared losses. */
  readonly lossesCollected: Distribution
}

/** Policy a minus policy b (the first) on the same draws, for a contract year or over the years both cover. */
export interface MarketSimulationPairRow {
  readonly contractYear: number | null
  readonly year: number | null
  /** a − b of the programme cost. */
  readonly programmeCost: Distribution
  /** Share of trials in which the programme costs the payer less under a than under b. */
  readonly pACheaper: number
}

export interface MarketSimulationSummary {
  readonly trials: number
  readonly policies: ReadonlyArray<{ readonly name: string; readonly years: ReadonlyArray<MarketSimulationRow>; readonly contract: MarketSimulationRow }>
  readonly pairs: ReadonlyArray<{
    readonly a: string
    readonly b: string
    readonly years: ReadonlyArray<MarketSimulationPairRow>
    readonly contract: MarketSimulationPairRow
  }>
}

/** A market simulation: its layout, the blocks it covered, the mergeable state (what a shard writes) and the summary. */
export interface MarketSimulation {
  readonly layout: MarketSimulationLayout
  /** Blocks this run covered: [first, end). */
  readonly blocks: { readonly first: number; readonly end: number }
  /** Same shape as simulate's AccumulatorState (AccumulatorStateSchema decodes it from a file). */
  readonly state: AccumulatorState
  readonly summary: MarketSimulationSummary
}

/** The layout of a deterministic market run's simulation: its policies in order, with their years. */
export const marketSimulationLayout = (market: MarketRun): MarketSimulationLayout => ({
  policies: market.policies.map((p) => {
    const years = p.providers[0]?.years ?? []
    return { name: p.policy, startYear: years[0]?.year ?? 0, years: years.length }
  })
})

const sameEntities = (providers: ReadonlyArray<MarketProvider>, models: ReadonlyArray<ContractModel>): boolean =>
  providers.length === models.length && providers.every((p, i) => p.entity === models[i]!.provider && p.years.length === models[i]!.years)

/**
 * The kernel's plan of a market: every provider's contract under every policy of `market`, in
 * its order, and the participation the deterministic run fixed. A provider whose chance is 0 in
 * every year adds nothing to any figure, so its contract is not compiled (a threshold rule
 * leaves many out); a policy keeps at least one contract, so that its noise settings still
 * decide which draw streams exist (the draws stay common whatever the participation).
 * The models were run by the exact engine in runMarket: they are not run again.
 */
export const compileMarket = (scenario: Scenario, market: MarketRun): { readonly plan: SimulationPlan; readonly market: MarketPlan } => {
  if (market.policies.length === 0) throw invalid("simulateMarket", "market.policies", "is empty: at least one policy is needed")
  const models: Array<ContractModel> = []
  const rows: Array<MarketProvider> = []
  const policies: Array<MarketPlanPolicy> = []
  for (const run of market.policies) {
    const contracts = marketContracts(scenario, run.policy, { providers: run.providers.map((p) => p.entity) })
    if (!sameEntities(run.providers, contracts.models)) {
      throw invalid("simulateMarket", `market policy ${run.policy}`, "does not match the scenario's contracts (providers or years differ): run the market with runMarket on this scenario")
    }
    const first = models.length
    const kept = run.providers.flatMap((p, i) => (p.years.some((y) => !y.participation.isZero()) ? [i] : []))
    for (const i of kept.length > 0 ? kept : [0]) {
      models.push(contracts.models[i]!)
      rows.push(run.providers[i]!)
    }
    const model = contracts.models[0]!
    policies.push({ name: run.policy, startYear: model.startYear, years: model.years, first, count: models.length - first })
  }
  const plan = compileSimulation(models, { exactRunDone: true })
  const Y = plan.years
  const participation = new Float64Array(models.length * Y)
  const fixedCounterfactual = new Float64Array(models.length * Y).fill(Number.NaN)
  rows.forEach((provider, i) => {
    const policy = plan.policies[i]!
    const world = plan.worlds[policy.world]!
    provider.years.forEach((y, k) => {
      participation[i * Y + k] = y.participation.toNumber()
      // A year given as actual experience: the world holds its actual cost; the counterfactual is the deterministic one.
      if (world.actual[policy.provider * world.years + k] === 1) fixedCounterfactual[i * Y + k] = y.counterfactual.toNumber()
    })
  })
  return { plan, market: { policies, participation, fixedCounterfactual } }
}

/**
 * The market view under uncertainty: `market` is runMarket's result on `scenario` (its
 * participation is kept; its policies and providers are simulated, in its order). Rejects with a
 * RangeError for bad counts (trials, workers, shard), InvalidArgument for a plan whose figures
 * would not be finite. With `shard`, runs only that share of the blocks: merge the states with
 * mergeMarketStates.
 */
export const simulateMarket = async (scenario: Scenario, market: MarketRun, options: SimulateMarketOptions): Promise<MarketSimulation> => {
  const problems = runCountProblems(options)
  if (problems.length > 0) throw new RangeError(problems.join("; "))
  const compiled = compileMarket(scenario, market)
  checkSimulationPlan(compiled.plan)
  const layout: MarketSimulationLayout = { policies: compiled.market.policies.map((p) => ({ name: p.name, startYear: p.startYear, years: p.years })) }
  const range = shardBlocks(options.trials, options.shard)
  const blocks = Array.from({ length: range.end - range.first }, (_, i) => range.first + i)
  const total = trialsInBlocks(options.trials, range.first, range.end)
  const states =
    options.workers === 1 || blocks.length <= 1
      ? [blocksHere(marketBlockRunner(compiled.plan, compiled.market, options.seed, options.trials), blocks, options)]
      : await inWorkers(compiled.plan, options, blocks, total, { market: compiled.market })
  const merged = mergeMarketStates(layout, states)
  return { layout, blocks: range, ...merged }
}

/**
 * What is wrong with a decoded state (a shard read back) for this layout and trial count, one
 * problem per entry, at most `max` (empty: it can be merged). As stateProblems for simulate.
 */
export const marketStateProblems = (layout: MarketSimulationLayout, state: AccumulatorState, trials: number, max = 10): ReadonlyArray<string> =>
  slotStateProblems(marketLayout(layout.policies), state, trials, max)

/** The statistic a slot holds, in words: "policy trending, 2026, programme cost". */
const describeSlot = (layout: MarketSimulationLayout, slot: number): string => {
  const l = marketLayout(layout.policies)
  const words = ["programme cost", "savings paid", "losses collected"]
  for (let m = layout.policies.length - 1; m >= 0; m--) {
    const p = layout.policies[m]!
    const at = slot - l.policySlot[m]!
    if (at >= 0 && at < (p.years + 1) * MARKET_FIGURES.length) {
      const row = Math.floor(at / MARKET_FIGURES.length)
      return `policy ${p.name}, ${row < p.years ? p.startYear + row : "contract"}, ${words[at % MARKET_FIGURES.length]}`
    }
  }
  for (let n = 0; n < l.pairYears.length; n++) {
    const at = slot - l.pairSlot[n]!
    if (at >= 0 && at <= l.pairYears[n]!) {
      const a = layout.policies[n + 1]!
      return `${a.name} − ${layout.policies[0]!.name}, ${at < l.pairYears[n]! ? a.startYear + at : "contract"}, programme cost`
    }
  }
  return `statistic ${slot}`
}

const distribution = (layout: MarketSimulationLayout, acc: SlotStatistics, slot: number): Distribution =>
  slotDistribution(acc, slot, (s) => describeSlot(layout, s))

const summarizeMarket = (layout: MarketSimulationLayout, acc: SlotStatistics): MarketSimulationSummary => {
  const n = acc.trials
  if (acc.nonFinite > 0) {
    throw invalid(
      "float range",
      describeSlot(layout, acc.nonFiniteSlot),
      `is not a finite number in ${showCount(acc.nonFinite)} value${acc.nonFinite === 1 ? "" : "s"} over ${showCount(n)} trials: the scenario's amounts, growth (projection) or noise (stochastic) are too large for float arithmetic`
    )
  }
  const l = marketLayout(layout.policies)
  const policies = layout.policies.map((p, m) => {
    const row = (r: number): MarketSimulationRow => {
      const slot = l.policySlot[m]! + r * MARKET_FIGURES.length
      return {
        contractYear: r < p.years ? r + 1 : null,
        year: r < p.years ? p.startYear + r : null,
        programmeCost: distribution(layout, acc, slot),
        savingsPaid: distribution(layout, acc, slot + 1),
        lossesCollected: distribution(layout, acc, slot + 2)
      }
    }
    return { name: p.name, years: Array.from({ length: p.years }, (_, r) => row(r)), contract: row(p.years) }
  })
  const pairs = Array.from(l.pairYears, (years, k) => {
    const a = layout.policies[k + 1]!
    const row = (r: number): MarketSimulationPairRow => ({
      contractYear: r < years ? r + 1 : null,
      year: r < years ? a.startYear + r : null,
      programmeCost: distribution(layout, acc, l.pairSlot[k]! + r),
      pACheaper: acc.counts[l.pairCounter[k]! + r]! / n
    })
    return { a: a.name, b: layout.policies[0]!.name, years: Array.from({ length: years }, (_, r) => row(r)), contract: row(years) }
  })
  return { trials: n, policies, pairs }
}

/**
 * Merge states of one market simulation (workers' or shards', in any order) into one state and
 * its summary. Exact: the result does not depend on the order or grouping. Throws
 * InvalidArgument for states of different layouts or runs (their zero-noise centres differ).
 */
export const mergeMarketStates = (
  layout: MarketSimulationLayout,
  states: ReadonlyArray<AccumulatorState>
): { readonly state: AccumulatorState; readonly summary: MarketSimulationSummary } => {
  const first = states[0]
  if (first === undefined) throw invalid("mergeMarketStates", "states", "is empty: at least one state is needed")
  const { counters } = marketLayout(layout.policies)
  const acc = emptySlotStatistics(Float64Array.from(first.shift), counters)
  for (const state of states) {
    // Sums are kept relative to the zero-noise figures: states of one run share them bit for bit.
    if (state.shift.length === acc.shift.length && state.shift.some((s, j) => s !== acc.shift[j])) throw invalid("mergeMarketStates", "states", "come from different runs (their zero-noise figures differ)")
    mergeState(acc, state)
  }
  const summary = summarizeMarket(layout, acc)
  return { state: accumulatorState(acc), summary }
}
