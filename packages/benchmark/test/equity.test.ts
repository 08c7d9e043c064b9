import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import {
  codingIntensityAdjustment,
  dec,
  effectiveRiskRatio,
  healthEquityAddOn,
  msspRegionalOffset,
  msspRegionalOffsetFactor,
  partialRiskRatio,
  REACH_HEBA_PY2023,
  weightedPercentile,
  withEquityAddOn,
  type CodingAdjustment,
  type CodingStage,
  type OffsetOrder
} from "@pbpsim/benchmark"
import {
  codingAdjustedExact,
  codingMultiplierFloat,
  effectiveRiskRatioExact,
  effectiveRiskRatioFloat,
  equityAddOnExact,
  equityAddOnFloat,
  OFFSET_AFTER_CAP,
  OFFSET_BEFORE_CAP,
  offsetRegionalAdjustmentExact,
  offsetRegionalAdjustmentFloat,
  partialRiskRatioExact,
  partialRiskRatioFloat,
  regionalOffsetFactorExact,
  regionalOffsetFactorFloat,
  weightedPercentileExact,
  weightedPercentileFloat
} from "@pbpsim/benchmark/compute"
import type { Decimal } from "decimal.js"
import { invalidOf } from "./invalidOf.js"

/**
 * Hand-derived cases for docs/rules/equity.md. Each table runs against the exact form (the
 * expected decimal exactly) and the float form (within 1e-12 relative), as compute.test.ts does.
 */
const floatAgrees = (actual: number, expected: string) => {
  const e = Number(expected)
  expect(Math.abs(actual - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)))
}
const exactly = (actual: Decimal, expected: string) => expect(actual.eq(dec(expected)), `${actual.toFixed()} ≠ ${expected}`).toBe(true)
const orderCode = (order: OffsetOrder) => (order === "capThenOffset" ? OFFSET_AFTER_CAP : OFFSET_BEFORE_CAP)

describe("healthEquityAddOn", () => {
  it.each([
    // One-sided: 20 % of member months in the top group at $30 → 6.00.
    { upShare: "0.2", upAmount: "30", downShare: "0", downAmount: "0", addOn: "6" },
    // REACH PY2023 amounts: 15 % × 30 = 4.50 up, 40 % × 6 = 2.40 down → +2.10.
    { upShare: "0.15", upAmount: "30", downShare: "0.4", downAmount: "6", addOn: "2.1" },
    // Every member in the bottom half: −6.00.
    { upShare: "0", upAmount: "30", downShare: "1", downAmount: "6", addOn: "-6" },
    // 10 % up and 50 % down: 3.00 − 3.00 = 0 (a population at the national mix nets to zero).
    { upShare: "0.1", upAmount: "30", downShare: "0.5", downAmount: "6", addOn: "0" }
  ])("$upAmount × $upShare − $downAmount × $downShare = $addOn", ({ upShare, upAmount, downShare, downAmount, addOn }) => {
    exactly(equityAddOnExact(dec(upShare), dec(upAmount), dec(downShare), dec(downAmount)).addOn, addOn)
    exactly(healthEquityAddOn({ upShare: dec(upShare), upAmount: dec(upAmount), downShare: dec(downShare), downAmount: dec(downAmount) }).value, addOn)
    floatAgrees(equityAddOnFloat(Number(upShare), Number(upAmount), Number(downShare), Number(downAmount)), addOn)
  })

  it("is one-sided when no downward group is given", () => {
    const r = healthEquityAddOn({ upShare: dec("0.2"), upAmount: dec(30) })
    exactly(r.value, "6")
    expect(r.derivation.formula).toBe("addOn = upAmount × upShare")
  })

  it("carries REACH's PY2023 amounts", () => {
    const r = healthEquityAddOn({ upShare: dec("0.15"), downShare: dec("0.4"), ...REACH_HEBA_PY2023 })
    exactly(r.value, "2.1")
    expect(r.derivation.source).toContain("HEBA")
  })

  it("is added to the discounted benchmark, not trended, risk adjusted or discounted", () => {
    // 1,000 × 1.03 × 1.02 × (1 − 0.04) = 1,008.576; + 2.10 = 1,010.676 (rounds to 1,010.68).
    const discounted = dec(1000).mul("1.03").mul("1.02").mul(dec(1).sub("0.04"))
    const r = withEquityAddOn({ discounted, addOn: healthEquityAddOn({ upShare: dec("0.15"), downShare: dec("0.4"), ...REACH_HEBA_PY2023 }) })
    exactly(r.value, "1010.676")
    expect(r.derivation.steps[0]!.rule).toBe("equity.addOn")
  })

  it("rejects shares outside [0, 1] and groups that overlap", () => {
    expect(invalidOf(() => healthEquityAddOn({ upShare: dec("1.2"), upAmount: dec(30) })).field).toBe("upShare")
    expect(invalidOf(() => healthEquityAddOn({ upShare: dec("0.6"), upAmount: dec(30), downShare: dec("0.5"), downAmount: dec(6) })).field).toBe("downShare")
    expect(invalidOf(() => healthEquityAddOn({ upShare: dec("0.1"), upAmount: dec(-30) })).field).toBe("upAmount")
  })
})

