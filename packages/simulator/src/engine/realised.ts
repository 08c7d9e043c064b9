import { cellSums, dec, invalid, ONE, pooledCell, pooledCellOfSums, type ExperienceCell, type PoolSums } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import type { ContractModel, ExperienceRecord } from "../model.js"

/**
 * Realised experience per entity and calendar year: history as given in the scenario, and
 * contract years as projected (docs/model.md §5). The contract engine only ever reads this
 * structure, so a Monte Carlo trial, a finite-difference probe (incentive power) or a user's
 * actual results can replace the projection without touching the year-step rules.
 */
export interface RealisedExperience {
  /** entity → calendar year → entity-level experience (groups and segments summed). */
  readonly cells: ReadonlyMap<string, ReadonlyMap<number, ExperienceCell>>
  /**
   * When the benchmark is computed per segment: segment → entity → calendar year → that segment's
   * experience (groups summed). The entity-level cells are always the pool of these.
   */
  readonly segments?: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<number, ExperienceCell>>>
  /** segment → entity → contract year index → the segment's counterfactual PMPM (what the Monte Carlo draws around). */
  readonly segmentCounterfactualPmpm?: ReadonlyMap<string, ReadonlyMap<string, ReadonlyArray<Decimal>>>
  /**
   * Set by withCost: this experience is `parent` with one entity-year's cost moved by `delta`, so a pool
   * of thousands of entities is the parent's pool moved by the same amount, not summed again.
   */
  readonly costChange?: { readonly parent: RealisedExperience; readonly entity: string; readonly year: number; readonly delta: Decimal }
  /** entity → contract year index (0-based) → counterfactual PMPM (what cost would have been without savings). */
  readonly counterfactualPmpm: ReadonlyMap<string, ReadonlyArray<Decimal>>
}

export const cellOf = (realised: RealisedExperience, entity: string, year: number): ExperienceCell => {
  const cell = realised.cells.get(entity)?.get(year)
  if (!cell) throw invalid("experience", `${entity} ${year}`, "has no experience (history row or projection)")
  return cell
}

type Cells = Map<string, Map<number, ExperienceCell>>

/** Rows pooled per entity and year (groups and segments summed). */
const pooledCells = (rows: ReadonlyArray<ExperienceRecord>): Cells => {
  const grouped = new Map<string, Map<number, Array<ExperienceCell>>>()
  for (const r of rows) {
    const byYear = grouped.get(r.entity) ?? new Map<number, Array<ExperienceCell>>()
    grouped.set(r.entity, byYear)
    const list = byYear.get(r.year) ?? []
    byYear.set(r.year, list)
    list.push({ memberMonths: r.memberMonths, cost: r.cost, riskScore: r.riskScore })
  }
  const out: Cells = new Map()
  for (const [entity, byYear] of grouped) {
    const years = new Map<number, ExperienceCell>()
    for (const [year, list] of byYear) years.set(year, pooledCell(list))
    out.set(entity, years)
  }
  return out
}

/**
 * One entity's contract years: its actual experience where the scenario gives it, else the
 * projection from the year before the contract (docs/model.md §5).
 */
/** What every entity's projection shares: the market's cumulative growth, and (1 + rate)^k for each growth rate met. */
interface ProjectionShared {
  readonly marketGrowth: ReadonlyArray<Decimal>
  readonly powers: (rate: Decimal) => ReadonlyArray<Decimal>
}

const projectionShared = (model: ContractModel): ProjectionShared => {
  // Entities mostly share their member growth and risk drift: each rate's powers are worked out once (the same pow as before).
  const known = new Map<string, ReadonlyArray<Decimal>>()
  return {
    marketGrowth: cumulativeGrowth(model.marketTrend),
    powers: (rate) => {
      const key = rate.toString()
      const hit = known.get(key)
      if (hit) return hit
      const factor = ONE.add(rate)
      const powers = Array.from({ length: model.years }, (_, k) => factor.pow(k + 1))
      known.set(key, powers)
      return powers
    }
  }
}

