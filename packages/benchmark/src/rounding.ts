import { Decimal } from "decimal.js"
import { Dec } from "./decimal.js"

/**
 * Rounding is an explicit value, like dinero.js's scale: a number of decimal places and a
 * mode. Contracts round benchmark PMPMs to cents half-up; some round totals to whole
 * dollars; actuaries sometimes ask for half-even to avoid drift.
 */
export type RoundingMode = "half-up" | "half-even" | "half-down" | "up" | "down" | "ceil" | "floor"

/** Where a figure is rounded: decimal places and mode. */
export interface Rounding {
  readonly places: number
  readonly mode: RoundingMode
}

// A Record over the union: a mode added to RoundingMode without its decimal.js mode is a type error.
const decimalMode: Record<RoundingMode, Decimal.Rounding> = {
  "half-up": Decimal.ROUND_HALF_UP,
  "half-even": Decimal.ROUND_HALF_EVEN,
  "half-down": Decimal.ROUND_HALF_DOWN,
  up: Decimal.ROUND_UP,
  down: Decimal.ROUND_DOWN,
  ceil: Decimal.ROUND_CEIL,
  floor: Decimal.ROUND_FLOOR
}

/** Every rounding mode, as scenario files spell them (and, by index, the float kernel's mode codes). */
export const ROUNDING_MODES = Object.keys(decimalMode) as ReadonlyArray<RoundingMode>

/** Cents, half-up: the default for benchmark PMPMs (docs/model.md §3.5). */
export const CENTS: Rounding = { places: 2, mode: "half-up" }
/** Whole dollars, half-up: how CMS prints settlement totals. */
export const DOLLARS: Rounding = { places: 0, mode: "half-up" }

/** Rounds to `rounding.places` in `rounding.mode` (returns a new Decimal; exact otherwise). */
export const round = (value: Decimal, rounding: Rounding): Decimal =>
  new Dec(value).toDecimalPlaces(rounding.places, decimalMode[rounding.mode])

/** Money as text: always fixed places, never Decimal#toString (which drops trailing zeros). */
export const formatFixed = (value: Decimal, places: number, mode: RoundingMode = "half-up"): string =>
  value.toFixed(places, decimalMode[mode])

/** "2 decimal places, half-up": a rounding in words, for derivations and reports. */
export const describeRounding = (r: Rounding): string => `${r.places} decimal place${r.places === 1 ? "" : "s"}, ${r.mode}`
