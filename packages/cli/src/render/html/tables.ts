import type { Column } from "../table.js"
import { attribute, escapeHtml } from "./escape.js"
import { display } from "./numbers.js"

/**
 * HTML tables of view strings. A cell that prints a figure names where it came from
 * (data-view, data-policy, data-against, data-year, data-field), so a test, or a reader with
 * the JSON output beside them, can match every figure in the report to the exact string of
 * `pbpsim compare --format json` (or of the simulation view) without parsing prose. The
 * exact view string is the cell's data-value; its text is the same digits made readable
 * (thousands separators, rates as percentages: numbers.ts), never rounded.
 */

/** Where a figure comes from. `year` is a calendar year, "total" (comparison totals) or "contract" (simulation). */
export interface FigureSource {
  /**
   * comparison: policies[].years[] / totals; difference: differences[]; simulation: policies[]; pair: pairs[];
   * derived: a figure the report computes exactly from comparison figures (a cumulative sum, payer cost, a
   * waterfall step), its field saying which (data-field), year "total" for contract totals;
   * market: `pbpsim market --format json`'s policies[] (years[], totals, windfallShare, and providers[] by
   * data-entity) and differences[] (data-against), year "total" for contract totals; market-simulation:
   * its simulation.policies[], market-pair: its simulation.differences[] (data-against), year "contract" for
   * the contract.
   */
  readonly view: "comparison" | "difference" | "simulation" | "pair" | "derived" | "market" | "market-simulation" | "market-pair"
  readonly policy: string
  /** The policy a difference is taken against (difference: the first policy; pair: b). */
  readonly against?: string
  /** The provider a market figure is of (market view: policies[].providers[] with this entity). */
  readonly entity?: string
  readonly year: string
  /** The field's name in the view; nested fields dotted ("providerNet.p50", "presentValue.payerNet"). */
  readonly field: string
}

export interface Cell {
  readonly text: string
  /** The exact view string the text shows (figures only). */
  readonly value?: string
  readonly source?: FigureSource
  readonly align: "left" | "right"
}

export interface HtmlTable {
  readonly caption: string
  readonly columns: ReadonlyArray<Column>
  /** The first cell of each row is its row header (a year, "Total", "Contract"). */
  readonly rows: ReadonlyArray<ReadonlyArray<Cell>>
  readonly footer?: ReadonlyArray<ReadonlyArray<Cell>>
}

/** A figure: the view string as data-value, shown with separators (or as a percentage for rates), never rounded. */
export const figure = (value: string, source: FigureSource): Cell => ({ text: display(value, source.field), value, source, align: "right" })
export const label = (text: string, align: "left" | "right" = "left"): Cell => ({ text, align })
export const column = (header: string, align: "left" | "right" = "right"): Column => ({ header, align })

const sourceAttributes = (s: FigureSource): string =>
  attribute("data-view", s.view) +
  attribute("data-policy", s.policy) +
  (s.against === undefined ? "" : attribute("data-against", s.against)) +
  (s.entity === undefined ? "" : attribute("data-entity", s.entity)) +
  attribute("data-year", s.year) +
  attribute("data-field", s.field)

const renderRow = (cells: ReadonlyArray<Cell>): string => {
  const [head, ...rest] = cells
  const headHtml = head ? `<th scope="row" class="${head.align}">${escapeHtml(head.text)}</th>` : ""
  const body = rest.map((c) => `<td class="${c.align}"${c.source ? sourceAttributes(c.source) + (c.value === undefined ? "" : attribute("data-value", c.value)) : ""}>${escapeHtml(c.text)}</td>`).join("")
  return `<tr>${headHtml}${body}</tr>`
}

export const renderTable = (table: HtmlTable): string =>
  [
    `<div class="table-scroll"><table>`,
    `<caption>${escapeHtml(table.caption)}</caption>`,
    `<thead><tr>${table.columns.map((c) => `<th scope="col" class="${c.align}">${escapeHtml(c.header)}</th>`).join("")}</tr></thead>`,
    `<tbody>${table.rows.map(renderRow).join("")}</tbody>`,
    table.footer && table.footer.length > 0 ? `<tfoot>${table.footer.map(renderRow).join("")}</tfoot>` : "",
    `</table></div>`
  ].join("")
