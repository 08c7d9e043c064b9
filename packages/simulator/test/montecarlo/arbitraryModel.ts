import { fc } from "@fast-check/vitest"
import { dec, type Band, type LossRate, type SavingsRate, type SettlementTerms, type TrendPolicy, type TrendSpec } from "@pbpsim/benchmark"
import type { ContractModel, ExperienceRecord, Rebasing, YearTerms } from "@pbpsim/simulator"

/**
 * Random contracts for the float/exact agreement property: a provider and one to three peers
 * with 2022–2024 history, 2–5 contract years, and every rule the engine has switched on or off
 * at random (rebasing kinds, peer refresh, glide path restart, observed/blended trends with
 * guard rails, convergence and risk caps, discounts, rounding modes, savings credit, corridors,
 * MSSP's variable MSR, bands, quality-linked loss rates, caps and limits, reduced shared savings
 * below the MSR, advance investment payments recouped from later savings).
 */

const decimal = (lo: number, hi: number, places = 4) =>
  fc.integer({ min: Math.round(lo * 10 ** places), max: Math.round(hi * 10 ** places) }).map((n) => dec(n).div(10 ** places))

const HISTORY = [2022, 2023, 2024]

const trendSpec: fc.Arbitrary<TrendSpec> = fc.oneof(
  decimal(-0.02, 0.08).map((rate): TrendSpec => ({ kind: "fixed", rate })),
  fc.constantFrom<TrendSpec>({ kind: "observed", source: "peers" }, { kind: "observed", source: "market" }),
  decimal(-0.02, 0.08).map((rate): TrendSpec => ({
    kind: "blend",
    parts: [
      { weight: dec(2).div(3), trend: { kind: "observed", source: "market" } },
      { weight: dec(1).div(3), trend: { kind: "fixed", rate } }
    ]
  }))
)

const scheduleSpec = (rates: ReadonlyArray<ReturnType<typeof dec>>): TrendSpec => ({
  kind: "schedule",
  rates: new Map(rates.map((r, i) => [2023 + i, r]))
})

const trendPolicy: fc.Arbitrary<TrendPolicy> = fc
  .record({
    spec: fc.oneof(trendSpec, fc.array(decimal(-0.02, 0.08), { minLength: 8, maxLength: 8 }).map(scheduleSpec)),
    deduction: fc.option(decimal(0, 0.01), { nil: undefined }),
    cap: fc.option(decimal(0.03, 0.1), { nil: undefined }),
    floor: fc.option(decimal(-0.03, 0.02), { nil: undefined })
  })
  .map((r) => ({
    spec: r.spec,
    ...(r.deduction ? { deduction: r.deduction } : {}),
    ...(r.cap ? { cap: r.cap } : {}),
    ...(r.floor ? { floor: r.floor } : {})
  }))

const bands: fc.Arbitrary<ReadonlyArray<Band>> = fc
  .tuple(decimal(0, 0.02), decimal(0.03, 0.06), decimal(0, 1, 2), decimal(0, 1, 2), decimal(0, 1, 2))
  .map(([a, b, s1, s2, s3]) => [
    { from: dec(0), to: a.add("0.001"), share: s1 },
    { from: a.add("0.001"), to: b, share: s2 },
    { from: b, share: s3 }
  ])

/** Mostly a share in [lo, hi], sometimes exactly 0: a year that qualifies but moves no money ("savings not paid", "loss not owed"). */
const orZero = (lo: number, hi: number, places?: number) => fc.oneof({ arbitrary: decimal(lo, hi, places), weight: 5 }, { arbitrary: fc.constant(dec(0)), weight: 1 })

const savingsRate: fc.Arbitrary<SavingsRate> = fc.oneof(
  orZero(0.2, 1, 2).map((rate): SavingsRate => ({ kind: "flat", rate })),
  bands.map((b): SavingsRate => ({ kind: "bands", bands: b }))
)

const lossRate: fc.Arbitrary<LossRate> = fc.oneof(
  orZero(0.2, 1, 2).map((rate): LossRate => ({ kind: "flat", rate })),
  fc.constant<LossRate>({ kind: "quality-linked", savingsRate: dec("0.75"), min: dec("0.4"), max: dec("0.75"), failedQuality: dec("0.75") }),
  bands.map((b): LossRate => ({ kind: "bands", bands: b }))
)

