import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import {
  annualTrendRate,
  blendTrend,
  CENTS,
  contractYearBenchmark,
  convergence,
  dec,
  fixedTrend,
  InvalidArgument,
  max,
  min,
  pooledCell,
  riskRatio,
  rollUp,
  scheduleTrend,
  trendFactor,
  weightedBaseline,
  type ConvergenceCaps,
  type ExperienceCell
} from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"

// Generators build decimals from integers, so no float ever reaches a money value.
const cents = (min: number, max: number) => fc.integer({ min, max }).map((n) => dec(n).div(100))
const pmpmArb = cents(1, 500_000) // $0.01 … $5,000.00
const weightArb = fc.integer({ min: 0, max: 10_000 }).map((n) => dec(n).div(10_000))
const shareArb = fc.integer({ min: 0, max: 2_000 }).map((n) => dec(n).div(10_000)) // 0 … 20 %
const riskArb = fc.integer({ min: 50, max: 300 }).map((n) => dec(n).div(100))
const scaleArb = fc.integer({ min: 1, max: 1_000 }).map((n) => dec(n).div(100)) // c in [0.01, 10]
const capsArb: fc.Arbitrary<ConvergenceCaps> = fc
  .record({ up: fc.option(shareArb, { nil: undefined }), down: fc.option(shareArb, { nil: undefined }), noNegative: fc.boolean() })
  .map(({ up, down, noNegative }) => ({ noNegative, ...(up ? { up } : {}), ...(down ? { down } : {}) }))
const cellArb: fc.Arbitrary<ExperienceCell> = fc
  .record({ members: fc.integer({ min: 1, max: 200_000 }), pmpm: pmpmArb, risk: riskArb })
  .map(({ members, pmpm, risk }) => ({ memberMonths: dec(members * 12), cost: pmpm.mul(members * 12), riskScore: risk }))

const scaleCell = (cell: ExperienceCell, c: Decimal): ExperienceCell => ({ ...cell, cost: cell.cost.mul(c) })

/**
 * Equal up to decimal.js's 40 significant digits: a division correctly rounded at 40 digits,
 * then multiplied by c, can differ from the division of c × the numerator in the last digit.
 */
const sameTo35Digits = (a: Decimal, b: Decimal): boolean => a.sub(b).abs().lte(a.abs().add(b.abs()).mul("1e-35"))

const invalidThrown = (run: () => unknown): boolean => {
  try {
    const out = run()
    // never a silent NaN or Infinity instead of an error
    expect(JSON.stringify(out)).not.toMatch(/NaN|Infinity/)
    return false
  } catch (e) {
    return e instanceof InvalidArgument
  }
}

describe("convergence", () => {
  test.prop([pmpmArb, pmpmArb, weightArb, capsArb])(
    "with a weight in [0, 1] the blend lies between the provider and the peer baseline, capped or not",
    (providerBaseline, peerBaseline, providerWeight, caps) => {
      const b = convergence({ providerBaseline, peerBaseline, providerWeight, caps }).value.blended
      const lo = min(providerBaseline, peerBaseline)
      const hi = max(providerBaseline, peerBaseline)
      expect(b.gte(lo) && b.lte(hi)).toBe(true)
    }
  )

  test.prop([pmpmArb, pmpmArb, weightArb, weightArb, capsArb])(
    "the blend is monotone in the weight: more provider weight never moves it away from the provider baseline",
    (providerBaseline, peerBaseline, w1, w2, caps) => {
      const [lo, hi] = w1.lte(w2) ? [w1, w2] : [w2, w1]
      const atLo = convergence({ providerBaseline, peerBaseline, providerWeight: lo, caps }).value.blended
      const atHi = convergence({ providerBaseline, peerBaseline, providerWeight: hi, caps }).value.blended
      // distance to the provider baseline shrinks (or stays) as the weight grows
      expect(atHi.sub(providerBaseline).abs().lte(atLo.sub(providerBaseline).abs())).toBe(true)
      // and the blend moves in one direction only: toward B_P
      expect(atLo.sub(atHi).mul(peerBaseline.sub(providerBaseline)).gte(0)).toBe(true)
    }
  )

  test.prop([pmpmArb, pmpmArb])("uncapped, weight 1 gives the provider baseline and weight 0 the peer baseline", (providerBaseline, peerBaseline) => {
    const caps = { noNegative: false }
    expect(convergence({ providerBaseline, peerBaseline, providerWeight: dec(1), caps }).value.blended.eq(providerBaseline)).toBe(true)
    expect(convergence({ providerBaseline, peerBaseline, providerWeight: dec(0), caps }).value.blended.eq(peerBaseline)).toBe(true)
  })

  test.prop([pmpmArb, pmpmArb, fc.oneof(fc.integer({ min: -100_000, max: -1 }), fc.integer({ min: 10_001, max: 100_000 }))])(
    "a provider weight outside [0, 1] raises InvalidArgument, never a number",
    (providerBaseline, peerBaseline, w) => {
      const providerWeight = dec(w).div(10_000)
      expect(invalidThrown(() => convergence({ providerBaseline, peerBaseline, providerWeight, caps: { noNegative: false } }))).toBe(true)
    }
  )
})

