import type { Decimal } from "decimal.js"
import { formatFixed, type Rounding } from "./rounding.js"

/**
 * Every computed figure can say how it was made: the rule applied, its inputs, the
 * intermediate steps (themselves derivations), where rounding happened and the real-world
 * source of the rule. `pbpsim explain` prints this tree as a waterfall; JSON output carries it.
 */
export type Unit = "pmpm" | "money" | "rate" | "factor" | "weight" | "count" | "risk" | "members"

/** A named value with its unit, as a derivation lists inputs and outputs. */
export interface Quantity {
  readonly name: string
  readonly value: Decimal
  readonly unit: Unit
}

/** Where a step rounded: the unrounded value and the rounding applied. */
export interface RoundingNote {
  /** The unrounded value. */
  readonly from: Decimal
  readonly rounding: Rounding
}

/** How one figure was computed; `steps` derive its computed inputs, so a derivation is a tree. */
export interface Derivation {
  /** Stable identifier of the rule, e.g. "blend.convergence" (used by tests and docs). */
  readonly rule: string
  /** What the output is, in words: "Blended benchmark PMPM". */
  readonly label: string
  /** The formula applied, in the notation of docs/model.md and docs/rules/. */
  readonly formula: string
  readonly inputs: ReadonlyArray<Quantity>
  readonly output: Quantity
  /** Present where this step rounded its output. */
  readonly rounded?: RoundingNote
  /** Real-world source of the rule (regulation, programme document). */
  readonly source?: string
  /** Conditions met along the way: "cap binds: +5 % of peer", "inside corridor". */
  readonly notes: ReadonlyArray<string>
  /** Derivations of inputs that were themselves computed, in order. */
  readonly steps: ReadonlyArray<Derivation>
}

/** A value together with its derivation. */
export interface Explained<A> {
  readonly value: A
  readonly derivation: Derivation
}

/** A Quantity: `quantity("peer baseline", value, "pmpm")`. */
export const quantity = (name: string, value: Decimal, unit: Unit): Quantity => ({ name, value, unit })

/** What derive() takes: a Derivation with notes and steps optional. */
export interface DeriveArgs {
  readonly rule: string
  readonly label: string
  readonly formula: string
  readonly inputs: ReadonlyArray<Quantity>
  readonly output: Quantity
  readonly rounded?: RoundingNote
  readonly source?: string
  readonly notes?: ReadonlyArray<string>
  readonly steps?: ReadonlyArray<Derivation>
}

/** Builds a Derivation (notes and steps default to none), for callers composing their own rules. */
export const derive = (args: DeriveArgs): Derivation => ({
  rule: args.rule,
  label: args.label,
  formula: args.formula,
  inputs: args.inputs,
  output: args.output,
  ...(args.rounded ? { rounded: args.rounded } : {}),
  ...(args.source ? { source: args.source } : {}),
  notes: args.notes ?? [],
  steps: args.steps ?? []
})

/** Pairs a value with its derivation. */
export const explained = <A>(value: A, derivation: Derivation): Explained<A> => ({ value, derivation })

/** Places shown for each unit when a value is printed for people (values stay exact inside). */
export const DISPLAY_PLACES: Record<Unit, number> = {
  pmpm: 2,
  money: 2,
  rate: 4,
  factor: 6,
  weight: 4,
  count: 0,
  risk: 4,
  members: 0
}

/** Exact text for machine output: fixed notation, trailing zeros trimmed, at most 12 places. */
export const exactText = (value: Decimal): string => {
  const places = Math.min(value.decimalPlaces(), 12)
  return formatFixed(value, places)
}

/** A quantity as people read it: DISPLAY_PLACES for its unit, rates as percentages ("2.0000 %"). */
export const displayText = (q: Quantity): string => {
  const places = DISPLAY_PLACES[q.unit]
  if (q.unit === "rate") return `${formatFixed(q.value.mul(100), places - 2)} %`
  return formatFixed(q.value, places)
}

/** Depth-first list of every step, the root last (the order a waterfall reads). */
export const flatten = (d: Derivation): ReadonlyArray<Derivation> => [...d.steps.flatMap(flatten), d]

/** Find the first step with the given rule id, depth first. */
export const findStep = (d: Derivation, rule: string): Derivation | undefined => {
  if (d.rule === rule) return d
  for (const s of d.steps) {
    const hit = findStep(s, rule)
    if (hit) return hit
  }
  return undefined
}

/** A Derivation as JSON: every value exact text (exactText), as `pbpsim explain --format json` prints it. */
export interface DerivationJson {
  readonly rule: string
  readonly label: string
  readonly formula: string
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly value: string; readonly unit: Unit }>
  readonly output: { readonly name: string; readonly value: string; readonly unit: Unit }
  readonly rounded?: { readonly from: string; readonly places: number; readonly mode: string }
  readonly source?: string
  readonly notes: ReadonlyArray<string>
  readonly steps: ReadonlyArray<DerivationJson>
}

const quantityJson = (q: Quantity) => ({ name: q.name, value: exactText(q.value), unit: q.unit })

/** A derivation tree as plain JSON data (values as exact text). */
export const derivationToJson = (d: Derivation): DerivationJson => ({
  rule: d.rule,
  label: d.label,
  formula: d.formula,
  inputs: d.inputs.map(quantityJson),
  output: quantityJson(d.output),
  ...(d.rounded ? { rounded: { from: exactText(d.rounded.from), places: d.rounded.rounding.places, mode: d.rounded.rounding.mode } } : {}),
  ...(d.source ? { source: d.source } : {}),
  notes: d.notes,
  steps: d.steps.map(derivationToJson)
})
