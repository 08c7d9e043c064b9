import type { SettlementYearFloat } from "@pbpsim/benchmark/compute"

/**
 * A scenario compiled for the Monte Carlo kernel: plain numbers and typed arrays only, so it
 * crosses to worker threads by structured clone and the hot loop never touches Effect or
 * decimal.js. `compile.ts` builds it from ContractModels (with the exact rules where a figure
 * is fixed before any draw); `kernel.ts` runs it.
 */

/** Growth rate of a calendar year as a linear form: c + p·g_peers + m·g_market, then cap and floor. */
export interface TrendPlan {
  /** Per calendar index: constant part (fixed/schedule rates, deduction folded in); NaN where a schedule has no rate. */
  readonly constant: Float64Array
  /** Per calendar index: weight on the peers' observed growth. */
  readonly peers: Float64Array
  /** Per calendar index: weight on the market's observed growth. */
  readonly market: Float64Array
  /** +Infinity when absent. */
  readonly cap: number
  /** −Infinity when absent. */
  readonly floor: number
}

/** How realised experience is generated: shared by the policies whose projection inputs are identical. */
export interface WorldPlan {
  /** Per row: the row of the draw layout it takes its draws from (index into SimulationPlan.entities). */
  readonly drawRow: Int32Array
  /** Rows of this world: its entities first (`entityRows` of them), then one row per segment of each party of a segmented benchmark. */
  readonly entities: number
  readonly entityRows: number
  /** Per row: its segment ("" for an entity row) and its entity's index. */
  readonly segmentOfRow: ReadonlyArray<string>
  readonly entityOfRow: Int32Array
  /** Calendar span: calendar index t = year − firstYear; `calendarYears` = T. */
  readonly firstYear: number
  readonly calendarYears: number
  /** Calendar index of contract year 1. */
  readonly startIndex: number
  readonly years: number
  /** Per entity × calendar index (e·T + t): history cells (NaN where the entity has no experience that year). */
  readonly historyCost: Float64Array
  readonly historyMemberMonths: Float64Array
  readonly historyRisk: Float64Array
  /** Per entity × contract year (e·Y + k): the deterministic projection. */
  readonly memberMonths: Float64Array
  readonly risk: Float64Array
  /** Counterfactual total cost (PMPM_cf × member months). */
  readonly counterfactualCost: Float64Array
  /** Planned savings level. */
  readonly savingsPlan: Float64Array
  /** 1 where the scenario gives the entity-year's actual experience: cost and risk fixed (counterfactualCost holds the actual cost), no draw applies. */
  readonly actual: Uint8Array
  /** 1 / √(members) with members = member months ÷ 12: the scale of the per-entity cost shock. */
  readonly memberScale: Float64Array
  readonly marketTrendSd: number
  readonly memberCostSd: number
  readonly savingsSd: number
  readonly riskDriftSd: number
  /** Pooled sets (market first, then each distinct peer group): member entity indices. */
  readonly sets: ReadonlyArray<Int32Array>
}

/** Settlement terms of each contract year with its rates resolved (the float form the compute module settles with). */
export interface SettlementPlan {
  readonly years: ReadonlyArray<SettlementYearFloat>
}

export const REBASE_NONE = 0
export const REBASE_ANNUAL = 1
export const REBASE_PERIODIC = 2
export const REBASE_ROLLING = 3
export const REBASE_PARTIAL = 4

export const PEER_WITH_REBASE = 0
export const PEER_ANNUAL = 1
export const PEER_FIXED = 2

