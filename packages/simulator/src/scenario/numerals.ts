import { dec } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"

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

/** An exact decimal from what a file holds ("99840000.00", 0.5 as written); undefined if not a finite decimal. */
export const parseDecimal = (u: unknown): Decimal | undefined => {
  const text = decimalText(u)
  return text === undefined ? undefined : dec(text)
}

/**
 * A weight: a decimal or a fraction "1/3". Fractions are evaluated to the 40-digit
 * context, so three thirds sum to 1 within 1e-39 (the weight checks allow 1e-12).
 */
export const parseWeight = (u: unknown): Decimal | undefined => {
  if (typeof u === "string") {
    const match = FRACTION_TEXT.exec(u.trim())
    if (match !== null) {
      const denominator = dec(match[2] ?? "0")
      return denominator.isZero() ? undefined : dec(match[1] ?? "0").div(denominator)
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

/** A plain float (Monte Carlo assumptions only); undefined when not finite. */
export const parseFloatValue = (u: unknown): number | undefined => {
  if (typeof u === "number") return Number.isFinite(u) ? u : undefined
  if (isNumeral(u)) return Number.isFinite(u.value) ? u.value : undefined
  if (typeof u === "string" && DECIMAL_TEXT.test(u.trim())) return Number(u.trim())
  return undefined
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

const MAX_SHOWN = 60

const clip = (text: string): string => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text)

const render = (u: unknown, depth: number): string => {
  if (u === undefined) return "nothing"
  if (u === null) return "null"
  if (isNumeral(u)) return u.source
  if (typeof u === "string") return JSON.stringify(u)
  if (typeof u === "number" || typeof u === "boolean" || typeof u === "bigint") return String(u)
  if (Array.isArray(u)) {
    if (u.length === 0) return "an empty list"
    return depth > 0 ? `[…${u.length}]` : `[${u.map((v) => render(v, depth + 1)).join(", ")}]`
  }
  if (typeof u === "object") {
    const keys = Object.keys(u)
    if (keys.length === 0) return "{}"
    if (depth > 0) return "{…}"
    return `{ ${keys.map((k) => `${k}: ${render((u as Record<string, unknown>)[k], depth + 1)}`).join(", ")} }`
  }
  return typeof u
}

/** What the file holds at a place, as the user wrote it, short enough for one error line. */
export const showActual = (u: unknown): string => clip(render(u, 0))
