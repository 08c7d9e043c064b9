import { dec, healthEquityAddOn, invalid, settlementYearFloat, type ExperienceCell, type TrendPolicy, type TrendSpec } from "@pbpsim/benchmark"
import { codingMultiplierFloat, CREDIT_ADD, CREDIT_HIGHER, roundingModeCode } from "@pbpsim/benchmark/compute"
import type { Decimal } from "decimal.js"
import type { ContractModel } from "../model.js"
import { runContract } from "../engine/contract.js"
import { projectExperience, segmentParties, type RealisedExperience } from "../engine/realised.js"
import {
  PEER_ANNUAL,
  PEER_FIXED,
  PEER_WITH_REBASE,
  REBASE_ANNUAL,
  REBASE_NONE,
  REBASE_PARTIAL,
  REBASE_PERIODIC,
  REBASE_ROLLING,
  type PolicyPlan,
  type SettlementPlan,
  type SimulationPlan,
  type TrendPlan,
  type WorldPlan
} from "./plan.js"

/**
 * Compile resolved ContractModels (one per policy) into the kernel's plan. Everything fixed
 * before any draw (history, MSRs by assigned members, quality-linked loss rates) is taken from
 * the exact rules; each policy is also run once through the exact engine so that a rule the
 * scenario breaks fails here, with the exact engine's message, not inside a worker.
 */

const num = (d: Decimal): number => d.toNumber()

/** The inputs that generate realised experience: policies sharing them share one world of draws and pools. */
const worldKey = (m: ContractModel): string =>
  JSON.stringify([
    m.entities,
    m.experience.map((r) => [r.entity, r.year, r.memberMonths.toFixed(), r.cost.toFixed(), r.riskScore.toFixed()]),
    m.segments ?? null,
    m.startYear,
    m.years,
    m.marketTrend.map((d) => d.toFixed()),
    m.entities.map((e) => {
      const p = m.projection.get(e)
      return p ? [p.savings.map((d) => d.toFixed()), p.memberGrowth.toFixed(), p.riskDrift.toFixed()] : null
    }),
    m.stochastic
  ])

/** Same projection inputs by reference (so the same worldKey): a model spread from another keeps its arrays. */
const sameWorldInputs = (a: ContractModel, b: ContractModel): boolean =>
  a.entities === b.entities &&
  a.experience === b.experience &&
  a.projection === b.projection &&
  a.marketTrend === b.marketTrend &&
  a.stochastic === b.stochastic &&
  a.startYear === b.startYear &&
  a.years === b.years &&
  (a.segments === b.segments || (a.segments !== undefined && b.segments !== undefined && a.segments.join("\u0000") === b.segments.join("\u0000")))

/**
 * The world each model of one compile projects into: models whose projection inputs are the same
 * objects share one (the market view compiles a model per provider, all spread from one resolved
 * policy, and serialising a 1,000-entity market's experience for each took 5–6 ms a model, 17 s of
 * 3,000); only a model whose inputs are other objects is compared by worldKey, and each key is
 * worked out at most once (a single policy, or policies of one scenario, need none).
 */
const worldIndexes = () => {
  const known: Array<{ readonly model: ContractModel; readonly world: number; key: string | undefined }> = []
  const keyOf = (k: (typeof known)[number]): string => (k.key ??= worldKey(k.model))
  return {
    /** The world of `model`'s inputs, or undefined when they make a new one (then `add` it). */
    find: (model: ContractModel): number | undefined => {
      for (const k of known) if (sameWorldInputs(k.model, model)) return k.world
      if (known.length === 0) return undefined
      const entry = { model, world: -1, key: worldKey(model) }
      const match = known.find((k) => keyOf(k) === entry.key)
      if (match !== undefined) known.push({ ...entry, world: match.world })
      return match?.world
    },
    add: (model: ContractModel, world: number): void => {
      known.push({ model, world, key: undefined })
    }
  }
}

