import { fc, test } from "@fast-check/vitest"
import { corridorRate, dec, findStep, formatFixed, InvalidArgument, msspMsr } from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"

/** MSR as a percentage printed at `places`, the way CMS and the proposed rule print it. */
const printedMsr = (members: number, places: number): string => formatFixed(msspMsr(dec(members)).value.mul(100), places)

describe("msspMsr", () => {
  it.each([
    // 2011 proposed rule example (CMS-1345-P p.268): 3.4 − 0.2 × 500/999 = 3.29990 → 3.3
    { members: 7_500, places: 1, expected: "3.3" },
    // PY2023 PUF points (docs/model.md §9.7): 8.7 − 3.7 × 708/1999 = 7.38955 → 7.39
    { members: 1_708, places: 2, expected: "7.39" },
    // 8.7 − 3.7 × 1647/1999 = 5.65153 → 5.65
    { members: 2_647, places: 2, expected: "5.65" },
    // 5.0 − 1.1 × 334/1999 = 4.81621 → 4.82
    { members: 3_334, places: 2, expected: "4.82" },
    // 5.0 − 1.1 × 1421/1999 = 4.21806 → 4.22
    { members: 4_421, places: 2, expected: "4.22" },
    // 5.0 − 1.1 × 1990/1999 = 3.90495 → 3.90
    { members: 4_990, places: 2, expected: "3.90" },
    // PUF18 A2507, the point that defines the 500–999 row: 12.2 − 3.5 × 105/499 = 11.463527 → 11.4635
    { members: 605, places: 4, expected: "11.4635" },
    // ≥ 60,000: flat 2 % (425.604(b))
    { members: 60_000, places: 4, expected: "2.0000" },
    { members: 250_000, places: 4, expected: "2.0000" }
  ])("gives $expected % for $members assigned members to printed precision", ({ members, places, expected }) => {
    expect(printedMsr(members, places)).toBe(expected)
  })

  it.each([
    // Row ends are the table's printed values exactly (425.604(b)): 500 → 12.2, 999 → 8.7, 5,000 → 3.9, 5,999 → 3.6, 49,999 → 2.2
    { members: 500, expected: "0.122" },
    { members: 999, expected: "0.087" },
    { members: 1_000, expected: "0.087" },
    { members: 5_000, expected: "0.039" },
    { members: 5_999, expected: "0.036" },
    { members: 10_000, expected: "0.03" },
    { members: 49_999, expected: "0.022" }
  ])("is exactly $expected at the row end $members", ({ members, expected }) => {
    expect(msspMsr(dec(members)).value.eq(dec(expected))).toBe(true)
  })

  it("interpolates with the denominator nHi − nLo: 20,000 + 14,999.5 members sits exactly half way down 2.5 % → 2.2 %", () => {
    // (34,999.5 − 20,000)/29,999 = 1/2 → 2.5 − 0.15 = 2.35 %
    expect(msspMsr(dec("34999.5")).value.eq(dec("0.0235"))).toBe(true)
  })

  it("keeps the row's high-end rate for a fractional count between two rows", () => {
    // 999.5 is past 999 (8.7 %) but before the 1,000 row: no extrapolation below 8.7 %
    expect(msspMsr(dec("999.5")).value.eq(dec("0.087"))).toBe(true)
  })

  it("rejects fewer than 500 members with an InvalidArgument naming the field", () => {
    expect(() => msspMsr(dec(499))).toThrow(InvalidArgument)
    expect(() => msspMsr(dec(499))).toThrow(/assignedMembers/)
  })

  it("explains the row and the formula it used", () => {
    const d = msspMsr(dec(1_708)).derivation
    expect(d.rule).toBe("settlement.msr.mssp-variable")
    expect(d.source).toContain("425.604(b)")
    expect(d.notes.join(" ")).toContain("1000–2999")
  })

  test.prop([fc.integer({ min: 500, max: 120_000 }), fc.integer({ min: 0, max: 5_000 })])(
    "the MSR never rises as the number of assigned members grows",
    (n, extra) => {
      expect(msspMsr(dec(n + extra)).value.lte(msspMsr(dec(n)).value)).toBe(true)
    }
  )

  test.prop([fc.integer({ min: 500, max: 120_000 })])("the MSR stays between 2 % and 12.2 %", (n) => {
    const msr = msspMsr(dec(n)).value
    expect(msr.gte(dec("0.02")) && msr.lte(dec("0.122"))).toBe(true)
  })
})

describe("corridorRate", () => {
  it("uses the MSSP table for a variable corridor and keeps the table step in the derivation", () => {
    const r = corridorRate({ kind: "mssp-variable" }, dec(5_000), "MLR")
    // 5,000 is the start of the 5,000–5,999 row: 3.9 %
    expect(r.value.eq(dec("0.039"))).toBe(true)
    expect(findStep(r.derivation, "settlement.msr.mssp-variable")).toBeDefined()
  })

  it("rejects a fixed corridor outside [0, 1)", () => {
    expect(() => corridorRate({ kind: "fixed", rate: dec("-0.01") }, dec(5_000), "MSR")).toThrow(InvalidArgument)
    expect(() => corridorRate({ kind: "fixed", rate: dec(1) }, dec(5_000), "MSR")).toThrow(InvalidArgument)
  })
})
