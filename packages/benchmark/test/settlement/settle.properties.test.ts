import { fc, test } from "@fast-check/vitest"
import { dec, MSSP_TRACKS, msspTrack, reachTerms, settle, type Settlement, type SettlementInput, type SettlementTerms } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { describe, expect } from "vitest"

const fixed = (rate: Decimal) => ({ kind: "fixed" as const, rate })
const bp = (n: number) => dec(n).div(10_000)

/** The corridor elections MSSP allows (425.605(b)): fixed 0–2 % or the variable table. */
const msspCorridor = fc.oneof(
  fc.constantFrom("0", "0.005", "0.01", "0.015", "0.02").map((r) => fixed(dec(r))),
  fc.constant({ kind: "mssp-variable" as const })
)

const commercial = fc
  .record({
    corridorBp: fc.integer({ min: 0, max: 500 }),
    basis: fc.constantFrom("first-dollar" as const, "beyond-corridor" as const),
    savingsBp: fc.integer({ min: 0, max: 10_000 }),
    lossBp: fc.integer({ min: 0, max: 10_000 }),
    capBp: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
    tiered: fc.boolean()
  })
  .map(({ corridorBp, basis, savingsBp, lossBp, capBp, tiered }): SettlementTerms => ({
    name: "commercial",
    msr: fixed(bp(corridorBp)),
    mlr: fixed(bp(corridorBp)),
    sharingBasis: basis,
    savingsRate: tiered
      ? { kind: "bands", bands: [{ from: dec(0), to: dec("0.02"), share: dec(0) }, { from: dec("0.02"), to: dec("0.05"), share: dec("0.5") }, { from: dec("0.05"), share: bp(savingsBp) }] }
      : { kind: "flat", rate: bp(savingsBp) },
    ...(capBp === undefined ? {} : { savingsCap: bp(capBp) }),
    sequestration: dec(0),
    lossRate: { kind: "flat", rate: bp(lossBp) },
    lossLimit: { shareOfBenchmark: dec("0.05") }
  }))

const anyTerms: fc.Arbitrary<SettlementTerms> = fc.oneof(
  fc.tuple(fc.constantFrom(...MSSP_TRACKS), msspCorridor).map(([track, corridor]) =>
    track === "basic-a" || track === "basic-b" ? msspTrack(track, corridor.kind === "mssp-variable" ? {} : { msr: corridor }) : msspTrack(track, { msr: corridor })
  ),
  fc.constantFrom("global" as const, "professional" as const).map(reachTerms),
  commercial
)

/** A year: B in whole dollars, E within ±40 % of B to the cent, MSSP-sized populations. */
const anyInput: fc.Arbitrary<SettlementInput> = fc
  .record({
    benchmark: fc.integer({ min: 1_000_000, max: 2_000_000_000 }),
    gapBp: fc.integer({ min: -4_000, max: 4_000 }),
    cents: fc.integer({ min: -99, max: 99 }),
    members: fc.integer({ min: 500, max: 150_000 }),
    quality: fc.integer({ min: 0, max: 10_000 }),
    standard: fc.constantFrom("full" as const, "alternative" as const, "failed" as const),
    revenueShare: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined }),
    disaster: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: undefined })
  })
  .map((a) => {
    const B = dec(a.benchmark)
    const score = bp(a.quality)
    return {
      benchmark: B,
      expenditure: B.mul(dec(1).sub(bp(a.gapBp))).add(dec(a.cents).div(100)),
      assignedMembers: dec(a.members),
      qualityScore: score,
      qualityMultiplier: a.standard === "alternative" ? score : dec(1),
      meetsQualityStandard: a.standard !== "failed",
      ...(a.revenueShare === undefined ? {} : { revenue: B.mul(bp(a.revenueShare)) }),
      ...(a.disaster === undefined ? {} : { disasterAdjustment: dec(-a.disaster) })
    }
  })

const MONEY: ReadonlyArray<keyof Settlement> = ["benchmark", "expenditure", "gross", "sharedSavings", "sharedLosses", "providerNet", "payerNet"]

