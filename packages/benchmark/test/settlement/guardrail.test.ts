import { fc, test } from "@fast-check/vitest"
import { dec, findStep, InvalidArgument, MSSP_TRACKS, msspTrack, reachTerms, settle, settlementYearFloat, type SettlementInput, type SettlementTerms } from "@pbpsim/benchmark"
import {
  lossGuardrailExact,
  OUTCOME_CODE,
  settleFloat,
  SETTLED_GROSS,
  SETTLED_LENGTH,
  SETTLED_LOSSES,
  SETTLED_OUTCOME,
  SETTLED_SAVINGS
} from "@pbpsim/benchmark/compute"
import type { Decimal } from "decimal.js"
import { describe, expect, it } from "vitest"

/**
 * The MSSP loss guardrail (42 CFR 425.652(b)(5), agreement periods from 2024): on the loss path
 * the benchmark is recalculated with the two-way national-regional update only (no ACPT), B′.
 * E ≤ B′ → neither savings nor losses; B′ > B → losses determined on B′ (the MLR test again, basis,
 * rate), the loss limit still a share of the updated benchmark B; otherwise unchanged.
 * One table of hand-worked cases runs against the exact settle() and the float settleFloat().
 */
const exactly = (actual: Decimal, expected: string) => expect(actual.eq(dec(expected)), `${actual.toFixed()} ≠ ${expected}`).toBe(true)
const floatAgrees = (actual: number, expected: string) => {
  const e = Number(expected)
  expect(Math.abs(actual - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)))
}
const fixed = (rate: string) => ({ kind: "fixed" as const, rate: dec(rate) })
const M = (millions: string) => dec(millions).mul(1_000_000)

const year = { assignedMembers: dec(10_000), qualityScore: dec(1), qualityMultiplier: dec(1), meetsQualityStandard: true }
const B = "10000000"

/** BASIC E (30 %, limit min(8 % revenue, 4 % B)) with a 2 %, 1 % or 0 % symmetric election; BASIC C (limit 1 % B); ENHANCED at 2 %. */
const basicE2 = msspTrack("basic-e", { mlr: fixed("0.02") })
const basicE1 = msspTrack("basic-e", { mlr: fixed("0.01") })
const basicE0 = msspTrack("basic-e", { mlr: fixed("0") })
const basicC1 = msspTrack("basic-c", { mlr: fixed("0.01") })
const enhanced2 = msspTrack("enhanced", { mlr: fixed("0.02") })
/** A commercial contract sharing 50 % of the gap beyond a 2 % corridor, both ways. */
const beyond2: SettlementTerms = {
  name: "beyond-corridor 50/50",
  msr: fixed("0.02"),
  mlr: fixed("0.02"),
  sharingBasis: "beyond-corridor",
  savingsRate: { kind: "flat", rate: dec("0.5") },
  sequestration: dec(0),
  lossRate: { kind: "flat", rate: dec("0.5") },
  lossLimit: { shareOfBenchmark: dec("0.05") }
}

type Row = {
  readonly case: string
  readonly terms: SettlementTerms
  /** Total benchmark B; 10,000,000 unless given. */
  readonly b?: string
  readonly e: string
  readonly guardrail?: string
  readonly input?: Partial<SettlementInput>
  readonly applied?: "none" | "reduced" | "neither"
  readonly outcome: "savings" | "loss" | "none"
  readonly settled: keyof typeof OUTCOME_CODE
  readonly savings: string
  readonly losses: string
}

