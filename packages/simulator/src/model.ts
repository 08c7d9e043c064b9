import type { ConvergenceCaps, Derivation, RiskCaps, Rounding, SettlementTerms, TrendPolicy } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"

/**
 * A contract as the engine runs it: one scenario with one policy overlay applied, every
 * default filled in and every per-year list expanded to the contract's length. The scenario
 * file (scenario/) is what people write; this is what the engine and the Monte Carlo kernel read.
 */

export interface ExperienceRecord {
  readonly entity: string
  readonly group?: string
  readonly segment?: string
  readonly year: number
  readonly memberMonths: Decimal
  readonly cost: Decimal
  readonly riskScore: Decimal
}

/** How the provider baseline moves during the contract. */
export type Rebasing =
  /** "Trending": the provider baseline is fixed at contract start and trended forward. */
  | { readonly kind: "none" }
  /** Each year's provider baseline is the previous year's realised risk-adjusted PMPM. */
  | { readonly kind: "annual" }
  /** Reset every `every` years (agreement periods) from the latest realised years, weights oldest first. */
  | { readonly kind: "periodic"; readonly every: number; readonly weights: ReadonlyArray<Decimal> }
  /** Every year, the weighted average of the latest realised years, weights oldest first. */
  | { readonly kind: "rolling"; readonly weights: ReadonlyArray<Decimal> }
  /** Every year, alpha × last realised + (1 − alpha) × previous provider baseline trended. */
  | { readonly kind: "partial"; readonly alpha: Decimal }

/**
 * MSSP-style prior savings adjustment, set at each rebase and applied in every year of the new
 * period: share × average per-capita savings of the last `years` contract years (all of the
 * closing period when absent), capped at cap × peer baseline (or × national per capita when the
 * scenario gives it). `withRegional` says whether it is
 * added to the convergence adjustment or replaces it when higher (42 CFR 425.652(a)(8), 2024+).
 */
export interface SavingsCreditTerms {
  readonly share: Decimal
  readonly cap: Decimal
  readonly years?: number
  readonly withRegional: "add" | "higher"
}

/** Rebasing with its savings credit and what the glide path does at a rebase. */
export interface RebasingPolicy {
  readonly rebasing: Rebasing
  readonly savingsCredit?: SavingsCreditTerms
  /** At a rebase the glide path continues (year index of the contract) or restarts at its first weight. */
  readonly glidePathOnRebase: "continue" | "restart"
}

/** Planned path of an entity over the contract years (index 0 = contract year 1). */
export interface EntityProjection {
  /** Savings level below counterfactual cost per contract year: actual = counterfactual × (1 − savings). */
  readonly savings: ReadonlyArray<Decimal>
  /** Annual growth of member months. */
  readonly memberGrowth: Decimal
  /** Annual change of the risk score (0.01 = +1 % a year). */
  readonly riskDrift: Decimal
}

/** Monte Carlo assumptions (docs/model.md §8); plain numbers because they feed the float kernel only. */
export interface StochasticAssumptions {
  /** sd of the market trend shock per year, log scale. */
  readonly marketTrendSd: number
  /** sd of one member-year's cost, log scale; an entity-year draws N(0, memberCostSd / √members). */
  readonly memberCostSd: number
  /** sd of achieved savings around the plan, absolute. */
  readonly savingsSd: number
  /** sd of the risk score drift shock per year. */
  readonly riskDriftSd: number
}

