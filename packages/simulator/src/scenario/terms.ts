import {
  type Band,
  type CorridorRate,
  InvalidArgument,
  type LossRate,
  MSSP_QUALITY_STANDARD_PERCENTILE,
  type MsspTrack,
  healthEquityAdjustedScore,
  msspQualityStandard,
  msspTrack,
  ONE,
  type QualityStandardTest,
  type SavingsRate,
  type SettlementTerms,
  type TrendPolicy,
  type TrendSpec,
  ZERO,
  dec
} from "@pbpsim/benchmark"
import { Decimal } from "decimal.js"
import { Either } from "effect"
import type { EntityProjection, RebasingPolicy, YearTerms } from "../model.js"
import { type LocatedIssue, located } from "./errors.js"
import type { ScenarioBodyDocument, SettlementDocument, SettlementPreset, TrendPolicyDocument, TrendSpecDocument } from "./schema.js"
/**
 * The parts of a scenario document turned into the rules' own terms: per-year lists expanded
 * to the contract, glide paths, savings paths, trend specs, rebasing, corridors, bands and
 * settlement terms (with a preset's defaults).
 */

// Per-year values.

/** One value for every year, or the list as given (checked to have `years` entries). */
export const expandPerYear = <A>(value: A | ReadonlyArray<A>, years: number): ReadonlyArray<A> =>
  Array.isArray(value) ? (value as ReadonlyArray<A>) : Array.from({ length: years }, () => value as A)

type GlidePathDocument = ScenarioBodyDocument["benchmark"]["glidePath"]

/** λ_k per contract year; `{ from, to }` steps linearly: λ_k = from + (to − from)(k − 1)/(n − 1). */
export const expandGlidePath = (glidePath: GlidePathDocument, years: number): ReadonlyArray<Decimal> => {
  if ("providerWeights" in glidePath) return glidePath.providerWeights
  if ("constant" in glidePath) return Array.from({ length: years }, () => glidePath.constant)
  const { from, to } = glidePath
  if (years === 1) return [from]
  return Array.from({ length: years }, (_, i) => from.add(to.sub(from).mul(i).div(years - 1)))
}

type SavingsPathDocument = NonNullable<ScenarioBodyDocument["projection"]["entities"]>[string]["savings"]

/** Savings level per contract year; `{ annual: a }` compounds: level_k = 1 − (1 − a)^k. */
export const savingsLevels = (savings: NonNullable<SavingsPathDocument>, years: number): ReadonlyArray<Decimal> => {
  if (Decimal.isDecimal(savings)) return Array.from({ length: years }, () => savings)
  if (Array.isArray(savings)) return savings as ReadonlyArray<Decimal>
  const { annual } = savings as { readonly annual: Decimal }
  return Array.from({ length: years }, (_, i) => ONE.sub(ONE.sub(annual).pow(i + 1)))
}

export const entityProjections = (
  entities: ReadonlyArray<string>,
  projection: ScenarioBodyDocument["projection"],
  years: number
): ReadonlyMap<string, EntityProjection> => {
  const defaults = projection.default ?? {}
  return new Map(
    entities.map((entity): [string, EntityProjection] => {
      const own = projection.entities?.[entity] ?? {}
      const savings = own.savings ?? defaults.savings
      return [
        entity,
        {
          savings: savings === undefined ? Array.from({ length: years }, () => ZERO) : savingsLevels(savings, years),
          memberGrowth: own.memberGrowth ?? defaults.memberGrowth ?? ZERO,
          riskDrift: own.riskDrift ?? defaults.riskDrift ?? ZERO
        }
      ]
    })
  )
}

// Trend and rebasing.

export const toTrendSpec = (spec: TrendSpecDocument): TrendSpec => {
  switch (spec.kind) {
    case "fixed":
      return { kind: "fixed", rate: spec.rate }
    case "schedule":
      return { kind: "schedule", rates: new Map(Object.entries(spec.rates).map(([year, rate]) => [Number(year), rate])) }
    case "observed":
      return { kind: "observed", source: spec.source }
    case "blend":
      return { kind: "blend", parts: spec.parts.map((part) => ({ weight: part.weight, trend: toTrendSpec(part.trend) })) }
  }
}

export const toTrendPolicy = (policy: TrendPolicyDocument): TrendPolicy => ({
  spec: toTrendSpec(policy),
  ...(policy.deduction === undefined ? {} : { deduction: policy.deduction }),
  ...(policy.cap === undefined ? {} : { cap: policy.cap }),
  ...(policy.floor === undefined ? {} : { floor: policy.floor })
})

