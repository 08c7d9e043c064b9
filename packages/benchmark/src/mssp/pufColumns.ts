import type { Decimal } from "decimal.js"
import { dec } from "../decimal.js"
import { invalid } from "../errors.js"
import { formatFixed } from "../rounding.js"
import type { MsspTrack } from "../settlement/tracks.js"

/**
 * Reading CMS's Shared Savings Program "Performance Year Financial and Quality Results" public
 * use file: which columns reconciliation needs, and how a cell becomes a number, a printed
 * percentage (with the precision it was printed at), a flag or a track. Layout: PY2023 (and
 * later years with the same column names), described in data/README.md.
 */

/** Columns reconcilePufRow reads. `Impact_Mid_Year_Termination` and `Rev_Exp_Cat` are read when present. */
export const PUF_REQUIRED_COLUMNS: ReadonlyArray<string> = [
  "ACO_ID",
  "ACO_Name",
  "Current_Track",
  "Risk_Model",
  "N_AB",
  "Sav_rate",
  "MinSavPerc",
  "BnchmkMinExp",
  "GenSaveLoss",
  "DisAdj",
  "EarnSaveLoss",
  "Met_QPS",
  "Met_AltQPS",
  "QualScore",
  "ABtotBnchmk",
  "ABtotExp",
  "FinalShareRate",
  "FinalLossRate"
]

/** Required columns absent from a header row, in PUF_REQUIRED_COLUMNS order. */
export const missingPufColumns = (header: ReadonlyArray<string>): string[] => {
  const present = new Set(header.map((h) => h.trim()))
  return PUF_REQUIRED_COLUMNS.filter((c) => !present.has(c))
}

export const RULE = "mssp.puf"

/** A printed figure with the precision it was printed at: "9.09%" is 0.0909 ± 0.00005. */
export interface Printed {
  readonly value: Decimal
  /** Half a unit of the last printed digit, in the value's own unit (a rate for percents). */
  readonly halfUnit: Decimal
  readonly text: string
}

export const cell = (row: Readonly<Record<string, string>>, column: string, acoId: string): string => {
  const raw = row[column]
  if (raw === undefined) throw invalid(RULE, column, `is missing from the row of ACO ${acoId}`)
  return raw.trim()
}

/** "-" and blanks are CMS's "not applicable / suppressed". */
export const isAbsent = (text: string): boolean => text === "" || text === "-" || text === "." || text.toUpperCase() === "N/A"

const NUMBER = /^-?\d+(\.\d+)?$/

export const parseNumberText = (text: string, column: string, acoId: string): Decimal => {
  // Accept "$1,234", "(1,234)" accounting negatives and a leading "−" as printed by some exports.
  let t = text.replace(/[$,\s]/g, "").replace(/^−/, "-")
  if (/^\(.*\)$/.test(t)) t = `-${t.slice(1, -1)}`
  if (!NUMBER.test(t)) throw invalid(RULE, column, `of ACO ${acoId} is not a number: "${text}"`)
  return dec(t)
}

export const optionalMoney = (row: Readonly<Record<string, string>>, column: string, acoId: string): Decimal | undefined => {
  const text = cell(row, column, acoId)
  return isAbsent(text) ? undefined : parseNumberText(text, column, acoId)
}

export const money = (row: Readonly<Record<string, string>>, column: string, acoId: string): Decimal => {
  const value = optionalMoney(row, column, acoId)
  if (value === undefined) throw invalid(RULE, column, `of ACO ${acoId} is blank; a number is required`)
  return value
}

export const optionalPercent = (row: Readonly<Record<string, string>>, column: string, acoId: string): Printed | undefined => {
  const text = cell(row, column, acoId)
  if (isAbsent(text)) return undefined
  if (!text.endsWith("%")) throw invalid(RULE, column, `of ACO ${acoId} is not a percentage like "9.09%": "${text}"`)
  const number = text.slice(0, -1).trim()
  const value = parseNumberText(number, column, acoId)
  const places = number.includes(".") ? number.length - number.indexOf(".") - 1 : 0
  return { value: value.div(100), halfUnit: dec(5).div(dec(10).pow(places + 3)), text }
}

export const percent = (row: Readonly<Record<string, string>>, column: string, acoId: string): Printed => {
  const value = optionalPercent(row, column, acoId)
  if (value === undefined) throw invalid(RULE, column, `of ACO ${acoId} is blank; a percentage is required`)
  return value
}

/** 0/1 flags; "-" or blank is "not applicable" (false). */
export const flag = (row: Readonly<Record<string, string>>, column: string, acoId: string): boolean => {
  const text = cell(row, column, acoId)
  if (isAbsent(text) || text === "0") return false
  if (text === "1") return true
  throw invalid(RULE, column, `of ACO ${acoId} is not a 0/1 flag: "${text}"`)
}

const TRACK_CODES: Readonly<Record<string, MsspTrack>> = {
  A: "basic-a",
  B: "basic-b",
  C: "basic-c",
  D: "basic-d",
  E: "basic-e",
  EN: "enhanced",
  "BASIC A": "basic-a",
  "BASIC B": "basic-b",
  "BASIC C": "basic-c",
  "BASIC D": "basic-d",
  "BASIC E": "basic-e",
  ENHANCED: "enhanced"
}

export const parseTrack = (text: string, acoId: string): MsspTrack => {
  const key = text.toUpperCase().replace(/^BASIC\s+LEVEL\s+/, "BASIC ").replace(/^LEVEL\s+/, "")
  const track = TRACK_CODES[key]
  if (!track) throw invalid(RULE, "Current_Track", `of ACO ${acoId} is not an MSSP track this rule set knows (A–E, EN): "${text}"`)
  return track
}

/** |computed − printed| within half a unit of the printed precision (inclusive: CMS rounds floats, so exact halves go either way). */
export const agreesToPrintedPrecision = (computed: Decimal, printed: Printed): boolean => computed.sub(printed.value).abs().lte(printed.halfUnit)

export const pct = (rate: Decimal, places = 2): string => `${formatFixed(rate.mul(100), places)}%`
export const dollars = (value: Decimal): string => `$${formatFixed(value, 0)}`