const settlement = (largeEnoughForMssp: boolean): fc.Arbitrary<SettlementTerms> =>
  fc
    .record({
      msr: largeEnoughForMssp ? fc.oneof(decimal(0, 0.03).map((rate) => ({ kind: "fixed" as const, rate })), fc.constant({ kind: "mssp-variable" as const })) : decimal(0, 0.03).map((rate) => ({ kind: "fixed" as const, rate })),
      twoSided: fc.boolean(),
      mlr: decimal(0, 0.03),
      firstDollar: fc.boolean(),
      savingsRate,
      savingsCap: fc.option(orZero(0.02, 0.2), { nil: undefined }),
      sequestration: fc.constantFrom(dec(0), dec("0.02")),
      lossRate,
      lossLimit: fc.option(orZero(0.01, 0.15), { nil: undefined }),
      // 425.605(h): the minimum on either side of the 500–20,000 assigned members a year has.
      reduced: fc.option(fc.record({ factor: orZero(0.3, 1, 2), minAssigned: fc.integer({ min: 0, max: 15_000 }) }), { nil: undefined })
    })
    .map((r) => ({
      name: "random terms",
      // With reduced shared savings a fixed MSR up to 15 %, so that savings often fall below it.
      msr: r.reduced && r.firstDollar && r.msr.kind === "fixed" ? { kind: "fixed" as const, rate: r.msr.rate.mul(5) } : r.msr,
      sharingBasis: r.firstDollar ? "first-dollar" : "beyond-corridor",
      savingsRate: r.savingsRate,
      sequestration: r.sequestration,
      ...(r.savingsCap ? { savingsCap: r.savingsCap } : {}),
      ...(r.reduced && r.firstDollar ? { reducedBelowMsr: { factor: r.reduced.factor, minAssigned: dec(r.reduced.minAssigned) } } : {}),
      ...(r.twoSided
        ? { mlr: { kind: "fixed" as const, rate: r.mlr }, lossRate: r.lossRate, ...(r.lossLimit ? { lossLimit: { shareOfBenchmark: r.lossLimit } } : {}) }
        : {})
    }))

const rebasing: fc.Arbitrary<Rebasing> = fc.oneof(
  fc.constant<Rebasing>({ kind: "none" }),
  fc.constant<Rebasing>({ kind: "annual" }),
  decimal(0, 1, 2).map((w): Rebasing => ({ kind: "periodic", every: 2, weights: [w, dec(1).sub(w)] })),
  decimal(0, 1, 2).map((w): Rebasing => ({ kind: "rolling", weights: [w, dec(1).sub(w)] })),
  decimal(0, 1, 2).map((alpha): Rebasing => ({ kind: "partial", alpha }))
)

