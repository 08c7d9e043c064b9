import { invalid, showCount } from "@pbpsim/benchmark"
import { exactSumValue, mergeExact } from "./exactSum.js"
import { mergeSketch, sketchFromState, sketchQuantile } from "./sketch.js"
import { describeSlot, type Accumulator, type AccumulatorState, type SlotStatistics } from "./statistics.js"

// Merging states and summarising them happen on the main thread only; kept apart from
// statistics.ts, which the worker threads load, so that the workers never load the rules' errors (and Effect).

/** Merge a state (a worker's or a shard's) into an accumulator: exact, so any order gives the same result. */
export const mergeState = (acc: SlotStatistics, state: AccumulatorState): void => {
  if (
    state.sum.length !== acc.sum.length ||
    state.squares.length !== acc.squares.length ||
    state.sketches.length !== acc.sketches.length ||
    state.shift.length !== acc.shift.length ||
    state.min.length !== acc.min.length ||
    state.max.length !== acc.max.length ||
    state.counts.length !== acc.counts.length
  )
    throw invalid("mergeStates", "states", "come from different scenarios or policies (their statistics do not line up)")
  acc.trials += state.trials
  if (state.nonFinite > 0 && (acc.nonFinite === 0 || state.nonFiniteSlot < acc.nonFiniteSlot)) acc.nonFiniteSlot = state.nonFiniteSlot
  acc.nonFinite += state.nonFinite
  state.sum.forEach((s, j) => mergeExact(acc.sum[j]!, [...s]))
  state.squares.forEach((s, j) => mergeExact(acc.squares[j]!, [...s]))
  state.counts.forEach((c, j) => (acc.counts[j] = acc.counts[j]! + c))
  state.sketches.forEach((s, j) => mergeSketch(acc.sketches[j]!, sketchFromState(s)))
  state.min.forEach((m, j) => (acc.min[j] = Math.min(acc.min[j]!, m)))
  state.max.forEach((m, j) => (acc.max[j] = Math.max(acc.max[j]!, m)))
}

/** A simulated figure: mean, standard deviation and quantiles (within RELATIVE_ACCURACY). */
export interface Distribution {
  readonly mean: number
  readonly sd: number
  readonly p5: number
  readonly p25: number
  readonly p50: number
  readonly p75: number
  readonly p95: number
}

/** One policy's distributions for a contract year (contractYear and year set) or the whole contract (both null). */
export interface PolicyRowSummary {
  readonly contractYear: number | null
  readonly year: number | null
  readonly benchmarkPmpm?: Distribution
  readonly actualPmpm?: Distribution
  readonly sharedSavings: Distribution
  readonly sharedLosses: Distribution
  readonly providerNet: Distribution
  readonly payerNet: Distribution
  /** Share of trials in which shared savings are paid that year ("savings paid"; qualifying savings that pay nothing do not count); over the contract, provider net > 0. */
  readonly pSharedSavings: number
  /** Share of trials in which shared losses are owed that year ("loss owed"); over the contract, provider net < 0. */
  readonly pSharedLoss: number
}

/** Policy a minus policy b (the first policy) on the same draws, for a contract year or the whole contract. */
export interface PairRowSummary {
  readonly contractYear: number | null
  readonly year: number | null
  readonly providerNet: Distribution
  /** a − b of the payer's cost: expenditure + provider net. */
  readonly payerCost: Distribution
  readonly pABetterForPayer: number
  readonly pABetterForProvider: number
}

/** What a Monte Carlo run reports: per policy, and each policy after the first (a) against the first (b), a − b. */
export interface SimulationSummary {
  readonly trials: number
  readonly policies: ReadonlyArray<{ readonly name: string; readonly years: ReadonlyArray<PolicyRowSummary>; readonly contract: PolicyRowSummary }>
  readonly pairs: ReadonlyArray<{ readonly a: string; readonly b: string; readonly years: ReadonlyArray<PairRowSummary>; readonly contract: PairRowSummary }>
}

