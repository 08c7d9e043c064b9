import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { RELATIVE_ACCURACY } from "@pbpsim/simulator"
import { addExact, exactSumValue, mergeExact } from "../../src/montecarlo/exactSum.js"
import { addToSketch, emptySketch, mergeSketch, sketchFromState, sketchQuantile, sketchState } from "../../src/montecarlo/sketch.js"
import { canonicalPartials } from "../../src/montecarlo/statistics.js"

const money = fc.double({ min: -1e9, max: 1e9, noNaN: true })

describe("exact sums", () => {
  test.prop([fc.array(money, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 199 })])(
    "any split into two groups, summed apart and merged, gives the same bits as one pass",
    (values, cut) => {
      const whole: Array<number> = []
      for (const v of values) addExact(whole, v)
      const a: Array<number> = []
      const b: Array<number> = []
      values.forEach((v, i) => addExact(i < cut ? a : b, v))
      mergeExact(b, a)
      expect(exactSumValue(b)).toBe(exactSumValue(whole))
    }
  )

  test.prop([fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { maxLength: 300 })])(
    "sums whole numbers exactly (compared with BigInt arithmetic)",
    (values) => {
      const partials: Array<number> = []
      for (const v of values) addExact(partials, v)
      expect(BigInt(exactSumValue(partials))).toBe(values.reduce((acc, v) => acc + BigInt(v), 0n))
    }
  )

  it("recovers what naive float summation loses: 1e16 + 1 + 1 − 1e16 = 2", () => {
    const partials: Array<number> = []
    for (const v of [1e16, 1, 1, -1e16]) addExact(partials, v)
    expect(exactSumValue(partials)).toBe(2)
  })
})

describe("quantile sketch", () => {
  test.prop([fc.array(money, { minLength: 1, maxLength: 500 }), fc.constantFrom(0.05, 0.25, 0.5, 0.75, 0.95)])(
    "every quantile is within the stated relative accuracy of the sample quantile of rank ⌊q(n − 1)⌋",
    (values, q) => {
      const sketch = emptySketch()
      for (const v of values) addToSketch(sketch, v)
      const sorted = [...values].sort((x, y) => x - y)
      const exact = sorted[Math.floor(q * (values.length - 1))]!
      const got = sketchQuantile(sketch, q)
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(RELATIVE_ACCURACY * Math.abs(exact) + 1e-9)
    }
  )

  test.prop([fc.array(money, { maxLength: 300 }), fc.array(money, { maxLength: 300 })])(
    "merging two sketches, even through their JSON state, equals one sketch of all the values",
    (a, b) => {
      const one = emptySketch()
      for (const v of [...a, ...b]) addToSketch(one, v)
      const left = emptySketch()
      const right = emptySketch()
      for (const v of a) addToSketch(left, v)
      for (const v of b) addToSketch(right, v)
      mergeSketch(right, sketchFromState(JSON.parse(JSON.stringify(sketchState(left)))))
      expect(sketchState(right)).toEqual(sketchState(one))
    }
  )
})

describe("canonical exact sums", () => {
  test.prop([fc.array(money, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 199 }), fc.integer({ min: 1, max: 199 })])(
    "write the same partials for the same sum, whatever order and grouping the values came in",
    (values, cut, other) => {
      const whole: Array<number> = []
      for (const v of values) addExact(whole, v)
      const a: Array<number> = []
      const b: Array<number> = []
      const c: Array<number> = []
      values.forEach((v, i) => addExact(i < Math.min(cut, other) ? a : i < Math.max(cut, other) ? b : c, v))
      mergeExact(c, a)
      mergeExact(c, b)
      expect(canonicalPartials(c)).toEqual(canonicalPartials(whole))
      // + 0: a sum of −0 alone is −0, its canonical form empty (0); the two are the same number.
      expect(exactSumValue(canonicalPartials(whole)) + 0).toBe(exactSumValue(whole) + 0)
    }
  )

  it("is empty for a zero sum, one term for a sum a float holds, and the rounded sum then its remainder otherwise", () => {
    const partials = (values: ReadonlyArray<number>) => {
      const p: Array<number> = []
      for (const v of values) addExact(p, v)
      return p
    }
    expect(canonicalPartials(partials([]))).toEqual([])
    expect(canonicalPartials(partials([1e16, 1, -1e16, -1]))).toEqual([])
    expect(canonicalPartials(partials([0.5, 0.25]))).toEqual([0.75])
    // 1e16 + 1 is not a float: it rounds (half to even) to 1e16, leaving 1. Smallest first, as partials are.
    expect(canonicalPartials(partials([1, 1e16]))).toEqual([1, 1e16])
  })
})

describe("quantile sketch limits", () => {
  it("refuses a value that is not finite instead of allocating a bucket at infinity", () => {
    const sketch = emptySketch()
    expect(() => addToSketch(sketch, Number.POSITIVE_INFINITY)).toThrow(RangeError)
    expect(() => addToSketch(sketch, Number.NaN)).toThrow(RangeError)
    addToSketch(sketch, Number.MAX_VALUE)
    addToSketch(sketch, -Number.MAX_VALUE)
    expect(sketch.count).toBe(2)
  })
})
