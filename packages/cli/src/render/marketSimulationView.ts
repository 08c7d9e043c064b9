import { GENERATOR, RELATIVE_ACCURACY, type MarketSimulationSummary } from "@pbpsim/simulator"
import type { Provenance } from "./comparisonView.js"
import { RATIO_PLACES } from "./marketView.js"
import { distributionView, probability, type DistributionView } from "./simulationView.js"

/**
 * The market under uncertainty (`pbpsim market --simulate`, issue 12 item 5): the one view of a
 * market simulation every format prints, the `simulation` field of the market JSON. Float
 * statistics are rendered once here: money in cents as `simulate --format json` prints its
 * distributions, probabilities to RATIO_PLACES as the market's chances. No worker count: the
 * output is the same for any.
 */

/** The payer's figures of one policy in one contract year or over the contract, each a distribution over trials. */
export interface MarketSimulatedFigures {
  /** Σ p × (E + provider net − CF): what the programme costs the payer (negative: it saves). */
  readonly programmeCost: DistributionView
  readonly savingsPaid: DistributionView
  readonly lossesCollected: DistributionView
}

export interface MarketSimulatedPolicy {
  readonly policy: string
  readonly years: ReadonlyArray<MarketSimulatedFigures & { readonly year: number }>
  readonly contract: MarketSimulatedFigures
}

/** A policy against the first on the same draws, for a year or over the years both cover. */
export interface MarketSimulatedDifferenceRow {
  /** policy − against, of the programme cost to the payer: negative when `policy` costs the payer less. */
  readonly programmeCost: DistributionView
  /** Share of trials in which the programme costs the payer less under `policy` than under `against`. */
  readonly pCheaper: string
}

export interface MarketSimulatedDifference {
  readonly policy: string
  readonly against: string
  readonly years: ReadonlyArray<MarketSimulatedDifferenceRow & { readonly year: number }>
  readonly contract: MarketSimulatedDifferenceRow
}

export interface MarketSimulationView {
  readonly seed: string
  readonly trials: number
  readonly generator: string
  /** Quantiles come from a log-bucket sketch: each is within this relative error of a sample quantile. */
  readonly quantileRelativeAccuracy: string
  readonly policies: ReadonlyArray<MarketSimulatedPolicy>
  /** Each policy after the first against the first (none with one policy). */
  readonly differences: ReadonlyArray<MarketSimulatedDifference>
}

/** What `merge` prints for market shards: the provenance and the simulation, as `market --simulate --format json` has them. */
export interface MergedMarketSimulationView extends Provenance {
  readonly simulation: MarketSimulationView
}

type Row = MarketSimulationSummary["policies"][number]["contract"]
type PairRow = MarketSimulationSummary["pairs"][number]["contract"]

const figures = (row: Row): MarketSimulatedFigures => ({
  programmeCost: distributionView(row.programmeCost),
  savingsPaid: distributionView(row.savingsPaid),
  lossesCollected: distributionView(row.lossesCollected)
})

const difference = (row: PairRow): MarketSimulatedDifferenceRow => ({ programmeCost: distributionView(row.programmeCost), pCheaper: probability(row.pACheaper, RATIO_PLACES) })

/** Rows of contract years carry their calendar year (the summary sets it on every year row). */
const year = (row: { readonly year: number | null }): number => row.year ?? 0

export const marketSimulationView = (args: {
  readonly summary: MarketSimulationSummary
  readonly seed: string
  readonly trials: number
}): MarketSimulationView => ({
  seed: args.seed,
  trials: args.trials,
  generator: GENERATOR,
  quantileRelativeAccuracy: String(RELATIVE_ACCURACY),
  policies: args.summary.policies.map((p) => ({ policy: p.name, years: p.years.map((r) => ({ year: year(r), ...figures(r) })), contract: figures(p.contract) })),
  differences: args.summary.pairs.map((p) => ({ policy: p.a, against: p.b, years: p.years.map((r) => ({ year: year(r), ...difference(r) })), contract: difference(p.contract) }))
})