describe("msspRegionalOffsetFactor", () => {
  it.each([
    // 25 % dual, risk 1.15: 0.25 + 0.15 = 0.40.
    { dual: "0.25", risk: "1.15", factor: "0.4" },
    // 10 % dual, risk 0.85: 0.10 − 0.15 = −0.05 → 0.
    { dual: "0.1", risk: "0.85", factor: "0" },
    // 70 % dual, risk 1.5: 1.2 → 1.
    { dual: "0.7", risk: "1.5", factor: "1" }
  ])("dual $dual and risk $risk give $factor", ({ dual, risk, factor }) => {
    exactly(regionalOffsetFactorExact(dec(dual), dec(risk)).factor, factor)
    exactly(msspRegionalOffsetFactor({ dualShare: dec(dual), riskScore: dec(risk) }).value, factor)
    floatAgrees(regionalOffsetFactorFloat(Number(dual), Number(risk)), factor)
  })
})

describe("msspRegionalOffset", () => {
  // WE9 of docs/model.md §9.13: national per capita 11,500; caps +5 % (575) and −1.5 % (−172.50); offset 0.40.
  it.each([
    // (c) −150 is inside the cap: −150 × 0.6 = −90.
    { adjustment: "-150", order: "capThenOffset", adjusted: "-90" },
    { adjustment: "-150", order: "offsetThenCap", adjusted: "-90" },
    // (d) −500 → capped −172.50 → × 0.6 = −103.50.
    { adjustment: "-500", order: "capThenOffset", adjusted: "-103.5" },
    // The other order: −500 × 0.6 = −300, then capped at −172.50.
    { adjustment: "-500", order: "offsetThenCap", adjusted: "-172.5" },
    // (b) +1,050 → capped at +575, never offset.
    { adjustment: "1050", order: "capThenOffset", adjusted: "575" },
    // (a) +350 stands.
    { adjustment: "350", order: "offsetThenCap", adjusted: "350" }
  ] as const)("$adjustment with offset 0.40, $order → $adjusted", ({ adjustment, order, adjusted }) => {
    const caps = { up: dec("0.05"), down: dec("0.015") }
    exactly(offsetRegionalAdjustmentExact(dec(adjustment), dec(11_500), caps.up, caps.down, dec("0.4"), order).adjusted, adjusted)
    exactly(msspRegionalOffset({ adjustment: dec(adjustment), nationalPerCapita: dec(11_500), dualShare: dec("0.25"), riskScore: dec("1.15"), order }).value, adjusted)
    floatAgrees(offsetRegionalAdjustmentFloat(Number(adjustment), 11_500, 0.05, 0.015, 0.4, orderCode(order)), adjusted)
  })

  it("defaults to MSSP's caps and to offsetting the capped amount", () => {
    const r = msspRegionalOffset({ adjustment: dec(-500), nationalPerCapita: dec(11_500), dualShare: dec("0.25"), riskScore: dec("1.15") })
    exactly(r.value, "-103.5")
    expect(r.derivation.notes).toContain("capped -172.50 × (1 − 0.4) = -103.50")
    expect(r.derivation.steps[0]!.rule).toBe("equity.regionalOffsetFactor")
  })

  it("removes the whole negative adjustment at an offset of 1, and reports 0 rather than −0", () => {
    const r = msspRegionalOffset({ adjustment: dec(-500), nationalPerCapita: dec(11_500), dualShare: dec("0.7"), riskScore: dec("1.5") })
    expect(r.value.isZero() && !r.value.isNegative()).toBe(true)
  })

  it("leaves the uncapped adjustment when no cap is given", () => {
    exactly(msspRegionalOffset({ adjustment: dec(-500), nationalPerCapita: dec(11_500), dualShare: dec("0.25"), riskScore: dec("1.15"), caps: {} }).value, "-300")
  })

  it("rejects a dual share above 1 and a negative cap", () => {
    expect(invalidOf(() => msspRegionalOffset({ adjustment: dec(-1), nationalPerCapita: dec(1), dualShare: dec("1.1"), riskScore: dec(1) })).field).toBe("dualShare")
    expect(invalidOf(() => msspRegionalOffset({ adjustment: dec(-1), nationalPerCapita: dec(1), dualShare: dec(0), riskScore: dec(1), caps: { down: dec(-1) } })).field).toBe("caps.down")
  })
})

