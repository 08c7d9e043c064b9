import { dec, derive, exactText, explained, formatFixed, quantity, ZERO, type Derivation, type Explained, type Settlement } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import type { ContractModel } from "../model.js"
import { runContract, type ContractResult } from "./contract.js"
import { cellOf, withCost, type RealisedExperience } from "./realised.js"

/**
 * Incentive power of contract year t (docs/model.md §7): how much of a dollar of cost cut in
 * year t the provider keeps over the whole contract, and the cliffs within reach of its cost.
 *
 * With the benchmark's rounding switched off, the contract is piecewise linear in year t's cost
 * (corridors, caps, limits, the savings credit and the glide path's caps are min, max and
 * threshold tests of linear quantities; only an observed trend whose pool holds the provider is
 * curved, and smoothly). Its slope is therefore the difference quotient over any step that
 * crosses no break: a step of 1e-12 PMPM, far below a cent and far above the 40-digit noise,
 * gives it to about 25 digits. Measured on the rounded contract instead, a step would only see
 * the cent steps of the benchmark (0.335 where the slope is 0.331125).
 *
 * The breaks that are jumps, not kinks, are the corridor edges: savings qualify all at once
 * when the gap reaches MSR × B (first-dollar sharing pays the whole gap). A cliff is such an
 * edge of year t or of a later year (whose benchmark moves with year t's cost under rebasing)
 * within CLIFF_REACH_PMPM of year t's actual cost, either way; it is reported with where it
 * falls and the jump, never folded into the slope.
 */

/** Year t's cost moves by this much per member month to measure the slope ($1e-12 PMPM). */
export const SLOPE_STEP_PMPM = dec("1e-12")
/** A cliff is "within reach" when year t's cost meets it within this many dollars PMPM of its actual cost, up or down. */
export const CLIFF_REACH_PMPM = dec(1)
/** Either side of a located edge: the jump is the change in provider net across this gap ($1e-18 PMPM). */
const EDGE_SIDE_PMPM = dec("1e-18")
/** The search for an edge gives up beyond this distance (a secant step may overshoot a kink on its way). */
const SEARCH_PMPM = CLIFF_REACH_PMPM.mul(4)
/** Two successive estimates of an edge this close (PMPM) have converged. */
const CONVERGED_PMPM = dec("1e-24")
const MAX_STEPS = 12
/** A jump under half a cent is no cliff (an edge where nothing is shared at the boundary, e.g. beyond-corridor sharing). */
const HALF_CENT = dec("0.005")
/** Decimal places of the benchmark in the probes: beyond the 40 significant digits, so nothing is rounded. */
const UNROUNDED_PLACES = 100

/** A corridor edge: the minimum savings rate or the minimum loss rate of a year. */
export type CliffThreshold = "MSR" | "MLR"

/** A discontinuity in the provider's contract net within reach of year t's actual cost. */
export interface Cliff {
  readonly threshold: CliffThreshold
  /** Calendar year whose corridor edge it is: year t, or a later year whose benchmark moves with year t's cost. */
  readonly year: number
  /** Year t's cost PMPM at which the edge falls. */
  readonly costPmpm: Decimal
  /** costPmpm − year t's actual PMPM: negative when a cut reaches it, positive when a rise does. */
  readonly distancePmpm: Decimal
  /** Change in provider net over the contract as year t's cost falls through the edge (total dollars; + gains, − loses). */
  readonly jump: Decimal
  readonly derivation: Derivation
}

/** Incentive power of a year: the slope, explained, and the cliffs within reach (nearest first). */
export interface IncentivePower extends Explained<Decimal> {
  readonly cliffs: ReadonlyArray<Cliff>
}

/** Runs of the unrounded contract with year t's provider cost moved by d PMPM. */
interface Probe {
  readonly year: number
  readonly memberMonths: Decimal
  readonly actualPmpm: Decimal
  /** Whether year t's cost stays ≥ 0 at offset d. */
  readonly reachable: (d: Decimal) => boolean
  readonly at: (d: Decimal) => ContractResult
}

const probeOf = (unrounded: ContractModel, realised: RealisedExperience, year: number): Probe => {
  const cell = cellOf(realised, unrounded.provider, year)
  const costAt = (d: Decimal) => cell.cost.add(d.mul(cell.memberMonths))
  return {
    year,
    memberMonths: cell.memberMonths,
    actualPmpm: cell.cost.div(cell.memberMonths),
    reachable: (d) => !costAt(d).isNegative(),
    at: (d) => runContract(unrounded, withCost(realised, unrounded.provider, year, costAt(d)))
  }
}