interface Linear {
  c: number
  p: number
  m: number
}

/** A trend spec as c + p·g_peers + m·g_market for one calendar year (NaN constant where a schedule has no rate). */
const linearRate = (spec: TrendSpec, year: number): Linear => {
  switch (spec.kind) {
    case "fixed":
      return { c: num(spec.rate), p: 0, m: 0 }
    case "schedule": {
      const rate = spec.rates.get(year)
      return { c: rate === undefined ? Number.NaN : num(rate), p: 0, m: 0 }
    }
    case "observed":
      return spec.source === "peers" ? { c: 0, p: 1, m: 0 } : { c: 0, p: 0, m: 1 }
    case "blend":
      return spec.parts.reduce<Linear>(
        (acc, part) => {
          const w = num(part.weight)
          const l = linearRate(part.trend, year)
          return { c: acc.c + w * l.c, p: acc.p + w * l.p, m: acc.m + w * l.m }
        },
        { c: 0, p: 0, m: 0 }
      )
  }
}

const trendPlan = (policy: TrendPolicy, firstYear: number, calendarYears: number): TrendPlan => {
  const constant = new Float64Array(calendarYears)
  const peers = new Float64Array(calendarYears)
  const market = new Float64Array(calendarYears)
  const deduction = policy.deduction ? num(policy.deduction) : 0
  for (let t = 0; t < calendarYears; t++) {
    const l = linearRate(policy.spec, firstYear + t)
    constant[t] = l.c - deduction
    peers[t] = l.p
    market[t] = l.m
  }
  return {
    constant,
    peers,
    market,
    cap: policy.cap ? num(policy.cap) : Number.POSITIVE_INFINITY,
    floor: policy.floor ? num(policy.floor) : Number.NEGATIVE_INFINITY
  }
}

/** Each contract year's terms, rates resolved by the exact rules (member months and quality do not vary by trial). */
const settlementPlan = (model: ContractModel, realised: RealisedExperience): SettlementPlan => ({
  years: Array.from({ length: model.years }, (_, k) => {
    const cell = realised.cells.get(model.provider)?.get(model.startYear + k)
    if (!cell) throw invalid("simulate", `experience ${model.provider} ${model.startYear + k}`, "is missing")
    const terms = model.terms[k]
    if (!terms) throw invalid("terms", `year ${k + 1}`, "are missing")
    const quality = terms.quality
    return settlementYearFloat(terms.settlement, {
      assignedMembers: terms.assignedBeneficiaries ?? cell.memberMonths.div(12),
      qualityScore: quality.score,
      qualityMultiplier: quality.savingsMultiplier,
      meetsQualityStandard: quality.meetsStandard,
      ...(terms.revenue === undefined ? {} : { revenue: terms.revenue })
    })
  })
})

const calendarSpan = (model: ContractModel, realised: RealisedExperience): { firstYear: number; calendarYears: number } => {
  let firstYear = model.startYear
  for (const byYear of realised.cells.values()) for (const y of byYear.keys()) firstYear = Math.min(firstYear, y)
  return { firstYear, calendarYears: model.startYear + model.years - firstYear }
}

/** A row of a world: an entity, or one segment of an entity (benchmark.bySegment), with the cells it is realised from. */
interface WorldRow {
  /** Index of the entity in the model (its draws and, for a segment, its member scale). */
  readonly entity: number
  readonly segment?: string
  readonly cells: ReadonlyMap<number, ExperienceCell> | undefined
  readonly counterfactualPmpm: ReadonlyArray<Decimal> | undefined
}