export const arbitraryModel: fc.Arbitrary<ContractModel> = fc
  .record({
    peers: fc.integer({ min: 1, max: 3 }),
    years: fc.integer({ min: 2, max: 5 }),
    memberMonths: fc.array(fc.integer({ min: 6_000, max: 240_000 }), { minLength: 4, maxLength: 4 }),
    pmpm: fc.array(decimal(250, 650, 2), { minLength: 12, maxLength: 12 }),
    risk: fc.array(decimal(0.8, 1.3), { minLength: 12, maxLength: 12 }),
    baseline: fc.constantFrom([[2024], [1]], [[2023, 2024], [0.5, 0.5]], [[2022, 2023, 2024], [0.1, 0.3, 0.6]]),
    historicalTrend: trendPolicy,
    trend: trendPolicy,
    laterTrend: trendPolicy,
    /** Contract year from which the second terms apply (past the contract: never). */
    switchYear: fc.integer({ min: 2, max: 6 }),
    laterWeight: fc.option(decimal(0, 1, 2), { nil: undefined }),
    laterCaps: fc.record({ up: fc.option(decimal(0, 0.1), { nil: undefined }), down: fc.option(decimal(0, 0.05), { nil: undefined }), noNegative: fc.boolean() }),
    laterRiskCap: fc.option(decimal(0, 0.05), { nil: undefined }),
    offset: fc.option(decimal(0, 1, 2), { nil: undefined }),
    sided: fc.option(fc.record({ below: decimal(0, 1, 2), above: decimal(0, 1, 2) }), { nil: undefined }),
    national: fc.option(decimal(800, 1200, 2), { nil: undefined }),
    coding: fc.option(decimal(0, 0.06), { nil: undefined }),
    riskWeight: fc.option(decimal(0, 1, 2), { nil: undefined }),
    addOn: fc.option(fc.record({ upShare: decimal(0, 0.3, 2), downShare: decimal(0, 0.5, 2) }), { nil: undefined }),
    peerPercentile: fc.option(decimal(0, 1, 2), { nil: undefined }),
    glidePath: fc.array(decimal(0, 1, 2), { minLength: 5, maxLength: 5 }),
    caps: fc.record({ up: fc.option(decimal(0, 0.1), { nil: undefined }), down: fc.option(decimal(0, 0.05), { nil: undefined }), noNegative: fc.boolean() }),
    riskCaps: fc.record({ up: fc.option(decimal(0, 0.05), { nil: undefined }), down: fc.option(decimal(0, 0.05), { nil: undefined }) }),
    discount: fc.array(decimal(-0.02, 0.03), { minLength: 5, maxLength: 5 }),
    rounding: fc.record({ places: fc.integer({ min: 0, max: 2 }), mode: fc.constantFrom("half-up", "half-even", "half-down", "up", "down", "ceil", "floor" as const) }),
    peerRefresh: fc.constantFrom("with-rebase", "annual", "fixed" as const),
    peerIncludesProvider: fc.boolean(),
    rebasing,
    credit: fc.option(
      fc.record({
        share: decimal(0, 1, 2),
        cap: decimal(0, 0.1),
        years: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        withRegional: fc.constantFrom("add", "higher" as const)
      }),
      { nil: undefined }
    ),
    restart: fc.boolean(),
    quality: fc.array(fc.record({ score: decimal(0, 1, 2), multiplier: decimal(0.5, 1, 2), meets: fc.boolean() }), { minLength: 5, maxLength: 5 }),
    /** Advance investment payments received per contract year (425.630), or none at all. */
    advances: fc.option(fc.array(orZero(0, 3_000_000, 2), { minLength: 5, maxLength: 5 }), { nil: undefined }),
    marketTrend: fc.array(decimal(-0.02, 0.08), { minLength: 5, maxLength: 5 }),
    savings: fc.array(decimal(-0.05, 0.1), { minLength: 20, maxLength: 20 }),
    memberGrowth: fc.array(decimal(-0.05, 0.05), { minLength: 4, maxLength: 4 }),
    riskDrift: fc.array(decimal(-0.02, 0.03), { minLength: 4, maxLength: 4 })
  })
  .chain((r) => {
    const mssp = r.memberMonths[0]! >= 6_000 * 12 && r.memberGrowth[0]!.gte(0)
    return fc.tuple(settlement(mssp), settlement(mssp)).map(([terms, laterTerms]) => ({ r, terms, laterTerms }))
  })
  .map(({ r, terms, laterTerms }): ContractModel => {
    const entities = ["P", ...Array.from({ length: r.peers }, (_, i) => `Q${i + 1}`)]
    const experience: Array<ExperienceRecord> = entities.flatMap((entity, e) =>
      HISTORY.map((year, h) => {
        const mm = dec(r.memberMonths[e]!)
        return { entity, year, memberMonths: mm, cost: r.pmpm[e * 3 + h]!.mul(mm), riskScore: r.risk[e * 3 + h]! }
      })
    )
    const peers = r.peerIncludesProvider ? entities : entities.slice(1)
    return {
      scenarioName: "random",
      policyName: r.rebasing.kind,
      policyDescription: "",
      entities,
      provider: "P",
      peers,
      peerIncludesProvider: r.peerIncludesProvider,
      experience,
      startYear: 2025,
      years: r.years,
      baselineYears: r.baseline[0]!,
      baselineWeights: r.baseline[1]!.map((w) => dec(w)),
      historicalTrend: r.historicalTrend,
      ...(r.peerPercentile ? { peerPercentile: r.peerPercentile } : {}),
      // National per capita growing 3 % a year from 2020: every reference year is covered.
      ...(r.national ? { nationalPerCapita: new Map(Array.from({ length: 15 }, (_, i) => [2020 + i, r.national!.mul(dec("1.03").pow(i))])) } : {}),
      glidePath: r.glidePath.slice(0, r.years),
      terms: Array.from({ length: r.years }, (_, i): YearTerms => {
        const later = i + 1 >= r.switchYear
        const caps = later ? r.laterCaps : r.caps
        const q = r.quality[i]!
        return {
          name: later ? "later" : "base terms",
          fromYear: later ? r.switchYear : 1,
          trend: later ? r.laterTrend : r.trend,
          convergenceCaps: {
            noNegative: caps.noNegative,
            ...(caps.up ? { up: caps.up } : {}),
            ...(caps.down ? { down: caps.down } : {}),
            ...(later && r.offset ? { negativeOffset: r.offset } : {})
          },
          ...(later && r.coding ? { codingIntensity: r.coding } : {}),
          ...(later && r.sided ? { peerWeightBySide: { belowPeers: r.sided.below, abovePeers: r.sided.above } } : {}),
          ...(r.riskWeight ? { riskWeight: r.riskWeight } : {}),
          ...(r.addOn ? { equityAddOn: { upShare: r.addOn.upShare, upAmount: dec(30), downShare: r.addOn.downShare, downAmount: dec(6) } } : {}),
          riskCaps: later
            ? { ...(r.laterRiskCap ? { up: r.laterRiskCap } : {}) }
            : { ...(r.riskCaps.up ? { up: r.riskCaps.up } : {}), ...(r.riskCaps.down ? { down: r.riskCaps.down } : {}) },
          ...(later && r.laterWeight ? { providerWeight: r.laterWeight } : {}),
          discount: r.discount[i]!,
          settlement: later ? laterTerms : terms,
          quality: { score: q.score, savingsMultiplier: q.multiplier, meetsStandard: q.meets },
          ...(r.advances ? { advanceInvestment: r.advances[i]! } : {})
        }
      }),
      rounding: r.rounding,
      peerRefresh: r.peerRefresh,
      rebasing: {
        rebasing: r.rebasing,
        glidePathOnRebase: r.restart ? "restart" : "continue",
        ...(r.credit
          ? {
              savingsCredit: {
                share: r.credit.share,
                cap: r.credit.cap,
                withRegional: r.credit.withRegional,
                ...(r.credit.years === undefined ? {} : { years: r.credit.years })
              }
            }
          : {})
      },
      marketTrend: r.marketTrend.slice(0, r.years),
      projection: new Map(
        entities.map((e, i) => [
          e,
          { savings: r.savings.slice(i * 5, i * 5 + r.years), memberGrowth: r.memberGrowth[i]!, riskDrift: r.riskDrift[i]! }
        ])
      ),
      stochastic: { marketTrendSd: 0, memberCostSd: 0, savingsSd: 0, riskDriftSd: 0 }
    }
  })

