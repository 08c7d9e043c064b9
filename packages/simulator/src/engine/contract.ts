import {
  contractYearBenchmark,
  derive,
  effectiveRiskRatio,
  explained,
  healthEquityAddOn,
  invalid,
  ONE,
  quantity,
  riskRatio,
  settle,
  sum,
  trendFactor,
  ZERO,
  type ContractYearBenchmark,
  type Derivation,
  type Explained,
  type RiskCaps,
  type ObservedGrowth,
  type Settlement,
  type SettlementInput
} from "@pbpsim/benchmark"
import { partialRebaseExact, restateRiskExact, savingsCreditExact } from "@pbpsim/benchmark/compute"
import type { Decimal } from "decimal.js"
import type { ContractModel, YearTerms } from "../model.js"
import { cellOf, observedGrowthOf, poolPeersAsMarketLess, segmentView, type RealisedExperience } from "./realised.js"
import { moveBaseline, peerBaselineFrom, providerBaselineFrom, type Reference, type WeightedYears } from "./reference.js"

/** One contract year: reference years, the explained benchmark, realised experience and the explained settlement. */
export interface ContractYearResult {
  /** 1-based contract year. */
  readonly contractYear: number
  readonly year: number
  readonly providerWeight: Decimal
  /** True where this year's provider baseline was reset from realised experience. */
  readonly rebased: boolean
  /** Which terms applied: the schedule entry in force (or the base terms), from which contract year, and the settlement terms' name. */
  readonly terms: { readonly name: string; readonly fromYear: number; readonly settlement: string }
  readonly reference: { readonly year: number; readonly providerYears: ReadonlyArray<number>; readonly peerYears: ReadonlyArray<number> }
  /** The prior savings credit in force this year (set at the period's rebase). */
  readonly savingsCredit?: Explained<Decimal>
  readonly benchmark: Explained<ContractYearBenchmark>
  readonly memberMonths: Decimal
  readonly riskScore: Decimal
  readonly actualPmpm: Decimal
  readonly counterfactualPmpm?: Decimal
  /** Per segment when the benchmark is computed per segment (benchmark.bySegment); `benchmark` is then their member-month-weighted whole. */
  readonly segments?: ReadonlyArray<SegmentYearResult>
  /** What the year was settled on: the same terms can settle another expenditure (the market view's counterfactual). */
  readonly settlementInput: SettlementInput
  readonly settlement: Explained<Settlement>
}

/** One segment's part of a contract year: its reference years, benchmark and experience. */
export interface SegmentYearResult {
  readonly segment: string
  readonly benchmark: Explained<ContractYearBenchmark>
  readonly memberMonths: Decimal
  readonly riskScore: Decimal
  readonly actualPmpm: Decimal
}

/** Sums over the contract years, exact. */
export interface ContractTotals {
  readonly benchmark: Decimal
  readonly expenditure: Decimal
  readonly gross: Decimal
  readonly sharedSavings: Decimal
  readonly sharedLosses: Decimal
  readonly providerNet: Decimal
  readonly payerNet: Decimal
}

/** Net figures discounted to contract start at `rate`. */
export interface PresentValue {
  readonly rate: Decimal
  readonly providerNet: Decimal
  readonly payerNet: Decimal
}

/** A contract run under one policy: every year, the totals, and the present value when the scenario asks for one. */
export interface ContractResult {
  readonly scenarioName: string
  readonly policyName: string
  readonly policyDescription: string
  readonly provider: string
  readonly years: ReadonlyArray<ContractYearResult>
  readonly totals: ContractTotals
  readonly presentValue?: PresentValue
}

const contractBaseline = (model: ContractModel): WeightedYears => ({ years: model.baselineYears, weights: model.baselineWeights })

/** The latest `weights.length` realised years before `year`, oldest first. */
const latestYears = (year: number, weights: ReadonlyArray<Decimal>): WeightedYears => ({
  years: weights.map((_, i) => year - weights.length + i),
  weights
})

const LAST_YEAR: ReadonlyArray<Decimal> = [ONE]

/** Where the provider baseline of contract year k comes from: weighted realised years, the previous reference kept, or a partial rebase. */
type RebaseSource = WeightedYears | "keep" | { readonly partial: Decimal }

