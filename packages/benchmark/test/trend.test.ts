import { describe, expect, it } from "vitest"
import {
  annualTrendRate,
  blendTrend,
  dec,
  findStep,
  fixedTrend,

  observedTrend,
  scheduleTrend,
  trendFactor,
  type ObservedGrowth,
  type TrendPolicy
} from "@pbpsim/benchmark"
import { invalidOf } from "./invalidOf.js"

const observed: ObservedGrowth = {
  peers: new Map([
    [2025, dec("0.061")],
    [2026, dec("0.052")]
  ]),
  market: new Map([[2025, dec("0.048")]])
}

describe("annualTrendRate", () => {
  it("returns a fixed rate for any year", () => {
    expect(annualTrendRate(fixedTrend("0.04"), 2031).value.eq("0.04")).toBe(true)
  })

  it("reads a schedule by the calendar year grown into", () => {
    const policy = scheduleTrend({ 2025: "0.045", 2026: "0.04" })
    expect(annualTrendRate(policy, 2025).value.eq("0.045")).toBe(true)
    expect(annualTrendRate(policy, 2026).value.eq("0.04")).toBe(true)
  })

  it("names the missing year of a schedule", () => {
    const e = invalidOf(() => annualTrendRate(scheduleTrend({ 2025: "0.045", 2026: "0.04" }), 2027))
    expect(e.field).toBe("spec.rates[2027]")
    expect(e.message).toContain("2027")
    expect(e.message).toContain("2025, 2026")
  })

  it("reads the peers' or the market's observed growth", () => {
    expect(annualTrendRate(observedTrend("peers"), 2026, observed).value.eq("0.052")).toBe(true)
    expect(annualTrendRate(observedTrend("market"), 2025, observed).value.eq("0.048")).toBe(true)
  })

  it("rejects an observed trend without the series", () => {
    expect(invalidOf(() => annualTrendRate(observedTrend("peers"), 2025)).field).toBe("observed")
  })

  it("names the missing year of an observed series", () => {
    const e = invalidOf(() => annualTrendRate(observedTrend("market"), 2026, observed))
    expect(e.field).toBe("observed.market[2026]")
    expect(e.message).toContain("2026")
  })

  it("blends rates by weight", () => {
    // 0.25 × 0.06 + 0.75 × 0.02 = 0.015 + 0.015 = 0.03
    const policy = blendTrend([
      { weight: "0.25", trend: fixedTrend("0.06") },
      { weight: "0.75", trend: fixedTrend("0.02") }
    ])
    const r = annualTrendRate(policy, 2025)
    expect(r.value.eq("0.03")).toBe(true)
    expect(findStep(r.derivation, "trend.blend")?.steps).toHaveLength(2)
  })

  it("accepts thirds given as 40-digit decimals", () => {
    // (0.03 + 0.06 + 0.09) / 3 = 0.06, up to the 40th digit of the thirds
    const third = dec(1).div(3)
    const policy = blendTrend([
      { weight: third, trend: fixedTrend("0.03") },
      { weight: third, trend: fixedTrend("0.06") },
      { weight: third, trend: fixedTrend("0.09") }
    ])
    expect(annualTrendRate(policy, 2025).value.sub("0.06").abs().lt("1e-38")).toBe(true)
  })

  it("blends observed and scheduled parts in the same year", () => {
    // 0.5 × peers 2025 (0.061) + 0.5 × schedule 2025 (0.041) = 0.051
    const policy = blendTrend([
      { weight: "0.5", trend: observedTrend("peers") },
      { weight: "0.5", trend: scheduleTrend({ 2025: "0.041" }) }
    ])
    expect(annualTrendRate(policy, 2025, observed).value.eq("0.051")).toBe(true)
  })

  it("rejects a blend weight above 1", () => {
    const policy = blendTrend([
      { weight: "1.2", trend: fixedTrend("0.03") },
      { weight: "-0.2", trend: fixedTrend("0.03") }
    ])
    expect(invalidOf(() => annualTrendRate(policy, 2025)).field).toBe("spec.parts[0].weight")
  })

  it("rejects a negative blend weight", () => {
    const policy = blendTrend([
      { weight: "0.5", trend: fixedTrend("0.03") },
      { weight: "-0.5", trend: fixedTrend("0.03") }
    ])
    expect(invalidOf(() => annualTrendRate(policy, 2025)).field).toBe("spec.parts[1].weight")
  })

  it("rejects blend weights that do not sum to 1", () => {
    const policy = blendTrend([
      { weight: "0.5", trend: fixedTrend("0.03") },
      { weight: "0.4", trend: fixedTrend("0.03") }
    ])
    const e = invalidOf(() => annualTrendRate(policy, 2025))
    expect(e.field).toBe("spec.parts")
    // The same words scenario validation prints: 0.5 + 0.4 = 0.9.
    expect(e.message).toContain("expected weights summing to 1, got 0.9 (0.5 + 0.4)")
  })

  it("rejects an empty blend", () => {
    expect(invalidOf(() => annualTrendRate(blendTrend([]), 2025)).field).toBe("spec.parts")
  })

  it("names the nested part whose year is missing", () => {
    const policy = blendTrend([
      { weight: "0.5", trend: fixedTrend("0.03") },
      { weight: "0.5", trend: scheduleTrend({ 2024: "0.02" }) }
    ])
    expect(invalidOf(() => annualTrendRate(policy, 2025)).field).toBe("spec.parts[1].rates[2025]")
  })

  it("subtracts a deduction (market trend − 0.5 %)", () => {
    // 0.048 − 0.005 = 0.043
    const policy: TrendPolicy = { ...observedTrend("market"), deduction: dec("0.005") }
    const r = annualTrendRate(policy, 2025, observed)
    expect(r.value.eq("0.043")).toBe(true)
    expect(r.derivation.notes).toContain("deduction of 0.5 % applied")
  })

  it("caps the rate after the deduction", () => {
    // peers 2025 0.061 − 0.001 = 0.060 > cap 0.05 → 0.05
    const r = annualTrendRate(observedTrend("peers", { deduction: "0.001", cap: "0.05" }), 2025, observed)
    expect(r.value.eq("0.05")).toBe(true)
    expect(r.derivation.notes.some((n) => n.startsWith("cap binds"))).toBe(true)
  })

  it("floors the rate", () => {
    // −0.02 < floor 0 → 0
    const r = annualTrendRate(fixedTrend("-0.02", { floor: "0" }), 2025)
    expect(r.value.isZero()).toBe(true)
    expect(r.derivation.notes.some((n) => n.startsWith("floor binds"))).toBe(true)
  })

  it("leaves a rate inside the cap and floor alone", () => {
    const r = annualTrendRate(fixedTrend("0.03", { cap: "0.05", floor: "0" }), 2025)
    expect(r.value.eq("0.03")).toBe(true)
    expect(r.derivation.notes).toEqual(["cap does not bind", "floor does not bind"])
  })

  it("rejects a cap below the floor", () => {
    expect(invalidOf(() => annualTrendRate(fixedTrend("0.03", { cap: "0.01", floor: "0.02" }), 2025)).field).toBe("policy.floor")
  })

  it("rejects a rate of −100 %", () => {
    expect(invalidOf(() => annualTrendRate(fixedTrend("-1"), 2025)).field).toBe("spec.rate")
  })

  it("rejects a deduction that takes the rate to −100 % or below", () => {
    const e = invalidOf(() => annualTrendRate(fixedTrend("0.02", { deduction: "1.5" }), 2025))
    expect(e.field).toBe("rate for 2025")
  })

  it("rejects a year that is not whole", () => {
    expect(invalidOf(() => annualTrendRate(fixedTrend("0.02"), 2025.5)).field).toBe("year")
  })

  it("rejects a NaN deduction", () => {
    const policy: TrendPolicy = { spec: { kind: "fixed", rate: dec("0.02") }, deduction: dec(NaN) }
    expect(invalidOf(() => annualTrendRate(policy, 2025)).field).toBe("deduction")
  })
})

