import { OUTCOME_CODE } from "@pbpsim/benchmark/compute"
import { addExact, exactSumValue, type ExactSum } from "./exactSum.js"
import { FIELD_COUNT, F_ACTUAL, F_BENCHMARK, F_EXPENDITURE, F_LOSSES, F_OUTCOME, F_PAYER, F_PROVIDER, F_SAVINGS, type SimulationPlan } from "./plan.js"
import { addToSketch, emptySketch, MAX_KEY, sketchState, storeSpan, type QuantileSketch, type SketchState } from "./sketch.js"

/**
 * Streaming statistics of a Monte Carlo run, per policy and contract year and over the
 * contract, and for each policy after the first its paired difference against the first on
 * the same draws (as `compare` takes its differences against the first policy: the cost stays
 * linear in the number of policies). Memory is fixed by the plan, never by the number of
 * trials. Within a block of trials sums are plain floats in trial order; blocks fold into
 * exact sums, sketches count whole numbers: so the result does not depend on which worker or
 * shard ran which block, and neither does the state a shard writes (exact sums are written in
 * one canonical form).
 */

/** Per-year continuous metrics of a policy (contract rows keep the money ones). */
export const POLICY_METRICS = ["benchmarkPmpm", "actualPmpm", "sharedSavings", "sharedLosses", "providerNet", "payerNet"] as const
export type PolicyMetric = (typeof POLICY_METRICS)[number]
const YEAR_FIELD: Record<PolicyMetric, number> = {
  benchmarkPmpm: F_BENCHMARK,
  actualPmpm: F_ACTUAL,
  sharedSavings: F_SAVINGS,
  sharedLosses: F_LOSSES,
  providerNet: F_PROVIDER,
  payerNet: F_PAYER
}
const METRIC_FIELDS = Int32Array.from(POLICY_METRICS, (m) => YEAR_FIELD[m])
/** The settled outcomes P(shared savings) and P(shared loss) count: money paid or owed, not merely qualifying. */
const SAVINGS_PAID = OUTCOME_CODE["savings paid"]
const LOSS_OWED = OUTCOME_CODE["loss owed"]
const MONEY: ReadonlyArray<PolicyMetric> = ["sharedSavings", "sharedLosses", "providerNet", "payerNet"]

/** Where each statistic lives: continuous slots (moments + sketch) and indicator counters. */
interface Layout {
  /** policy → row (years, then the contract) → metric → slot (−1: not kept). */
  readonly policySlot: ReadonlyArray<ReadonlyArray<Int32Array>>
  /** policy → row → [savings, loss] counter index. */
  readonly policyCounter: ReadonlyArray<Int32Array>
  /** pair → row → [providerNet diff, payerCost diff] slots. */
  readonly pairSlot: ReadonlyArray<Int32Array>
  readonly pairCounter: ReadonlyArray<Int32Array>
  /** [a, b, years]: policy a (each policy after the first) minus policy b (the first), over the years both cover. */
  readonly pairs: ReadonlyArray<readonly [number, number, number]>
  readonly slots: number
  readonly counters: number
}

const layoutOf = (plan: SimulationPlan): Layout => {
  let slots = 0
  let counters = 0
  const policySlot = plan.policies.map((p) =>
    Array.from({ length: p.years + 1 }, (_, row) =>
      Int32Array.from(POLICY_METRICS, (m) => (row === p.years && !MONEY.includes(m) ? -1 : slots++))
    )
  )
  const policyCounter = plan.policies.map((p) => Int32Array.from({ length: (p.years + 1) * 2 }, () => counters++))
  // Each policy against the first, not every two: P − 1 pairs, so 150 policies cost 149 pairs, not 11,175.
  const first = plan.policies[0]
  const pairs: Array<readonly [number, number, number]> =
    first === undefined ? [] : plan.policies.slice(1).map((p, i) => [i + 1, 0, Math.min(p.years, first.years)] as const)
  const pairSlot = pairs.map(([, , years]) => Int32Array.from({ length: (years + 1) * 2 }, () => slots++))
  const pairCounter = pairs.map(([, , years]) => Int32Array.from({ length: (years + 1) * 2 }, () => counters++))
  return { policySlot, policyCounter, pairSlot, pairCounter, pairs, slots, counters }
}

/**
 * Streaming statistics of a row of slots (one value per slot and trial): what simulate's
 * Accumulator and the market view's accumulate alike, recorded, folded and written by the same code.
 */