const rebaseSource = (model: ContractModel, k: number, year: number): RebaseSource => {
  const policy = model.rebasing.rebasing
  if (k === 1) return contractBaseline(model)
  switch (policy.kind) {
    case "none":
      return "keep"
    case "annual":
      return latestYears(year, LAST_YEAR)
    case "periodic":
      return (k - 1) % policy.every === 0 ? latestYears(year, policy.weights) : "keep"
    case "rolling":
      return latestYears(year, policy.weights)
    case "partial":
      return { partial: policy.alpha }
  }
}

const partialProviderBaseline = (
  model: ContractModel,
  realised: RealisedExperience,
  observed: ObservedGrowth,
  previous: Reference,
  alpha: Decimal,
  year: number
): Explained<Decimal> => {
  const refYear = year - 1
  const fresh = providerBaselineFrom(model, realised, observed, latestYears(year, LAST_YEAR), `Provider experience ${refYear}`)
  const moved = moveBaseline(model, observed, previous.providerBaseline, previous.year, refYear, `Previous provider baseline in ${refYear} dollars`)
  // Restate the previous baseline from its own risk level to the new reference year's.
  const riskNow = cellOf(realised, model.provider, refYear).riskScore
  const restated = restateRiskExact(moved.value, riskNow, previous.riskBase)
  const value = partialRebaseExact(alpha, fresh.value, restated)
  return explained(
    value,
    derive({
      rule: "rebase.partial",
      label: `Provider baseline (partial rebase, α = ${alpha.toFixed()})`,
      formula: "α · realised + (1 − α) · previous × F × RS_now / RS_prev",
      inputs: [
        quantity("alpha", alpha, "weight"),
        quantity("realised", fresh.value, "pmpm"),
        quantity("previous, trended", moved.value, "pmpm"),
        quantity("risk now", riskNow, "risk"),
        quantity("risk of previous", previous.riskBase, "risk")
      ],
      output: quantity("provider baseline", value, "pmpm"),
      source: "docs/model.md §4 partial(α)",
      steps: [fresh.derivation, moved.derivation]
    })
  )
}

/** Peer baseline of the year, in the provider reference year's dollars. */
const peerFor = (
  model: ContractModel,
  realised: RealisedExperience,
  observed: ObservedGrowth,
  k: number,
  year: number,
  providerSource: WeightedYears,
  refYear: number
): { baseline: Explained<Decimal>; years: ReadonlyArray<number> } => {
  const source =
    model.peerRefresh === "fixed" || k === 1
      ? contractBaseline(model)
      : model.peerRefresh === "annual"
        ? latestYears(year, LAST_YEAR)
        : providerSource
  const own = source.years[source.years.length - 1]!
  const baseline = peerBaselineFrom(model, realised, observed, source, own, `Peer baseline ${source.years.join(", ")}`)
  if (own === refYear) return { baseline, years: source.years }
  // Restate to the provider's risk of the reference year as well as its dollars.
  const moved = moveBaseline(model, observed, baseline, own, refYear, `Peer baseline in ${refYear} dollars`)
  const riskThen = cellOf(realised, model.provider, own).riskScore
  const riskNow = cellOf(realised, model.provider, refYear).riskScore
  if (riskNow.eq(riskThen)) return { baseline: moved, years: source.years }
  const restated = restateRiskExact(moved.value, riskNow, riskThen)
  const atProviderRisk = explained(
    restated,
    derive({
      rule: "baseline.riskRestate",
      label: `Peer baseline at the provider's ${refYear} risk`,
      formula: "B × RS_provider,now ÷ RS_provider,then",
      inputs: [
        quantity(`peer baseline at the provider's ${own} risk`, moved.value, "pmpm"),
        quantity(`provider risk ${refYear}`, riskNow, "risk"),
        quantity(`provider risk ${own}`, riskThen, "risk")
      ],
      output: quantity("peer baseline", restated, "pmpm"),
      source: "42 CFR 425.656 (regional expenditure risk-adjusted to the ACO's case mix)",
      steps: [moved.derivation]
    })
  )
  return { baseline: atProviderRisk, years: source.years }
}

/** National per-capita PMPM of the reference year, when the scenario gives it (what MSSP's caps are shares of). */
const nationalPerCapitaOf = (model: ContractModel, year: number): Decimal | undefined => {
  if (!model.nationalPerCapita) return undefined
  const value = model.nationalPerCapita.get(year)
  if (!value) throw invalid("benchmark.nationalPerCapita", `${year}`, "is missing: every reference year needs a national per-capita figure")
  return value
}

