import { Schema } from "effect"
import { MAX_KEY, MIN_KEY } from "./sketch.js"

// Kept apart from statistics.ts: the worker threads import that module, and must not load Effect.

const FiniteNumber = Schema.Number.pipe(Schema.finite())
const Count = Schema.Number.pipe(Schema.int(), Schema.nonNegative(), Schema.lessThanOrEqualTo(Number.MAX_SAFE_INTEGER))
/** An exact sum in canonical form has at most 40 terms (2,098 bits, 53 a term). */
const Partials = Schema.Array(FiniteNumber).pipe(Schema.maxItems(64))
const SketchStore = Schema.Struct({
  minKey: Schema.Number.pipe(Schema.int(), Schema.between(MIN_KEY, MAX_KEY)),
  // Counts, or −z for a run of z empty buckets.
  counts: Schema.Array(Schema.Number.pipe(Schema.int(), Schema.between(MIN_KEY - MAX_KEY, Number.MAX_SAFE_INTEGER))).pipe(Schema.maxItems(MAX_KEY - MIN_KEY + 1))
})

/**
 * The shape of a state read back from a file (a shard): every number finite, every count a
 * whole number ≥ 0, sketch keys within the range finite values can reach, exact sums short.
 * `stateProblems` then checks it against the plan it is to be merged into.
 */
export const AccumulatorStateSchema = Schema.Struct({
  trials: Count,
  shift: Schema.Array(FiniteNumber),
  sum: Schema.Array(Partials),
  squares: Schema.Array(Partials),
  counts: Schema.Array(Count),
  sketches: Schema.Array(Schema.Struct({ zero: Count, positive: SketchStore, negative: SketchStore })),
  min: Schema.Array(FiniteNumber),
  max: Schema.Array(FiniteNumber),
  nonFinite: Count,
  nonFiniteSlot: Schema.Number.pipe(Schema.int(), Schema.greaterThanOrEqualTo(-1))
})
