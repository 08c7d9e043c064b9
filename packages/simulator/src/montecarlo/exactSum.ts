/**
 * Exact float64 summation (Shewchuk's partials, the algorithm behind Python's math.fsum):
 * the partials represent the sum with no rounding error, so adding block sums in any order or
 * grouping represents the same number, and `exactSumValue` rounds it correctly once. This is
 * what makes a run's mean and sd identical whatever the number of workers or shards.
 */
export type ExactSum = Array<number>

export const addExact = (partials: ExactSum, value: number): void => {
  let x = value
  let i = 0
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!
    if (Math.abs(x) < Math.abs(y)) {
      const swap = x
      x = y
      y = swap
    }
    const hi = x + y
    const lo = y - (hi - x)
    if (lo !== 0) partials[i++] = lo
    x = hi
  }
  partials.length = i
  partials.push(x)
}

export const mergeExact = (into: ExactSum, other: ExactSum): void => {
  for (const p of other) addExact(into, p)
}

/** The correctly rounded value of the exact sum (math.fsum's final step, including its half-way correction). */
export const exactSumValue = (partials: ExactSum): number => {
  let n = partials.length
  if (n === 0) return 0
  n -= 1
  let hi = partials[n]!
  let lo = 0
  while (n > 0) {
    const x = hi
    n -= 1
    const y = partials[n]!
    hi = x + y
    const yr = hi - x
    lo = y - yr
    if (lo !== 0) break
  }
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2
    const x = hi + y
    const yr = x - hi
    if (y === yr) hi = x
  }
  return hi
}