describe("trendFactor", () => {
  it("compounds the rates of the years grown into", () => {
    // WE7's BY1 → BY3: (1 + 0.045)(1 + 0.04) = 1.0868
    const r = trendFactor(scheduleTrend({ 2022: "0.045", 2023: "0.04" }), 2021, 2023)
    expect(r.value.eq("1.0868")).toBe(true)
    expect(r.derivation.steps).toHaveLength(2)
  })

  it("is 1 from a year to itself, without needing any rate", () => {
    const r = trendFactor(scheduleTrend({}), 2025, 2025)
    expect(r.value.eq(1)).toBe(true)
    expect(r.derivation.notes).toContain("same year: no growth, factor 1")
  })

  it("uses observed growth year by year", () => {
    // (1.061)(1.052) = 1.116172
    expect(trendFactor(observedTrend("peers"), 2024, 2026, observed).value.eq("1.116172")).toBe(true)
  })

  it("rejects from after to", () => {
    const e = invalidOf(() => trendFactor(fixedTrend("0.03"), 2026, 2025))
    expect(e.field).toBe("fromYear")
    expect(e.message).toContain("2026")
  })

  it("rejects a fractional year", () => {
    expect(invalidOf(() => trendFactor(fixedTrend("0.03"), 2024, 2025.5)).field).toBe("toYear")
  })

  it("reports the first year the schedule lacks", () => {
    expect(invalidOf(() => trendFactor(scheduleTrend({ 2025: "0.03" }), 2024, 2026)).field).toBe("spec.rates[2026]")
  })
})

describe("blendTrend", () => {
  it("refuses a part with its own guard rails", () => {
    const e = invalidOf(() => blendTrend([{ weight: 1, trend: fixedTrend("0.03", { cap: "0.05" }) }]))
    expect(e.field).toBe("parts[0].trend")
  })

  it("keeps guard rails on the blend itself", () => {
    const policy = blendTrend([{ weight: 1, trend: fixedTrend("0.03") }], { deduction: "0.01" })
    // 0.03 − 0.01 = 0.02
    expect(annualTrendRate(policy, 2025).value.eq("0.02")).toBe(true)
  })
})

describe("scheduleTrend", () => {
  it("rejects a year key that is not whole", () => {
    expect(invalidOf(() => scheduleTrend({ 2025.5: "0.03" })).field).toBe("rates[2025.5]")
  })
})