// B = 10,000,000 unless the row gives another.
const rows: ReadonlyArray<Row> = [
  // No guardrail: 5 % over ≥ 2 % MLR → 500,000 × 30 % = 150,000 (limit 4 % × 10M = 400,000 does not bind).
  { case: "without a guardrail benchmark", terms: basicE2, e: "10500000", outcome: "loss", settled: "loss owed", savings: "0", losses: "150000" },
  // E 10.5M ≤ B′ 10.6M → neither (425.652(b)(5)(ii)): nothing shared, gross stays −500,000.
  { case: "E below B′: neither", terms: basicE2, e: "10500000", guardrail: "10600000", applied: "neither", outcome: "none", settled: "guardrail: neither", savings: "0", losses: "0" },
  // E = B′ exactly: not above it, so neither as well.
  { case: "E equal to B′: neither", terms: basicE2, e: "10500000", guardrail: "10500000", applied: "neither", outcome: "none", settled: "guardrail: neither", savings: "0", losses: "0" },
  // B′ 10.3M: E − B′ = 200,000 < 500,000 → losses on B′; but 200,000 < 2 % × 10.3M = 206,000: inside the MLR → nothing.
  { case: "losses on B′ fall inside the 2 % MLR", terms: basicE2, e: "10500000", guardrail: "10300000", applied: "reduced", outcome: "none", settled: "none", savings: "0", losses: "0" },
  // Same with a 1 % MLR: 200,000 ≥ 103,000 → 200,000 × 30 % = 60,000 (instead of 150,000).
  { case: "losses on B′ at a 1 % MLR", terms: basicE1, e: "10500000", guardrail: "10300000", applied: "reduced", outcome: "loss", settled: "loss owed", savings: "0", losses: "60000" },
  // B′ 10.25M at 2 %: 250,000 ≥ 205,000 → 250,000 × 30 % = 75,000.
  { case: "losses on B′ at a 2 % MLR", terms: basicE2, e: "10500000", guardrail: "10250000", applied: "reduced", outcome: "loss", settled: "loss owed", savings: "0", losses: "75000" },
  // B′ 9.9M < B: the loss against B′ (600,000) is not smaller → unchanged 150,000.
  { case: "B′ below B: unchanged", terms: basicE2, e: "10500000", guardrail: "9900000", applied: "none", outcome: "loss", settled: "loss owed", savings: "0", losses: "150000" },
  // B′ = B: not smaller either → unchanged 150,000.
  { case: "B′ equal to B: unchanged", terms: basicE2, e: "10500000", guardrail: "10000000", applied: "none", outcome: "loss", settled: "loss owed", savings: "0", losses: "150000" },
  // BASIC C, 1 %: E 11M. Without: 1M × 30 % = 300,000 → limit 1 % × 10M = 100,000. With B′ 10.2M: 800,000 ≥ 102,000,
  // 800,000 × 30 % = 240,000 → the limit stays 1 % of B = 100,000 (not 1 % of B′ = 102,000).
  { case: "the loss limit stays a share of B", terms: basicC1, e: "11000000", guardrail: "10200000", applied: "reduced", outcome: "loss", settled: "loss owed", savings: "0", losses: "100000" },
  // Disaster adjustment after rate and limit, as always: 60,000 − 25,000 = 35,000.
  { case: "then the disaster adjustment", terms: basicE1, e: "10500000", guardrail: "10300000", input: { disasterAdjustment: dec(-25_000) }, applied: "reduced", outcome: "loss", settled: "loss owed", savings: "0", losses: "35000" },
  // 60,000 − 80,000 < 0 → nothing owed.
  { case: "a disaster adjustment that takes all of it", terms: basicE1, e: "10500000", guardrail: "10300000", input: { disasterAdjustment: dec(-80_000) }, applied: "reduced", outcome: "loss", settled: "loss not owed", savings: "0", losses: "0" },
  // ENHANCED at quality 0.80: loss rate 1 − 0.75 × 0.8 = 0.40; 250,000 × 0.40 = 100,000 (instead of 500,000 × 0.40 = 200,000).
  { case: "ENHANCED, quality-linked rate", terms: enhanced2, e: "10500000", guardrail: "10250000", input: { qualityScore: dec("0.8") }, applied: "reduced", outcome: "loss", settled: "loss owed", savings: "0", losses: "100000" },
  // Beyond a 2 % corridor at 50 %: without (500,000 − 200,000) × 50 % = 150,000; with B′ 10.25M (250,000 − 205,000) × 50 % = 22,500.
  { case: "beyond the corridor", terms: beyond2, e: "10500000", guardrail: "10250000", applied: "reduced", outcome: "loss", settled: "loss owed", savings: "0", losses: "22500" },
  // One-sided BASIC A: no losses to share, the guardrail does nothing.
  { case: "one-sided terms", terms: msspTrack("basic-a"), e: "10500000", guardrail: "10600000", applied: "none", outcome: "none", settled: "none", savings: "0", losses: "0" },
  // 1.5 % over < 2 % MLR: not on the loss path, so not "neither" even though E < B′.
  { case: "inside the MLR against B", terms: basicE2, e: "10150000", guardrail: "10600000", applied: "none", outcome: "none", settled: "none", savings: "0", losses: "0" },
  // A savings year is untouched: 500,000 × 50 % × 98 % = 245,000.
  { case: "a savings year", terms: basicE2, e: "9500000", guardrail: "10600000", applied: "none", outcome: "savings", settled: "savings paid", savings: "245000", losses: "0" },
  // docs/model.md WE15 at 10,000 beneficiaries, BASIC E with a 0 % MLR: three-way 12,000 → B 120M, spending 12,300 → E 123M.
  // Two-way 12,200 → B′ 122M: the loss is 1M (100 per capita instead of 300) → 1M × 30 % = 300,000 (instead of 900,000).
  { case: "WE15, two-way 12,200", terms: basicE0, b: "120000000", e: "123000000", guardrail: "122000000", applied: "reduced", outcome: "loss", settled: "loss owed", savings: "0", losses: "300000" },
  // Two-way 12,400 → B′ 124M > E: no savings and no losses.
  { case: "WE15, two-way 12,400", terms: basicE0, b: "120000000", e: "123000000", guardrail: "124000000", applied: "neither", outcome: "none", settled: "guardrail: neither", savings: "0", losses: "0" }
]

