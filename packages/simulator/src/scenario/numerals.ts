import { dec, showCount } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { clipText, escapeText, showText } from "./messageText.js"

// Re-exported: the scenario modules take their message helpers from here.
export { clipText, escapeText, MAX_SHOWN_TEXT, showText } from "./messageText.js"

/**
 * A number as written in a scenario file. YAML (and JSON, read as YAML 1.2) would hand us a
 * JS float, which silently turns `12345678901234567.891` into `12345678901234568`; the
 * parser keeps the scalar's source text instead, so money and rates reach decimal.js as
 * written. `value` is what yaml read, used only where a float is what the model wants
 * (Monte Carlo sds) and for integers written in hex or octal.
 */
export class Numeral {
  constructor(
    readonly source: string,
    readonly value: number
  ) {}
}

export const isNumeral = (u: unknown): u is Numeral => u instanceof Numeral

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
const FRACTION_TEXT = /^([+-]?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/
const INTEGER_TEXT = /^[+-]?\d+$/

/** JSON Schema patterns of the text forms accepted (kept beside the regexes they mirror). */
export const DECIMAL_PATTERN = DECIMAL_TEXT.source
export const WEIGHT_PATTERN = `${DECIMAL_TEXT.source}|${FRACTION_TEXT.source}`
export const INTEGER_PATTERN = INTEGER_TEXT.source

/**
 * The largest magnitude a number in a scenario may have (exclusive), and the most decimal
 * places: far beyond any amount of money, member months or rate (a whole country's health
 * spending is about 5e12 dollars a year), and small enough that every figure derived from
 * them stays a finite float and prints in fixed places. `1e400` or `1e-999999999` is refused
 * rather than read as Infinity, or expanded to a billion digits when printed.
 */
export const MAX_MAGNITUDE = 1e18
export const MAX_PLACES = 40
const MAX_MAGNITUDE_DECIMAL = dec(MAX_MAGNITUDE)

/** The decimal text of a number, a numeric string or a Numeral; undefined when it is not one. */
const decimalText = (u: unknown): string | undefined => {
  if (typeof u === "string") {
    const text = u.trim()
    return DECIMAL_TEXT.test(text) ? text : undefined
  }
  if (isNumeral(u)) {
    if (DECIMAL_TEXT.test(u.source)) return u.source
    // 0x1F, 0o17: exact when they are safe integers; .inf and .nan are never numbers here.
    return Number.isSafeInteger(u.value) ? String(u.value) : undefined
  }
  if (typeof u === "number" && Number.isFinite(u)) return String(u)
  return undefined
}

/** Whether an exponent written in decimal text is small enough to read without building a huge number. */
const exponentInRange = (text: string): boolean => {
  const e = /[eE]([+-]?\d+)$/.exec(text)
  // Beyond ±400 the value is out of range anyway (or rounds to nothing); decimal.js would still build it.
  return e === null || Math.abs(Number(e[1])) <= 400
}

/** An exact decimal within the limits: magnitude below MAX_MAGNITUDE, at most MAX_PLACES places. */
const inRange = (d: Decimal): boolean => d.abs().lt(MAX_MAGNITUDE_DECIMAL) && d.decimalPlaces() <= MAX_PLACES

/**
 * An exact decimal from what a file holds ("99840000.00", 0.5 as written); undefined if not a
 * finite decimal within the limits (MAX_MAGNITUDE, MAX_PLACES).
 */
export const parseDecimal = (u: unknown): Decimal | undefined => {
  const text = decimalText(u)
  if (text === undefined || text.length > 200 || !exponentInRange(text)) return undefined
  const value = dec(text)
  return inRange(value) ? value : undefined
}

/**
 * A weight: a decimal or a fraction "1/3". Fractions are evaluated to the 40-digit
 * context, so three thirds sum to 1 within 1e-39 (the weight checks allow 1e-12).
 */
export const parseWeight = (u: unknown): Decimal | undefined => {
  if (typeof u === "string") {
    const match = FRACTION_TEXT.exec(u.trim())
    if (match !== null) {
      const numerator = parseDecimal(match[1] ?? "")
      const denominator = parseDecimal(match[2] ?? "")
      return numerator === undefined || denominator === undefined || denominator.isZero() ? undefined : numerator.div(denominator)
    }
  }
  return parseDecimal(u)
}

/** A whole number written as a number or as digits ("2025"); undefined otherwise. */
export const parseInteger = (u: unknown): number | undefined => {
  if (typeof u === "number") return Number.isSafeInteger(u) ? u : undefined
  // Written as digits (or YAML hex/octal), not as 2025.0 or 2.025e3.
  if (isNumeral(u)) return Number.isSafeInteger(u.value) && (INTEGER_TEXT.test(u.source) || /^0[xo]/i.test(u.source)) ? u.value : undefined
  if (typeof u === "string" && INTEGER_TEXT.test(u.trim())) {
    const n = Number(u.trim())
    return Number.isSafeInteger(n) ? n : undefined
  }
  return undefined
}

/**
 * A plain float (Monte Carlo assumptions only); undefined when not finite or beyond
 * MAX_MAGNITUDE, whether written as a number or as text: a quoted "1e400" is refused like 1e400.
 */
export const parseFloatValue = (u: unknown): number | undefined => {
  const value =
    typeof u === "number" ? u : isNumeral(u) ? u.value : typeof u === "string" && DECIMAL_TEXT.test(u.trim()) ? Number(u.trim()) : undefined
  return value !== undefined && Number.isFinite(value) && Math.abs(value) < MAX_MAGNITUDE ? value : undefined
}

/** Text as written for an identifier: strings as they are, numbers by their source (`id: 101`). */
export const parseIdentifier = (u: unknown): string | undefined => {
  if (typeof u === "string") return u.trim().length > 0 ? u : undefined
  if (isNumeral(u)) return u.source
  if (typeof u === "number" && Number.isSafeInteger(u)) return String(u)
  return undefined
}

/**
 * Plain data for writing back out: a Numeral becomes a number when the number prints as
 * written (3, 0.05) and its exact text otherwise ("12345678901234567.891"), which every
 * numeric field accepts.
 */
export const withoutNumerals = (u: unknown): unknown => {
  if (isNumeral(u)) return String(u.value) === u.source ? u.value : u.source
  if (Array.isArray(u)) return u.map(withoutNumerals)
  if (u !== null && typeof u === "object") return Object.fromEntries(Object.entries(u).map(([k, v]) => [k, withoutNumerals(v)]))
  return u
}

/** A list of user texts for a message: the first few, then how many in all. */
export const showList = (items: ReadonlyArray<string>, max = 10): string =>
  items.length <= max
    ? items.map((item) => showText(item, 40)).join(", ")
    : `${items
        .slice(0, max)
        .map((item) => showText(item, 40))
        .join(", ")}, … (${showCount(items.length)} in all)`

const MAX_SHOWN = 60

const clip = (text: string): string => clipText(text, MAX_SHOWN)

const render = (u: unknown, depth: number): string => {
  if (u === undefined) return "nothing"
  if (u === null) return "null"
  if (isNumeral(u)) return clipText(u.source, MAX_SHOWN)
  if (typeof u === "string") return JSON.stringify(clipText(u, MAX_SHOWN))
  if (typeof u === "number" || typeof u === "boolean" || typeof u === "bigint") return String(u)
  if (Array.isArray(u)) {
    if (u.length === 0) return "an empty list"
    return depth > 0 ? `[…${u.length}]` : `[${u.slice(0, 10).map((v) => render(v, depth + 1)).join(", ")}${u.length > 10 ? ", …" : ""}]`
  }
  if (typeof u === "object") {
    const keys = Object.keys(u)
    if (keys.length === 0) return "{}"
    if (depth > 0) return "{…}"
    const shown = keys.slice(0, 10).map((k) => `${clipText(k, 20)}: ${render((u as Record<string, unknown>)[k], depth + 1)}`)
    return `{ ${shown.join(", ")}${keys.length > 10 ? ", …" : ""} }`
  }
  return typeof u
}

/** What the file holds at a place, as the user wrote it, short enough for one error line (escaped: no raw control characters). */
export const showActual = (u: unknown): string => clip(escapeText(render(u, 0)))
