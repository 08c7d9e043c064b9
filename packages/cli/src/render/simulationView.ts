import { Decimal } from "decimal.js"
import { GENERATOR, RELATIVE_ACCURACY, settlementTermsName, type ContractModel, type Distribution, type PairRowSummary, type PolicyRowSummary, type SimulationSummary } from "@pbpsim/simulator"
import type { Provenance } from "./comparisonView.js"

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

/** Policy a minus the first policy b on the same draws (common random numbers), per year and over the contract. */
export interface PairRowView {
  readonly label: string
  readonly contractYear: number | null
  readonly year: number | null
  readonly providerNet: DistributionView
  /** What the payer pays (expenditure + provider net), a − b: negative means a costs the payer less. */
  readonly payerCost: DistributionView
  /** P(the payer pays less under a than under b). */
  readonly pABetterForPayer: string
  /** P(provider net under a > under b). */
  readonly pABetterForProvider: string
}

/** A policy after the first (a) against the first (b): the differences a − b, as `compare`'s Δ columns take them. */
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
  /** Each policy after the first against the first (none with one policy): linear in the number of policies. */
  readonly pairs: ReadonlyArray<SimulationPairView>
}

/**
 * Money and PMPM from float statistics: cents, fixed places always, and never "-0.00".
 * (Number.prototype.toFixed writes 1e21 and above in exponent notation; a float that large is
 * a whole number, so its digits are written out exactly.) The simulator refuses statistics
 * that are not finite before they reach a view.
 */
export const floatMoney = (x: number): string => {
  if (!Number.isFinite(x)) throw new RangeError(`a simulated amount is not a finite number: ${x}`)
  const text = Math.abs(x) >= 1e21 ? `${BigInt(x).toString()}.00` : x.toFixed(2)
  return text === "-0.00" ? "0.00" : text
}
/** A probability to 4 places, or `places` (it lies in [0, 1], so toFixed never switches to exponent notation). */
export const probability = (p: number, places = 4): string => {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`a simulated probability is outside [0, 1]: ${p}`)
  return p.toFixed(places)
}

/** A simulated distribution as simulate prints it: every statistic in cents. */
export const distributionView = (d: Distribution): DistributionView => ({
  mean: floatMoney(d.mean),
  sd: floatMoney(d.sd),
  p5: floatMoney(d.p5),
  p25: floatMoney(d.p25),
  p50: floatMoney(d.p50),
  p75: floatMoney(d.p75),
  p95: floatMoney(d.p95)
})

const label = (row: { readonly year: number | null }) => (row.year === null ? "contract" : String(row.year))

const policyRowView = (row: PolicyRowSummary): SimulationRowView => ({
  label: label(row),
  contractYear: row.contractYear,
  year: row.year,
  ...(row.benchmarkPmpm ? { benchmarkPmpm: distributionView(row.benchmarkPmpm) } : {}),
  ...(row.actualPmpm ? { actualPmpm: distributionView(row.actualPmpm) } : {}),
  sharedSavings: distributionView(row.sharedSavings),
  sharedLosses: distributionView(row.sharedLosses),
  providerNet: distributionView(row.providerNet),
  payerNet: distributionView(row.payerNet),
  pSharedSavings: probability(row.pSharedSavings),
  pSharedLoss: probability(row.pSharedLoss)
})

const pairRowView = (row: PairRowSummary): PairRowView => ({
  label: label(row),
  contractYear: row.contractYear,
  year: row.year,
  providerNet: distributionView(row.providerNet),
  payerCost: distributionView(row.payerCost),
  pABetterForPayer: probability(row.pABetterForPayer),
  pABetterForProvider: probability(row.pABetterForProvider)
})

/** Assumptions are the scenario's own plain numbers (sds, not money): printed in plain decimal notation (1e-7 as 0.0000001). */
const assumption = (x: number): string => {
  const text = String(x)
  return /e/i.test(text) ? new Decimal(text).toFixed() : text
}

export const simulationView = (args: {
  readonly provenance: Provenance
  readonly models: ReadonlyArray<ContractModel>
  readonly summary: SimulationSummary
  readonly trials: number
  readonly seed: string
  readonly shard: { readonly index: number; readonly count: number } | null
}): SimulationView => ({
  ...args.provenance,
  provider: args.models[0]?.provider ?? "",
  trials: args.trials,
  seed: args.seed,
  shard: args.shard,
  generator: GENERATOR,
  quantileRelativeAccuracy: String(RELATIVE_ACCURACY),
  policies: args.summary.policies.map((p, i) => {
    const model = args.models[i]!
    return {
      name: p.name,
      description: model.policyDescription,
      settlementTerms: settlementTermsName(model),
      assumptions: {
        marketTrendSd: assumption(model.stochastic.marketTrendSd),
        memberCostSd: assumption(model.stochastic.memberCostSd),
        savingsSd: assumption(model.stochastic.savingsSd),
        riskDriftSd: assumption(model.stochastic.riskDriftSd)
      },
      years: p.years.map(policyRowView),
      contract: policyRowView(p.contract)
    }
  }),
  pairs: args.summary.pairs.map((p) => ({ a: p.a, b: p.b, years: p.years.map(pairRowView), contract: pairRowView(p.contract) }))
})
