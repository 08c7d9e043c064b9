import { dec, invalid, ONE, rollUp, type ExperienceCell } from "@pbpsim/benchmark"
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
  /** entity → contract year index (0-based) → counterfactual PMPM (what cost would have been without savings). */
  readonly counterfactualPmpm: ReadonlyMap<string, ReadonlyArray<Decimal>>
}

export const cellOf = (realised: RealisedExperience, entity: string, year: number): ExperienceCell => {
  const cell = realised.cells.get(entity)?.get(year)
  if (!cell) throw invalid("experience", `${entity} ${year}`, "has no experience (history row or projection)")
  return cell
}

/** Pooled experience of several cells: the member-month-weighted roll-up rule, one source of truth. */
export const poolCells = (cells: ReadonlyArray<ExperienceCell>): ExperienceCell => {
  // Keep only the cell's own fields: a derived PMPM riding along would go stale when withCost replaces the cost.
  const { memberMonths, cost, riskScore } = rollUp("pooled experience", cells).value
  return { memberMonths, cost, riskScore }
}

const historyCells = (rows: ReadonlyArray<ExperienceRecord>): Map<string, Map<number, ExperienceCell>> => {
  const grouped = new Map<string, Map<number, Array<ExperienceCell>>>()
  for (const r of rows) {
    const byYear = grouped.get(r.entity) ?? new Map<number, Array<ExperienceCell>>()
    grouped.set(r.entity, byYear)
    const list = byYear.get(r.year) ?? []
    byYear.set(r.year, list)
    list.push({ memberMonths: r.memberMonths, cost: r.cost, riskScore: r.riskScore })
  }
  const out = new Map<string, Map<number, ExperienceCell>>()
  for (const [entity, byYear] of grouped) {
    const years = new Map<number, ExperienceCell>()
    for (const [year, list] of byYear) years.set(year, poolCells(list))
    out.set(entity, years)
  }
  return out
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
export const projectExperience = (model: ContractModel): RealisedExperience => {
  const cells = historyCells(model.experience)
  const baseYear = model.startYear - 1
  const marketGrowth = cumulativeGrowth(model.marketTrend)
  const counterfactualPmpm = new Map<string, ReadonlyArray<Decimal>>()
  for (const entity of model.entities) {
    const byYear = cells.get(entity) ?? new Map<number, ExperienceCell>()
    cells.set(entity, byYear)
    const base = byYear.get(baseYear)
    if (!base) throw invalid("projection", `experience for ${entity}`, `is needed in ${baseYear}, the year before the contract starts, to project from`)
    const plan = model.projection.get(entity)
    if (!plan) throw invalid("projection", entity, "has no projection assumptions")
    const basePmpm = base.cost.div(base.memberMonths)
    const counterfactual: Array<Decimal> = []
    for (let k = 0; k < model.years; k++) {
      const growth = marketGrowth[k]!
      const savings = plan.savings[k] ?? dec(0)
      const steps = k + 1
      const cf = basePmpm.mul(growth)
      const memberMonths = base.memberMonths.mul(ONE.add(plan.memberGrowth).pow(steps))
      const riskScore = base.riskScore.mul(ONE.add(plan.riskDrift).pow(steps))
      counterfactual.push(cf)
      byYear.set(model.startYear + k, { memberMonths, cost: cf.mul(ONE.sub(savings)).mul(memberMonths), riskScore })
    }
    counterfactualPmpm.set(entity, counterfactual)
  }
  return { cells, counterfactualPmpm }
}

/** The same realised experience with one entity-year's cost replaced (finite differences, user actuals). */
export const withCost = (realised: RealisedExperience, entity: string, year: number, cost: Decimal): RealisedExperience => {
  const cell = cellOf(realised, entity, year)
  const byYear = new Map(realised.cells.get(entity))
  byYear.set(year, { ...cell, cost })
  const cells = new Map(realised.cells)
  cells.set(entity, byYear)
  return { ...realised, cells }
}

/**
 * Realised growth of risk-adjusted PMPM of a pooled set of entities, year over year, for
 * every year where both it and the year before have experience for all of them
 * (the series that `observed` trend specs read).
 */
export const observedGrowthOf = (realised: RealisedExperience, entities: ReadonlyArray<string>): ReadonlyMap<number, Decimal> => {
  const years = new Set<number>()
  for (const e of entities) for (const y of realised.cells.get(e)?.keys() ?? []) years.add(y)
  const riskAdjusted = new Map<number, Decimal>()
  for (const y of years) {
    const cells = entities.map((e) => realised.cells.get(e)?.get(y))
    if (cells.some((c) => c === undefined)) continue
    const pooled = poolCells(cells as Array<ExperienceCell>)
    riskAdjusted.set(y, pooled.cost.div(pooled.memberMonths).div(pooled.riskScore))
  }
  const growth = new Map<number, Decimal>()
  for (const [y, v] of riskAdjusted) {
    const prev = riskAdjusted.get(y - 1)
    if (prev) growth.set(y, v.div(prev).sub(1))
  }
  return growth
}