describe("codingIntensityAdjustment", () => {
  it.each([
    // MA 2024: 1.2 × (1 − 0.059) = 1.1292.
    { score: "1.2", form: "deflate", value: "0.059", adjusted: "1.1292" },
    // "÷ (1 + codingIntensity)" with c = 5 %: 1.26 ÷ 1.05 = 1.2.
    { score: "1.26", form: "divide", value: "1.05", adjusted: "1.2" }
  ] as const)("$form $score by $value is $adjusted", ({ score, form, value, adjusted }) => {
    const adjustment: CodingAdjustment = form === "deflate" ? { form, rate: dec(value) } : { form, factor: dec(value) }
    exactly(codingAdjustedExact(dec(score), adjustment), adjusted)
    exactly(codingIntensityAdjustment({ score: dec(score), adjustment }).value, adjusted)
    floatAgrees(Number(score) * codingMultiplierFloat(form, Number(value)), adjusted)
  })

  it("rejects a rate of 100 % and a zero factor", () => {
    expect(invalidOf(() => codingIntensityAdjustment({ score: dec(1), adjustment: { form: "deflate", rate: dec(1) } })).field).toBe("coding.rate")
    expect(invalidOf(() => codingIntensityAdjustment({ score: dec(1), adjustment: { form: "divide", factor: dec(0) } })).field).toBe("coding.factor")
  })
})

describe("partialRiskRatio", () => {
  it.each([
    { ratio: "1.1", weight: "0.5", effective: "1.05" },
    { ratio: "0.9", weight: "0.5", effective: "0.95" },
    { ratio: "1.1", weight: "0", effective: "1" },
    { ratio: "1.1", weight: "1", effective: "1.1" }
  ])("1 + $weight × ($ratio − 1) = $effective", ({ ratio, weight, effective }) => {
    exactly(partialRiskRatioExact(dec(ratio), dec(weight)), effective)
    exactly(partialRiskRatio({ ratio: dec(ratio), weight: dec(weight) }).value, effective)
    floatAgrees(partialRiskRatioFloat(Number(ratio), Number(weight)), effective)
  })

  it("rejects a weight above 1", () => {
    expect(invalidOf(() => partialRiskRatio({ ratio: dec(1), weight: dec("1.5") })).field).toBe("weight")
  })
})

describe("effectiveRiskRatio", () => {
  it.each([
    // MSSP 2019–2023: 1.10 capped at 1.03.
    { current: "1.1", up: "0.03", down: undefined, coding: undefined, weight: "1", ratio: "1.03" },
    // Partial after the cap: 1 + 0.5 × 0.03 = 1.015.
    { current: "1.1", up: "0.03", down: undefined, coding: undefined, weight: "0.5", ratio: "1.015" },
    // MA-style coding of the current score: 1.06 × 0.95 = 1.007, under the cap; half of it: 1.0035.
    { current: "1.06", up: "0.03", down: undefined, coding: { rate: "0.05", stage: "beforeRatio" }, weight: "0.5", ratio: "1.0035" },
    // REACH: 1.06 capped at 1.03, then the CIF: 1.03 × 0.99 = 1.0197.
    { current: "1.06", up: "0.03", down: "0.03", coding: { rate: "0.01", stage: "afterCap" }, weight: "1", ratio: "1.0197" },
    // The same CIF before the ratio is absorbed by the cap: 1.06 × 0.99 = 1.0494 → 1.03.
    { current: "1.06", up: "0.03", down: "0.03", coding: { rate: "0.01", stage: "beforeRatio" }, weight: "1", ratio: "1.03" },
    // REACH floor: 0.95 raised to 0.97, then × 0.99 = 0.9603.
    { current: "0.95", up: "0.03", down: "0.03", coding: { rate: "0.01", stage: "afterCap" }, weight: "1", ratio: "0.9603" }
  ])("current $current over 1, caps +$up/−$down, coding $coding, weight $weight → $ratio", ({ current, up, down, coding, weight, ratio }) => {
    const codingArg = coding === undefined ? undefined : { adjustment: { form: "deflate" as const, rate: dec(coding.rate) }, stage: coding.stage as CodingStage }
    const caps = { ...(up !== undefined ? { up: dec(up) } : {}), ...(down !== undefined ? { down: dec(down) } : {}) }
    exactly(effectiveRiskRatioExact(dec(current), dec(1), caps.up, caps.down, codingArg, dec(weight)).ratio, ratio)
    exactly(effectiveRiskRatio({ current: dec(current), base: dec(1), caps, ...(codingArg ? { coding: codingArg } : {}), weight: dec(weight) }).value, ratio)
    const multiplier = coding === undefined ? 1 : 1 - Number(coding.rate)
    floatAgrees(
      effectiveRiskRatioFloat(
        Number(current),
        1,
        up === undefined ? Infinity : 1 + Number(up),
        down === undefined ? -Infinity : 1 - Number(down),
        coding?.stage === "beforeRatio" ? multiplier : 1,
        coding?.stage === "afterCap" ? multiplier : 1,
        Number(weight)
      ),
      ratio
    )
  })

  it("shows the coding step of a before-ratio adjustment", () => {
    const r = effectiveRiskRatio({ current: dec("1.06"), base: dec(1), caps: { up: dec("0.03") }, coding: { adjustment: { form: "deflate", rate: dec("0.05") }, stage: "beforeRatio" } })
    expect(r.derivation.steps[0]!.rule).toBe("risk.codingIntensity")
    expect(r.derivation.notes).toEqual(["no cap binds"])
  })
})

