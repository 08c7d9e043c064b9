import type { Decimal } from "decimal.js"
import { round, ROUNDING_MODES, type Rounding, type RoundingMode } from "../rounding.js"

/** Exact rounding (decimal.js); the float form below follows the same modes. */
export const roundExact = (value: Decimal, rounding: Rounding): Decimal => round(value, rounding)

/** A rounding mode as the small integer the float kernel switches on (its index in ROUNDING_MODES). */
export const roundingModeCode = (mode: RoundingMode): number => ROUNDING_MODES.indexOf(mode)

/**
 * How close, relative to the value, a float must be to a tie or a whole number to count as
 * one. Floats carry ~1e-16 relative error per operation, and the benchmark chain has a few
 * dozen: 1e-12 is far above that noise and far below a cent on any PMPM.
 */
export const TIE_TOLERANCE = 1e-12

/** Round a float to `places` with decimal semantics (a value within TIE_TOLERANCE of a tie or whole number is one). */
export const roundFloat = (value: number, places: number, mode: number): number => {
  const scale = 10 ** places
  const y = value * scale
  const sign = y < 0 ? -1 : 1
  const a = Math.abs(y)
  const whole = Math.floor(a)
  const frac = a - whole
  const tolerance = TIE_TOLERANCE * (a > 1 ? a : 1)
  const mode_ = ROUNDING_MODES[mode]
  if (mode_ === undefined) throw new RangeError(`unknown rounding mode code ${mode}`)
  const r = frac <= tolerance ? whole : 1 - frac <= tolerance ? whole + 1 : wholeAfter(mode_, whole, frac, tolerance, sign)
  return (sign * r) / scale
}

/** The whole number a positive magnitude `whole + frac` rounds to (sign: the value's sign); one case per mode. */
const wholeAfter = (mode: RoundingMode, whole: number, frac: number, tolerance: number, sign: number): number => {
  switch (mode) {
    case "half-up": // ties away from zero
      return frac >= 0.5 - tolerance ? whole + 1 : whole
    case "half-even":
      return frac > 0.5 + tolerance ? whole + 1 : frac < 0.5 - tolerance ? whole : whole % 2 === 0 ? whole : whole + 1
    case "half-down": // ties toward zero
      return frac > 0.5 + tolerance ? whole + 1 : whole
    case "up": // away from zero
      return whole + 1
    case "down": // toward zero
      return whole
    case "ceil":
      return sign > 0 ? whole + 1 : whole
    case "floor":
      return sign > 0 ? whole : whole + 1
    default:
      return unreachable(mode)
  }
}

/** A case a switch over a union forgot is a type error here. */
export const unreachable = (value: never): never => {
  throw new Error(`unhandled case ${String(value)}`)
}