const worldRows = (model: ContractModel, realised: RealisedExperience): ReadonlyArray<WorldRow> => {
  const rows: Array<WorldRow> = model.entities.map((entity, e) => ({
    entity: e,
    cells: realised.cells.get(entity),
    counterfactualPmpm: realised.counterfactualPmpm.get(entity)
  }))
  // Segment rows after the entities: each segment of each party, realised with its entity's draws.
  for (const segment of model.segments ?? [])
    for (const entity of segmentParties(model))
      rows.push({
        entity: model.entities.indexOf(entity),
        segment,
        cells: realised.segments?.get(segment)?.get(entity),
        counterfactualPmpm: realised.segmentCounterfactualPmpm?.get(segment)?.get(entity)
      })
  return rows
}

const worldPlan = (
  model: ContractModel,
  realised: RealisedExperience,
  drawRowOf: ReadonlyMap<string, number>,
  sets: ReadonlyArray<Int32Array>
): WorldPlan => {
  const { firstYear, calendarYears: T } = calendarSpan(model, realised)
  const rows = worldRows(model, realised)
  const E = rows.length
  const Y = model.years
  const startIndex = model.startYear - firstYear
  const historyCost = new Float64Array(E * T).fill(Number.NaN)
  const historyMemberMonths = new Float64Array(E * T).fill(Number.NaN)
  const historyRisk = new Float64Array(E * T).fill(Number.NaN)
  const memberMonths = new Float64Array(E * Y)
  const risk = new Float64Array(E * Y)
  const counterfactualCost = new Float64Array(E * Y)
  const savingsPlan = new Float64Array(E * Y)
  const memberScale = new Float64Array(E * Y)
  const actual = new Uint8Array(E * Y)
  // Contract years the scenario gives as actual experience: fixed, no draw moves them.
  const actualYears = new Set(model.experience.filter((r) => r.year >= model.startYear).map((r) => `${r.entity}\u0000${r.year}`))
  rows.forEach((row, e) => {
    const entity = model.entities[row.entity]!
    const what = row.segment === undefined ? entity : `${entity} / ${row.segment}`
    const byYear = row.cells
    for (let t = 0; t < startIndex; t++) {
      const cell = byYear?.get(firstYear + t)
      if (!cell) continue
      historyCost[e * T + t] = num(cell.cost)
      historyMemberMonths[e * T + t] = num(cell.memberMonths)
      historyRisk[e * T + t] = num(cell.riskScore)
    }
    const counterfactual = row.counterfactualPmpm
    const plan = model.projection.get(entity)
    for (let k = 0; k < Y; k++) {
      const cell = byYear?.get(model.startYear + k)
      const cf = counterfactual?.[k]
      if (!cell || !cf || !plan) throw invalid("simulate", `projection ${what} ${model.startYear + k}`, "is missing")
      const i = e * Y + k
      memberMonths[i] = num(cell.memberMonths)
      risk[i] = num(cell.riskScore)
      if (actualYears.has(`${entity}\u0000${model.startYear + k}`)) {
        actual[i] = 1
        counterfactualCost[i] = num(cell.cost)
        savingsPlan[i] = 0
      } else {
        counterfactualCost[i] = num(cf.mul(cell.memberMonths))
        savingsPlan[i] = num(plan.savings[k] ?? dec(0))
      }
      // A segment's cost shock is its entity's (one draw per entity-year): the scale is the entity's members.
      memberScale[i] = row.segment === undefined ? 1 / Math.sqrt(memberMonths[i]! / 12) : memberScale[row.entity * Y + k]!
    }
  })
  return {
    drawRow: Int32Array.from(rows, (row) => drawRowOf.get(model.entities[row.entity]!)!),
    entities: E,
    entityRows: model.entities.length,
    segmentOfRow: rows.map((row) => row.segment ?? ""),
    entityOfRow: Int32Array.from(rows, (row) => row.entity),
    firstYear,
    calendarYears: T,
    startIndex,
    years: Y,
    historyCost,
    historyMemberMonths,
    historyRisk,
    memberMonths,
    risk,
    counterfactualCost,
    savingsPlan,
    memberScale,
    actual,
    marketTrendSd: model.stochastic.marketTrendSd,
    memberCostSd: model.stochastic.memberCostSd,
    savingsSd: model.stochastic.savingsSd,
    riskDriftSd: model.stochastic.riskDriftSd,
    sets
  }
}