export const toRebasing = (rebasing: ScenarioBodyDocument["benchmark"]["rebasing"]): RebasingPolicy["rebasing"] => {
  switch (rebasing.kind) {
    case "none":
    case "annual":
      return { kind: rebasing.kind }
    case "periodic":
      return { kind: "periodic", every: rebasing.every, weights: rebasing.weights }
    case "rolling":
      return { kind: "rolling", weights: rebasing.weights }
    case "partial":
      return { kind: "partial", alpha: rebasing.alpha }
  }
}

// Settlement.

const PRESET_TRACKS: Record<SettlementPreset, MsspTrack> = {
  "mssp-basic-a": "basic-a",
  "mssp-basic-b": "basic-b",
  "mssp-basic-c": "basic-c",
  "mssp-basic-d": "basic-d",
  "mssp-basic-e": "basic-e",
  "mssp-enhanced": "enhanced"
}

type CorridorDocument = NonNullable<SettlementDocument["msr"]>
type BandDocument = { readonly from: Decimal; readonly to?: Decimal | null; readonly share: Decimal }

const showCorridor = (corridor: CorridorDocument): string =>
  corridor === "mssp-variable" ? '"mssp-variable"' : `{ fixed: ${corridor.fixed.toFixed()} }`

const toCorridor = (corridor: CorridorDocument): CorridorRate =>
  corridor === "mssp-variable" ? { kind: "mssp-variable" } : { kind: "fixed", rate: corridor.fixed }

const toBands = (bands: ReadonlyArray<BandDocument>): ReadonlyArray<Band> =>
  bands.map((band) => ({ from: band.from, ...(band.to ? { to: band.to } : {}), share: band.share }))

const toSavingsRate = (rate: NonNullable<SettlementDocument["savingsRate"]>): SavingsRate =>
  Decimal.isDecimal(rate) ? { kind: "flat", rate } : { kind: "bands", bands: toBands(rate.bands) }

const toLossRate = (rate: NonNullable<SettlementDocument["lossRate"]>): LossRate => {
  if (Decimal.isDecimal(rate)) return { kind: "flat", rate }
  if ("bands" in rate) return { kind: "bands", bands: toBands(rate.bands) }
  const q = rate.qualityLinked
  return { kind: "quality-linked", savingsRate: q.savingsRate, min: q.min, max: q.max, failedQuality: q.failedQuality }
}

/**
 * Settlement terms from the file: a preset's terms (msspTrack) with any term given beside
 * it replacing the preset's; without a preset, msr and savingsRate are required. Terms
 * are two-sided exactly when both mlr and lossRate are present. Issue paths are relative
 * to `settlement`.
 */
