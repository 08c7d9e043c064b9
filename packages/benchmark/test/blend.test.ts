import { describe, expect, it } from "vitest"
import { convergence, dec, type ConvergenceCaps } from "@pbpsim/benchmark"
import { invalidOf } from "./invalidOf.js"

const uncapped: ConvergenceCaps = { noNegative: false }

describe("convergence", () => {
  it("reproduces the issue brief's 50/50 blend of $416 and $431", () => {
    const r = convergence({ providerBaseline: dec(416), peerBaseline: dec(431), providerWeight: dec("0.5"), caps: uncapped })
    // adj = 0.5 × (431 − 416) = 7.5; 416 + 7.5 = 423.5 = 0.5 × 416 + 0.5 × 431
    expect(r.value.uncappedAdjustment.eq("7.5")).toBe(true)
    expect(r.value.adjustment.eq("7.5")).toBe(true)
    expect(r.value.blended.eq("423.5")).toBe(true)
    expect(r.derivation.notes).toEqual(["no cap binds"])
  })

  it("gives the provider figure at weight 1 and the peer figure at weight 0", () => {
    const at = (w: string) => convergence({ providerBaseline: dec(416), peerBaseline: dec(431), providerWeight: dec(w), caps: uncapped })
    expect(at("1").value.blended.eq(416)).toBe(true)
    expect(at("0").value.blended.eq(431)).toBe(true)
  })

  it("caps an upward adjustment at a share of the peer baseline", () => {
    const r = convergence({
      providerBaseline: dec(400),
      peerBaseline: dec(500),
      providerWeight: dec(0),
      caps: { up: dec("0.05"), noNegative: false }
    })
    // uncapped 1 × (500 − 400) = 100 > 0.05 × 500 = 25 → adj 25, blended 425
    expect(r.value.uncappedAdjustment.eq(100)).toBe(true)
    expect(r.value.adjustment.eq(25)).toBe(true)
    expect(r.value.blended.eq(425)).toBe(true)
    expect(r.derivation.notes).toEqual(["cap binds: +5 % of peer baseline limits the adjustment to 25.00"])
  })

  it("caps a downward adjustment at a share of the peer baseline", () => {
    const r = convergence({
      providerBaseline: dec(500),
      peerBaseline: dec(400),
      providerWeight: dec(0),
      caps: { up: dec("0.05"), down: dec("0.015"), noNegative: false }
    })
    // uncapped −100 < −0.015 × 400 = −6 → adj −6, blended 494
    expect(r.value.adjustment.eq(-6)).toBe(true)
    expect(r.value.blended.eq(494)).toBe(true)
    expect(r.derivation.notes).toEqual(["cap binds: −1.5 % of peer baseline limits the adjustment to -6.00"])
  })

  it("applies no negative adjustment when told so", () => {
    const r = convergence({
      providerBaseline: dec(500),
      peerBaseline: dec(400),
      providerWeight: dec("0.5"),
      caps: { noNegative: true }
    })
    // uncapped 0.5 × −100 = −50 → 0 → blended stays 500
    expect(r.value.uncappedAdjustment.eq(-50)).toBe(true)
    expect(r.value.adjustment.isZero()).toBe(true)
    expect(r.value.blended.eq(500)).toBe(true)
    expect(r.derivation.notes).toEqual(["no negative adjustment: -50.00 not applied"])
  })

  it("leaves a positive adjustment alone under noNegative", () => {
    const r = convergence({ providerBaseline: dec(400), peerBaseline: dec(500), providerWeight: dec("0.5"), caps: { noNegative: true } })
    // 0.5 × 100 = 50
    expect(r.value.blended.eq(450)).toBe(true)
  })

  it("measures the caps against a cap basis when one is given", () => {
    const r = convergence({
      providerBaseline: dec(400),
      peerBaseline: dec(500),
      providerWeight: dec(0),
      caps: { up: dec("0.05"), noNegative: false },
      capBasis: dec(1_000)
    })
    // cap 0.05 × 1,000 = 50 < 100 → blended 450
    expect(r.value.blended.eq(450)).toBe(true)
    expect(r.derivation.notes[0]).toContain("of cap basis")
  })

  it("keeps inputs in the derivation", () => {
    const d = convergence({ providerBaseline: dec(416), peerBaseline: dec(431), providerWeight: dec("0.5"), caps: uncapped }).derivation
    expect(d.rule).toBe("blend.convergence")
    expect(d.inputs.map((q) => q.name)).toContain("provider weight λ")
    expect(d.source).toContain("Qcentive")
  })

  it("rejects a provider weight above 1", () => {
    const e = invalidOf(() => convergence({ providerBaseline: dec(1), peerBaseline: dec(2), providerWeight: dec("1.1"), caps: uncapped }))
    expect(e.field).toBe("providerWeight")
    expect(e.message).toContain("1.1")
  })

  it("rejects a negative provider weight", () => {
    const e = invalidOf(() => convergence({ providerBaseline: dec(1), peerBaseline: dec(2), providerWeight: dec("-0.1"), caps: uncapped }))
    expect(e.field).toBe("providerWeight")
  })

  it("rejects a NaN provider weight", () => {
    const e = invalidOf(() => convergence({ providerBaseline: dec(1), peerBaseline: dec(2), providerWeight: dec(NaN), caps: uncapped }))
    expect(e.field).toBe("providerWeight")
  })

  it("rejects a negative baseline", () => {
    expect(
      invalidOf(() => convergence({ providerBaseline: dec(-1), peerBaseline: dec(2), providerWeight: dec(1), caps: uncapped })).field
    ).toBe("providerBaseline")
    expect(
      invalidOf(() => convergence({ providerBaseline: dec(1), peerBaseline: dec(-2), providerWeight: dec(1), caps: uncapped })).field
    ).toBe("peerBaseline")
  })

  it("rejects negative caps and cap basis", () => {
    const base = { providerBaseline: dec(1), peerBaseline: dec(2), providerWeight: dec(1) }
    expect(invalidOf(() => convergence({ ...base, caps: { up: dec("-0.05"), noNegative: false } })).field).toBe("caps.up")
    expect(invalidOf(() => convergence({ ...base, caps: { down: dec("-0.05"), noNegative: false } })).field).toBe("caps.down")
    expect(invalidOf(() => convergence({ ...base, caps: uncapped, capBasis: dec(-1) })).field).toBe("capBasis")
  })
})
