import {
  type Band,
  type CorridorRate,
  InvalidArgument,
  type LossRate,
  type MsspTrack,
  msspTrack,
  ONE,
  type SavingsRate,
  type SettlementTerms,
  type TrendPolicy,
  type TrendSpec,
  ZERO,
  dec
} from "@pbpsim/benchmark"
import { Decimal } from "decimal.js"
import { Either } from "effect"
import type { ContractModel, EntityProjection, ExperienceRecord, RebasingPolicy } from "../model.js"
import { type LocatedIssue, type ScenarioIssue, located, scenarioError } from "./errors.js"
import { showActual } from "./numerals.js"
import type { ExperienceEntry } from "./csv.js"
import type {
  ScenarioBodyDocument,
  ScenarioDocument,
  SettlementDocument,
  SettlementPreset,
  TrendPolicyDocument,
  TrendSpecDocument
} from "./schema.js"

/**
 * From a decoded scenario to the ContractModel the engine reads: one policy applied, every
 * default filled, every per-year list expanded to the contract's length. Pure; the
 * scenario was fully checked when it was loaded, so nothing here can meet a bad value.
 */

/** A policy of a loaded scenario: the base with its overlay applied, decoded and checked. */
export interface ScenarioPolicy {
  readonly name: string
  readonly description: string
  readonly body: ScenarioBodyDocument
  readonly experience: ReadonlyArray<ExperienceRecord>
}

/** A loaded, fully checked scenario file. */
export interface Scenario {
  readonly file: string
  readonly name: string
  readonly description: string
  /** The whole file as decoded (defaults filled, policies with their overlays): what `Schema.encode(ScenarioSchema)` writes back. */
  readonly document: ScenarioDocument
  /** The base scenario as decoded (defaults filled), without policies. */
  readonly base: ScenarioBodyDocument
  /** The base scenario's experience rows (inline or from its CSV), in file order. */
  readonly experience: ReadonlyArray<ExperienceRecord>
  readonly policies: ReadonlyArray<ScenarioPolicy>
}

/** The names of a scenario's policies, in file order. */
export const policyNames = (scenario: Scenario): ReadonlyArray<string> => scenario.policies.map((p) => p.name)

/** The issue an unknown policy name makes: located at `policies`, listing the names the scenario has. */
export const unknownPolicyIssue = (scenario: Scenario, policyName: string): ScenarioIssue => {
  const expected = `one of the policies ${policyNames(scenario).join(", ")}`
  return { file: scenario.file, path: "policies", expected, actual: showActual(policyName), message: `expected ${expected}, got ${showActual(policyName)}` }
}

/**
 * The contract as the engine runs it under one policy. An unknown policy name is a user
 * mistake (a `--policy` flag), so it fails with a ScenarioError listing the names.
 */
export const resolvePolicy = (scenario: Scenario, policyName: string): ContractModel => {
  const policy = scenario.policies.find((p) => p.name === policyName)
  if (policy === undefined) throw scenarioError([unknownPolicyIssue(scenario, policyName)])
  return toContractModel(scenario.name, policy)
}

const toContractModel = (scenarioName: string, policy: ScenarioPolicy): ContractModel => {
  const { market, contract, benchmark, settlement, projection } = policy.body
  const years = contract.years
  const entities = market.entities.map((e) => e.id)
  const terms = Either.getOrElse(settlementTerms(settlement), (issues) => {
    // Loading checked these terms; reaching this means the scenario was built by hand.
    throw new InvalidArgument({ rule: "scenario.settlement", field: "settlement", message: issues.map((i) => i.expected).join("; ") })
  })
  const rebasing: RebasingPolicy = {
    rebasing: toRebasing(benchmark.rebasing),
    ...(benchmark.savingsCredit ? { savingsCredit: { share: benchmark.savingsCredit.share, cap: benchmark.savingsCredit.cap } } : {}),
    glidePathOnRebase: benchmark.glidePathOnRebase
  }
  const presentValueRate = policy.body.presentValue?.rate
  return {
    scenarioName,
    policyName: policy.name,
    policyDescription: policy.description,
    entities,
    provider: contract.provider,
    peers: contract.peers,
    peerIncludesProvider: contract.peers.includes(contract.provider),
    experience: policy.experience,
    startYear: contract.startYear,
    years,
    baselineYears: contract.baseline.years,
    baselineWeights: contract.baseline.weights,
    historicalTrend: toTrendPolicy(benchmark.historicalTrend ?? benchmark.trend),
    glidePath: expandGlidePath(benchmark.glidePath, years),
    convergenceCaps: {
      ...(benchmark.convergenceCaps.up ? { up: benchmark.convergenceCaps.up } : {}),
      ...(benchmark.convergenceCaps.down ? { down: benchmark.convergenceCaps.down } : {}),
      noNegative: benchmark.convergenceCaps.noNegative
    },
    trend: toTrendPolicy(benchmark.trend),
    riskCaps: {
      ...(benchmark.risk.capUp ? { up: benchmark.risk.capUp } : {}),
      ...(benchmark.risk.capDown ? { down: benchmark.risk.capDown } : {})
    },
    discount: expandPerYear(benchmark.discount, years),
    rounding: benchmark.rounding,
    peerRefresh: benchmark.peerRefresh,
    rebasing,
    settlement: terms,
    quality: expandPerYear(settlement.quality, years),
    marketTrend: expandPerYear(projection.marketTrend, years),
    projection: entityProjections(entities, projection, years),
    ...(presentValueRate ? { presentValueRate } : {}),
    stochastic: policy.body.stochastic
  }
}

export const toExperienceRecords = (entries: ReadonlyArray<ExperienceEntry>): ReadonlyArray<ExperienceRecord> =>
  entries.map(({ row }) => ({
    entity: row.entity,
    ...(row.group === undefined ? {} : { group: row.group }),
    ...(row.segment === undefined ? {} : { segment: row.segment }),
    year: row.year,
    memberMonths: row.memberMonths,
    cost: row.cost,
    riskScore: row.riskScore
  }))

// ---------------------------------------------------------------- per-year values

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

const entityProjections = (
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

// ---------------------------------------------------------------- trend and rebasing

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

const toRebasing = (rebasing: ScenarioBodyDocument["benchmark"]["rebasing"]): RebasingPolicy["rebasing"] => {
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

// ---------------------------------------------------------------- settlement

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
  if (issues.length > 0 || msr === undefined || savingsRate === undefined) return Either.left(issues)
  const savingsCap = doc.savingsCap === null ? undefined : (doc.savingsCap ?? preset?.savingsCap)
  return Either.right({
    name: doc.name ?? preset?.name ?? "Custom terms",
    msr,
    ...(mlr === undefined ? {} : { mlr }),
    sharingBasis: doc.sharingBasis ?? preset?.sharingBasis ?? "first-dollar",
    savingsRate,
    ...(savingsCap === undefined ? {} : { savingsCap }),
    sequestration: doc.sequestration ?? preset?.sequestration ?? dec(0),
    ...(lossRate === undefined ? {} : { lossRate }),
    ...(lossLimit === undefined ? {} : { lossLimit })
  })
}
