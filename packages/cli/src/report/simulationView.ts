import type { Provenance } from "./results.js"

/**
 * The one view of a Monte Carlo run every output format prints (table, CSV, Markdown, JSON,
 * HTML report). Simulation statistics are float64 (the kernel's arithmetic), rendered once
 * here as fixed-place strings: money and PMPM in cents, probabilities to 4 places.
 */

/** A distribution over trials: mean, sd and sketch quantiles (each within the stated relative accuracy). */
export interface DistributionView {
  readonly mean: string
  readonly sd: string
  readonly p5: string
  readonly p25: string
  readonly p50: string
  readonly p75: string
  readonly p95: string
}

/** One contract year of one policy, or (contractYear null) the whole contract: money summed over its years. */
export interface SimulationRowView {
  readonly label: string
  readonly contractYear: number | null
  readonly year: number | null
  /** PMPM rows exist for contract years only (a PMPM does not sum over years). */
  readonly benchmarkPmpm?: DistributionView
  readonly actualPmpm?: DistributionView
  readonly sharedSavings: DistributionView
  readonly sharedLosses: DistributionView
  readonly providerNet: DistributionView
  readonly payerNet: DistributionView
  /** Share of trials where the provider earns shared savings (the contract row: net payment to the provider > 0). */
  readonly pSharedSavings: string
  /** Share of trials where the provider owes shared losses (the contract row: net payment by the provider > 0). */
  readonly pSharedLoss: string
}

export interface SimulationPolicyView {
  readonly name: string
  readonly description: string
  readonly settlementTerms: string
  readonly assumptions: {
    readonly marketTrendSd: string
    readonly memberCostSd: string
    readonly savingsSd: string
    readonly riskDriftSd: string
  }
  readonly years: ReadonlyArray<SimulationRowView>
  readonly contract: SimulationRowView
}

/** Policy a minus policy b on the same draws (common random numbers), per year and over the contract. */
export interface PairRowView {
  readonly label: string
  readonly contractYear: number | null
  readonly year: number | null
  readonly providerNet: DistributionView
  readonly payerNet: DistributionView
  /** P(payer net under a > under b). */
  readonly pABetterForPayer: string
  /** P(provider net under a > under b). */
  readonly pABetterForProvider: string
}

export interface SimulationPairView {
  readonly a: string
  readonly b: string
  readonly years: ReadonlyArray<PairRowView>
  readonly contract: PairRowView
}

export interface SimulationView extends Provenance {
  readonly provider: string
  readonly trials: number
  readonly seed: string
  /** Trials actually run by this output: all of them, or one shard's share. */
  readonly shard: { readonly index: number; readonly count: number } | null
  readonly generator: string
  /** Quantiles come from a log-bucket sketch: each is within this relative error of a sample quantile. */
  readonly quantileRelativeAccuracy: string
  readonly policies: ReadonlyArray<SimulationPolicyView>
  readonly pairs: ReadonlyArray<SimulationPairView>
}
