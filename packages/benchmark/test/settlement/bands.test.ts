import { dec, InvalidArgument, type Band } from "@pbpsim/benchmark"
import { marginalBandShare, shareByBands, validateBands } from "../../src/settlement/bands.js"
import { describe, expect, it } from "vitest"

const band = (from: string, to: string | undefined, share: string): Band => ({ from: dec(from), ...(to ? { to: dec(to) } : {}), share: dec(share) })

// The tiered commercial example of docs/model.md §6 and docs/rules/settlement.md: 0–2 % → 0, 2–5 % → 50 %, > 5 % → 75 %
const tiered = [band("0", "0.02", "0"), band("0.02", "0.05", "0.5"), band("0.05", undefined, "0.75")]

const share = (gapRate: string, startRate = "0") =>
  shareByBands({ rule: "test.bands", label: "test", bands: tiered, benchmark: dec(1_000_000), gap: dec(gapRate).mul(1_000_000), startRate: dec(startRate) })

describe("shareByBands", () => {
  it.each([
    // 1 % of 1M sits in the 0 % band → 0
    { gap: "0.01", shared: "0" },
    // 4 %: 2 % × 0 + 2 % × 1M × 50 % = 10,000
    { gap: "0.04", shared: "10000" },
    // 5 % exactly fills the middle band: 3 % × 1M × 50 % = 15,000
    { gap: "0.05", shared: "15000" },
    // 10 %: 15,000 + 5 % × 1M × 75 % = 52,500
    { gap: "0.10", shared: "52500" }
  ])("shares a $gap gap of a 1M benchmark as $shared", ({ gap, shared }) => {
    expect(share(gap).value.shared.eq(dec(shared))).toBe(true)
  })

  it("skips the part of the gap below the start rate (beyond-corridor sharing)", () => {
    // 10 % gap, sharing starts at 3 %: 2 % × 50 % + 5 % × 75 % of 1M = 10,000 + 37,500
    expect(share("0.10", "0.03").value.shared.eq(dec(47_500))).toBe(true)
  })

  it("lists each band's dollars in the notes", () => {
    expect(share("0.10").derivation.notes.join(" ")).toContain("30000.00 × 50 % = 15000.00")
  })
})

describe("marginalBandShare", () => {
  it("gives the share of the band holding the point, lower end inclusive", () => {
    expect(marginalBandShare(tiered, dec("0.02")).eq(dec("0.5"))).toBe(true)
    expect(marginalBandShare(tiered, dec("0.5")).eq(dec("0.75"))).toBe(true)
  })
})

describe("validateBands", () => {
  it.each([
    { why: "a negative start", bands: [band("-0.01", "0.02", "0.5")], message: /from must be/ },
    { why: "an empty band", bands: [band("0.02", "0.02", "0.5")], message: /expected an upper end above from 0.02, got 0.02/ },
    { why: "a share above 1", bands: [band("0", undefined, "1.5")], message: /share must be/ },
    { why: "overlapping bands", bands: [band("0", "0.05", "0.5"), band("0.04", undefined, "0.75")], message: /bands\[1\]\.from expected at least the previous band's end 0.05 \(bands ascending, not overlapping\), got 0.04/ },
    { why: "a band after an open-ended one", bands: [band("0", undefined, "0.5"), band("0.1", undefined, "0.75")], message: /expected no band after one without an upper end/ },
    { why: "no bands", bands: [], message: /at least one band/ }
  ])("rejects $why", ({ bands, message }) => {
    expect(() => validateBands("test.bands", "bands", bands)).toThrow(InvalidArgument)
    expect(() => validateBands("test.bands", "bands", bands)).toThrow(message)
  })
})