/** The terms in force in one contract year: the base terms with every schedule entry up to that year applied. */
export interface YearTerms {
  /** Name of the schedule entry in force ("base terms" before the first entry). */
  readonly name: string
  /** Contract year from which these terms have applied (1 for the base terms). */
  readonly fromYear: number
  /** Trend from the baseline reference year to this year. */
  readonly trend: TrendPolicy
  /** MSSP loss guardrail (42 CFR 425.652(b)(5)): the trend of the recalculated benchmark a qualifying loss is re-settled on; absent: none. */
  readonly guardrailTrend?: TrendPolicy
  readonly convergenceCaps: ConvergenceCaps
  readonly riskCaps: RiskCaps
  /**
   * MSSP 2024+ (42 CFR 425.605(a)(1)): the upward risk cap applies only when the aggregate risk growth
   * across segments exceeds it (set when the scenario gives demographicChange); with one segment the
   * trigger changes nothing.
   */
  readonly riskCapAggregateTrigger?: boolean
  /** Coding-intensity adjustment on the current risk score (× (1 − rate)); absent: none. */
  readonly codingIntensity?: Decimal
  /** Share of the risk change the benchmark follows; absent: 1. */
  readonly riskWeight?: Decimal
  /** Health equity add-on per member per month after the discount; absent: none. */
  readonly equityAddOn?: { readonly upShare: Decimal; readonly upAmount: Decimal; readonly downShare?: Decimal; readonly downAmount?: Decimal }
  /** Peer weight 1 − λ by the side of the peers the provider's baseline is on; replaces λ when present (MSSP regional adjustment). */
  readonly peerWeightBySide?: { readonly belowPeers: Decimal; readonly abovePeers: Decimal }
  /** Provider weight λ set by the schedule for this year; absent: the glide path's. */
  readonly providerWeight?: Decimal
  /** Discount of the year (0 for none; negative: a premium). */
  readonly discount: Decimal
  readonly settlement: SettlementTerms
  /** Assigned beneficiaries of the year for the variable MSR/MLR table; absent: member months ÷ 12. */
  readonly assignedBeneficiaries?: Decimal
  /** Participants' fee-for-service revenue of the year, for a revenue-based loss limit; absent when not given. */
  readonly revenue?: Decimal
  /**
   * Quality of the year: score (drives quality-linked loss rates), savings multiplier, standard met
   * (the standard or MSSP's alternative); `derivation` when they were derived from the standard's
   * inputs (42 CFR 425.512, msspQualityStandard) rather than given.
   */
  readonly quality: { readonly score: Decimal; readonly savingsMultiplier: Decimal; readonly meetsStandard: boolean; readonly derivation?: Derivation }
  /** Advance investment payments received in the year (MSSP 42 CFR 425.630), recouped from this and later years' shared savings; absent: none. */
  readonly advanceInvestment?: Decimal
}

/** One policy of a scenario, resolved: what runPolicy and the Monte Carlo compile read (resolvePolicy builds it). */
export interface ContractModel {
  readonly scenarioName: string
  readonly policyName: string
  readonly policyDescription: string
  /** Every entity of the market, in file order. */
  readonly entities: ReadonlyArray<string>
  readonly provider: string
  /** Peer group members; includes the provider when `peerIncludesProvider`. */
  readonly peers: ReadonlyArray<string>
  readonly peerIncludesProvider: boolean
  /** Experience rows, groups and segments kept as given: history before the contract, actual experience in contract years (replacing the projection). */
  readonly experience: ReadonlyArray<ExperienceRecord>
  /** The provider's segments, in file order, when the benchmark is computed per segment (benchmark.bySegment); absent: one benchmark on the summed experience. */
  readonly segments?: ReadonlyArray<string>
  readonly startYear: number
  readonly years: number
  /** Baseline years (ascending) and their weights (sum 1). */
  readonly baselineYears: ReadonlyArray<number>
  readonly baselineWeights: ReadonlyArray<Decimal>
  /** Trend that brings each baseline year to the last baseline year. */
  readonly historicalTrend: TrendPolicy
  /** The peer figure: the pooled peers (absent) or this percentile of the peers' own baselines, member-month weighted. */
  readonly peerPercentile?: Decimal
  /** National per-capita expenditure PMPM by calendar year: when present, what convergence caps and the savings credit cap are shares of (in the reference year). */
  readonly nationalPerCapita?: ReadonlyMap<number, Decimal>
  /** Provider weight λ per contract year (length = years); 1 = all provider, 0 = all peer. A schedule's providerWeight takes precedence. */
  readonly glidePath: ReadonlyArray<Decimal>
  /** The terms in force in each contract year (length = years). */
  readonly terms: ReadonlyArray<YearTerms>
  readonly rounding: Rounding
  /** Peer component: follows the provider's reference years ("with-rebase"), refreshed every year from the peers' last realised year ("annual"), or fixed at contract start ("fixed"). */
  readonly peerRefresh: "with-rebase" | "annual" | "fixed"
  readonly rebasing: RebasingPolicy
  /** Market-wide cost trend per contract year (length = years). */
  readonly marketTrend: ReadonlyArray<Decimal>
  /** Projection per entity (every entity has one; defaults filled in). */
  readonly projection: ReadonlyMap<string, EntityProjection>
  /** Annual rate to discount yearly results to contract start; absent = no present value. */
  readonly presentValueRate?: Decimal
  readonly stochastic: StochasticAssumptions
}

/** The settlement terms' names over the contract, each once in order ("BASIC Level A → … → BASIC Level E"). */
export const settlementTermsName = (model: Pick<ContractModel, "terms">): string =>
  [...new Set(model.terms.map((t) => t.settlement.name))].join(" → ")