const projectEntity = (
  model: ContractModel,
  shared: ProjectionShared,
  entity: string,
  byYear: Map<number, ExperienceCell>,
  actual: ReadonlyMap<number, ExperienceCell> | undefined,
  what: string
): ReadonlyArray<Decimal> => {
  const baseYear = model.startYear - 1
  const base = byYear.get(baseYear)
  if (!base) throw invalid("projection", `experience for ${what}`, `is needed in ${baseYear}, the year before the contract starts, to project from`)
  const plan = model.projection.get(entity)
  if (!plan) throw invalid("projection", entity, "has no projection assumptions")
  const { marketGrowth } = shared
  const memberPowers = shared.powers(plan.memberGrowth)
  const riskPowers = shared.powers(plan.riskDrift)
  const basePmpm = base.cost.div(base.memberMonths)
  const counterfactual: Array<Decimal> = []
  for (let k = 0; k < model.years; k++) {
    const savings = plan.savings[k] ?? dec(0)
    const cf = basePmpm.mul(marketGrowth[k]!)
    counterfactual.push(cf)
    const given = actual?.get(model.startYear + k)
    if (given) {
      byYear.set(model.startYear + k, given)
      continue
    }
    const memberMonths = base.memberMonths.mul(memberPowers[k]!)
    const riskScore = base.riskScore.mul(riskPowers[k]!)
    // Most entities save nothing: cf × (1 − 0) is cf, and skipping it keeps the same digits.
    byYear.set(model.startYear + k, { memberMonths, cost: (savings.isZero() ? cf : cf.mul(ONE.sub(savings))).mul(memberMonths), riskScore })
  }
  return counterfactual
}

/** Cumulative product Π_{j≤k}(1 + rate_j) for k = 0..n−1. */
export const cumulativeGrowth = (rates: ReadonlyArray<Decimal>): ReadonlyArray<Decimal> => {
  const out: Array<Decimal> = []
  let acc = ONE
  for (const r of rates) {
    acc = acc.mul(ONE.add(r))
    out.push(acc)
  }
  return out
}

/**
 * Project every entity over the contract years from its experience in the year before the
 * contract: counterfactual_k = PMPM_base × Π(1 + market trend), actual_k = counterfactual_k ×
 * (1 − savings_k), member months grow by memberGrowth a year, risk by riskDrift a year.
 * Cost does not follow risk drift: drift models coding and case-mix change the benchmark sees.
 */
/** The entities whose segments a segmented benchmark reads: the provider and its peers, each once. */
export const segmentParties = (model: ContractModel): ReadonlyArray<string> => [...new Set([model.provider, ...model.peers])]

export const projectExperience = (model: ContractModel): RealisedExperience => {
  // A model is resolved once and never changed: validation, the run and the compile share one projection.
  const known = projections.get(model)
  if (known) return known
  const projected = projectUncached(model)
  projections.set(model, projected)
  return projected
}

const projections = new WeakMap<ContractModel, RealisedExperience>()

const projectUncached = (model: ContractModel): RealisedExperience => {
  const shared = projectionShared(model)
  const history = model.experience.filter((r) => r.year < model.startYear)
  const actual = pooledCells(model.experience.filter((r) => r.year >= model.startYear))
  const cells = pooledCells(history)
  const counterfactualPmpm = new Map<string, ReadonlyArray<Decimal>>()
  for (const entity of model.entities) {
    const byYear = cells.get(entity) ?? new Map<number, ExperienceCell>()
    cells.set(entity, byYear)
    counterfactualPmpm.set(entity, projectEntity(model, shared, entity, byYear, actual.get(entity), entity))
  }
  if (!model.segments) return { cells, counterfactualPmpm }
  // Per segment: the same projection on the segment's own base year, so the segments pool to the entity.
  const segments = new Map<string, ReadonlyMap<string, ReadonlyMap<number, ExperienceCell>>>()
  const segmentCounterfactualPmpm = new Map<string, ReadonlyMap<string, ReadonlyArray<Decimal>>>()
  for (const segment of model.segments) {
    const rows = model.experience.filter((r) => r.segment === segment)
    const segmentCells = pooledCells(rows.filter((r) => r.year < model.startYear))
    const segmentActual = pooledCells(rows.filter((r) => r.year >= model.startYear))
    const counterfactuals = new Map<string, ReadonlyArray<Decimal>>()
    for (const entity of segmentParties(model)) {
      const byYear = segmentCells.get(entity) ?? new Map<number, ExperienceCell>()
      segmentCells.set(entity, byYear)
      counterfactuals.set(entity, projectEntity(model, shared, entity, byYear, segmentActual.get(entity), `${entity} / ${segment}`))
    }
    segments.set(segment, segmentCells)
    segmentCounterfactualPmpm.set(segment, counterfactuals)
  }
  return { cells, counterfactualPmpm, segments, segmentCounterfactualPmpm }
}