/**
 * MSSP-style prior savings adjustment, set at a rebase for the whole new period: share × the
 * average per-capita savings of the last `years` contract years before it (every year of the
 * closing period when `years` is absent; a year before the contract counts as 0), capped at
 * cap × peer baseline.
 */
const savingsCreditFor = (
  model: ContractModel,
  closingPeriod: ReadonlyArray<ContractYearResult>,
  before: ReadonlyArray<ContractYearResult>,
  k: number,
  /** What the cap is a share of: the peer baseline, or national per capita when the scenario gives it. */
  capBasis: Decimal
): Explained<Decimal> | undefined => {
  const credit = model.rebasing.savingsCredit
  if (!credit) return undefined
  const counted: ReadonlyArray<{ readonly label: string; readonly perCapita: Decimal }> =
    credit.years === undefined
      ? closingPeriod.map((y) => ({ label: `${y.year}`, perCapita: y.settlement.value.gross.div(y.memberMonths) }))
      : Array.from({ length: credit.years }, (_, i) => {
          const contractYear = k - credit.years! + i
          const y = before[contractYear - 1]
          return y
            ? { label: `${y.year}`, perCapita: y.settlement.value.gross.div(y.memberMonths) }
            : { label: `${model.startYear + contractYear - 1} (before the contract: 0)`, perCapita: ZERO }
        })
  if (counted.length === 0) return undefined
  const { average, uncapped, cap, credit: value } = savingsCreditExact(
    counted.map((c) => c.perCapita),
    credit.share,
    credit.cap,
    capBasis
  )
  return explained(
    value,
    derive({
      rule: "rebase.savingsCredit",
      label: "Prior savings credit (for the whole period)",
      formula: model.nationalPerCapita ? "min(share × max(0, mean per-capita savings), cap × national per capita)" : "min(share × max(0, mean per-capita savings), cap × B_R)",
      inputs: [
        ...counted.map((c) => quantity(`savings PMPM ${c.label}`, c.perCapita, "pmpm")),
        quantity("share", credit.share, "rate"),
        quantity("cap", credit.cap, "rate"),
        quantity(
          model.nationalPerCapita
            ? "national per capita"
            : model.segments
              ? "peer baseline (the segments' weighted by the provider's reference-year member months)"
              : "peer baseline",
          capBasis,
          "pmpm"
        )
      ],
      output: quantity("credit", value, "pmpm"),
      source: "42 CFR 425.658 (prior savings adjustment: 50 % of the average per-capita savings of the 3 years before the agreement, capped at 5 % of national per capita)",
      notes: [average.lte(ZERO) ? "no average savings: no credit" : uncapped.gt(cap) ? "cap binds" : "cap does not bind"]
    })
  )
}

/**
 * What a contract year's benchmark is computed on: the provider's whole experience, or one segment
 * of it (benchmark.bySegment), each with the observed growth its trends read.
 */
interface BenchmarkView {
  readonly segment?: string
  readonly realised: RealisedExperience
  readonly observed: ObservedGrowth
}

const benchmarkViews = (model: ContractModel, realised: RealisedExperience, observed: ObservedGrowth): ReadonlyArray<BenchmarkView> =>
  model.segments
    ? model.segments.map((segment) => {
        const view = segmentView(realised, segment)
        // A segment's peers grow as that segment of the peers (MSSP: regional growth per enrollment type); the market as a whole.
        return { segment, realised: view, observed: lazyGrowth(() => observedGrowthOf(view, model.peers), () => observed.market) }
      })
    : [{ realised, observed }]

/**
 * Observed growth worked out only if a trend reads it: pooling every peer and the whole market
 * each year is most of a run's work for a large market, and fixed or scheduled trends never need it.
 */
const lazyGrowth = (peers: () => ObservedGrowth["peers"], market: () => ObservedGrowth["market"]): ObservedGrowth => {
  let peersGrowth: ObservedGrowth["peers"] | undefined
  let marketGrowth: ObservedGrowth["market"] | undefined
  return {
    get peers() {
      return (peersGrowth ??= peers())
    },
    get market() {
      return (marketGrowth ??= market())
    }
  }
}

