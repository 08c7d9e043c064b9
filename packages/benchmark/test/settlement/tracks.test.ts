import { dec, InvalidArgument, MSSP_TRACKS, msspTrack, reachTerms } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { describe, expect, it } from "vitest"

const same = (a: Decimal | undefined, b: string): boolean => a !== undefined && a.eq(dec(b))

describe("msspTrack", () => {
  it("lists the six tracks", () => {
    expect(MSSP_TRACKS).toEqual(["basic-a", "basic-b", "basic-c", "basic-d", "basic-e", "enhanced"])
  })

  // docs/model.md §9.8 table (425.605(d), 425.610): savings rate, cap, loss rate, loss limits
  it.each([
    { track: "basic-a", rate: "0.40", cap: "0.10" },
    { track: "basic-b", rate: "0.40", cap: "0.10" }
  ] as const)("$track is one-sided at $rate with a $cap cap and the variable MSR", ({ track, rate, cap }) => {
    const t = msspTrack(track)
    expect(t.savingsRate.kind === "flat" && same(t.savingsRate.rate, rate)).toBe(true)
    expect(same(t.savingsCap, cap)).toBe(true)
    expect(t.msr).toEqual({ kind: "mssp-variable" })
    expect(t.mlr).toBeUndefined()
    expect(t.lossRate).toBeUndefined()
    expect(t.sharingBasis).toBe("first-dollar")
    expect(same(t.sequestration, "0.02")).toBe(true)
  })

  it.each([
    { track: "basic-c", revenue: "0.02", benchmark: "0.01" },
    { track: "basic-d", revenue: "0.04", benchmark: "0.02" },
    { track: "basic-e", revenue: "0.08", benchmark: "0.04" }
  ] as const)("$track shares 50 %, loses 30 %, limited to min($revenue of revenue, $benchmark of benchmark)", ({ track, revenue, benchmark }) => {
    const t = msspTrack(track)
    expect(t.savingsRate.kind === "flat" && same(t.savingsRate.rate, "0.5")).toBe(true)
    expect(same(t.savingsCap, "0.1")).toBe(true)
    expect(t.lossRate?.kind === "flat" && same(t.lossRate.rate, "0.3")).toBe(true)
    expect(same(t.lossLimit?.shareOfRevenue, revenue)).toBe(true)
    expect(same(t.lossLimit?.shareOfBenchmark, benchmark)).toBe(true)
  })

  it("ENHANCED shares 75 % with a 20 % cap, a quality-linked loss rate in [40 %, 75 %] and a 15 % limit", () => {
    const t = msspTrack("enhanced")
    expect(t.savingsRate.kind === "flat" && same(t.savingsRate.rate, "0.75")).toBe(true)
    expect(same(t.savingsCap, "0.2")).toBe(true)
    const lr = t.lossRate
    expect(lr?.kind).toBe("quality-linked")
    if (lr?.kind === "quality-linked") {
      expect([lr.savingsRate, lr.min, lr.max, lr.failedQuality].map((d) => d.toFixed(2))).toEqual(["0.75", "0.40", "0.75", "0.75"])
    }
    expect(same(t.lossLimit?.shareOfBenchmark, "0.15")).toBe(true)
    expect(t.lossLimit?.shareOfRevenue).toBeUndefined()
  })

  it("defaults two-sided tracks to the symmetric 1 % election and lets options override", () => {
    expect(msspTrack("basic-e").msr).toEqual({ kind: "fixed", rate: dec("0.01") })
    expect(msspTrack("basic-e").mlr).toEqual({ kind: "fixed", rate: dec("0.01") })
    const elected = msspTrack("enhanced", { msr: { kind: "fixed", rate: dec("0.02") } })
    // elections are symmetric: MLR follows the MSR when only the MSR is given
    expect(elected.mlr).toEqual({ kind: "fixed", rate: dec("0.02") })
    expect(msspTrack("basic-c", { msr: { kind: "mssp-variable" } }).mlr).toEqual({ kind: "mssp-variable" })
  })

  it("refuses an MLR on a one-sided track", () => {
    expect(() => msspTrack("basic-a", { mlr: { kind: "fixed", rate: dec("0.02") } })).toThrow(InvalidArgument)
  })
})

describe("reachTerms", () => {
  it("Global keeps 100 % below 25 %, then 50 %, 25 %, 10 %, for savings and losses alike", () => {
    const t = reachTerms("global")
    expect(t.savingsRate.kind).toBe("bands")
    if (t.savingsRate.kind === "bands") expect(t.savingsRate.bands.map((b) => b.share.toFixed(2))).toEqual(["1.00", "0.50", "0.25", "0.10"])
    expect(t.lossRate).toEqual(t.savingsRate)
  })
})