/** The same realised experience with one entity-year's cost replaced (finite differences, user actuals). */
export const withCost = (realised: RealisedExperience, entity: string, year: number, cost: Decimal): RealisedExperience => {
  const cell = cellOf(realised, entity, year)
  const replace = (byEntity: ReadonlyMap<string, ReadonlyMap<number, ExperienceCell>>, update: (c: ExperienceCell) => ExperienceCell) => {
    const byYear = new Map(byEntity.get(entity))
    const old = byYear.get(year)
    if (old) byYear.set(year, update(old))
    const out = new Map(byEntity)
    out.set(entity, byYear)
    return out
  }
  const cells = replace(realised.cells, (c) => ({ ...c, cost }))
  const costChange = { parent: realised, entity, year, delta: cost.sub(cell.cost) }
  if (!realised.segments) return { ...realised, cells, costChange }
  // Every segment's cost moves in proportion, so the segments still pool to the entity.
  const factor = cell.cost.isZero() ? undefined : cost.div(cell.cost)
  const segments = new Map<string, ReadonlyMap<string, ReadonlyMap<number, ExperienceCell>>>()
  for (const [segment, byEntity] of realised.segments)
    segments.set(
      segment,
      replace(byEntity, (c) => ({ ...c, cost: factor ? c.cost.mul(factor) : cost.mul(c.memberMonths).div(cell.memberMonths) }))
    )
  return { ...realised, cells, segments, costChange }
}

/** The realised experience of one segment, as an entity-level view the year-step rules read unchanged. */
export const segmentView = (realised: RealisedExperience, segment: string): RealisedExperience => {
  const cells = realised.segments?.get(segment)
  if (!cells) throw invalid("benchmark.bySegment", segment, "has no experience")
  return { cells, counterfactualPmpm: realised.counterfactualPmpm }
}

/**
 * Realised growth of risk-adjusted PMPM of a pooled set of entities, year over year, for
 * every year where both it and the year before have experience for all of them
 * (the series that `observed` trend specs read).
 */
export const observedGrowthOf = (realised: RealisedExperience, entities: ReadonlyArray<string>): ReadonlyMap<number, Decimal> => {
  const cache = cacheOf(growthCache, realised)
  const known = cache.get(entities)
  if (known) return known
  const growth = growthOfPools(poolsOf(realised, entities))
  cache.set(entities, growth)
  return growth
}

/**
 * Caches keyed by the realised cells (never mutated once built: withCost copies) and then by the
 * entity list itself (a model's peers or entities, the same array from run to run).
 */
const growthCache = new WeakMap<object, WeakMap<ReadonlyArray<string>, ReadonlyMap<number, Decimal>>>()
const poolsCache = new WeakMap<object, WeakMap<ReadonlyArray<string>, ReadonlyMap<number, ExperienceCell>>>()
const memberSets = new WeakMap<ReadonlyArray<string>, ReadonlySet<string>>()

const cacheOf = <V>(caches: WeakMap<object, WeakMap<ReadonlyArray<string>, V>>, realised: RealisedExperience): WeakMap<ReadonlyArray<string>, V> => {
  const known = caches.get(realised.cells)
  if (known) return known
  const made = new WeakMap<ReadonlyArray<string>, V>()
  caches.set(realised.cells, made)
  return made
}

const membersOf = (entities: ReadonlyArray<string>): ReadonlySet<string> => {
  const known = memberSets.get(entities)
  if (known) return known
  const made = new Set(entities)
  memberSets.set(entities, made)
  return made
}

/**
 * The pooled cell of `entities` in each calendar year where every one of them has experience.
 * Worked out once per realised experience; for one that withCost made, the parent's pools with that
 * year's pooled cost moved by the same amount (an incentive-power probe of a 20,000-entity market
 * would otherwise sum the market again for every probe).
 */
const poolsOf = (realised: RealisedExperience, entities: ReadonlyArray<string>): ReadonlyMap<number, ExperienceCell> => {
  const cache = cacheOf(poolsCache, realised)
  const known = cache.get(entities)
  if (known) return known
  const change = realised.costChange
  let pools: ReadonlyMap<number, ExperienceCell>
  if (change) {
    const parent = poolsOf(change.parent, entities)
    const moved = membersOf(entities).has(change.entity) ? parent.get(change.year) : undefined
    if (moved) {
      const copy = new Map(parent)
      copy.set(change.year, { ...moved, cost: moved.cost.add(change.delta) })
      pools = copy
    } else pools = parent
  } else {
    const complement = complements.get(entities)
    pools = complement ? poolsWithout(realised, complement.group, complement.without) : sumPools(realised, entities)
  }
  cache.set(entities, pools)
  return pools
}

/** Peer lists made by peersWithout: the rest of a group, pooled as the group less one member. */
const complements = new WeakMap<ReadonlyArray<string>, { readonly group: ReadonlyArray<string>; readonly without: string }>()

