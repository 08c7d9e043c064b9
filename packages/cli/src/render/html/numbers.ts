import { groupThousands } from "@pbpsim/benchmark"

/**
 * How the report shows a view string: the same digits, never rounded. Money, PMPM and counts
 * get thousands separators ("4226205.90" → "4,226,205.90"); rates and probabilities are shown
 * as percentages by moving the decimal point two places ("0.027500" → "2.7500 %"), so every
 * digit of the view string is still there and the exact string can be read back.
 * Exact sums (cumulative figures, payer cost) are done in integer cents, never in floats.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/** Thousands separators in the integer part of a decimal string; anything else is returned as it is. */
export const grouped = (text: string): string => {
  const m = DECIMAL.exec(text)
  if (!m) return text
  const [, sign, int, frac] = m
  return `${sign}${groupThousands(int!)}${frac === undefined ? "" : `.${frac}`}`
}

/** A share as a percentage, the decimal point moved two places: "0.027500" → "2.7500 %", "-0.5" → "-50 %". */
export const percent = (text: string): string => {
  const m = DECIMAL.exec(text)
  if (!m) return text
  const [, sign, int, frac = ""] = m
  const digits = `${int}${frac.padEnd(2, "0")}`
  const point = int!.length + 2
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, "")
  const rest = digits.slice(point)
  return `${sign}${grouped(whole)}${rest ? `.${rest}` : ""} %`
}

/** View fields that are shares of 1 (rates, probabilities): shown as percentages. */
export const PERCENT_FIELDS: ReadonlySet<string> = new Set([
  "savingsRate",
  "msr",
  "presentValue.rate",
  "pSharedSavings",
  "pSharedLoss",
  "pABetterForPayer",
  "pABetterForProvider",
  "pCheaper",
  "windfallShare"
])

/** Simulated probabilities kept to 6 places in the views: shown, like the terminal's, as a percentage to 2 places. */
const ROUNDED_PERCENT_FIELDS: ReadonlySet<string> = new Set(["pCheaper"])

/** How a figure of this view field is shown. */
export const display = (text: string, field: string): string =>
  ROUNDED_PERCENT_FIELDS.has(field) && DECIMAL.test(text)
    ? `${(Number(text) * 100).toFixed(2)} %`
    : PERCENT_FIELDS.has(field)
      ? percent(text)
      : grouped(text)

/** Money with a dollar sign and separators: "-1234.50" → "-$1,234.50". */
export const dollars = (text: string): string => (text.startsWith("-") ? `-$${grouped(text.slice(1))}` : `$${grouped(text)}`)

/** A whole number with separators (trial counts). */
export const count = (n: number): string => grouped(String(n))

// ------------------------------------------------------------- exact cents

/** A money string ("-123.45", 2 places or fewer) as integer cents. */
export const cents = (text: string): bigint => {
  const m = DECIMAL.exec(text)
  if (!m) throw new Error(`not a decimal: ${text}`)
  const [, sign, int, frac = ""] = m
  if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) throw new Error(`more than cents: ${text}`)
  const value = BigInt(int!) * 100n + BigInt(frac.slice(0, 2).padEnd(2, "0"))
  return sign ? -value : value
}

/** Integer cents as a money string with 2 places, the view's form ("-0.05", "1234.00"). */
export const fromCents = (c: bigint): string => {
  const negative = c < 0n
  const abs = negative ? -c : c
  return `${negative ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`
}

/** A decimal string as an integer scaled by 10^places (exactly; refuses more places). */
export const scaled = (text: string, places: number): bigint => {
  const m = DECIMAL.exec(text)
  if (!m) throw new Error(`not a decimal: ${text}`)
  const [, sign, int, frac = ""] = m
  if (frac.length > places) throw new Error(`more than ${places} places: ${text}`)
  const value = BigInt(int!) * 10n ** BigInt(places) + BigInt(frac.padEnd(places, "0") || "0")
  return sign ? -value : value
}

/** n / 10^places rounded half-up (away from zero on a tie, as the engine's ROUND_HALF_UP) to an integer. */
export const roundHalfUp = (n: bigint, places: number): bigint => {
  const unit = 10n ** BigInt(places)
  const negative = n < 0n
  const abs = negative ? -n : n
  const q = abs / unit
  const r = abs % unit
  const rounded = r * 2n >= unit ? q + 1n : q
  return negative ? -rounded : rounded
}
