/**
 * A mergeable quantile sketch with a relative-error guarantee (the DDSketch algorithm, Masson,
 * Rim and Lee, VLDB 2019): values fall into logarithmic buckets γ^(i−1) < |v| ≤ γ^i with
 * γ = (1 + α)/(1 − α), counts are whole numbers, and a quantile is read back as the bucket's
 * midpoint 2γ^i/(γ + 1), within α relative of the sample quantile of that rank. Merging adds
 * counts, so it is exact and order-free: shards and workers merge to identical sketches.
 * (@datadog/sketches-js implements the same algorithm, but its serialisation needs an
 * undeclared protobufjs and did not round-trip quantiles bit for bit, which shard merging needs.)
 */

export const RELATIVE_ACCURACY = 0.001
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
const LOG_GAMMA = Math.log(GAMMA)
/** Values smaller than this in magnitude count as zero (a hundred-millionth of a cent). */
export const ZERO_THRESHOLD = 1e-10

/** Dense counts over a growing key range; it only reallocates when a value beyond every earlier one arrives. */
interface Store {
  minKey: number
  counts: Float64Array
}

export interface QuantileSketch {
  zero: number
  positive: Store
  negative: Store
  count: number
}

export interface SketchState {
  readonly zero: number
  readonly positive: { readonly minKey: number; readonly counts: ReadonlyArray<number> }
  readonly negative: { readonly minKey: number; readonly counts: ReadonlyArray<number> }
}

export const emptySketch = (): QuantileSketch => ({
  zero: 0,
  positive: { minKey: 0, counts: new Float64Array(0) },
  negative: { minKey: 0, counts: new Float64Array(0) },
  count: 0
})

const keyOf = (magnitude: number): number => Math.ceil(Math.log(magnitude) / LOG_GAMMA)
const valueOf = (key: number): number => (2 * GAMMA ** key) / (GAMMA + 1)

const addToStore = (store: Store, key: number, weight: number): void => {
  let index = key - store.minKey
  if (store.counts.length === 0 || index < 0 || index >= store.counts.length) {
    // Grow with a margin so that a slowly widening range does not reallocate every time.
    const lo = store.counts.length === 0 ? key - 64 : Math.min(store.minKey, key - 64)
    const hi = store.counts.length === 0 ? key + 64 : Math.max(store.minKey + store.counts.length, key + 65)
    const grown = new Float64Array(hi - lo)
    if (store.counts.length > 0) grown.set(store.counts, store.minKey - lo)
    store.counts = grown
    store.minKey = lo
    index = key - lo
  }
  store.counts[index] = store.counts[index]! + weight
}

export const addToSketch = (sketch: QuantileSketch, value: number): void => {
  sketch.count++
  if (value > ZERO_THRESHOLD) addToStore(sketch.positive, keyOf(value), 1)
  else if (value < -ZERO_THRESHOLD) addToStore(sketch.negative, keyOf(-value), 1)
  else sketch.zero++
}

const mergeStore = (into: Store, minKey: number, counts: ArrayLike<number>): void => {
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) addToStore(into, minKey + i, counts[i]!)
}

export const mergeSketch = (into: QuantileSketch, other: QuantileSketch | SketchState): void => {
  into.zero += other.zero
  mergeStore(into.positive, other.positive.minKey, other.positive.counts)
  mergeStore(into.negative, other.negative.minKey, other.negative.counts)
  into.count = into.zero + total(into.positive.counts) + total(into.negative.counts)
}

const total = (counts: ArrayLike<number>): number => {
  let n = 0
  for (let i = 0; i < counts.length; i++) n += counts[i]!
  return n
}

/** The value at quantile q: the bucket holding the sample of rank ⌊q·(n − 1)⌋, counted from the most negative. */
export const sketchQuantile = (sketch: QuantileSketch, q: number): number => {
  if (sketch.count === 0) return Number.NaN
  const rank = Math.floor(q * (sketch.count - 1))
  let seen = 0
  const neg = sketch.negative
  for (let i = neg.counts.length - 1; i >= 0; i--) {
    seen += neg.counts[i]!
    if (seen > rank) return -valueOf(neg.minKey + i)
  }
  seen += sketch.zero
  if (seen > rank) return 0
  const pos = sketch.positive
  for (let i = 0; i < pos.counts.length; i++) {
    seen += pos.counts[i]!
    if (seen > rank) return valueOf(pos.minKey + i)
  }
  return valueOf(pos.minKey + pos.counts.length - 1)
}

/** Trimmed to the keys in use, so that equal sketches serialise equally. */
const storeState = (store: Store): { minKey: number; counts: Array<number> } => {
  let lo = 0
  let hi = store.counts.length
  while (lo < hi && store.counts[lo] === 0) lo++
  while (hi > lo && store.counts[hi - 1] === 0) hi--
  return { minKey: lo < hi ? store.minKey + lo : 0, counts: Array.from(store.counts.subarray(lo, hi)) }
}

export const sketchState = (sketch: QuantileSketch): SketchState => ({
  zero: sketch.zero,
  positive: storeState(sketch.positive),
  negative: storeState(sketch.negative)
})

export const sketchFromState = (state: SketchState): QuantileSketch => {
  const sketch = emptySketch()
  mergeSketch(sketch, state)
  return sketch
}