describe("settle", () => {
  test.prop([anyTerms, anyInput])("settles as paid (owed) exactly when money moves, and as the corridor's side otherwise", (terms, input) => {
    const s = settle(terms, input).value
    const side = s.settled === "savings paid" || s.settled === "savings not paid" ? "savings" : s.settled === "none" ? "none" : "loss"
    expect(side).toBe(s.outcome)
    expect(s.settled === "savings paid").toBe(s.sharedSavings.gt(0))
    expect(s.settled === "loss owed").toBe(s.sharedLosses.gt(0))
  })

  test.prop([anyTerms, anyInput])("shared savings never exceed the cap and are zero inside the corridor", (terms, input) => {
    const s = settle(terms, input).value
    expect(s.sharedSavings.gte(0)).toBe(true)
    if (terms.savingsCap !== undefined) expect(s.sharedSavings.lte(terms.savingsCap.mul(input.benchmark))).toBe(true)
    if (s.gross.lt(s.msr.mul(s.benchmark)) || s.gross.lte(0)) expect(s.sharedSavings.isZero()).toBe(true)
  })

  test.prop([anyTerms, anyInput, fc.integer({ min: 0, max: 50_000_000 })])(
    "provider net never rises when expenditure rises",
    (terms, input, more) => {
      const lower = settle(terms, input).value
      const higher = settle(terms, { ...input, expenditure: input.expenditure.add(more) }).value
      expect(higher.providerNet.lte(lower.providerNet)).toBe(true)
    }
  )

  test.prop([fc.constantFrom(...MSSP_TRACKS), fc.constantFrom("0.005", "0.01", "0.015", "0.02"), fc.integer({ min: 1_000_000, max: 2_000_000_000 })])(
    "corridor boundaries are inclusive: a savings rate exactly at the MSR earns, a cent less does not",
    (track, rate, benchmark) => {
      const msr = dec(rate)
      // a fixed MSR on every track (one-sided ones too) so that B × (1 − MSR) is exact
      const terms = msspTrack(track, { msr: fixed(msr) })
      const B = dec(benchmark)
      const base = { benchmark: B, assignedMembers: dec(10_000), qualityScore: dec("0.9"), qualityMultiplier: dec(1), meetsQualityStandard: true }
      const atMsr = settle(terms, { ...base, expenditure: B.sub(msr.mul(B)) }).value
      expect(atMsr.outcome).toBe("savings")
      expect(atMsr.sharedSavings.gt(0)).toBe(true)
      const inside = settle(terms, { ...base, expenditure: B.sub(msr.mul(B)).add(dec("0.01")) }).value
      expect(inside.outcome).toBe("none")
      expect(inside.sharedSavings.isZero()).toBe(true)
      if (terms.mlr !== undefined) {
        const atMlr = settle(terms, { ...base, expenditure: B.add(msr.mul(B)) }).value
        expect(atMlr.outcome).toBe("loss")
        expect(atMlr.sharedLosses.gt(0)).toBe(true)
        const insideLoss = settle(terms, { ...base, expenditure: B.add(msr.mul(B)).sub(dec("0.01")) }).value
        expect(insideLoss.outcome).toBe("none")
      }
    }
  )

  test.prop([anyTerms, anyInput])("shared losses never exceed the loss limit", (terms, input) => {
    const s = settle(terms, input).value
    expect(s.sharedLosses.gte(0)).toBe(true)
    const limits = [
      ...(terms.lossLimit?.shareOfBenchmark ? [terms.lossLimit.shareOfBenchmark.mul(input.benchmark)] : []),
      ...(terms.lossLimit?.shareOfRevenue && input.revenue ? [terms.lossLimit.shareOfRevenue.mul(input.revenue)] : [])
    ]
    for (const limit of limits) expect(s.sharedLosses.lte(limit)).toBe(true)
    if (terms.mlr === undefined) expect(s.sharedLosses.isZero()).toBe(true)
  })

  test.prop([anyTerms, anyInput, fc.integer({ min: 1, max: 100_000 })])(
    "scaling benchmark, expenditure, revenue and disaster adjustment by c scales every money output by c",
    (terms, input, hundredths) => {
      const c = dec(hundredths).div(100)
      const scaled: SettlementInput = {
        ...input,
        benchmark: input.benchmark.mul(c),
        expenditure: input.expenditure.mul(c),
        ...(input.revenue ? { revenue: input.revenue.mul(c) } : {}),
        ...(input.disasterAdjustment ? { disasterAdjustment: input.disasterAdjustment.mul(c) } : {})
      }
      const one = settle(terms, input).value
      const many = settle(terms, scaled).value
      expect(many.outcome).toBe(one.outcome)
      for (const key of MONEY) {
        const expected = (one[key] as Decimal).mul(c)
        const got = many[key] as Decimal
        // exact up to the 40-digit context (band widths go through gross / B)
        expect(got.sub(expected).abs().lte(expected.abs().add(1).mul("1e-28"))).toBe(true)
      }
    }
  )

  test.prop([anyTerms, anyInput])("payer net and provider net add up to the gross gap", (terms, input) => {
    const s = settle(terms, input).value
    expect(s.payerNet.add(s.providerNet).eq(s.gross)).toBe(true)
    expect(s.providerNet.eq(s.sharedSavings.sub(s.sharedLosses))).toBe(true)
  })
})
