import type { Decimal } from "decimal.js"
import { Dec, ZERO } from "./decimal.js"
import { derive, explained, quantity, type Explained, type Quantity } from "./derivation.js"
import { invalid } from "./errors.js"

/**
 * Experience: member months, cost and risk of a population over a period (docs/model.md §1).
 * PMPM = cost ÷ member months; roll-ups are member-month weighted, so a roll-up is itself a
 * cell and groups roll into entities, entities into peer groups, without changing the result.
 */

export interface ExperienceCell {
  readonly memberMonths: Decimal
  readonly cost: Decimal
  readonly riskScore: Decimal
}

/** A roll-up of cells: itself a cell, with its PMPM and risk-adjusted PMPM. */
export interface RollUp extends ExperienceCell {
  readonly label: string
  readonly pmpm: Decimal
  readonly riskAdjustedPmpm: Decimal
}

const EXPERIENCE_SOURCE = "Qcentive APM Issue Brief 1 (historical cost PMPM = costs ÷ member months); docs/model.md §1"

const finite = (rule: string, field: string, value: Decimal): Decimal => {
  if (!value.isFinite()) throw invalid(rule, field, "must be a finite number")
  return value
}

/** PMPM = cost ÷ member months. */
export const pmpm = (cost: Decimal, memberMonths: Decimal): Explained<Decimal> => {
  const rule = "experience.pmpm"
  finite(rule, "cost", cost)
  finite(rule, "memberMonths", memberMonths)
  if (cost.isNegative()) throw invalid(rule, "cost", "must not be negative")
  if (!memberMonths.gt(ZERO)) throw invalid(rule, "memberMonths", "must be positive: a PMPM needs member months")
  const value = cost.div(memberMonths)
  return explained(
    value,
    derive({
      rule,
      label: "PMPM",
      formula: "PMPM = cost ÷ MM",
      inputs: [quantity("cost", cost, "money"), quantity("member months", memberMonths, "count")],
      output: quantity("PMPM", value, "pmpm"),
      source: EXPERIENCE_SOURCE
    })
  )
}

interface NamedCell {
  readonly name: string
  readonly cell: ExperienceCell
}

/** `field` is named only when a check fails: pools of thousands of cells pass without building it. */
const validateCell = (rule: string, field: () => string, cell: ExperienceCell): void => {
  const { memberMonths, cost, riskScore } = cell
  if (memberMonths.isFinite() && cost.isFinite() && riskScore.isFinite() && !memberMonths.isNegative() && !cost.isNegative() && riskScore.gt(ZERO)) return
  finite(rule, `${field()}.memberMonths`, memberMonths)
  finite(rule, `${field()}.cost`, cost)
  finite(rule, `${field()}.riskScore`, riskScore)
  if (memberMonths.isNegative()) throw invalid(rule, `${field()}.memberMonths`, "must not be negative")
  if (cost.isNegative()) throw invalid(rule, `${field()}.cost`, "must not be negative")
  throw invalid(rule, `${field()}.riskScore`, "must be positive")
}

/** The roll-up's sums: Σ member months, Σ cost, Σ risk × member months (each cell checked first). */
const rollUpSums = (rule: string, cells: ReadonlyArray<NamedCell>, field: string): { memberMonths: Decimal; cost: Decimal; riskMonths: Decimal } => {
  if (cells.length === 0) throw invalid(rule, field, "is empty: a roll-up needs at least one experience cell")
  cells.forEach((c, i) => validateCell(rule, () => `${field}[${i}] (${c.name})`, c.cell))
  let memberMonths = ZERO
  let cost = ZERO
  let riskMonths = ZERO
  for (const { cell } of cells) {
    memberMonths = memberMonths.add(cell.memberMonths)
    cost = cost.add(cell.cost)
    riskMonths = riskMonths.add(cell.riskScore.mul(cell.memberMonths))
  }
  if (!memberMonths.gt(ZERO)) throw invalid(rule, `${field} member months`, "sum to zero: nothing to roll up")
  return { memberMonths, cost, riskMonths }
}

/** What a pool adds up: Σ member months, Σ cost, Σ risk × member months. The sums are exact, so pools add and subtract. */
export interface PoolSums {
  readonly memberMonths: Decimal
  readonly cost: Decimal
  readonly riskMonths: Decimal
}

/** A pool's cell checked as a roll-up checks it, named by its place in the pool as pooledCell names it. */
const checkPoolCell = (cell: ExperienceCell, index: number): void => validateCell("experience.rollUp", () => `cells[${index}] (cell ${index + 1})`, cell)

/** A pool needs member months to weight its risk by. */
const checkPoolMemberMonths = (memberMonths: Decimal): void => {
  if (!memberMonths.gt(ZERO)) throw invalid("experience.rollUp", "cells member months", "sum to zero: nothing to roll up")
}

/** One cell's part of a pool's sums, checked as a roll-up checks it (`index`: its place in the pool). */
export const cellSums = (cell: ExperienceCell, index: number): PoolSums => {
  checkPoolCell(cell, index)
  return { memberMonths: cell.memberMonths, cost: cell.cost, riskMonths: cell.riskScore.mul(cell.memberMonths) }
}

/** The pooled cell of a pool's sums: member months and cost summed, risk the member-month weighted mean. */
export const pooledCellOfSums = ({ memberMonths, cost, riskMonths }: PoolSums): ExperienceCell => {
  checkPoolMemberMonths(memberMonths)
  return { memberMonths, cost, riskScore: riskMonths.div(memberMonths) }
}