describe("loss guardrail (42 CFR 425.652(b)(5)), exact and float", () => {
  const settled = new Float64Array(SETTLED_LENGTH)

  it.each(rows)("$case: B′ $guardrail, E $e → $settled (savings $savings, losses $losses)", (row) => {
    const inputs = { ...year, ...row.input }
    const b = row.b ?? B
    const exact = settle(row.terms, {
      ...inputs,
      benchmark: dec(b),
      expenditure: dec(row.e),
      ...(row.guardrail !== undefined ? { guardrailBenchmark: dec(row.guardrail) } : {})
    }).value
    expect([exact.outcome, exact.settled]).toEqual([row.outcome, row.settled])
    expect(exact.guardrail?.applied).toBe(row.applied)
    if (row.guardrail !== undefined) exactly(exact.guardrail!.benchmark, row.guardrail)
    exactly(exact.sharedSavings, row.savings)
    exactly(exact.sharedLosses, row.losses)
    // Gross and the savings rate stay against the updated benchmark B.
    exactly(exact.gross, dec(b).sub(dec(row.e)).toFixed())
    exactly(exact.payerNet.add(exact.providerNet), exact.gross.toFixed())

    settleFloat(settlementYearFloat(row.terms, inputs), Number(b), Number(row.e), settled, row.guardrail === undefined ? Number.NaN : Number(row.guardrail))
    expect(settled[SETTLED_OUTCOME]).toBe(OUTCOME_CODE[row.settled])
    floatAgrees(settled[SETTLED_GROSS]!, exact.gross.toFixed())
    floatAgrees(settled[SETTLED_SAVINGS]!, row.savings)
    floatAgrees(settled[SETTLED_LOSSES]!, row.losses)
  })

  it("takes the branch from the corridor against B", () => {
    const b = dec(B)
    expect(lossGuardrailExact("loss", b, dec("10500000"), dec("10600000"))).toBe("neither")
    expect(lossGuardrailExact("loss", b, dec("10500000"), dec("10300000"))).toBe("reduced")
    expect(lossGuardrailExact("loss", b, dec("10500000"), dec("9900000"))).toBe("none")
    expect(lossGuardrailExact("none", b, dec("10150000"), dec("10600000"))).toBe("none")
    expect(lossGuardrailExact("loss", b, dec("10500000"), undefined)).toBe("none")
  })

  it("explains itself: the guardrail step, the losses on B′, the limit on B, the outcome", () => {
    const r = settle(basicC1, { ...year, benchmark: dec(B), expenditure: dec("11000000"), guardrailBenchmark: dec("10200000") })
    const step = findStep(r.derivation, "settlement.guardrail")!
    expect(step.source).toMatch(/^42 CFR 425\.652\(b\)\(5\)/)
    expect(step.output.value.toNumber()).toBe(1)
    expect(step.notes[0]).toBe("E − B′ = 800000.00 < E − B = 1000000.00: losses determined on the recalculated benchmark; 800000.00 ≥ MLR × B′ = 1 % × 10200000.00 = 102000.00: losses qualify against it")
    exactly(findStep(r.derivation, "settlement.loss.basis")!.output.value, "800000")
    const limit = findStep(r.derivation, "settlement.loss.limit")!
    exactly(limit.inputs.find((q) => q.name === "updated benchmark B")!.value, B)
    expect(limit.notes).toContain("the loss limit stays a share of the updated benchmark B, not of the recalculated B′ (42 CFR 425.652(b)(5); docs/rules/settlement.md)")
    expect(r.value.lossLimitBinds).toBe(true)

    const neither = settle(basicE2, { ...year, benchmark: dec(B), expenditure: dec("10500000"), guardrailBenchmark: dec("10600000") })
    expect(findStep(neither.derivation, "settlement.guardrail")!.notes[0]).toBe(
      "expenditure 10500000.00 ≤ recalculated benchmark 10600000.00: neither shared losses nor shared savings"
    )
    expect(findStep(neither.derivation, "settlement.outcome")!.output.value.toNumber()).toBe(-3)
    expect(findStep(neither.derivation, "settlement.loss.basis")).toBeUndefined()
    expect(neither.derivation.notes).toContain(
      "loss guardrail: expenditure at or below the benchmark recalculated without the ACPT, neither shared losses nor shared savings (425.652(b)(5)(ii))"
    )

    const inside = settle(basicE2, { ...year, benchmark: dec(B), expenditure: dec("10500000"), guardrailBenchmark: dec("10300000") })
    expect(findStep(inside.derivation, "settlement.outcome")!.notes[0]).toBe(
      "losses do not qualify against the recalculated benchmark (inside the MLR): nothing paid or owed (425.652(b)(5)(i))"
    )
    const unchanged = settle(basicE2, { ...year, benchmark: dec(B), expenditure: dec("10500000"), guardrailBenchmark: dec("9900000") })
    expect(findStep(unchanged.derivation, "settlement.guardrail")!.notes[0]).toBe(
      "recalculated benchmark 9900000.00 ≤ updated benchmark 10000000.00: losses are not smaller against it, the updated benchmark stands"
    )
  })

  it("adds no step or field without a guardrail benchmark", () => {
    const r = settle(basicE2, { ...year, benchmark: dec(B), expenditure: dec("10500000") })
    expect(findStep(r.derivation, "settlement.guardrail")).toBeUndefined()
    expect("guardrail" in r.value).toBe(false)
  })

  it("measures marginal bands on B′ too: with shares that fall as the gap grows, losses can rise (REACH Global, no MSSP guardrail)", () => {
    // B 100M, E 160M: 25M + 10M × 50 % + 15M × 25 % + 10M × 10 % = 34,750,000.
    // B′ 101M: 25.25M + 10.1M × 50 % + 15.15M × 25 % + (59M − 50.5M) × 10 % = 34,937,500. The property
    // above is for flat and quality-linked loss rates, all MSSP has (docs/rules/settlement.md).
    const global = reachTerms("global")
    const input = { ...year, benchmark: M("100"), expenditure: M("160") }
    exactly(settle(global, input).value.sharedLosses, "34750000")
    exactly(settle(global, { ...input, guardrailBenchmark: M("101") }).value.sharedLosses, "34937500")
  })

  it.each(["0", "-1"])("refuses a guardrail benchmark of %s", (value) => {
    expect(() => settle(basicE2, { ...year, benchmark: dec(B), expenditure: dec("10500000"), guardrailBenchmark: dec(value) })).toThrow(InvalidArgument)
  })
})