/**
 * The members of `group` other than `entity`, as a peer list whose pools are the group's sums less
 * that member's cell (`pbpsim market` runs every member of a group as a provider against the rest:
 * summing each rest again would be quadratic in the group). The sums are exact, so the pool is the
 * one summing the rest would give (test/market-pools.test.ts).
 */
export const peersWithout = (group: ReadonlyArray<string>, entity: string): ReadonlyArray<string> => {
  const peers = group.filter((e) => e !== entity)
  complements.set(peers, { group, without: entity })
  return peers
}

const checkedPeers = new WeakSet<ReadonlyArray<string>>()

/**
 * Pools `peers` as `market` less `provider` when that is what they are, each member once (a
 * contract's peers are often the whole market but the provider): one pass over the market's
 * cells then gives both the market's pools (its observed trend) and the peers'.
 */
export const poolPeersAsMarketLess = (peers: ReadonlyArray<string>, market: ReadonlyArray<string>, provider: string): void => {
  if (checkedPeers.has(peers)) return
  checkedPeers.add(peers)
  if (complements.has(peers) || peers.length !== market.length - 1) return
  const members = membersOf(market)
  if (members.size !== market.length || !members.has(provider)) return
  const seen = new Set<string>()
  for (const p of peers) {
    if (p === provider || !members.has(p) || seen.has(p)) return
    seen.add(p)
  }
  complements.set(peers, { group: market, without: provider })
}

interface GroupSums extends PoolSums {
  /** How many members have a cell that year. */
  readonly count: number
}

const sumsCache = new WeakMap<object, WeakMap<ReadonlyArray<string>, ReadonlyMap<number, GroupSums>>>()

/** A group's pool sums per calendar year, in one pass over its cells (years in the order the members first show them). */
const groupSums = (realised: RealisedExperience, group: ReadonlyArray<string>): ReadonlyMap<number, GroupSums> => {
  const cache = cacheOf(sumsCache, realised)
  const known = cache.get(group)
  if (known) return known
  const sums = new Map<number, GroupSums>()
  group.forEach((e, i) => {
    for (const [y, c] of realised.cells.get(e) ?? []) {
      const s = sums.get(y)
      const own = cellSums(c, i)
      sums.set(
        y,
        s
          ? { memberMonths: s.memberMonths.add(own.memberMonths), cost: s.cost.add(own.cost), riskMonths: s.riskMonths.add(own.riskMonths), count: s.count + 1 }
          : { ...own, count: 1 }
      )
    }
  })
  cache.set(group, sums)
  return sums
}

const poolsWithout = (realised: RealisedExperience, group: ReadonlyArray<string>, without: string): ReadonlyMap<number, ExperienceCell> => {
  const rest = group.filter((e) => e !== without).length
  const own = realised.cells.get(without)
  const pools = new Map<number, ExperienceCell>()
  for (const [y, s] of groupSums(realised, group)) {
    const cell = own?.get(y)
    if (s.count - (cell ? 1 : 0) !== rest || rest === 0) continue
    pools.set(
      y,
      pooledCellOfSums(
        cell ? { memberMonths: s.memberMonths.sub(cell.memberMonths), cost: s.cost.sub(cell.cost), riskMonths: s.riskMonths.sub(cell.riskScore.mul(cell.memberMonths)) } : s
      )
    )
  }
  return pools
}

/** The pools of the years in which every member of `entities` has a cell. */
const sumPools = (realised: RealisedExperience, entities: ReadonlyArray<string>): ReadonlyMap<number, ExperienceCell> => {
  const pools = new Map<number, ExperienceCell>()
  for (const [y, s] of groupSums(realised, entities)) if (s.count === entities.length) pools.set(y, pooledCellOfSums(s))
  return pools
}

/**
 * The pooled experience of `entities` in `year` (a peer group's cell), shared by every policy and
 * contract year that reads the same pool; a member without the year is the error cellOf gives.
 */
export const pooledExperience = (realised: RealisedExperience, entities: ReadonlyArray<string>, year: number): ExperienceCell =>
  poolsOf(realised, entities).get(year) ?? pooledCell(entities.map((e) => cellOf(realised, e, year)))

/** Growth of risk-adjusted PMPM, year over year, where both years are pooled. */
const growthOfPools = (pools: ReadonlyMap<number, ExperienceCell>): ReadonlyMap<number, Decimal> => {
  const riskAdjusted = new Map<number, Decimal>()
  for (const [y, pooled] of pools) riskAdjusted.set(y, pooled.cost.div(pooled.memberMonths).div(pooled.riskScore))
  const growth = new Map<number, Decimal>()
  for (const [y, v] of riskAdjusted) {
    const prev = riskAdjusted.get(y - 1)
    if (prev) growth.set(y, v.div(prev).sub(1))
  }
  return growth
}
