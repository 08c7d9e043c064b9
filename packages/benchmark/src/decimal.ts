import { Decimal } from "decimal.js"

/**
 * The decimal context every exact rule uses. 40 significant digits keeps products of
 * PMPMs, member months and compounded factors exact far beyond cents; the context is a
 * clone so that pbpsim never changes decimal.js's global settings for anyone else.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 })
export type Dec = Decimal

/** Anything a rule accepts as a number: a Decimal, a decimal string, or an integer-safe JS number. */
export type DecimalInput = Decimal | string | number

/** An exact decimal in pbpsim's 40-digit context: `dec("431.00")`, `dec(0.5)`, `dec(other)`. */
export const dec = (value: DecimalInput): Decimal => new Dec(value)

/** 0 in the pbpsim context. */
export const ZERO = new Dec(0)
/** 1 in the pbpsim context. */
export const ONE = new Dec(1)

/** Σ of decimals, exact (0 for none). */
export const sum = (values: ReadonlyArray<Decimal>): Decimal => values.reduce((acc, v) => acc.add(v), ZERO)
/** Π of decimals, exact (1 for none). */
export const product = (values: ReadonlyArray<Decimal>): Decimal => values.reduce((acc, v) => acc.mul(v), ONE)
/** The lesser of two decimals (a when equal). */
export const min = (a: Decimal, b: Decimal): Decimal => (a.lte(b) ? a : b)
/** The greater of two decimals (a when equal). */
export const max = (a: Decimal, b: Decimal): Decimal => (a.gte(b) ? a : b)
/** x limited to [lo, hi]. */
export const clamp = (x: Decimal, lo: Decimal, hi: Decimal): Decimal => max(lo, min(hi, x))