/** The distinct trend policies of the contract years (same object = same trend), compiled once each. */
const trendsByYear = (model: ContractModel, plan: WorldPlan): { trends: ReadonlyArray<TrendPlan>; trendOfYear: Int32Array; guardrailOfYear: Int32Array } => {
  const distinct: Array<TrendPolicy> = []
  const indexOf = (trend: TrendPolicy): number => {
    const i = distinct.indexOf(trend)
    if (i >= 0) return i
    distinct.push(trend)
    return distinct.length - 1
  }
  const trendOfYear = Int32Array.from(model.terms, (t) => indexOf(t.trend))
  const guardrailOfYear = Int32Array.from(model.terms, (t) => (t.guardrailTrend ? indexOf(t.guardrailTrend) : -1))
  return { trends: distinct.map((t) => trendPlan(t, plan.firstYear, plan.calendarYears)), trendOfYear, guardrailOfYear }
}

const REBASING: Record<ContractModel["rebasing"]["rebasing"]["kind"], number> = {
  none: REBASE_NONE,
  annual: REBASE_ANNUAL,
  periodic: REBASE_PERIODIC,
  rolling: REBASE_ROLLING,
  partial: REBASE_PARTIAL
}

const PEER_REFRESH: Record<ContractModel["peerRefresh"], number> = { "with-rebase": PEER_WITH_REBASE, annual: PEER_ANNUAL, fixed: PEER_FIXED }