/**
 * The edge function of a year's corridor: ≥ 0 on the side where savings (MSR) or losses (MLR)
 * qualify. Under MSSP's loss guardrail with a recalculated benchmark B′ above B, losses are
 * owed only beyond the MLR against B′ (42 CFR 425.652(b)(5)), so that is where the loss edge is.
 */
const edgeValue = (threshold: CliffThreshold, result: ContractResult, index: number): Decimal | undefined => {
  const s = result.years[index]?.settlement.value
  if (!s) return undefined
  if (threshold === "MSR") return s.gross.sub(s.msr.mul(s.benchmark))
  if (s.mlr === undefined) return undefined
  const recalculated = s.guardrail?.benchmark
  if (recalculated !== undefined && recalculated.gt(s.benchmark)) {
    const expenditure = s.benchmark.sub(s.gross)
    return expenditure.sub(recalculated).sub(s.mlr.mul(recalculated))
  }
  return s.gross.neg().sub(s.mlr.mul(s.benchmark))
}

/**
 * Where (PMPM offset from year t's actual cost) the edge function of year `index` crosses zero:
 * secant steps over `step`, exact in one step where the function is linear, a few where a kink
 * lies between. Undefined when it does not move with year t's cost or is not met within the search.
 */
const locateEdge = (
  probe: Probe,
  threshold: CliffThreshold,
  index: number,
  step: Decimal,
  start: { readonly at: ContractResult; readonly near: ContractResult }
): Decimal | undefined => {
  let d = ZERO
  let { at, near } = start
  for (let i = 0; i < MAX_STEPS; i++) {
    const value = edgeValue(threshold, at, index)
    const nearValue = edgeValue(threshold, near, index)
    if (value === undefined || nearValue === undefined) return undefined
    const slope = nearValue.sub(value).div(step)
    if (slope.isZero()) return undefined
    const next = d.sub(value.div(slope))
    if (next.abs().gt(SEARCH_PMPM) || !probe.reachable(next) || !probe.reachable(next.add(step))) return undefined
    if (next.sub(d).abs().lte(CONVERGED_PMPM)) return next
    d = next
    at = probe.at(d)
    near = probe.at(d.add(step))
  }
  return undefined
}

const money = (value: Decimal): string => formatFixed(value, 2)

/** The cliff at a located edge: the corridor outcome must differ either side, and the jump be at least half a cent. */
const cliffAt = (probe: Probe, threshold: CliffThreshold, index: number, d: Decimal): Cliff | undefined => {
  if (d.abs().gt(CLIFF_REACH_PMPM) || !probe.reachable(d.sub(EDGE_SIDE_PMPM))) return undefined
  const below = probe.at(d.sub(EDGE_SIDE_PMPM))
  const above = probe.at(d.add(EDGE_SIDE_PMPM))
  const yearBelow = below.years[index]!
  const yearAbove = above.years[index]!
  // Below the MSR, reduced shared savings (425.605(h)) keep the outcome "savings" on both sides; the rate still jumps.
  const sideOf = (s: Settlement): string => (s.reducedBelowMsr ? "reduced savings" : s.outcome)
  const outcomeBelow = sideOf(yearBelow.settlement.value)
  const outcomeAbove = sideOf(yearAbove.settlement.value)
  if (outcomeBelow === outcomeAbove) return undefined
  const jump = below.totals.providerNet.sub(above.totals.providerNet)
  if (jump.abs().lt(HALF_CENT)) return undefined
  const costPmpm = probe.actualPmpm.add(d)
  const rate = threshold === "MSR" ? yearBelow.settlement.value.msr : (yearBelow.settlement.value.mlr ?? ZERO)
  const derivation = derive({
    rule: "incentive.cliff",
    label: `Cliff: ${yearBelow.year}'s ${threshold} at a ${probe.year} cost of ${money(costPmpm)} PMPM`,
    formula:
      threshold === "MSR"
        ? `gross_${yearBelow.year} = MSR × B_${yearBelow.year}, solved for ${probe.year}'s cost; jump = provider net just below − just above`
        : `−gross_${yearBelow.year} = MLR × B_${yearBelow.year}, solved for ${probe.year}'s cost; jump = provider net just below − just above`,
    inputs: [
      quantity(`actual PMPM ${probe.year}`, probe.actualPmpm, "pmpm"),
      quantity("cost PMPM at the edge", costPmpm, "pmpm"),
      quantity(threshold, rate, "rate"),
      quantity("provider net just below the edge", below.totals.providerNet, "money"),
      quantity("provider net just above the edge", above.totals.providerNet, "money")
    ],
    output: quantity("jump in provider net", jump, "money"),
    source: "docs/model.md §6 (corridor), §7 (cliffs)",
    notes: [
      `${exactText(d.abs())} PMPM ${d.isNegative() ? "below" : "above"} the actual cost: within the reach of ±$${exactText(CLIFF_REACH_PMPM)} PMPM`,
      `${yearBelow.year}'s corridor: ${outcomeBelow} below the edge, ${outcomeAbove} above it`
    ]
  })
  return { threshold, year: yearBelow.year, costPmpm, distancePmpm: d, jump, derivation }
}

