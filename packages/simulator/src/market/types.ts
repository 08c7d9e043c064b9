import type { Decimal } from "decimal.js"

/**
 * The market view of a scenario (`pbpsim market`, docs/market.md): every provider's contract under
 * each policy, who takes part, what the programme costs the payer, and how benchmarks converge.
 * Money is exact (decimal.js); a participation chance weighs each provider-year's figures.
 */

/** One provider's contract year under one policy. */
export interface MarketProviderYear {
  readonly year: number
  readonly memberMonths: Decimal
  readonly riskScore: Decimal
  /** The year's rounded benchmark PMPM, and benchmark PMPM ÷ risk score. */
  readonly benchmarkPmpm: Decimal
  readonly benchmarkPerRisk: Decimal
  /** Actual PMPM ÷ risk score (the cost convergence is measured on). */
  readonly costPerRisk: Decimal
  /** Benchmark total B, expenditure E (the projection, savings plan included) and the no-programme counterfactual CF = counterfactual PMPM × member months. */
  readonly benchmark: Decimal
  readonly expenditure: Decimal
  readonly counterfactual: Decimal
  readonly sharedSavings: Decimal
  readonly sharedLosses: Decimal
  readonly providerNet: Decimal
  /** Shared savings the same terms would pay at E = CF (the provider changing nothing), at most sharedSavings; earned = sharedSavings − windfall. */
  readonly windfall: Decimal
  readonly earned: Decimal
  /** Incentive power of the year (provider net per dollar of cost cut); absent when not measured. */
  readonly incentivePower?: Decimal
  /** The decision of this year: expected net payment rate over the horizon (a share of the benchmark). */
  readonly expectedNetRate: Decimal
  /** Chance of being in the programme this year (0 or 1 under mandatory and threshold rules). */
  readonly participation: Decimal
}

export interface MarketProvider {
  readonly entity: string
  readonly name: string
  readonly peerGroup: string
  /** Peers pooled into its peer figure. */
  readonly peerCount: number
  /** Its risk-adjusted PMPM ÷ its peer group's pooled risk-adjusted PMPM, in the last baseline year (below 1: cheaper than its peers), whatever peer figure the policy uses. */
  readonly baselineRelative: Decimal
  readonly years: ReadonlyArray<MarketProviderYear>
}

/** Dispersion across providers of one figure in one year: each provider one value, unweighted. */
export interface Dispersion {
  readonly mean: Decimal
  /** Population standard deviation ÷ mean. */
  readonly cv: Decimal
  /** Nearest-rank 10th and 90th percentiles and their ratio. */
  readonly p10: Decimal
  readonly p90: Decimal
  readonly p90p10: Decimal
}

/** The market under one policy in one contract year; money is Σ over providers of participation × figure. */
/**
 * The money of the programme to the payer: each year's (MarketYear), and summed over the contract
 * (MarketPolicyRun.totals).
 */
export interface MarketTotals {
  /** Σ CF over every provider: the payer's spending with no programme. */
  readonly counterfactualSpending: Decimal
  /** Σ participation × (E + net payment) + (1 − participation) × CF. */
  readonly programmeSpending: Decimal
  /** programmeSpending − counterfactualSpending: what the programme costs the payer (negative: it saves). */
  readonly programmeCost: Decimal
  readonly savingsPaid: Decimal
  readonly lossesCollected: Decimal
  readonly earned: Decimal
  readonly windfall: Decimal
  /** Σ participation × (CF − E): cost actually reduced by participants. */
  readonly costReduction: Decimal
  /** Σ (1 − participation) × CF, and Σ (1 − participation) × (CF − E): what non-participants cost, and the reduction they would have made. */
  readonly nonParticipantSpending: Decimal
  readonly forgoneReduction: Decimal
}

/** The fields of MarketTotals, in the order outputs print them. */
export const MARKET_MONEY_FIELDS = [
  "counterfactualSpending",
  "programmeSpending",
  "programmeCost",
  "savingsPaid",
  "lossesCollected",
  "earned",
  "windfall",
  "costReduction",
  "nonParticipantSpending",
  "forgoneReduction"
] as const satisfies ReadonlyArray<keyof MarketTotals>
export type MarketMoneyField = (typeof MARKET_MONEY_FIELDS)[number]
// Every field of MarketTotals is in the list: a field added to one and not the other does not compile.
true satisfies [Exclude<keyof MarketTotals, MarketMoneyField>] extends [never] ? true : never

export interface MarketYear extends MarketTotals {
  readonly year: number
  /** Expected number of providers in the programme (Σ chances), and of those leaving since the year before (year 1: not joining). */
  readonly participants: Decimal
  readonly leaving: Decimal
  /** Member-month-weighted baseline relative to peers: of the expected participants, and of every provider (selection when they differ). */
  readonly participantsBaselineRelative: Decimal | null
  readonly allBaselineRelative: Decimal
  /** Across every provider: benchmark PMPM ÷ risk, and actual PMPM ÷ risk. */
  readonly benchmarkDispersion: Dispersion
  readonly costDispersion: Dispersion
  /** Mean benchmark per unit of risk of providers above the median risk score, of those at or below, and high ÷ low (null when every provider has the median). */
  readonly equity: { readonly medianRisk: Decimal; readonly highRisk: Decimal | null; readonly lowRisk: Decimal | null; readonly ratio: Decimal | null }
}

export interface MarketPolicyRun {
  readonly policy: string
  readonly description: string
  /** The participation rule in words. */
  readonly participation: string
  readonly providers: ReadonlyArray<MarketProvider>
  readonly years: ReadonlyArray<MarketYear>
  readonly totals: MarketTotals
}

export interface MarketRun {
  readonly scenario: string
  readonly policies: ReadonlyArray<MarketPolicyRun>
}