const policyPlan = (
  model: ContractModel,
  world: number,
  plan: WorldPlan,
  peerSet: number,
  realised: RealisedExperience,
  pairs: { readonly providerRows: Int32Array; readonly peerSets: Int32Array }
): PolicyPlan => {
  const rebasing = model.rebasing.rebasing
  const credit = model.rebasing.savingsCredit
  const provider = model.entities.indexOf(model.provider)
  if (provider < 0) throw invalid("simulate", "provider", `${model.provider} is not an entity of the market`)
  return {
    name: model.policyName,
    world,
    provider,
    peerSet,
    segmented: model.segments !== undefined,
    ...pairs,
    riskTrigger: Uint8Array.from(model.terms, (t) => (t.riskCapAggregateTrigger && t.riskCaps.up !== undefined ? 1 : 0)),
    startYear: model.startYear,
    years: model.years,
    baselineIndex: Int32Array.from(model.baselineYears, (y) => y - plan.firstYear),
    baselineWeights: Float64Array.from(model.baselineWeights, num),
    historicalTrend: trendPlan(model.historicalTrend, plan.firstYear, plan.calendarYears),
    peerPercentile: model.peerPercentile ? num(model.peerPercentile) : Number.NaN,
    ...trendsByYear(model, plan),
    glidePath: Float64Array.from(model.glidePath, num),
    providerWeight: Float64Array.from(model.terms, (t) => (t.providerWeight ? num(t.providerWeight) : Number.NaN)),
    peerWeightBelow: Float64Array.from(model.terms, (t) => (t.peerWeightBySide ? num(t.peerWeightBySide.belowPeers) : Number.NaN)),
    peerWeightAbove: Float64Array.from(model.terms, (t) => (t.peerWeightBySide ? num(t.peerWeightBySide.abovePeers) : Number.NaN)),
    nationalPerCapita: Float64Array.from({ length: plan.calendarYears }, (_, t) => {
      const value = model.nationalPerCapita?.get(plan.firstYear + t)
      return value ? num(value) : Number.NaN
    }),
    capUp: Float64Array.from(model.terms, (t) => (t.convergenceCaps.up ? num(t.convergenceCaps.up) : Number.POSITIVE_INFINITY)),
    capDown: Float64Array.from(model.terms, (t) => (t.convergenceCaps.down ? num(t.convergenceCaps.down) : Number.POSITIVE_INFINITY)),
    noNegative: Uint8Array.from(model.terms, (t) => (t.convergenceCaps.noNegative ? 1 : 0)),
    negativeOffset: Float64Array.from(model.terms, (t) => (t.convergenceCaps.negativeOffset ? num(t.convergenceCaps.negativeOffset) : 0)),
    riskExtended: Uint8Array.from(model.terms, (t) => (t.codingIntensity !== undefined || t.riskWeight !== undefined ? 1 : 0)),
    codingBefore: Float64Array.from(model.terms, (t) => (t.codingIntensity ? codingMultiplierFloat("deflate", num(t.codingIntensity)) : 1)),
    riskWeight: Float64Array.from(model.terms, (t) => (t.riskWeight ? num(t.riskWeight) : 1)),
    equityAddOn: Float64Array.from(model.terms, (t) => (t.equityAddOn ? num(healthEquityAddOn(t.equityAddOn).value) : 0)),
    riskCeiling: Float64Array.from(model.terms, (t) => (t.riskCaps.up ? 1 + num(t.riskCaps.up) : Number.POSITIVE_INFINITY)),
    riskFloor: Float64Array.from(model.terms, (t) => (t.riskCaps.down ? 1 - num(t.riskCaps.down) : Number.NEGATIVE_INFINITY)),
    discount: Float64Array.from(model.terms, (t) => num(t.discount)),
    roundingPlaces: model.rounding.places,
    roundingMode: roundingModeCode(model.rounding.mode),
    peerRefresh: PEER_REFRESH[model.peerRefresh],
    rebasing: REBASING[rebasing.kind],
    rebaseEvery: rebasing.kind === "periodic" ? rebasing.every : 0,
    rebaseWeights: rebasing.kind === "periodic" || rebasing.kind === "rolling" ? Float64Array.from(rebasing.weights, num) : new Float64Array(0),
    alpha: rebasing.kind === "partial" ? num(rebasing.alpha) : Number.NaN,
    creditShare: credit ? num(credit.share) : Number.NaN,
    creditCap: credit ? num(credit.cap) : Number.NaN,
    creditYears: credit?.years ?? 0,
    creditRule: credit?.withRegional === "higher" ? CREDIT_HIGHER : CREDIT_ADD,
    glideRestart: model.rebasing.glidePathOnRebase === "restart",
    settlement: settlementPlan(model, realised),
    advanceReceived: Float64Array.from(model.terms, (t) => (t.advanceInvestment ? num(t.advanceInvestment) : 0))
  }
}

/** Entity id → index in the market (a map: a market of tens of thousands makes indexOf per peer quadratic). */
const entityIndex = (model: ContractModel): ReadonlyMap<string, number> => new Map(model.entities.map((e, i) => [e, i]))

/** entityIndex once per market array: the market view's thousands of models share one (compile would build a 1,000-entry map per model). */
const entityIndexes = (): ((model: ContractModel) => ReadonlyMap<string, number>) => {
  const known = new WeakMap<ReadonlyArray<string>, ReadonlyMap<string, number>>()
  return (model) => {
    let index = known.get(model.entities)
    if (index === undefined) {
      index = entityIndex(model)
      known.set(model.entities, index)
    }
    return index
  }
}

/**
 * Compile the policies of one scenario. They must share the market's contract start (common
 * random numbers are drawn per entity and contract year); they may differ in everything else.
 */