/**
 * The pooled cell of a roll-up without its explanation: the same rule and checks as `rollUp`,
 * for the engine's pools of hundreds of peers, where an explanation listing every input would
 * cost more than the sums.
 */
export const pooledCell = (cells: ReadonlyArray<ExperienceCell>): ExperienceCell => {
  const only = cells.length === 1 ? cells[0]! : undefined
  // One cell pools to its own values whenever the sums are exact in 40 digits (its cost, and risk ×
  // member months, fit): the same values as summing, without the 40-digit division back to risk.
  if (only !== undefined && only.cost.sd() <= Dec.precision && only.memberMonths.sd() + only.riskScore.sd() <= Dec.precision) {
    checkPoolCell(only, 0)
    checkPoolMemberMonths(only.memberMonths)
    return only
  }
  return pooledCellOfSums(
    rollUpSums(
      "experience.rollUp",
      cells.map((cell, i) => ({ name: `cell ${i + 1}`, cell })),
      "cells"
    )
  )
}

const rollUpNamed = (rule: string, label: string, cells: ReadonlyArray<NamedCell>, field: string): Explained<RollUp> => {
  const { memberMonths, cost, riskMonths } = rollUpSums(rule, cells, field)

  const pmpmStep = pmpm(cost, memberMonths)
  const riskScore = riskMonths.div(memberMonths)
  const riskAdjustedPmpm = pmpmStep.value.div(riskScore)

  const inputs: Array<Quantity> = cells.flatMap(({ name, cell }) => [
    quantity(`${name} member months`, cell.memberMonths, "count"),
    quantity(`${name} cost`, cell.cost, "money"),
    quantity(`${name} risk score`, cell.riskScore, "risk")
  ])
  const riskStep = derive({
    rule: "experience.riskScore",
    label: `${label} risk score`,
    formula: "risk = Σ(risk × MM) ÷ ΣMM",
    inputs: [quantity("Σ risk × MM", riskMonths, "count"), quantity("Σ MM", memberMonths, "count")],
    output: quantity("risk score", riskScore, "risk"),
    source: "docs/model.md §1 (member-month weighted roll-up)"
  })
  const adjustedStep = derive({
    rule: "experience.riskAdjustedPmpm",
    label: `${label} risk-adjusted PMPM`,
    formula: "risk-adjusted PMPM = PMPM ÷ risk",
    inputs: [quantity("PMPM", pmpmStep.value, "pmpm"), quantity("risk score", riskScore, "risk")],
    output: quantity("risk-adjusted PMPM", riskAdjustedPmpm, "pmpm"),
    source: "docs/model.md §1"
  })
  const value: RollUp = { label, memberMonths, cost, riskScore, pmpm: pmpmStep.value, riskAdjustedPmpm }
  return explained(
    value,
    derive({
      rule,
      label: `${label} PMPM`,
      formula: "PMPM = Σcost ÷ ΣMM; risk = Σ(risk × MM) ÷ ΣMM; risk-adjusted PMPM = PMPM ÷ risk",
      inputs,
      output: quantity("PMPM", pmpmStep.value, "pmpm"),
      source: EXPERIENCE_SOURCE,
      notes: [`${cells.length} cell${cells.length === 1 ? "" : "s"} pooled, member-month weighted`],
      steps: [pmpmStep.derivation, riskStep, adjustedStep]
    })
  )
}

const nameOf = (cell: ExperienceCell, i: number): string =>
  "label" in cell && typeof cell.label === "string" ? cell.label : `cell ${i + 1}`

/**
 * Member-month weighted roll-up: PMPM = Σcost ÷ ΣMM, risk = Σ(risk × MM) ÷ ΣMM,
 * risk-adjusted PMPM = PMPM ÷ risk. Cells that are themselves roll-ups are named by their label.
 */
export const rollUp = (label: string, cells: ReadonlyArray<ExperienceCell>): Explained<RollUp> =>
  rollUpNamed(
    "experience.rollUp",
    label,
    cells.map((cell, i) => ({ name: nameOf(cell, i), cell })),
    "cells"
  )

/**
 * Pooled experience of a peer group, with or without the contracting provider (the issue
 * brief's peer-wide $431 includes Health System A; MSSP's regional figure is wider still).
 */
export const peerRollUp = (
  label: string,
  members: ReadonlyArray<{ readonly entity: string; readonly experience: ExperienceCell }>,
  options: { readonly provider: string; readonly excludeProvider: boolean }
): Explained<RollUp> => {
  const rule = "experience.peerRollUp"
  if (members.length === 0) throw invalid(rule, "members", "is empty: a peer group needs at least one entity")
  const kept = options.excludeProvider ? members.filter((m) => m.entity !== options.provider) : members
  const providerPresent = members.some((m) => m.entity === options.provider)
  if (kept.length === 0)
    throw invalid(rule, "members", `has no entity left after excluding the provider ${options.provider}`)
  const pooled = rollUpNamed(
    rule,
    label,
    kept.map((m) => ({ name: m.entity, cell: m.experience })),
    "members"
  )
  const entities = [...new Set(kept.map((m) => m.entity))]
  const notes = [
    options.excludeProvider
      ? providerPresent
        ? `provider ${options.provider} excluded from the peer pool`
        : `provider ${options.provider} is not a member: nothing excluded`
      : providerPresent
        ? `provider ${options.provider} included in the peer pool`
        : `provider ${options.provider} is not a member of the peer pool`,
    `peers pooled: ${entities.join(", ")}`
  ]
  return explained(pooled.value, { ...pooled.derivation, label: `${label} PMPM (peer pool)`, notes: [...pooled.derivation.notes, ...notes] })
}