export interface SlotStatistics {
  /** Shift per slot (the zero-noise value) so that sums of squares do not cancel. */
  readonly shift: Float64Array
  readonly blockSum: Float64Array
  readonly blockSquares: Float64Array
  /** Scratch: this trial's value per slot. */
  readonly values: Float64Array
  trials: number
  readonly sum: Array<ExactSum>
  readonly squares: Array<ExactSum>
  readonly counts: Float64Array
  readonly sketches: Array<QuantileSketch>
  /** Exact extremes: quantiles are clamped to them (a constant figure reads back exactly). */
  readonly min: Float64Array
  readonly max: Float64Array
  /** Values that were not finite numbers (kept out of every statistic), and the first slot that had one (−1: none). */
  nonFinite: number
  nonFiniteSlot: number
}

export interface Accumulator extends SlotStatistics {
  readonly plan: SimulationPlan
  readonly layout: Layout
}

/** Empty statistics of `slots` slots and `counters` counters, centred on `shift` (the zero-noise values). */
export const emptySlotStatistics = (shift: Float64Array, counters: number): SlotStatistics => {
  const slots = shift.length
  return {
    shift: Float64Array.from(shift),
    blockSum: new Float64Array(slots),
    blockSquares: new Float64Array(slots),
    values: new Float64Array(slots),
    trials: 0,
    sum: Array.from({ length: slots }, () => []),
    squares: Array.from({ length: slots }, () => []),
    counts: new Float64Array(counters),
    sketches: Array.from({ length: slots }, emptySketch),
    min: new Float64Array(slots).fill(Number.POSITIVE_INFINITY),
    max: new Float64Array(slots).fill(Number.NEGATIVE_INFINITY),
    nonFinite: 0,
    nonFiniteSlot: -1
  }
}

/** What a shard writes and `merge` reads: plain JSON. */
export interface AccumulatorState {
  readonly trials: number
  readonly shift: ReadonlyArray<number>
  readonly sum: ReadonlyArray<ReadonlyArray<number>>
  readonly squares: ReadonlyArray<ReadonlyArray<number>>
  readonly counts: ReadonlyArray<number>
  readonly sketches: ReadonlyArray<SketchState>
  readonly min: ReadonlyArray<number>
  readonly max: ReadonlyArray<number>
  /** Values that were not finite (a run with any is refused, naming `nonFiniteSlot`'s statistic). */
  readonly nonFinite: number
  readonly nonFiniteSlot: number
}

/**
 * What is wrong with a decoded state for this plan and trial count, one problem per entry
 * (at most `max`; empty: it can be merged). Lengths must match the plan's statistics, counts
 * cannot exceed the trials, every sketch must hold exactly one value per trial, and a state
 * never holds values that were not finite (a run with any is refused before it is written).
 */
export const stateProblems = (plan: SimulationPlan, state: AccumulatorState, trials: number, max = 10): ReadonlyArray<string> =>
  slotStateProblems(stateShape(plan), state, trials, max)

/** stateProblems for any statistics of `slots` slots and `counters` counters (the market view's too). */
export const slotStateProblems = (
  shape: { readonly slots: number; readonly counters: number },
  state: AccumulatorState,
  trials: number,
  max = 10
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const add = (text: string) => {
    if (problems.length < max) problems.push(text)
  }
  const { slots, counters } = shape
  if (state.trials !== trials) add(`state.trials: expected ${trials} (the trials of the blocks it names), got ${state.trials}`)
  for (const [name, list] of [["shift", state.shift], ["sum", state.sum], ["squares", state.squares], ["sketches", state.sketches], ["min", state.min], ["max", state.max]] as const) {
    if (list.length !== slots) add(`state.${name}: expected ${slots} entries (the statistics of these policies), got ${list.length}`)
  }
  if (state.counts.length !== counters) add(`state.counts: expected ${counters} entries (the counters of these policies), got ${state.counts.length}`)
  if (state.nonFinite !== 0 || state.nonFiniteSlot !== -1) add(`state.nonFinite: expected 0 (a run with values that are not finite is never written), got ${state.nonFinite}`)
  if (problems.length > 0) return problems
  state.counts.forEach((c, j) => {
    if (c > trials) add(`state.counts[${j}]: expected at most ${trials} (the trials), got ${c}`)
  })
  state.sketches.forEach((sketch, j) => {
    let held = sketch.zero
    for (const store of [sketch.positive, sketch.negative]) {
      if (store.minKey + storeSpan(store.counts) - 1 > MAX_KEY) add(`state.sketches[${j}]: keys beyond ${MAX_KEY}, which no finite value reaches`)
      for (const c of store.counts) if (c > 0) held += c
    }
    if (held !== trials) add(`state.sketches[${j}]: expected ${trials} values (one per trial), got ${held}`)
  })
  state.min.forEach((m, j) => {
    if (m > state.max[j]!) add(`state.min[${j}]: expected at most max ${state.max[j]}, got ${m}`)
  })
  return problems
}

