import {
  derive,
  explained,
  quantity,
  trendFactor,
  weightedBaseline,
  weightedBaselineValue,
  weightedPercentile,
  type Explained,
  type ObservedGrowth
} from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import type { ContractModel } from "../model.js"
import { cellOf, pooledExperience, type RealisedExperience } from "./realised.js"

/**
 * The reference a contract year's benchmark is built from: provider and peer baselines in
 * the dollars of `year` (their latest reference year) and at the provider's risk level of
 * that year, so that blending, trending and risk adjustment apply to both alike.
 */
export interface Reference {
  readonly year: number
  /** Years (oldest first) and weights the provider baseline was taken from. */
  readonly providerYears: ReadonlyArray<number>
  readonly peerYears: ReadonlyArray<number>
  readonly providerBaseline: Explained<Decimal>
  readonly peerBaseline: Explained<Decimal>
  /** Provider risk score of the reference year: the base of the risk ratio. */
  readonly riskBase: Decimal
}

export interface WeightedYears {
  readonly years: ReadonlyArray<number>
  readonly weights: ReadonlyArray<Decimal>
}

/** One entity's own baseline from the given years, stated at the provider's risk `riskBasis`. */
const entityBaselineFrom = (
  model: ContractModel,
  realised: RealisedExperience,
  observed: ObservedGrowth,
  entity: string,
  source: WeightedYears,
  riskBasis: Decimal,
  label: string
): Explained<Decimal> =>
  weightedBaseline({
    label,
    years: source.years.map((year, i) => ({ year, experience: cellOf(realised, entity, year), weight: source.weights[i]! })),
    historicalTrend: model.historicalTrend,
    observed,
    riskBasis
  })

/** Provider baseline from the given years, restated to the provider's risk in the last of them. */
export const providerBaselineFrom = (
  model: ContractModel,
  realised: RealisedExperience,
  observed: ObservedGrowth,
  source: WeightedYears,
  label: string
): Explained<Decimal> => {
  const last = source.years[source.years.length - 1]!
  return entityBaselineFrom(model, realised, observed, model.provider, source, cellOf(realised, model.provider, last).riskScore, label)
}

/**
 * Peer baseline as a percentile of the peers' own baselines (each from the given years,
 * restated to the provider's risk in `riskYear`), weighted by their member months in the
 * last of those years: an "efficient benchmark" target (docs/rules/equity.md).
 */
const peerPercentileFrom = (
  model: ContractModel,
  realised: RealisedExperience,
  observed: ObservedGrowth,
  source: WeightedYears,
  riskYear: number,
  percentile: Decimal,
  label: string
): Explained<Decimal> => {
  const last = source.years[source.years.length - 1]!
  const riskBasis = cellOf(realised, model.provider, riskYear).riskScore
  // The numbers alone (weightedBaselineValue, the same arithmetic): every peer's explanation would be built and dropped.
  const baselines = model.peers.map((peer) =>
    weightedBaselineValue({
      years: source.years.map((year, i) => ({ year, experience: cellOf(realised, peer, year), weight: source.weights[i]! })),
      historicalTrend: model.historicalTrend,
      observed,
      riskBasis
    })
  )
  const chosen = weightedPercentile({ values: baselines, weights: model.peers.map((peer) => cellOf(realised, peer, last).memberMonths), p: percentile })
  return explained(
    chosen.value,
    derive({
      rule: "baseline.peerPercentile",
      label,
      formula: "the p-th member-month-weighted percentile (nearest rank) of the peers' baselines at the provider's risk",
      inputs: model.peers.map((peer, i) => quantity(`${peer} baseline`, baselines[i]!, "pmpm")),
      output: quantity("peer baseline", chosen.value, "pmpm"),
      source: "docs/rules/equity.md (efficient benchmark); LAN: converge toward efficient cost",
      steps: [chosen.derivation]
    })
  )
}

/**
 * Peer baseline from the given years on the peers' pooled experience, restated to the
 * provider's risk in `riskYear` (MSSP: regional expenditure "risk-adjusted to the ACO's BY3 case mix").
 */
export const peerBaselineFrom = (
  model: ContractModel,
  realised: RealisedExperience,
  observed: ObservedGrowth,
  source: WeightedYears,
  riskYear: number,
  label: string
): Explained<Decimal> =>
  model.peerPercentile !== undefined
    ? peerPercentileFrom(model, realised, observed, source, riskYear, model.peerPercentile, label)
    : weightedBaseline({
    label,
    years: source.years.map((year, i) => ({
      year,
      experience: pooledExperience(realised, model.peers, year),
      weight: source.weights[i]!
    })),
    historicalTrend: model.historicalTrend,
    observed,
    riskBasis: cellOf(realised, model.provider, riskYear).riskScore
  })

/**
 * Express a baseline held in `fromYear` dollars in `toYear` dollars with the historical
 * trend, forwards or backwards; needed when the peer component is refreshed on a different
 * schedule from the provider's.
 */
export const moveBaseline = (
  model: ContractModel,
  observed: ObservedGrowth,
  baseline: Explained<Decimal>,
  fromYear: number,
  toYear: number,
  label: string
): Explained<Decimal> => {
  if (fromYear === toYear) return baseline
  const forward = fromYear < toYear
  const factor = forward
    ? trendFactor(model.historicalTrend, fromYear, toYear, observed)
    : trendFactor(model.historicalTrend, toYear, fromYear, observed)
  const value = forward ? baseline.value.mul(factor.value) : baseline.value.div(factor.value)
  return explained(
    value,
    derive({
      rule: "baseline.move",
      label,
      formula: forward ? "B × F(from → to)" : "B ÷ F(to → from)",
      inputs: [quantity(`baseline in ${fromYear} dollars`, baseline.value, "pmpm"), quantity("trend factor", factor.value, "factor")],
      output: quantity(`baseline in ${toYear} dollars`, value, "pmpm"),
      notes: [`${forward ? "trended forward" : "deflated"} from ${fromYear} to ${toYear}`],
      steps: [baseline.derivation, factor.derivation]
    })
  )
}