/** The reference of contract year k on one view: rebuilt where the provider rebases, peers refreshed where they do, else kept. */
const referenceFor = (
  model: ContractModel,
  view: BenchmarkView,
  previous: Reference | undefined,
  source: RebaseSource,
  k: number,
  year: number
): Reference | undefined => {
  const { realised, observed } = view
  const where = view.segment === undefined ? "" : ` (${view.segment})`
  if (source !== "keep") {
    const partial = "partial" in source ? source.partial : undefined
    const providerSource: WeightedYears = "partial" in source ? latestYears(year, LAST_YEAR) : source
    const refYear = providerSource.years[providerSource.years.length - 1]!
    // A partial rebase needs a previous reference; year 1 (no reference yet) always takes the contract baseline.
    const providerBaseline =
      partial !== undefined && previous
        ? partialProviderBaseline(model, realised, observed, previous, partial, year)
        : providerBaselineFrom(model, realised, observed, providerSource, `Provider baseline ${providerSource.years.join(", ")}${where}`)
    const peer = peerFor(model, realised, observed, k, year, providerSource, refYear)
    return {
      year: refYear,
      providerYears: providerSource.years,
      peerYears: peer.years,
      providerBaseline,
      peerBaseline: peer.baseline,
      riskBase: cellOf(realised, model.provider, refYear).riskScore
    }
  }
  if (model.peerRefresh === "annual" && previous) {
    // Provider kept, peers refreshed from their last realised year.
    const peer = peerFor(model, realised, observed, k, year, latestYears(year, LAST_YEAR), previous.year)
    return { ...previous, peerYears: peer.years, peerBaseline: peer.baseline }
  }
  return previous
}

/** The year's risk ratio on one view: capped, with coding intensity and partial weight where the terms give them. */
const riskRatioFor = (terms: YearTerms, current: Decimal, base: Decimal, caps: RiskCaps): Explained<Decimal> =>
  terms.codingIntensity === undefined && terms.riskWeight === undefined
    ? riskRatio({ current, base, caps })
    : effectiveRiskRatio({
        current,
        base,
        caps,
        ...(terms.codingIntensity === undefined ? {} : { coding: { adjustment: { form: "deflate", rate: terms.codingIntensity }, stage: "beforeRatio" } }),
        ...(terms.riskWeight === undefined ? {} : { weight: terms.riskWeight })
      })

/**
 * MSSP 2024+ (42 CFR 425.605(a)(1)): the upward cap applies to the segments only when their
 * aggregate risk growth, weighted by historical benchmark × performance-year member months,
 * exceeds it. The caps each segment's ratio is taken with, and why.
 */
const aggregateRiskCaps = (
  terms: YearTerms,
  parts: ReadonlyArray<{ readonly segment: string; readonly growth: Decimal; readonly weight: Decimal }>
): { readonly caps: RiskCaps; readonly derivation: Derivation } => {
  const up = terms.riskCaps.up!
  const total = sum(parts.map((p) => p.weight))
  const aggregate = sum(parts.map((p) => p.weight.mul(p.growth))).div(total)
  const triggered = aggregate.gt(ONE.add(up))
  const { up: _dropped, ...withoutUp } = terms.riskCaps
  return {
    caps: triggered ? terms.riskCaps : withoutUp,
    derivation: derive({
      rule: "risk.aggregateTrigger",
      label: "Risk cap trigger across segments",
      formula: "cap applies to each segment iff Σ w_s · RS_s/RS_base,s ÷ Σ w_s > 1 + cap, w_s = historical benchmark_s × MM_s",
      inputs: [
        ...parts.flatMap((p) => [quantity(`${p.segment} risk growth`, p.growth, "factor"), quantity(`${p.segment} weight`, p.weight, "money")]),
        quantity("cap", up, "rate")
      ],
      output: quantity("aggregate risk growth", aggregate, "factor"),
      source: "42 CFR 425.605(a)(1) as amended for agreements from 2024 (cap = demographic growth + 3 points, applied only when the aggregate growth exceeds it)",
      notes: [triggered ? "aggregate growth exceeds the cap: each segment is capped" : "aggregate growth within the cap: no segment is capped"]
    })
  }
}