/** How many continuous slots and counters a plan's statistics have: what a state's arrays must hold. */
export const stateShape = (plan: SimulationPlan): { readonly slots: number; readonly counters: number } => {
  const layout = layoutOf(plan)
  return { slots: layout.slots, counters: layout.counters }
}

/** The statistic a slot holds, in words: "policy trending, 2027, providerNet". */
export const describeSlot = (plan: SimulationPlan, slot: number): string => {
  const layout = layoutOf(plan)
  for (let i = 0; i < plan.policies.length; i++) {
    const p = plan.policies[i]!
    const rows = layout.policySlot[i]!
    for (let r = 0; r < rows.length; r++) {
      const m = rows[r]!.indexOf(slot)
      if (m >= 0) return `policy ${p.name}, ${r < p.years ? p.startYear + r : "contract"}, ${POLICY_METRICS[m]}`
    }
  }
  for (let n = 0; n < layout.pairs.length; n++) {
    const [a, b, years] = layout.pairs[n]!
    const k = layout.pairSlot[n]!.indexOf(slot)
    if (k >= 0) {
      const row = Math.floor(k / 2)
      const start = plan.policies[a]!.startYear
      return `${plan.policies[a]!.name} − ${plan.policies[b]!.name}, ${row < years ? start + row : "contract"}, ${k % 2 === 0 ? "providerNet" : "payerCost"}`
    }
  }
  return `statistic ${slot}`
}

/** Write this trial's statistic values (kernel output → slots) into acc.values; returns nothing, allocates nothing. */
const trialValues = (acc: Accumulator, out: Float64Array): void => {
  const { plan, layout, values, counts } = acc
  const Y = plan.years
  const policies = plan.policies
  for (let i = 0; i < policies.length; i++) {
    const p = policies[i]!
    const rows = layout.policySlot[i]!
    const counter = layout.policyCounter[i]!
    let savingsTotal = 0
    let lossesTotal = 0
    let providerTotal = 0
    let payerTotal = 0
    for (let k = 0; k < p.years; k++) {
      const o = (i * Y + k) * FIELD_COUNT
      const slots = rows[k]!
      for (let m = 0; m < METRIC_FIELDS.length; m++) values[slots[m]!] = out[o + METRIC_FIELDS[m]!]!
      savingsTotal += out[o + F_SAVINGS]!
      lossesTotal += out[o + F_LOSSES]!
      providerTotal += out[o + F_PROVIDER]!
      payerTotal += out[o + F_PAYER]!
      // A year counts when money moved: savings that qualify but are not paid (quality failed, a zero share or cap) do not.
      const outcome = out[o + F_OUTCOME]!
      if (outcome === SAVINGS_PAID) counts[counter[k * 2]!]!++
      if (outcome === LOSS_OWED) counts[counter[k * 2 + 1]!]!++
    }
    const contract = rows[p.years]!
    values[contract[2]!] = savingsTotal
    values[contract[3]!] = lossesTotal
    values[contract[4]!] = providerTotal
    values[contract[5]!] = payerTotal
    // Over the contract: the provider is paid on net (savings) or pays on net (losses).
    if (providerTotal > 0) counts[counter[p.years * 2]!]!++
    if (providerTotal < 0) counts[counter[p.years * 2 + 1]!]!++
  }
  for (let n = 0; n < layout.pairs.length; n++) {
    const [a, b, years] = layout.pairs[n]!
    const slots = layout.pairSlot[n]!
    const counter = layout.pairCounter[n]!
    // The payer's side compares what it pays, expenditure + provider net: a higher benchmark
    // raises "payer net" (gross − provider net) without the payer paying a dollar less.
    let provider = 0
    let payer = 0
    let providerA = 0
    let providerB = 0
    let costA = 0
    let costB = 0
    for (let k = 0; k <= years; k++) {
      let dProvider: number
      let dPayer: number
      let aBetterPayer: boolean
      let aBetterProvider: boolean
      if (k < years) {
        const oa = (a * Y + k) * FIELD_COUNT
        const ob = (b * Y + k) * FIELD_COUNT
        dProvider = out[oa + F_PROVIDER]! - out[ob + F_PROVIDER]!
        const paidA = out[oa + F_EXPENDITURE]! + out[oa + F_PROVIDER]!
        const paidB = out[ob + F_EXPENDITURE]! + out[ob + F_PROVIDER]!
        dPayer = paidA - paidB
        aBetterPayer = paidA < paidB
        aBetterProvider = out[oa + F_PROVIDER]! > out[ob + F_PROVIDER]!
        providerA += out[oa + F_PROVIDER]!
        providerB += out[ob + F_PROVIDER]!
        costA += paidA
        costB += paidB
        provider += dProvider
        payer += dPayer
      } else {
        dProvider = provider
        dPayer = payer
        aBetterPayer = costA < costB
        aBetterProvider = providerA > providerB
      }
      values[slots[k * 2]!] = dProvider
      values[slots[k * 2 + 1]!] = dPayer
      if (aBetterPayer) counts[counter[k * 2]!]!++
      if (aBetterProvider) counts[counter[k * 2 + 1]!]!++
    }
  }
}