export interface PolicyPlan {
  readonly name: string
  readonly world: number
  /** Provider's entity index within its world. */
  readonly provider: number
  /** Index of the peer set in world.sets (0 is the market). */
  readonly peerSet: number
  /**
   * What each benchmark is computed on: the provider's row and the peer set, one pair per segment
   * when `segmented` (benchmark.bySegment), else the single pair [provider], [peerSet].
   */
  readonly segmented: boolean
  readonly providerRows: Int32Array
  readonly peerSets: Int32Array
  /** Per contract year: 1 where the risk cap applies only if the segments' aggregate growth exceeds it (MSSP 2024+). */
  readonly riskTrigger: Uint8Array
  readonly startYear: number
  readonly years: number
  /** Calendar indices of the contract baseline years (ascending) and their weights. */
  readonly baselineIndex: Int32Array
  readonly baselineWeights: Float64Array
  readonly historicalTrend: TrendPlan
  /** Percentile of the peers' own baselines that is the peer figure; NaN: the pooled peers. */
  readonly peerPercentile: number
  /** The distinct trends of the contract years, and which one each contract year uses. */
  readonly trends: ReadonlyArray<TrendPlan>
  readonly trendOfYear: Int32Array
  /** Per contract year: which of `trends` the loss guardrail recalculates the benchmark with; −1 where there is no guardrail. */
  readonly guardrailOfYear: Int32Array
  readonly glidePath: Float64Array
  /** Per contract year: the schedule's provider weight, NaN where the glide path's applies. */
  readonly providerWeight: Float64Array
  /** Per contract year: peer weight when the provider is below / above the peers; NaN where not by side. */
  readonly peerWeightBelow: Float64Array
  readonly peerWeightAbove: Float64Array
  /** Per calendar index: national per-capita PMPM that caps are shares of; NaN: the peer baseline. */
  readonly nationalPerCapita: Float64Array
  /** Per contract year: convergence caps as shares of the peer baseline; +Infinity when absent. */
  readonly capUp: Float64Array
  readonly capDown: Float64Array
  /** Per contract year: 1 where a negative convergence adjustment is not applied. */
  readonly noNegative: Uint8Array
  /** Per contract year: offset factor on a negative convergence adjustment (0 for none). */
  readonly negativeOffset: Float64Array
  /** Per contract year: 1 where coding intensity or a risk weight applies (effectiveRiskRatioFloat), 0 for the plain ratio. */
  readonly riskExtended: Uint8Array
  /** Per contract year: multiplier on the current risk score (1 − coding intensity; 1 for none) and the risk weight (1 for full). */
  readonly codingBefore: Float64Array
  readonly riskWeight: Float64Array
  /** Per contract year: the equity add-on PMPM after the discount (0 for none). */
  readonly equityAddOn: Float64Array
  /** Per contract year: risk ratio bounds [1 − down, 1 + up], ±Infinity when absent. */
  readonly riskFloor: Float64Array
  readonly riskCeiling: Float64Array
  readonly discount: Float64Array
  readonly roundingPlaces: number
  /** roundingModeCode of the benchmark's rounding mode. */
  readonly roundingMode: number
  readonly peerRefresh: number
  readonly rebasing: number
  readonly rebaseEvery: number
  /** Weights of the latest realised years, oldest first (periodic and rolling). */
  readonly rebaseWeights: Float64Array
  readonly alpha: number
  /** Savings credit share and cap (share of the peer baseline); NaN share when there is no credit. */
  readonly creditShare: number
  readonly creditCap: number
  /** Contract years before a rebase the credit averages; 0: every year of the closing period. */
  readonly creditYears: number
  /** CREDIT_ADD or CREDIT_HIGHER (compute/benchmark.ts). */
  readonly creditRule: number
  readonly glideRestart: boolean
  readonly settlement: SettlementPlan
  /** Per contract year: advance investment payments received (0 for none), recouped from shared savings (42 CFR 425.630). */
  readonly advanceReceived: Float64Array
}

/** Policies compiled for the float kernel (compileSimulation). Treat as opaque: hand it to simulatePlan and mergeStates. */
export interface SimulationPlan {
  /** Every entity any policy's market holds, in first-seen order: the rows of the draw layout. */
  readonly entities: ReadonlyArray<string>
  /** Contract years of the draw layout (the longest policy). */
  readonly years: number
  readonly worlds: ReadonlyArray<WorldPlan>
  readonly policies: ReadonlyArray<PolicyPlan>
  /** Which draw streams exist (a stream whose sd is 0 in every policy is not drawn). */
  readonly streams: { readonly market: boolean; readonly memberCost: boolean; readonly savings: boolean; readonly riskDrift: boolean }
}

/** Per contract year outputs the kernel writes for each policy, in this order. */
export const YEAR_FIELDS = ["benchmarkPmpm", "actualPmpm", "sharedSavings", "sharedLosses", "providerNet", "payerNet", "expenditure", "outcome"] as const
export const FIELD_COUNT = YEAR_FIELDS.length
export const F_BENCHMARK = 0
export const F_ACTUAL = 1
export const F_SAVINGS = 2
export const F_LOSSES = 3
export const F_PROVIDER = 4
export const F_PAYER = 5
export const F_EXPENDITURE = 6
/** Settled outcome code (OUTCOME_CODE): ±2 savings paid / loss owed, ±1 qualified but nothing moved, 0 neither. */
export const F_OUTCOME = 7

/** Length of one trial's draw vector: market shocks, then per entity-year cost, savings and risk shocks. */
export const drawLength = (plan: SimulationPlan): number => {
  const cells = plan.entities.length * plan.years
  return (
    (plan.streams.market ? plan.years : 0) +
    (plan.streams.memberCost ? cells : 0) +
    (plan.streams.savings ? cells : 0) +
    (plan.streams.riskDrift ? cells : 0)
  )
}