/** Two-sided MSSP tracks at every fixed election and the variable table, plus commercial flat rates (first dollar or beyond the corridor). */
const twoSided: fc.Arbitrary<SettlementTerms> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...MSSP_TRACKS.filter((t) => t !== "basic-a" && t !== "basic-b")),
      fc.oneof(fc.constantFrom("0", "0.005", "0.01", "0.015", "0.02").map(fixed), fc.constant({ kind: "mssp-variable" as const }))
    )
    .map(([track, corridor]) => msspTrack(track, { msr: corridor })),
  fc
    .record({
      corridorBp: fc.integer({ min: 0, max: 500 }),
      basis: fc.constantFrom("first-dollar" as const, "beyond-corridor" as const),
      lossBp: fc.integer({ min: 0, max: 10_000 }),
      limitBp: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: undefined })
    })
    .map(
      ({ corridorBp, basis, lossBp, limitBp }): SettlementTerms => ({
        name: "commercial",
        msr: fixed(String(corridorBp / 10_000)),
        mlr: fixed(String(corridorBp / 10_000)),
        sharingBasis: basis,
        savingsRate: { kind: "flat", rate: dec("0.5") },
        sequestration: dec(0),
        lossRate: { kind: "flat", rate: dec(lossBp).div(10_000) },
        ...(limitBp === undefined ? {} : { lossLimit: { shareOfBenchmark: dec(limitBp).div(10_000) } })
      })
    )
)