/**
 * The same random contracts with the benchmark computed per segment: every history row of the
 * provider and its peers split into 2–3 segments with their own shares of members and cost and
 * their own risk scores (a segment's PMPM and risk differ from the entity's), sometimes with the
 * 2024 aggregate risk-cap trigger on.
 */
export const arbitrarySegmentedModel: fc.Arbitrary<ContractModel> = fc
  .record({
    model: arbitraryModel,
    segments: fc.integer({ min: 2, max: 3 }),
    shares: fc.array(fc.tuple(decimal(0.05, 0.9), decimal(0.05, 0.9), decimal(0.6, 2.5)), { minLength: 48, maxLength: 48 }),
    trigger: fc.boolean()
  })
  .map(({ model, segments, shares, trigger }): ContractModel => {
    const names = ["aged", "disabled", "esrd"].slice(0, segments)
    const parties = new Set([model.provider, ...model.peers])
    let n = 0
    const experience: Array<ExperienceRecord> = model.experience.flatMap((row) => {
      if (!parties.has(row.entity)) return [row]
      // Shares of the row for all but the last segment; the last takes the rest (at least 5 %).
      const parts = names.map(() => shares[n++ % shares.length]!)
      const mmTotal = parts.reduce((acc, p) => acc.add(p[0]), dec(0))
      const costTotal = parts.reduce((acc, p) => acc.add(p[1]), dec(0))
      return names.map((segment, i) => ({
        ...row,
        segment,
        memberMonths: row.memberMonths.mul(parts[i]![0]).div(mmTotal),
        cost: row.cost.mul(parts[i]![1]).div(costTotal),
        riskScore: row.riskScore.mul(parts[i]![2])
      }))
    })
    return {
      ...model,
      experience,
      segments: names,
      terms: model.terms.map((t) => (trigger && t.riskCaps.up !== undefined ? { ...t, riskCapAggregateTrigger: true } : t))
    }
  })

/** A random contract, segmented or not, with MSSP's loss guardrail on a random fixed update in some years. */
export const arbitraryGuardedModel: fc.Arbitrary<ContractModel> = fc
  .record({
    model: fc.oneof(arbitraryModel, arbitrarySegmentedModel),
    rate: decimal(-0.02, 0.12),
    from: fc.integer({ min: 1, max: 5 })
  })
  .map(({ model, rate, from }): ContractModel => {
    const guardrailTrend: TrendPolicy = { spec: { kind: "fixed", rate } }
    return { ...model, terms: model.terms.map((t, i) => (i + 1 >= from ? { ...t, guardrailTrend } : t)) }
  })