/** Every corridor edge of year t and later within reach, nearest first. */
const cliffsOf = (probe: Probe, firstIndex: number, years: number, step: Decimal, start: { readonly at: ContractResult; readonly near: ContractResult }): ReadonlyArray<Cliff> => {
  const found: Array<Cliff> = []
  for (let index = firstIndex; index < years; index++) {
    for (const threshold of ["MSR", "MLR"] as const) {
      const d = locateEdge(probe, threshold, index, step, start)
      const cliff = d === undefined ? undefined : cliffAt(probe, threshold, index, d)
      if (cliff) found.push(cliff)
    }
  }
  return found.sort((a, b) => a.distancePmpm.abs().cmp(b.distancePmpm.abs()))
}

const cliffNote = (c: Cliff): string =>
  `cliff: ${c.year}'s ${c.threshold} at ${money(c.costPmpm)} PMPM (${c.distancePmpm.isNegative() ? "−" : "+"}${money(c.distancePmpm.abs())}); crossing it downward ${c.jump.isNegative() ? "loses" : "gains"} ${money(c.jump.abs())}`

/**
 * Incentive power of every contract year: the slope of the provider's net over the contract in
 * year t's cost, on the side of a cut, with the cliffs within reach (docs/model.md §7).
 * `base` is the contract as run (rounded); the slope is measured on the same contract unrounded.
 */
export const incentivePower = (
  model: ContractModel,
  realised: RealisedExperience,
  base: ContractResult,
  options: { readonly cliffs?: boolean } = {}
): ReadonlyArray<IncentivePower> => {
  const unrounded: ContractModel = { ...model, rounding: { ...model.rounding, places: UNROUNDED_PLACES } }
  // The contract as realised, unrounded: the same run for every year t (its cost moved by 0).
  const at = runContract(unrounded, realised)
  return base.years.map((y, index) => {
    const probe = probeOf(unrounded, realised, y.year)
    // A cut, unless the cost is already (nearly) zero: then the slope on the side of a rise.
    const step = probe.reachable(SLOPE_STEP_PMPM.neg()) ? SLOPE_STEP_PMPM.neg() : SLOPE_STEP_PMPM
    const near = probe.at(step)
    // Without the cliff search (the market view reads the slope only) an edge within the step is not looked for.
    const cliffs = options.cliffs === false ? [] : cliffsOf(probe, index, base.years.length, step, { at, near })
    // Cost given to the cent can sit exactly on a corridor edge: when a cliff lies within the step,
    // the slope is measured between one and two steps away, so the jump is never folded into it.
    const onEdge = cliffs.some((c) => c.distancePmpm.abs().lte(step.abs()))
    const from = onEdge ? near : at
    const to = onEdge ? probe.at(step.mul(2)) : near
    const cut = step.neg().mul(probe.memberMonths)
    const power = to.totals.providerNet.sub(from.totals.providerNet).div(cut)
    const value = explained(
      power,
      derive({
        rule: "incentive.power",
        label: `Incentive power of ${y.year}`,
        formula: onEdge
          ? "(provider net with cost − 2h × MM_t − provider net with cost − h × MM_t) ÷ (h × MM_t), benchmark unrounded: the slope beside the corridor edge the cost sits on"
          : "(provider net with cost − h × MM_t − provider net) ÷ (h × MM_t), benchmark unrounded: the slope of the contract in year t's cost",
        inputs: [
          quantity("member months MM_t", probe.memberMonths, "members"),
          quantity(onEdge ? "provider net, cost moved by h" : "provider net, unrounded benchmark", from.totals.providerNet, "money"),
          quantity(onEdge ? "provider net, cost moved by 2h" : "provider net, cost moved by h", to.totals.providerNet, "money")
        ],
        output: quantity("incentive power", power, "rate"),
        source: "docs/model.md §7; Douven, McGuire & McWilliams, Health Affairs 2015",
        notes: [
          `h = $${exactText(step.abs())} PMPM (${step.isNegative() ? "a cut" : "a rise: the cost cannot fall"}); the benchmark is not rounded to cents here, so the slope is the contract's, not its cent steps'`,
          ...(cliffs.length === 0 ? [`no cliff within ±$${exactText(CLIFF_REACH_PMPM)} PMPM of the actual cost`] : cliffs.map(cliffNote))
        ],
        steps: cliffs.map((c) => c.derivation)
      })
    )
    return { ...value, cliffs }
  })
}