describe("weightedPercentile", () => {
  const four = ["400", "500", "450", "420"]
  it.each([
    // Ascending 400, 420, 450, 500; equal weights: nearest rank ⌈4p⌉ (1 for p = 0).
    { values: four, weights: undefined, p: "0", expected: "400" },
    { values: four, weights: undefined, p: "0.25", expected: "400" },
    { values: four, weights: undefined, p: "0.26", expected: "420" },
    { values: four, weights: undefined, p: "0.5", expected: "420" },
    { values: four, weights: undefined, p: "0.75", expected: "450" },
    { values: four, weights: undefined, p: "0.9", expected: "500" },
    { values: four, weights: undefined, p: "1", expected: "500" },
    // Member-month weights: 400 (1,000), 450 (1,000), 500 (3,000); total 5,000.
    { values: ["400", "500", "450"], weights: ["1000", "3000", "1000"], p: "0.2", expected: "400" },
    { values: ["400", "500", "450"], weights: ["1000", "3000", "1000"], p: "0.4", expected: "450" },
    { values: ["400", "500", "450"], weights: ["1000", "3000", "1000"], p: "0.41", expected: "500" },
    // A zero weight leaves the peer out, even at p = 0.
    { values: ["300", "400"], weights: ["0", "1"], p: "0", expected: "400" },
    // Ten weights of 0.1: the 30th percentile reaches 0.3 exactly at the third value (floats sum to 0.30000000000000004).
    { values: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], weights: Array(10).fill("0.1"), p: "0.3", expected: "3" }
  ])("p $p of $values weighted $weights is $expected", ({ values, weights, p, expected }) => {
    const w = weights?.map((x) => dec(x))
    exactly(weightedPercentileExact(values.map((x) => dec(x)), w, dec(p)).value, expected)
    exactly(weightedPercentile({ values: values.map((x) => dec(x)), ...(w ? { weights: w } : {}), p: dec(p) }).value, expected)
    floatAgrees(weightedPercentileFloat(new Float64Array(values.map(Number)), weights ? new Float64Array(weights.map(Number)) : null, Number(p)), expected)
  })

  it("explains the rank it chose", () => {
    const r = weightedPercentile({ values: four.map((x) => dec(x)), p: dec("0.5") })
    expect(r.derivation.notes[0]).toBe("rank 2 of 4 (value 4 of the input): cumulative weight 2 ≥ p × total = 2")
  })

  it("reuses a scratch order array without allocating", () => {
    const order = new Uint32Array(8)
    expect(weightedPercentileFloat(new Float64Array([3, 1, 2]), null, 0.5, order)).toBe(2)
    expect(weightedPercentileFloat(new Float64Array([9, 7]), null, 1, order)).toBe(9)
  })

  it("rejects no values, weights of another length, zero total weight and p outside [0, 1]", () => {
    expect(invalidOf(() => weightedPercentile({ values: [], p: dec("0.5") })).field).toBe("values")
    expect(invalidOf(() => weightedPercentile({ values: [dec(1)], weights: [dec(1), dec(1)], p: dec("0.5") })).field).toBe("weights")
    expect(invalidOf(() => weightedPercentile({ values: [dec(1)], weights: [dec(0)], p: dec("0.5") })).field).toBe("weights")
    expect(invalidOf(() => weightedPercentile({ values: [dec(1)], p: dec("1.5") })).field).toBe("p")
  })
})

