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

/**
 * A sketch as a shard writes it. `counts` runs from `minKey` upward; a negative entry −z stands
 * for z empty buckets in a row (a store spans every bucket between its smallest and largest
 * magnitude, and most of them are empty: written out, a shard would be ten times larger).
 */
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
    // Grow by at least the current length toward the new key (doubling), so a widening range
    // costs amortised constant time per value: growing by a fixed margin made a store that
    // spans 20,000 buckets (money from a hundred-millionth of a cent to millions) copy itself
    // hundreds of times. Never beyond the keys finite values reach.
    const length = store.counts.length
    const end = store.minKey + length
    const lo = Math.max(MIN_KEY, length === 0 ? key - 64 : key < store.minKey ? Math.min(key - 64, store.minKey - length) : store.minKey)
    const hi = Math.min(MAX_KEY + 1, length === 0 ? key + 65 : key >= end ? Math.max(key + 65, end + length) : end)
    const grown = new Float64Array(hi - lo)
    if (store.counts.length > 0) grown.set(store.counts, store.minKey - lo)
    store.counts = grown
    store.minKey = lo
    index = key - lo
  }
  store.counts[index] = store.counts[index]! + weight
}

/**
 * Keys of finite values lie within these bounds (|v| from ZERO_THRESHOLD to Number.MAX_VALUE):
 * a store never spans more than MAX_KEY − MIN_KEY buckets, and a shard's sketch is checked
 * against them before it is merged.
 */
export const MIN_KEY = keyOf(ZERO_THRESHOLD) - 1
export const MAX_KEY = keyOf(Number.MAX_VALUE) + 1

/** Adds one finite value (a value that is not finite is the caller's to refuse: it would need a bucket at infinity). */
export const addToSketch = (sketch: QuantileSketch, value: number): void => {
  if (!Number.isFinite(value)) throw new RangeError(`a quantile sketch holds finite values only, got ${value}`)
  sketch.count++
  if (value > ZERO_THRESHOLD) addToStore(sketch.positive, keyOf(value), 1)
  else if (value < -ZERO_THRESHOLD) addToStore(sketch.negative, keyOf(-value), 1)
  else sketch.zero++
}

const mergeStore = (into: Store, minKey: number, counts: ArrayLike<number>): void => {
  let key = minKey
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!
    if (c < 0) {
      key -= c // a run of −c empty buckets
      continue
    }
    if (c > 0) addToStore(into, key, c)
    key++
  }
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

/** Trimmed to the keys in use, runs of empty buckets written as one negative entry: equal sketches serialise equally. */
const storeState = (store: Store): { minKey: number; counts: Array<number> } => {
  let lo = 0
  let hi = store.counts.length
  while (lo < hi && store.counts[lo] === 0) lo++
  while (hi > lo && store.counts[hi - 1] === 0) hi--
  const counts: Array<number> = []
  for (let i = lo; i < hi; i++) {
    const c = store.counts[i]!
    if (c !== 0) counts.push(c)
    else if (store.counts[i + 1] !== 0) counts.push(0)
    else {
      let run = 0
      while (i < hi && store.counts[i] === 0) {
        run++
        i++
      }
      i--
      counts.push(-run)
    }
  }
  return { minKey: lo < hi ? store.minKey + lo : 0, counts }
}

/** Buckets a state's store spans once its runs of empty buckets are expanded. */
export const storeSpan = (counts: ReadonlyArray<number>): number => counts.reduce((n, c) => n + (c < 0 ? -c : 1), 0)

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
