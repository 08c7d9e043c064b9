import type { ContractModel, ExperienceRecord, RebasingPolicy } from "../model.js"
import { type ScenarioIssue, scenarioError } from "./errors.js"
import { showActual } from "./numerals.js"
import type { ExperienceEntry } from "./csv.js"
import { expandPerYear, expandGlidePath, entityProjections, toTrendPolicy, toRebasing } from "./terms.js"
import { yearTerms } from "./schedule.js"
import type { ScenarioBodyDocument, ScenarioDocument } from "./schema.js"

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

/**
 * What a model derives from sections a policy's overlay leaves alone, made once per section
 * object (policies share untouched sections by reference): policies whose market and
 * projection are the same then hold the same arrays and maps, which is how compile sees they
 * share one world without serialising a market to compare it.
 */
const entitiesOf = new WeakMap<object, ReadonlyArray<string>>()
const projectionsOf = new WeakMap<
  object,
  { readonly entities: ReadonlyArray<string>; readonly years: number; readonly marketTrend: ContractModel["marketTrend"]; readonly projection: ContractModel["projection"] }
>()

const marketEntities = (market: ScenarioBodyDocument["market"]): ReadonlyArray<string> => {
  let entities = entitiesOf.get(market)
  if (entities === undefined) {
    entities = market.entities.map((e) => e.id)
    entitiesOf.set(market, entities)
  }
  return entities
}

const projected = (projection: ScenarioBodyDocument["projection"], entities: ReadonlyArray<string>, years: number) => {
  const known = projectionsOf.get(projection)
  if (known !== undefined && known.entities === entities && known.years === years) return known
  const made = { entities, years, marketTrend: expandPerYear(projection.marketTrend, years), projection: entityProjections(entities, projection, years) }
  projectionsOf.set(projection, made)
  return made
}

const toContractModel = (scenarioName: string, policy: ScenarioPolicy): ContractModel => {
  const { market, contract, benchmark, projection } = policy.body
  const years = contract.years
  const entities = marketEntities(market)
  const { marketTrend, projection: entityProjection } = projected(projection, entities, years)
  const credit = benchmark.savingsCredit
  const rebasing: RebasingPolicy = {
    rebasing: toRebasing(benchmark.rebasing),
    ...(credit
      ? { savingsCredit: { share: credit.share, cap: credit.cap, ...(credit.years === undefined ? {} : { years: credit.years }), withRegional: credit.withRegional } }
      : {}),
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
    ...(benchmark.bySegment ? { segments: segmentsOf(policy.experience, contract.provider) } : {}),
    startYear: contract.startYear,
    years,
    baselineYears: contract.baseline.years,
    baselineWeights: contract.baseline.weights,
    historicalTrend: toTrendPolicy(benchmark.historicalTrend ?? benchmark.trend),
    ...(benchmark.peerTarget ? { peerPercentile: benchmark.peerTarget.percentile } : {}),
    ...(benchmark.nationalPerCapita
      ? { nationalPerCapita: new Map(Object.entries(benchmark.nationalPerCapita).map(([year, pmpm]) => [Number(year), pmpm])) }
      : {}),
    glidePath: expandGlidePath(benchmark.glidePath, years),
    terms: yearTerms(policy.body),
    rounding: benchmark.rounding,
    peerRefresh: benchmark.peerRefresh,
    rebasing,
    marketTrend,
    projection: entityProjection,
    ...(presentValueRate ? { presentValueRate } : {}),
    stochastic: policy.body.stochastic
  }
}

/** The provider's segments in the order its rows first name them (validate has checked every row names one). */
export const segmentsOf = (rows: ReadonlyArray<ExperienceRecord>, provider: string): ReadonlyArray<string> => [
  ...new Set(rows.filter((r) => r.entity === provider && r.segment !== undefined).map((r) => r.segment!))
]

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

