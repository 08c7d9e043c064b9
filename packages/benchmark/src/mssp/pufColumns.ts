import type { Decimal } from "decimal.js"
import { dec } from "../decimal.js"
import { invalid } from "../errors.js"
import { formatFixed } from "../rounding.js"

/**
 * Reading the cells of CMS's Shared Savings Program "Performance Year Financial and Quality
 * Results" public use file: how a header name is matched, and how a cell becomes a number, a
 * printed percentage (with the precision it was printed at) or a flag. Which columns a year's
 * file has, and which reconciliation needs, is pufLayout.ts.
 */

export const RULE = "mssp.puf"

/**
 * A header name as compared: no BOM, no whitespace anywhere, lower case. CMS has written the
 * same column as `Sav_rate` and `Sav_Rate`, and some years' files are all lower case.
 */
export const normalizeColumnName = (name: string): string => name.replace(/^\uFEFF/, "").replace(/\s+/g, "").toLowerCase()

/** A printed figure with the precision it was printed at: "9.09%" and "9.09" are both 0.0909 ± 0.00005. */
export interface Printed {
  readonly value: Decimal
  /** Half a unit of the last printed digit, in the value's own unit (a rate for percents). */
  readonly halfUnit: Decimal
  readonly text: string
  /** Whether the cell carried a "%" sign (PY2023 style) or was a plain number of percent (PY2024 style). */
  readonly style: "percent-sign" | "plain"
}

/** "-", ".", "N/A" and blanks are CMS's "not applicable / suppressed"; "*" is a suppressed small cell. */
export const isAbsent = (text: string): boolean => {
  const t = text.trim()
  return t === "" || t === "-" || t === "." || t === "*" || t.toUpperCase() === "N/A" || t.toUpperCase() === "NA"
}

const NUMBER = /^-?\d+(\.\d+)?$/

/** Decimals CMS prints percentages to (PY2023 "9.09%", PY2024 "8.89"). */
const PLAIN_PERCENT_PLACES = 2

/** A number as CMS or a spreadsheet prints it: "1234", "1,234,567", "$1,234", "(1,234)" (negative), "−1234". */
export const parseNumberText = (text: string, column: string, acoId: string): Decimal => {
  let t = text.replace(/[$,\s]/g, "").replace(/^[\u2212\u2013]/, "-")
  if (/^\(.*\)$/.test(t)) t = `-${t.slice(1, -1)}`
  if (t.startsWith("+")) t = t.slice(1)
  if (!NUMBER.test(t)) throw invalid(RULE, column, `of ACO ${acoId} is not a number: "${text}"`)
  return dec(t)
}

/**
 * A percentage in either style CMS has used: "9.09%" (PY2023) or the plain number of percent
 * "9.09" (PY2024). A plain number is always percent: 8.89 means 8.89 %, never 889 %.
 * Its printed precision is kept for the "to printed precision" comparisons.
 */
export const parsePercentText = (text: string, column: string, acoId: string): Printed => {
  const t = text.trim()
  const signed = t.endsWith("%")
  const number = (signed ? t.slice(0, -1) : t).trim()
  const bare = number.replace(/^[\u2212\u2013]/, "-")
  if (!NUMBER.test(bare)) throw invalid(RULE, column, `of ACO ${acoId} is not a percentage ("9.09%" or 9.09): "${text}"`)
  const shown = bare.includes(".") ? bare.length - bare.indexOf(".") - 1 : 0
  // A plain number drops trailing zeros ("2" for 2.00, "2.5" for 2.50): its precision is at least
  // the two decimals CMS prints rates to. A "%" cell keeps its zeros ("2.00%"), so its digits say it.
  const places = signed ? shown : Math.max(shown, PLAIN_PERCENT_PLACES)
  return { value: dec(bare).div(100), halfUnit: dec(5).div(dec(10).pow(places + 3)), text: t, style: signed ? "percent-sign" : "plain" }
}

const TRUE_FLAGS = new Set(["1", "1.0", "Y", "YES", "TRUE"])
const FALSE_FLAGS = new Set(["0", "0.0", "N", "NO", "FALSE"])

/** 0/1 flags (also Y/N, Yes/No, TRUE/FALSE); "-" or blank is "not applicable", read as 0. */
export const parseFlagText = (text: string, column: string, acoId: string): boolean => {
  if (isAbsent(text)) return false
  const t = text.trim().toUpperCase()
  if (TRUE_FLAGS.has(t)) return true
  if (FALSE_FLAGS.has(t)) return false
  throw invalid(RULE, column, `of ACO ${acoId} is not a 0/1 flag: "${text}"`)
}

/** |computed − printed| within half a unit of the printed precision (inclusive: CMS rounds floats, so exact halves go either way). */
export const agreesToPrintedPrecision = (computed: Decimal, printed: Printed): boolean => computed.sub(printed.value).abs().lte(printed.halfUnit)

export const pct = (rate: Decimal, places = 2): string => `${formatFixed(rate.mul(100), places)}%`
export const dollars = (value: Decimal): string => `$${formatFixed(value, 0)}`