describe("pooledCell", () => {
  // Decimals of 1 to 45 significant digits: past the 40-digit precision the sums round and the cell is not its own pool.
  const digits = fc
    .tuple(
      fc.integer({ min: 1, max: 45 }).chain((n) => fc.array(fc.constantFrom(..."123456789"), { minLength: n, maxLength: n }).map((d) => d.join(""))),
      fc.integer({ min: 0, max: 20 })
    )
    .map(([d, point]) => dec(`${d.slice(0, Math.max(1, d.length - point))}${point > 0 && point < d.length ? `.${d.slice(d.length - point)}` : ""}`))
  test.prop([digits, digits, digits])("pools one cell to what the roll-up's sums give, digit for digit", (memberMonths, cost, riskScore) => {
    const cell: ExperienceCell = { memberMonths, cost, riskScore }
    const pooled = pooledCell([cell])
    const summed = rollUp("one", [cell]).value
    expect([pooled.memberMonths, pooled.cost, pooled.riskScore].map((d) => d.toFixed())).toEqual([summed.memberMonths, summed.cost, summed.riskScore].map((d) => d.toFixed()))
  })
})

describe("rollUp", () => {
  test.prop([fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 6 }), pmpmArb, riskArb])(
    "splitting an entity into groups of equal PMPM and risk changes no roll-up",
    (groupMembers, pmpm, risk) => {
      const group = (members: number): ExperienceCell => ({ memberMonths: dec(members * 12), cost: pmpm.mul(members * 12), riskScore: risk })
      const total = groupMembers.reduce((a, b) => a + b, 0)
      const whole = rollUp("entity", [group(total)]).value
      const split = rollUp("entity", groupMembers.map(group)).value
      expect(split.memberMonths.eq(whole.memberMonths)).toBe(true)
      expect(split.cost.eq(whole.cost)).toBe(true)
      expect(split.pmpm.eq(whole.pmpm)).toBe(true)
      expect(split.riskScore.eq(whole.riskScore)).toBe(true)
      expect(split.riskAdjustedPmpm.eq(whole.riskAdjustedPmpm)).toBe(true)
    }
  )

  test.prop([fc.array(cellArb, { minLength: 2, maxLength: 8 }), fc.integer({ min: 1, max: 7 })])(
    "rolling groups into entities first gives the same PMPM as rolling the rows up flat",
    (cells, cut) => {
      const k = Math.min(cut, cells.length - 1)
      const nested = rollUp("entity", [rollUp("g1", cells.slice(0, k)).value, rollUp("g2", cells.slice(k)).value]).value
      const flat = rollUp("entity", cells).value
      // Σcost and ΣMM are sums of finite decimals, so the PMPM is the very same division
      expect(nested.pmpm.eq(flat.pmpm)).toBe(true)
      expect(sameTo35Digits(nested.riskScore, flat.riskScore)).toBe(true)
    }
  )
})