/** The segments' benchmarks as one: member-month-weighted PMPMs, the benchmark PMPM being Σ B_s·MM_s ÷ Σ MM_s. */
const segmentedBenchmark = (parts: ReadonlyArray<SegmentYearResult>, memberMonths: Decimal, decided: ReadonlyArray<Derivation>): Explained<ContractYearBenchmark> => {
  const weighted = (pick: (b: ContractYearBenchmark) => Decimal) => sum(parts.map((p) => pick(p.benchmark.value).mul(p.memberMonths))).div(memberMonths)
  const value: ContractYearBenchmark = {
    providerBaseline: weighted((b) => b.providerBaseline),
    peerBaseline: weighted((b) => b.peerBaseline),
    adjustment: weighted((b) => b.adjustment),
    blended: weighted((b) => b.blended),
    savingsCredit: weighted((b) => b.savingsCredit),
    beforeTrend: weighted((b) => b.beforeTrend),
    trendFactor: weighted((b) => b.trendFactor),
    trended: weighted((b) => b.trended),
    riskRatio: weighted((b) => b.riskRatio),
    riskAdjusted: weighted((b) => b.riskAdjusted),
    discount: weighted((b) => b.discount),
    discounted: weighted((b) => b.discounted),
    equityAddOn: weighted((b) => b.equityAddOn),
    benchmarkPmpm: weighted((b) => b.benchmarkPmpm)
  }
  return explained(
    value,
    derive({
      rule: "benchmark.segments",
      label: "Benchmark over the segments",
      formula: "B = Σ_s B_s × MM_s ÷ Σ_s MM_s (each segment's benchmark computed on its own, weighted by the year's member months)",
      inputs: parts.flatMap((p) => [quantity(`${p.segment} benchmark`, p.benchmark.value.benchmarkPmpm, "pmpm"), quantity(`${p.segment} member months`, p.memberMonths, "count")]),
      output: quantity("benchmark PMPM", value.benchmarkPmpm, "pmpm"),
      source: "42 CFR 425.652(a), 425.605(a)(2) (benchmark per enrollment type, weighted by the performance year's mix); docs/rules/segments.md",
      notes: ["the other lines of this benchmark are the same member-month-weighted averages of the segments' figures; each segment's own derivation is a step of this one"],
      steps: [...decided, ...parts.map((p) => p.benchmark.derivation)]
    })
  )
}

/**
 * Run one contract (one policy) over realised experience: each contract year's reference
 * (rebasing), glide-path weight, benchmark (blend, trend, risk, discount, rounding) and
 * settlement (docs/model.md §3–§6); per segment where the benchmark is computed per segment.
 */