export const settlementTerms = (doc: SettlementDocument): Either.Either<SettlementTerms, ReadonlyArray<LocatedIssue>> => {
  const issues: Array<LocatedIssue> = []
  let preset: SettlementTerms | undefined
  const oneSided = doc.preset === "mssp-basic-a" || doc.preset === "mssp-basic-b"
  // An MLR on a one-sided preset is reported once, not again as a two-sided contract without a loss rate.
  const mlrGiven = doc.mlr === undefined || doc.mlr === null || oneSided ? undefined : doc.mlr
  if (doc.preset !== undefined) {
    if (oneSided && doc.mlr !== undefined && doc.mlr !== null) {
      issues.push(located(["mlr"], `no minimum loss rate (${doc.preset} is one-sided), or null`, showCorridor(doc.mlr)))
    }
    try {
      preset = msspTrack(PRESET_TRACKS[doc.preset], {
        ...(doc.msr === undefined ? {} : { msr: toCorridor(doc.msr) }),
        ...(mlrGiven === undefined ? {} : { mlr: toCorridor(mlrGiven) })
      })
    } catch (error) {
      if (!(error instanceof InvalidArgument)) throw error
      issues.push(located([error.field], `terms that ${doc.preset} allows`, error.message, error.message))
    }
  }
  const msr = doc.msr === undefined ? preset?.msr : toCorridor(doc.msr)
  const savingsRate = doc.savingsRate === undefined ? preset?.savingsRate : toSavingsRate(doc.savingsRate)
  if (msr === undefined) issues.push(located(["msr"], '{ fixed: rate } or "mssp-variable" (required without a preset)', "nothing"))
  if (savingsRate === undefined) issues.push(located(["savingsRate"], "a sharing rate or { bands } (required without a preset)", "nothing"))
  const mlr = doc.mlr === null ? undefined : mlrGiven === undefined ? preset?.mlr : toCorridor(mlrGiven)
  const lossRate =
    doc.lossRate === null ? undefined : doc.lossRate !== undefined ? toLossRate(doc.lossRate) : mlr !== undefined ? preset?.lossRate : undefined
  const lossLimit =
    doc.lossLimit === null
      ? undefined
      : doc.lossLimit !== undefined
        ? {
            ...(doc.lossLimit.shareOfBenchmark ? { shareOfBenchmark: doc.lossLimit.shareOfBenchmark } : {}),
            ...(doc.lossLimit.shareOfRevenue ? { shareOfRevenue: doc.lossLimit.shareOfRevenue } : {})
          }
        : mlr !== undefined
          ? preset?.lossLimit
          : undefined
  if (mlr !== undefined && lossRate === undefined) issues.push(located(["lossRate"], "a loss rate for two-sided terms (mlr is set)", "nothing"))
  if (mlr === undefined && lossRate !== undefined) {
    issues.push(located(["mlr"], "a minimum loss rate, since lossRate makes the terms two-sided", doc.mlr === null ? "null" : "nothing"))
  }
  const reducedBelowMsr = doc.reducedBelowMsr ?? undefined
  const sharingBasis = doc.sharingBasis ?? preset?.sharingBasis ?? "first-dollar"
  if (reducedBelowMsr !== undefined && sharingBasis !== "first-dollar") {
    issues.push(located(["reducedBelowMsr"], "first-dollar sharing beside it (below the MSR there is no gap beyond the corridor; 425.605(h) shares from the first dollar), or null", `sharingBasis ${sharingBasis}`))
  }
  if (issues.length > 0 || msr === undefined || savingsRate === undefined) return Either.left(issues)
  const savingsCap = doc.savingsCap === null ? undefined : (doc.savingsCap ?? preset?.savingsCap)
  return Either.right({
    name: doc.name ?? preset?.name ?? "Custom terms",
    msr,
    ...(mlr === undefined ? {} : { mlr }),
    sharingBasis,
    savingsRate,
    ...(savingsCap === undefined ? {} : { savingsCap }),
    sequestration: doc.sequestration ?? preset?.sequestration ?? dec(0),
    ...(lossRate === undefined ? {} : { lossRate }),
    ...(lossLimit === undefined ? {} : { lossLimit }),
    ...(reducedBelowMsr === undefined ? {} : { reducedBelowMsr: { factor: reducedBelowMsr.factor, minAssigned: reducedBelowMsr.minAssigned } })
  })
}

type QualityDocument = Exclude<SettlementDocument["quality"], ReadonlyArray<unknown>>

/**
 * A year's quality as settle() reads it. Given by hand (savingsMultiplier, meetsStandard; defaults
 * 1 and met), or derived from MSSP's standard (percentile or standardScore, alternativeMet) by
 * msspQualityStandard, with its derivation; a health equity adjustment raises the score either way.
 * The scenario's checks (qualityInputProblems) keep the two forms apart.
 */
export const resolveQuality = (doc: QualityDocument): YearTerms["quality"] => {
  const derived = doc.percentile !== undefined || doc.standardScore !== undefined
  if (!derived && doc.healthEquity === undefined) {
    return { score: doc.score, savingsMultiplier: doc.savingsMultiplier ?? ONE, meetsStandard: doc.meetsStandard ?? true }
  }
  if (!derived) {
    // By hand with a health equity adjustment: the adjusted score; the multiplier and standard as given.
    const adjusted = healthEquityAdjustedScore(doc.score, doc.healthEquity!)
    return { score: adjusted.value, savingsMultiplier: doc.savingsMultiplier ?? ONE, meetsStandard: doc.meetsStandard ?? true, derivation: adjusted.derivation }
  }
  const standard: QualityStandardTest =
    doc.percentile !== undefined
      ? { kind: "percentile", percentile: doc.percentile, standardPercentile: doc.standardPercentile ?? MSSP_QUALITY_STANDARD_PERCENTILE }
      : { kind: "score", standardScore: doc.standardScore! }
  const determined = msspQualityStandard({
    score: doc.score,
    ...(doc.healthEquity ? { healthEquity: doc.healthEquity } : {}),
    standard,
    alternativeMet: doc.alternativeMet ?? false
  })
  const q = determined.value
  return { score: q.score, savingsMultiplier: q.savingsMultiplier, meetsStandard: q.meetsStandard, derivation: determined.derivation }
}