const distribution = (acc: Accumulator, slot: number): Distribution => slotDistribution(acc, slot, (s) => describeSlot(acc.plan, s))

/** Mean, sd and quantiles of one slot's statistics; `describe` names a slot whose figure is not finite. */
export const slotDistribution = (acc: SlotStatistics, slot: number, describe: (slot: number) => string): Distribution => {
  const n = acc.trials
  const s1 = exactSumValue(acc.sum[slot]!)
  const s2 = exactSumValue(acc.squares[slot]!)
  const variance = n > 1 ? Math.max(0, (s2 - (s1 * s1) / n) / (n - 1)) : 0
  const sketch = acc.sketches[slot]!
  // A sample quantile lies between the extremes; the bucket midpoint may not.
  const quantile = (q: number) => Math.min(acc.max[slot]!, Math.max(acc.min[slot]!, sketchQuantile(sketch, q)))
  const d: Distribution = {
    mean: acc.shift[slot]! + s1 / n,
    sd: Math.sqrt(variance),
    p5: quantile(0.05),
    p25: quantile(0.25),
    p50: quantile(0.5),
    p75: quantile(0.75),
    p95: quantile(0.95)
  }
  // The last guard: a statistic that is not a finite number is refused, never printed as NaN or Infinity.
  for (const [name, value] of Object.entries(d)) {
    if (!Number.isFinite(value)) {
      throw invalid("float range", describe(slot), `has a ${name} that is not a finite number (${value}) over ${showCount(n)} trials: the figures are too large for float arithmetic`)
    }
  }
  return d
}

export const summarize = (acc: Accumulator): SimulationSummary => {
  const n = acc.trials
  const { layout, plan } = acc
  if (acc.nonFinite > 0) {
    throw invalid(
      "float range",
      describeSlot(plan, acc.nonFiniteSlot),
      `is not a finite number in ${showCount(acc.nonFinite)} value${acc.nonFinite === 1 ? "" : "s"} over ${showCount(n)} trials: the scenario's amounts, growth (projection) or noise (stochastic) are too large for float arithmetic`
    )
  }
  const policies = plan.policies.map((p, i) => {
    const row = (r: number): PolicyRowSummary => {
      const slots = layout.policySlot[i]![r]!
      const counter = layout.policyCounter[i]!
      const isYear = r < p.years
      return {
        contractYear: isYear ? r + 1 : null,
        year: isYear ? p.startYear + r : null,
        ...(isYear ? { benchmarkPmpm: distribution(acc, slots[0]!), actualPmpm: distribution(acc, slots[1]!) } : {}),
        sharedSavings: distribution(acc, slots[2]!),
        sharedLosses: distribution(acc, slots[3]!),
        providerNet: distribution(acc, slots[4]!),
        payerNet: distribution(acc, slots[5]!),
        pSharedSavings: acc.counts[counter[r * 2]!]! / n,
        pSharedLoss: acc.counts[counter[r * 2 + 1]!]! / n
      }
    }
    return { name: p.name, years: Array.from({ length: p.years }, (_, r) => row(r)), contract: row(p.years) }
  })
  const pairs = layout.pairs.map(([a, b, years], m) => {
    const start = plan.policies[a]!.startYear
    const row = (r: number): PairRowSummary => {
      const slots = layout.pairSlot[m]!
      const counter = layout.pairCounter[m]!
      return {
        contractYear: r < years ? r + 1 : null,
        year: r < years ? start + r : null,
        providerNet: distribution(acc, slots[r * 2]!),
        payerCost: distribution(acc, slots[r * 2 + 1]!),
        pABetterForPayer: acc.counts[counter[r * 2]!]! / n,
        pABetterForProvider: acc.counts[counter[r * 2 + 1]!]! / n
      }
    }
    return { a: plan.policies[a]!.name, b: plan.policies[b]!.name, years: Array.from({ length: years }, (_, r) => row(r)), contract: row(years) }
  })
  return { trials: n, policies, pairs }
}