describe("scaling every cost by c", () => {
  test.prop([fc.array(cellArb, { minLength: 1, maxLength: 6 }), scaleArb])("scales the roll-up PMPM by c", (cells, c) => {
    const base = rollUp("x", cells).value
    const scaled = rollUp("x", cells.map((cell) => scaleCell(cell, c))).value
    expect(sameTo35Digits(scaled.pmpm, base.pmpm.mul(c))).toBe(true)
    expect(sameTo35Digits(scaled.riskAdjustedPmpm, base.riskAdjustedPmpm.mul(c))).toBe(true)
  })

  const weightSets = [[dec(1)], [dec("0.4"), dec("0.6")], [dec("0.1"), dec("0.3"), dec("0.6")]]
  test.prop([fc.constantFrom(...weightSets), fc.array(cellArb, { minLength: 3, maxLength: 3 }), fc.integer({ min: -500, max: 1_500 }), scaleArb])(
    "scales the weighted baseline by c",
    (weights, cells, trendBp, c) => {
      const historicalTrend = fixedTrend(dec(trendBp).div(10_000))
      const baseline = (scale: Decimal) =>
        weightedBaseline({
          label: "B",
          years: weights.map((weight, i) => ({ year: 2020 + i, weight, experience: scaleCell(cells[i]!, scale) })),
          historicalTrend,
          riskBasis: cells[weights.length - 1]!.riskScore
        }).value
      expect(sameTo35Digits(baseline(c), baseline(dec(1)).mul(c))).toBe(true)
    }
  )

  test.prop([pmpmArb, pmpmArb, weightArb, capsArb, fc.integer({ min: -500, max: 1_500 }), riskArb, riskArb, fc.integer({ min: 0, max: 500 }), scaleArb])(
    "scales the contract-year benchmark by c exactly before rounding, and to within (1 + c)/2 cents after",
    (providerPmpm, peerPmpm, providerWeight, caps, trendBp, current, base, discountBp, c) => {
      const benchmark = (scale: Decimal) => {
        const providerBaseline = rollUp("provider", [{ memberMonths: dec(12), cost: providerPmpm.mul(12).mul(scale), riskScore: dec(1) }])
        const peerBaseline = rollUp("peers", [{ memberMonths: dec(12), cost: peerPmpm.mul(12).mul(scale), riskScore: dec(1) }])
        return contractYearBenchmark({
          providerBaseline: { value: providerBaseline.value.pmpm, derivation: providerBaseline.derivation },
          peerBaseline: { value: peerBaseline.value.pmpm, derivation: peerBaseline.derivation },
          providerWeight,
          caps,
          trendFactor: trendFactor(fixedTrend(dec(trendBp).div(10_000)), 2024, 2026),
          riskRatio: riskRatio({ current, base, caps: { up: dec("0.03") } }),
          discount: dec(discountBp).div(10_000),
          rounding: CENTS
        }).value
      }
      const one = benchmark(dec(1))
      const scaled = benchmark(c)
      expect(sameTo35Digits(scaled.discounted, one.discounted.mul(c))).toBe(true)
      // |round(cX) − cX| ≤ ½ unit and |c·round(X) − cX| ≤ c·½ unit, so the two differ by at most
      // (1 + c)/2 units: within c units whenever c ≥ 1
      const bound = dec("0.005").mul(dec(1).add(c)).add("1e-30")
      expect(scaled.benchmarkPmpm.sub(one.benchmarkPmpm.mul(c)).abs().lte(bound)).toBe(true)
    }
  )
})

describe("trendFactor", () => {
  // rates with 4 decimals over at most 9 years keep every product under 40 digits, so exact
  const yearsArb = fc
    .record({ start: fc.integer({ min: 2000, max: 2040 }), ab: fc.integer({ min: 0, max: 4 }), bc: fc.integer({ min: 0, max: 5 }) })
    .chain(({ start, ab, bc }) =>
      fc
        .array(fc.integer({ min: -500, max: 1_500 }), { minLength: ab + bc, maxLength: ab + bc })
        .map((bps) => ({ a: start, b: start + ab, c: start + ab + bc, bps }))
    )

  test.prop([yearsArb])("factors compose: F(a → c) = F(a → b) × F(b → c)", ({ a, b, c, bps }) => {
    const rates: Record<number, Decimal> = {}
    bps.forEach((bp, i) => (rates[a + i + 1] = dec(bp).div(10_000)))
    const policy = scheduleTrend(rates)
    const whole = trendFactor(policy, a, c).value
    const parts = trendFactor(policy, a, b).value.mul(trendFactor(policy, b, c).value)
    expect(whole.eq(parts)).toBe(true)
  })
})

describe("weights", () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 4 }).filter((ws) => ws.reduce((x, y) => x + y, 0) !== 10_000)])(
    "baseline weights that do not sum to 1 raise InvalidArgument, never a number",
    (bps) => {
      const cell: ExperienceCell = { memberMonths: dec(12), cost: dec(1_200), riskScore: dec(1) }
      const years = bps.map((bp, i) => ({ year: 2020 + i, weight: dec(bp).div(10_000), experience: cell }))
      expect(invalidThrown(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) }))).toBe(true)
    }
  )

  test.prop([fc.array(fc.integer({ min: -20_000, max: 20_000 }), { minLength: 1, maxLength: 4 })])(
    "trend blend weights outside [0, 1] or not summing to 1 raise InvalidArgument; valid ones give a finite rate",
    (bps) => {
      const valid = bps.every((bp) => bp >= 0 && bp <= 10_000) && bps.reduce((x, y) => x + y, 0) === 10_000
      const policy = blendTrend(bps.map((bp, i) => ({ weight: dec(bp).div(10_000), trend: fixedTrend(dec(i + 1).div(100)) })))
      if (valid) expect(annualTrendRate(policy, 2025).value.isFinite()).toBe(true)
      else expect(invalidThrown(() => annualTrendRate(policy, 2025))).toBe(true)
    }
  )
})