export const runContract = (model: ContractModel, realised: RealisedExperience): ContractResult => {
  poolPeersAsMarketLess(model.peers, model.entities, model.provider)
  const observed = lazyGrowth(
    () => observedGrowthOf(realised, model.peers),
    () => observedGrowthOf(realised, model.entities)
  )
  const views = benchmarkViews(model, realised, observed)
  const single = views.length === 1 && views[0]!.segment === undefined
  const results: Array<ContractYearResult> = []
  const references: Array<Reference | undefined> = views.map(() => undefined)
  let periodStart = 1
  let credit: Explained<Decimal> | undefined
  // Advance investment payments not yet recouped, carried from year to year (42 CFR 425.630(g)(1)).
  const advances = model.terms.some((t) => t.advanceInvestment !== undefined)
  let advanceOutstanding = ZERO
  for (let k = 1; k <= model.years; k++) {
    const year = model.startYear + k - 1
    const source = rebaseSource(model, k, year)
    const rebased = k > 1 && source !== "keep"
    views.forEach((view, v) => {
      references[v] = referenceFor(model, view, references[v], source, k, year)
    })
    const refs = references.map((r) => {
      if (!r) throw invalid("rebasing", `year ${k}`, "has no reference to keep")
      return r
    })
    const reference = refs[0]!
    // Each segment's member months in the reference year: how segments are weighted where a rule reads their whole.
    const refWeights = views.map((view) => cellOf(view.realised, model.provider, reference.year).memberMonths)
    const acrossRef = (pick: (r: Reference) => Decimal) =>
      single ? pick(reference) : sum(refs.map((r, v) => pick(r).mul(refWeights[v]!))).div(sum(refWeights))
    // What caps are shares of: national per capita of the reference year when given, else the peer baseline.
    const national = nationalPerCapitaOf(model, reference.year)
    // The credit is set at a rebase and holds for the whole period that the rebase opens; one amount for every segment.
    if (rebased) credit = savingsCreditFor(model, results.slice(periodStart - 1), results, k, national ?? acrossRef((r) => r.peerBaseline.value))
    if (rebased) periodStart = k
    const terms = model.terms[k - 1]
    if (!terms) throw invalid("terms", `year ${k}`, "are missing")
    const glideIndex = model.rebasing.glidePathOnRebase === "restart" ? k - periodStart : k - 1
    const sided = terms.peerWeightBySide
    // MSSP's regional weight depends on whether the ACO spends below (higher weight) or above its region, on the segments' whole.
    const below = acrossRef((r) => r.peerBaseline.value.sub(r.providerBaseline.value)).gt(ZERO)
    const providerWeight = sided ? ONE.sub(below ? sided.belowPeers : sided.abovePeers) : (terms.providerWeight ?? model.glidePath[glideIndex])
    const providerWeightSource = sided
      ? `1 − ${(below ? sided.belowPeers : sided.abovePeers).toFixed()}, the peer weight for a provider ${below ? "below" : "at or above"} its peers${single ? "" : " over all segments (not this segment alone)"} (peer weights by side, 42 CFR 425.656(b))`
      : terms.providerWeight !== undefined
        ? `set by the schedule (${terms.name})`
        : `glide path, contract year ${glideIndex + 1}${model.rebasing.glidePathOnRebase === "restart" ? " of the period" : ""}`
    if (!providerWeight) throw invalid("glidePath", `year ${k}`, "has no provider weight")

    const benchmarkOn = (view: BenchmarkView, ref: Reference, risk: Explained<Decimal>, trend = terms.trend) =>
      contractYearBenchmark({
        providerBaseline: ref.providerBaseline,
        peerBaseline: ref.peerBaseline,
        providerWeight,
        providerWeightSource,
        caps: terms.convergenceCaps,
        ...(national ? { capBasis: national } : {}),
        ...(credit ? { savingsCredit: credit, creditRule: model.rebasing.savingsCredit?.withRegional ?? "add" } : {}),
        trendFactor: trendFactor(trend, ref.year, year, view.observed),
        riskRatio: risk,
        discount: terms.discount,
        ...(terms.equityAddOn ? { equityAddOn: healthEquityAddOn(terms.equityAddOn) } : {}),
        rounding: model.rounding
      })
    const cells = views.map((view) => cellOf(view.realised, model.provider, year))
    // 2024+ MSSP risk cap across segments: weights are each segment's adjusted historical benchmark (before trend) × this year's member months.
    const trigger =
      !single && terms.riskCapAggregateTrigger && terms.riskCaps.up !== undefined
        ? aggregateRiskCaps(
            terms,
            views.map((view, v) => ({
              segment: view.segment!,
              growth: cells[v]!.riskScore.div(refs[v]!.riskBase),
              weight: benchmarkOn(view, refs[v]!, riskRatio({ current: ONE, base: ONE, caps: {} })).value.beforeTrend.mul(cells[v]!.memberMonths)
            }))
          )
        : undefined
    const risks = views.map((_, v) => riskRatioFor(terms, cells[v]!.riskScore, refs[v]!.riskBase, trigger ? trigger.caps : terms.riskCaps))
    const parts: Array<SegmentYearResult> = views.map((view, v) => {
      const cell = cells[v]!
      const benchmark = benchmarkOn(view, refs[v]!, risks[v]!)
      return { segment: view.segment ?? "", benchmark, memberMonths: cell.memberMonths, riskScore: cell.riskScore, actualPmpm: cell.cost.div(cell.memberMonths) }
    })
    const cell = cellOf(realised, model.provider, year)
    // The side of the peers decided on the whole, shown beside the segments it applies to.
    const side =
      !single && sided
        ? derive({
            rule: "benchmark.segmentSide",
            label: "Side of the peers, over the segments",
            formula: "below the peers iff Σ_s MM_ref,s × (B_R,s − B_P,s) > 0",
            inputs: views.flatMap((view, v) => [
              quantity(`${view.segment} member months ${reference.year}`, refWeights[v]!, "count"),
              quantity(`${view.segment} B_R − B_P`, refs[v]!.peerBaseline.value.sub(refs[v]!.providerBaseline.value), "pmpm")
            ]),
            output: quantity("Σ MM × (B_R − B_P)", sum(refs.map((r, v) => r.peerBaseline.value.sub(r.providerBaseline.value).mul(refWeights[v]!))), "money"),
            source: "42 CFR 425.656(b), 425.601(f) (lower or higher spending on the person-year-weighted sum over enrollment types)",
            notes: [`${below ? "below" : "at or above"} its peers: peer weight ${(below ? sided.belowPeers : sided.abovePeers).toFixed()} in every segment`]
          })
        : undefined
    const benchmark = single
      ? parts[0]!.benchmark
      : segmentedBenchmark(parts, cell.memberMonths, [...(side ? [side] : []), ...(trigger ? [trigger.derivation] : [])])
    // Total dollars: the rounded PMPM × member months, per segment where segmented.
    const totalOf = (pmpms: ReadonlyArray<Decimal>) =>
      single ? pmpms[0]!.mul(cell.memberMonths) : sum(pmpms.map((pmpm, v) => pmpm.mul(parts[v]!.memberMonths)))
    const benchmarkTotal = totalOf(parts.map((p) => p.benchmark.value.benchmarkPmpm))
    // MSSP's loss guardrail: the same benchmark with the guardrail's update (the two-way blend), every other step unchanged.
    const guardrailTrend = terms.guardrailTrend
    const guardrailBenchmark = guardrailTrend
      ? totalOf(views.map((view, v) => benchmarkOn(view, refs[v]!, risks[v]!, guardrailTrend).value.benchmarkPmpm))
      : undefined
    const quality = terms.quality
    const settlementInput: SettlementInput = {
      benchmark: benchmarkTotal,
      expenditure: cell.cost,
      assignedMembers: terms.assignedBeneficiaries ?? cell.memberMonths.div(12),
      qualityScore: quality.score,
      qualityMultiplier: quality.savingsMultiplier,
      meetsQualityStandard: quality.meetsStandard,
      ...(terms.revenue === undefined ? {} : { revenue: terms.revenue }),
      ...(guardrailBenchmark === undefined ? {} : { guardrailBenchmark }),
      ...(quality.derivation ? { qualityDerivation: quality.derivation } : {}),
      ...(advances ? { advance: { received: terms.advanceInvestment ?? ZERO, outstanding: advanceOutstanding } } : {})
    }
    const settlement = settle(terms.settlement, settlementInput)
    if (settlement.value.advance) advanceOutstanding = settlement.value.advance.balance
    const counterfactual = realised.counterfactualPmpm.get(model.provider)?.[k - 1]
    results.push({
      contractYear: k,
      year,
      providerWeight,
      rebased,
      terms: { name: terms.name, fromYear: terms.fromYear, settlement: terms.settlement.name },
      reference: { year: reference.year, providerYears: reference.providerYears, peerYears: reference.peerYears },
      ...(credit ? { savingsCredit: credit } : {}),
      benchmark,
      memberMonths: cell.memberMonths,
      riskScore: cell.riskScore,
      actualPmpm: cell.cost.div(cell.memberMonths),
      ...(counterfactual ? { counterfactualPmpm: counterfactual } : {}),
      ...(single ? {} : { segments: parts }),
      settlementInput,
      settlement
    })
  }
  const total = (pick: (s: Settlement) => Decimal) => sum(results.map((r) => pick(r.settlement.value)))
  const totals: ContractTotals = {
    benchmark: total((s) => s.benchmark),
    expenditure: total((s) => s.expenditure),
    gross: total((s) => s.gross),
    sharedSavings: total((s) => s.sharedSavings),
    sharedLosses: total((s) => s.sharedLosses),
    providerNet: total((s) => s.providerNet),
    payerNet: total((s) => s.payerNet)
  }
  return {
    scenarioName: model.scenarioName,
    policyName: model.policyName,
    policyDescription: model.policyDescription,
    provider: model.provider,
    years: results,
    totals,
    ...(model.presentValueRate ? { presentValue: presentValue(model.presentValueRate, results) } : {})
  }
}

/** Settlements happen after each year ends: year k is discounted k years to contract start. */
export const presentValue = (rate: Decimal, years: ReadonlyArray<ContractYearResult>): PresentValue => {
  const discount = (k: number) => ONE.add(rate).pow(k)
  return {
    rate,
    providerNet: sum(years.map((y) => y.settlement.value.providerNet.div(discount(y.contractYear)))),
    payerNet: sum(years.map((y) => y.settlement.value.payerNet.div(discount(y.contractYear))))
  }
}