export const emptyAccumulator = (plan: SimulationPlan, shiftFrom: Float64Array): Accumulator => {
  const layout = layoutOf(plan)
  const acc: Accumulator = { plan, layout, ...emptySlotStatistics(new Float64Array(layout.slots), layout.counters) }
  // The zero-noise trial's values centre the sums; its counters are discarded.
  const counts = Float64Array.from(acc.counts)
  trialValues(acc, shiftFrom)
  acc.shift.set(acc.values)
  acc.counts.set(counts)
  return acc
}

export const recordTrial = (acc: Accumulator, out: Float64Array): void => {
  trialValues(acc, out)
  recordValues(acc)
}

/** Record `acc.values` as one trial's values. */
export const recordValues = (acc: SlotStatistics): void => {
  const { values, shift, blockSum, blockSquares, sketches, min, max } = acc
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!
    if (!Number.isFinite(v)) {
      // Kept out of the statistics (an Infinity would poison the sums and the sketch); the run is refused.
      if (acc.nonFinite === 0 || j < acc.nonFiniteSlot) acc.nonFiniteSlot = j
      acc.nonFinite++
      continue
    }
    if (v < min[j]!) min[j] = v
    if (v > max[j]!) max[j] = v
    const x = v - shift[j]!
    blockSum[j] = blockSum[j]! + x
    blockSquares[j] = blockSquares[j]! + x * x
    addToSketch(sketches[j]!, v)
  }
  acc.trials++
}

/** Close a block: its float sums (in trial order) join the exact sums. */
export const foldBlock = (acc: SlotStatistics): void => {
  for (let j = 0; j < acc.blockSum.length; j++) {
    addExact(acc.sum[j]!, acc.blockSum[j]!)
    addExact(acc.squares[j]!, acc.blockSquares[j]!)
  }
  acc.blockSum.fill(0)
  acc.blockSquares.fill(0)
}

/**
 * One exact sum in its canonical form: the correctly rounded value, then the correctly rounded
 * remainder, and so on until nothing is left, written smallest first as partials are.
 * Shewchuk's partials represent a sum exactly but not uniquely (they depend on the order values
 * arrived in); this form depends on the sum only, so a shard's state is the same bytes whether
 * 1 or 8 workers computed it.
 */
export const canonicalPartials = (partials: ReadonlyArray<number>): Array<number> => {
  const rest = [...partials]
  const out: Array<number> = []
  // Each step removes at least 53 bits of the (at most 2,098-bit) exact sum: 40 steps bound it.
  for (let step = 0; step < 64; step++) {
    const head = exactSumValue(rest)
    if (head === 0 || !Number.isFinite(head)) {
      if (head !== 0) out.push(head)
      break
    }
    out.push(head)
    addExact(rest, -head)
  }
  return out.reverse()
}

export const accumulatorState = (acc: SlotStatistics): AccumulatorState => ({
  trials: acc.trials,
  shift: Array.from(acc.shift),
  sum: acc.sum.map(canonicalPartials),
  squares: acc.squares.map(canonicalPartials),
  counts: Array.from(acc.counts),
  sketches: acc.sketches.map(sketchState),
  min: Array.from(acc.min),
  max: Array.from(acc.max),
  nonFinite: acc.nonFinite,
  nonFiniteSlot: acc.nonFiniteSlot
})
