/**
 * Test helper for the HTML report's tagged cells with their exact value: each figure cell
 * carries the view string as data-value and shows it made readable. `viewOfText` undoes the
 * display independently of the report's code (drops thousands separators; a percentage moves
 * the decimal point back two places), so a test can check the text shows exactly the value.
 */
import type { CellTag } from "../fixtures/report/figures.js"

export interface ValuedCell extends CellTag {
  readonly value: string | undefined
}

const unescape = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!)

export const valuedCells = (html: string): ReadonlyArray<ValuedCell> =>
  [...html.matchAll(/<td\b([^>]*\bdata-view="[^>]*)>([^<]*)<\/td>/g)].map((m) => {
    const attrs = Object.fromEntries([...m[1]!.matchAll(/data-([a-z]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]))
    return { view: attrs.view ?? "", policy: attrs.policy ?? "", against: attrs.against, year: attrs.year ?? "", field: attrs.field ?? "", value: attrs.value, text: unescape(m[2]!) }
  })

/** The view string a displayed figure shows: "4,226,205.90" → "4226205.90", "2.7500 %" → "0.027500", "savings paid" as it is. */
export const viewOfText = (text: string): string => {
  const plain = text.replace(/,/g, "")
  const pct = /^(-?)(\d+)(?:\.(\d+))? %$/.exec(plain)
  if (!pct) return plain
  const [, sign, int, frac = ""] = pct
  const digits = int!.padStart(3, "0") + frac
  const point = digits.length - frac.length - 2
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, "")
  return `${sign}${whole}.${digits.slice(point)}`
}

/** Money strings as integer cents, for exact sums in tests. */
export const cents = (text: string): bigint => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(text)
  if (!m) throw new Error(`not money: ${text}`)
  const v = BigInt(m[2]!) * 100n + BigInt(m[3]!)
  return m[1] ? -v : v
}
