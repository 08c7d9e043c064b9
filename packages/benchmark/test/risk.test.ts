import { describe, expect, it } from "vitest"
import { dec, msspRiskCap2024, riskRatio } from "@pbpsim/benchmark"
import { invalidOf } from "./invalidOf.js"

describe("riskRatio", () => {
  it("is current over base when no cap is set", () => {
    // 1.155 / 1.05 = 1.1
    const r = riskRatio({ current: dec("1.155"), base: dec("1.05"), caps: {} })
    expect(r.value.eq("1.1")).toBe(true)
    expect(r.derivation.notes).toEqual(["no cap binds"])
  })

  it("caps growth at 1 + up", () => {
    // 1.10 / 1.00 = 1.10 > 1.03 → 1.03
    const r = riskRatio({ current: dec("1.10"), base: dec(1), caps: { up: dec("0.03") } })
    expect(r.value.eq("1.03")).toBe(true)
    expect(r.derivation.notes).toEqual(["cap binds: ratio limited to 1.03"])
  })

  it("leaves decreases alone when there is no floor (MSSP)", () => {
    // 0.9 / 1.0 = 0.9, no floor
    expect(riskRatio({ current: dec("0.9"), base: dec(1), caps: { up: dec("0.03") } }).value.eq("0.9")).toBe(true)
  })

  it("floors decreases at 1 − down", () => {
    // 0.9 < 0.95 → 0.95
    const r = riskRatio({ current: dec("0.9"), base: dec(1), caps: { down: dec("0.05") } })
    expect(r.value.eq("0.95")).toBe(true)
    expect(r.derivation.notes).toEqual(["floor binds: ratio raised to 0.95"])
  })

  it("cites the reconciliation rule", () => {
    expect(riskRatio({ current: dec(1), base: dec(1), caps: {} }).derivation.source).toContain("425.605")
  })

  it("rejects a zero current score", () => {
    expect(invalidOf(() => riskRatio({ current: dec(0), base: dec(1), caps: {} })).field).toBe("current")
  })

  it("rejects a negative base score", () => {
    expect(invalidOf(() => riskRatio({ current: dec(1), base: dec(-1), caps: {} })).field).toBe("base")
  })

  it("rejects a negative floor share and an upward cap of −1 or below", () => {
    expect(invalidOf(() => riskRatio({ current: dec(1), base: dec(1), caps: { up: dec("-1") } })).field).toBe("caps.up")
    expect(invalidOf(() => riskRatio({ current: dec(1), base: dec(1), caps: { down: dec("-0.01") } })).field).toBe("caps.down")
  })

  it("caps below 1 when demographic risk fell: a −4 % demographic change + 3 points caps the ratio at 0.99", () => {
    // MSSP 2024+ (42 CFR 425.605(a)(1)): cap = demographic change + 3 points = −0.04 + 0.03 = −0.01.
    expect(riskRatio({ current: dec("1.02"), base: dec(1), caps: { up: dec("-0.01") } }).value.toFixed(4)).toBe("0.9900")
  })

  it("rejects a floor share above 1", () => {
    expect(invalidOf(() => riskRatio({ current: dec(1), base: dec(1), caps: { down: dec("1.5") } })).field).toBe("caps.down")
  })
})

describe("msspRiskCap2024", () => {
  it("normalises raw expenditure weights", () => {
    // weights 3,000 and 1,000 → 0.75 × 1.06 + 0.25 × 1.02 = 0.795 + 0.255 = 1.05 > 1.00 + 0.03 = 1.03
    // → A 1.06 capped to 1.03, B 1.02 kept
    const r = msspRiskCap2024({
      types: [
        { name: "A", hccGrowth: dec("1.06"), weight: dec(3_000) },
        { name: "B", hccGrowth: dec("1.02"), weight: dec(1_000) }
      ],
      demographicGrowth: dec(1)
    })
    expect(r.value.map((t) => t.ratio.toFixed())).toEqual(["1.03", "1.02"])
    // aggregate after the cap: 0.75 × 1.03 + 0.25 × 1.02 = 0.7725 + 0.255 = 1.0275
    expect(r.derivation.output.value.eq("1.0275")).toBe(true)
    expect(r.derivation.notes[0]).toContain("A capped at 1.03")
  })

  it("lowers the cap when demographic risk falls", () => {
    // cap = 0.99 + 0.03 = 1.02; aggregate 1.025 > 1.02 → 1.03 → 1.02, 1.02 stays
    const r = msspRiskCap2024({
      types: [
        { name: "A", hccGrowth: dec("1.03"), weight: dec(1) },
        { name: "B", hccGrowth: dec("1.02"), weight: dec(1) }
      ],
      demographicGrowth: dec("0.99")
    })
    expect(r.value.map((t) => t.ratio.toFixed())).toEqual(["1.02", "1.02"])
  })

  it("takes another margin", () => {
    // cap = 1.00 + 0.05 = 1.05; aggregate 1.06 > 1.05 → 1.05
    const r = msspRiskCap2024({ types: [{ name: "A", hccGrowth: dec("1.06"), weight: dec(1) }], demographicGrowth: dec(1), margin: dec("0.05") })
    expect(r.value[0]!.ratio.eq("1.05")).toBe(true)
  })

  it("rejects an empty type list", () => {
    expect(invalidOf(() => msspRiskCap2024({ types: [], demographicGrowth: dec(1) })).field).toBe("types")
  })

  it("rejects a repeated type", () => {
    const t = { name: "A", hccGrowth: dec(1), weight: dec(1) }
    expect(invalidOf(() => msspRiskCap2024({ types: [t, t], demographicGrowth: dec(1) })).field).toBe("types[1].name")
  })

  it("rejects a negative weight", () => {
    const e = invalidOf(() => msspRiskCap2024({ types: [{ name: "A", hccGrowth: dec(1), weight: dec(-1) }], demographicGrowth: dec(1) }))
    expect(e.field).toBe("types[0].weight")
  })

  it("rejects weights that sum to zero", () => {
    const e = invalidOf(() => msspRiskCap2024({ types: [{ name: "A", hccGrowth: dec(1), weight: dec(0) }], demographicGrowth: dec(1) }))
    expect(e.field).toBe("types weights")
  })

  it("rejects a growth ratio of zero", () => {
    const e = invalidOf(() => msspRiskCap2024({ types: [{ name: "A", hccGrowth: dec(0), weight: dec(1) }], demographicGrowth: dec(1) }))
    expect(e.field).toBe("types[0].hccGrowth")
  })

  it("rejects a zero demographic growth ratio and a negative margin", () => {
    const types = [{ name: "A", hccGrowth: dec(1), weight: dec(1) }]
    expect(invalidOf(() => msspRiskCap2024({ types, demographicGrowth: dec(0) })).field).toBe("demographicGrowth")
    expect(invalidOf(() => msspRiskCap2024({ types, demographicGrowth: dec(1), margin: dec("-0.01") })).field).toBe("margin")
  })
})