/** A year around its benchmark (±20 %, to the cent) and a recalculated benchmark within ±15 % of it, to the dollar. */
const guardedYear = fc
  .record({
    benchmark: fc.integer({ min: 1_000_000, max: 2_000_000_000 }),
    gapBp: fc.integer({ min: -2_000, max: 2_000 }),
    cents: fc.integer({ min: -99, max: 99 }),
    guardrailBp: fc.integer({ min: -1_500, max: 1_500 }),
    members: fc.integer({ min: 5_000, max: 150_000 }),
    quality: fc.integer({ min: 0, max: 10_000 }),
    standard: fc.constantFrom("full" as const, "alternative" as const, "failed" as const),
    revenueShare: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined }),
    disaster: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: undefined })
  })
  .map((a) => {
    const b = dec(a.benchmark)
    const score = dec(a.quality).div(10_000)
    const input: SettlementInput = {
      benchmark: b,
      expenditure: b.mul(dec(1).add(dec(a.gapBp).div(10_000))).add(dec(a.cents).div(100)),
      assignedMembers: dec(a.members),
      qualityScore: score,
      qualityMultiplier: a.standard === "alternative" ? score : dec(1),
      meetsQualityStandard: a.standard !== "failed",
      ...(a.revenueShare === undefined ? {} : { revenue: b.mul(a.revenueShare).div(10_000) }),
      ...(a.disaster === undefined ? {} : { disasterAdjustment: dec(-a.disaster) })
    }
    return { input, guardrailBenchmark: b.mul(dec(1).add(dec(a.guardrailBp).div(10_000))).round() }
  })

describe("loss guardrail properties", () => {
  test.prop([twoSided, guardedYear])(
    "never increases the losses owed, never pays savings, never changes a year it does not apply to",
    (terms, { input, guardrailBenchmark }) => {
      const without = settle(terms, input).value
      const guarded = settle(terms, { ...input, guardrailBenchmark }).value
      expect(guarded.sharedLosses.lte(without.sharedLosses)).toBe(true)
      expect(guarded.providerNet.gte(without.providerNet)).toBe(true)
      expect(guarded.gross.eq(without.gross)).toBe(true)
      if (guarded.guardrail!.applied === "none") {
        expect(guarded.sharedLosses.eq(without.sharedLosses)).toBe(true)
        expect(guarded.sharedSavings.eq(without.sharedSavings)).toBe(true)
        expect(guarded.settled).toBe(without.settled)
      } else {
        // It applies only on the loss path, where there are no savings, and pays none.
        expect(without.outcome).toBe("loss")
        expect(guarded.sharedSavings.isZero()).toBe(true)
      }
      expect(guarded.settled === "guardrail: neither").toBe(guarded.guardrail!.applied === "neither")
      if (guarded.guardrail!.applied === "neither") expect(guarded.sharedLosses.isZero()).toBe(true)
    }
  )

  test.prop([twoSided, guardedYear])("the float kernel settles the same: outcome code, savings and losses", (terms, { input, guardrailBenchmark }) => {
    const exact = settle(terms, { ...input, guardrailBenchmark }).value
    const into = new Float64Array(SETTLED_LENGTH)
    settleFloat(settlementYearFloat(terms, input), input.benchmark.toNumber(), input.expenditure.toNumber(), into, guardrailBenchmark.toNumber())
    const tolerance = 1e-9 * input.benchmark.toNumber()
    expect(Math.abs(into[SETTLED_SAVINGS]! - exact.sharedSavings.toNumber())).toBeLessThanOrEqual(tolerance)
    expect(Math.abs(into[SETTLED_LOSSES]! - exact.sharedLosses.toNumber())).toBeLessThanOrEqual(tolerance)
    const code = OUTCOME_CODE[exact.settled]
    // A shared amount of a fraction of a cent (a basis of cents at a rate or quality of 0.01 %) is a
    // float rendering of zero (paidFloat): there the float may say "not paid" where the exact says "paid".
    const amount = code > 0 ? exact.sharedSavings : exact.sharedLosses
    if (Math.abs(code) <= 2 && code !== 0 && amount.toNumber() <= tolerance) expect([Math.sign(code), 2 * Math.sign(code)]).toContain(into[SETTLED_OUTCOME])
    else expect(into[SETTLED_OUTCOME]).toBe(code)
  })
})