export const compileSimulation = (
  models: ReadonlyArray<ContractModel>,
  /** The caller has just run every model through the exact engine (validate does): do not run them again. */
  options: { readonly exactRunDone?: boolean } = {}
): SimulationPlan => {
  const first = models[0]
  if (!first) throw invalid("simulate", "policies", "is empty: at least one policy is needed")
  for (const m of models) {
    if (m.startYear !== first.startYear)
      throw invalid("simulate", `policy ${m.policyName} startYear`, `(${m.startYear}) differs from ${first.policyName}'s (${first.startYear}); simulated policies share the contract start`)
  }
  const entities: Array<string> = []
  const drawRowOf = new Map<string, number>()
  const seenMarkets = new Set<ReadonlyArray<string>>()
  for (const m of models) {
    // A market array already seen adds no entity (the market view's models share theirs).
    if (seenMarkets.has(m.entities)) continue
    seenMarkets.add(m.entities)
    for (const e of m.entities)
      if (!drawRowOf.has(e)) {
        drawRowOf.set(e, entities.length)
        entities.push(e)
      }
  }
  const worlds: Array<WorldPlan> = []
  const worldOf = worldIndexes()
  const worldSets: Array<Array<Int32Array>> = []
  const setIndex: Array<Map<string, number>> = []
  const realisedOf: Array<RealisedExperience> = []
  const policies: Array<PolicyPlan> = []
  const indexOfModel = entityIndexes()
  for (const model of models) {
    // Policies with the same projection inputs share one world: projected once, drawn once.
    let w = worldOf.find(model)
    const realisedHere = w === undefined ? projectExperience(model) : realisedOf[w]!
    // The exact engine first: its errors (a variable MSR below 500 members, a schedule without a year) are the user's.
    if (!options.exactRunDone) runContract(model, realisedHere)
    if (w === undefined) {
      w = worlds.length
      worldOf.add(model, w)
      const sets: Array<Int32Array> = [Int32Array.from(model.entities.keys())]
      worldSets.push(sets)
      setIndex.push(new Map([[sets[0]!.join(","), 0]]))
      realisedOf.push(realisedHere)
      worlds.push(worldPlan(model, realisedHere, drawRowOf, sets))
    }
    const indexOf = indexOfModel(model)
    const peers = Int32Array.from(model.peers, (p) => {
      const i = indexOf.get(p) ?? -1
      if (i < 0) throw invalid("simulate", "peers", `${p} is not an entity of the market`)
      return i
    })
    const sets = worldSets[w]!
    // The set of a group of rows, added once per world.
    const setOf = (members: Int32Array): number => {
      const key = members.join(",")
      let index = setIndex[w]!.get(key)
      if (index === undefined) {
        index = sets.length
        sets.push(members)
        setIndex[w]!.set(key, index)
      }
      return index
    }
    const peerSet = setOf(peers)
    const world = worlds[w]!
    const rowOf = (segment: string, entity: number): number => {
      for (let r = world.entityRows; r < world.entities; r++) if (world.segmentOfRow[r] === segment && world.entityOfRow[r] === entity) return r
      throw invalid("simulate", `experience ${model.entities[entity]} / ${segment}`, "has no row in the compiled world")
    }
    const provider = model.entities.indexOf(model.provider)
    const segments = model.segments ?? []
    const pairs = {
      providerRows: model.segments ? Int32Array.from(segments, (segment) => rowOf(segment, provider)) : Int32Array.of(provider),
      peerSets: model.segments ? Int32Array.from(segments, (segment) => setOf(Int32Array.from(peers, (p) => rowOf(segment, p)))) : Int32Array.of(peerSet)
    }
    policies.push(policyPlan(model, w, world, peerSet, realisedOf[w]!, pairs))
  }
  const any = (pick: (m: ContractModel) => number) => models.some((m) => pick(m) > 0)
  return {
    entities,
    years: Math.max(...models.map((m) => m.years)),
    worlds,
    policies,
    streams: {
      market: any((m) => m.stochastic.marketTrendSd),
      memberCost: any((m) => m.stochastic.memberCostSd),
      savings: any((m) => m.stochastic.savingsSd),
      riskDrift: any((m) => m.stochastic.riskDriftSd)
    }
  }
}