// Generators build decimals from integers, so no float ever reaches a money value.
const centsArb = fc.integer({ min: 1, max: 500_000 }).map((n) => dec(n).div(100))
const unitArb = fc.integer({ min: 0, max: 10_000 }).map((n) => dec(n).div(10_000))
const peersArb = fc.array(fc.record({ value: centsArb, weight: fc.integer({ min: 0, max: 50_000 }) }), { minLength: 1, maxLength: 30 }).filter((peers) => peers.some((x) => x.weight > 0))

describe("properties", () => {
  test.prop([peersArb, unitArb])("a percentile is one of the counted values, between their minimum and maximum", (peers, p) => {
    const counted = peers.filter((x) => x.weight > 0).map((x) => x.value)
    const r = weightedPercentileExact(peers.map((x) => x.value), peers.map((x) => dec(x.weight)), p)
    expect(counted.some((v) => v.eq(r.value))).toBe(true)
    expect(r.value.gte(counted.reduce((a, b) => (a.lt(b) ? a : b)))).toBe(true)
    expect(r.value.lte(counted.reduce((a, b) => (a.gt(b) ? a : b)))).toBe(true)
  })

  test.prop([peersArb, unitArb, unitArb])("a percentile never falls as p rises", (peers, a, b) => {
    const [lo, hi] = a.lte(b) ? [a, b] : [b, a]
    const values = peers.map((x) => x.value)
    const weights = peers.map((x) => dec(x.weight))
    expect(weightedPercentileExact(values, weights, lo).value.lte(weightedPercentileExact(values, weights, hi).value)).toBe(true)
  })

  test.prop([peersArb, unitArb])("the float percentile picks the exact one", (peers, p) => {
    const exact = weightedPercentileExact(peers.map((x) => x.value), peers.map((x) => dec(x.weight)), p).value
    const float = weightedPercentileFloat(new Float64Array(peers.map((x) => x.value.toNumber())), new Float64Array(peers.map((x) => x.weight)), p.toNumber())
    expect(float).toBe(exact.toNumber())
  })

  const orderArb = fc.constantFrom<OffsetOrder>("capThenOffset", "offsetThenCap")
  const adjustmentArb = fc.integer({ min: -500_000, max: 500_000 }).map((n) => dec(n).div(100))
  test.prop([adjustmentArb, centsArb, unitArb, unitArb, orderArb])(
    "the offset never turns a negative adjustment positive and never makes it worse than the cap alone",
    (adjustment, national, offset, down, order) => {
      const r = offsetRegionalAdjustmentExact(adjustment, national, dec("0.05"), down, offset, order)
      if (adjustment.isNegative()) {
        expect(r.adjusted.lte(0)).toBe(true)
        expect(r.adjusted.gte(r.withoutOffset)).toBe(true)
      } else expect(r.adjusted.eq(r.withoutOffset)).toBe(true)
      const float = offsetRegionalAdjustmentFloat(adjustment.toNumber(), national.toNumber(), 0.05, down.toNumber(), offset.toNumber(), orderCode(order))
      expect(Math.abs(float - r.adjusted.toNumber())).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(r.adjusted.toNumber())))
    }
  )

  test.prop([unitArb, unitArb, centsArb, centsArb])("the add-on lies between −downAmount and +upAmount", (up, rest, upAmount, downAmount) => {
    const downShare = dec(1).sub(up).mul(rest)
    const r = healthEquityAddOn({ upShare: up, upAmount, downShare, downAmount }).value
    expect(r.gte(downAmount.neg()) && r.lte(upAmount)).toBe(true)
  })

  test.prop([fc.integer({ min: 50, max: 300 }), unitArb, unitArb])("a partial ratio lies between 1 and the full capped ratio", (score, weight, cif) => {
    const current = dec(score).div(100)
    const coding = { adjustment: { form: "deflate" as const, rate: cif.div(10) }, stage: "afterCap" as const }
    const full = effectiveRiskRatioExact(current, dec(1), dec("0.03"), dec("0.03"), coding, dec(1)).ratio
    const partial = effectiveRiskRatioExact(current, dec(1), dec("0.03"), dec("0.03"), coding, weight).ratio
    const [lo, hi] = full.lt(1) ? [full, dec(1)] : [dec(1), full]
    expect(partial.gte(lo) && partial.lte(hi)).toBe(true)
  })
})
