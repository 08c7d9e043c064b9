import type { Decimal } from "decimal.js"
import { formatFixed, type Rounding } from "./rounding.js"

/**
 * Every computed figure can say how it was made: the rule applied, its inputs, the
 * intermediate steps (themselves derivations), where rounding happened and the real-world
 * source of the rule. `pbpsim explain` prints this tree as a waterfall; JSON output carries it.
 */
export type Unit = "pmpm" | "money" | "rate" | "factor" | "weight" | "count" | "risk" | "members"

export interface Quantity {
  readonly name: string
  readonly value: Decimal
  readonly unit: Unit
}

export interface RoundingNote {
  /** The unrounded value. */
  readonly from: Decimal
  readonly rounding: Rounding
}

export interface Derivation {
  /** Stable identifier of the rule, e.g. "blend.convergence" (used by tests and docs). */
  readonly rule: string
  /** What the output is, in words: "Blended benchmark PMPM". */
  readonly label: string
  /** The formula applied, in the notation of docs/ and MODEL.md. */
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

export const quantity = (name: string, value: Decimal, unit: Unit): Quantity => ({ name, value, unit })

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
