import type { TopLevelSpec } from "vega-lite"
import { renderSvg, type ChartText } from "./charts.js"
import { attribute, escapeHtml } from "./escape.js"
import { renderTable, type HtmlTable } from "./tables.js"

/**
 * One chart as the report prints it: the SVG, a caption saying what it shows and how to
 * read it, and the figures it plots as a table (collapsed under "Chart data") for readers
 * who cannot see the drawing or want the exact strings.
 */

/** The text an all-zero chart shows instead of a drawing (whose axis would have no range to label). */
export const ALL_ZERO = "all values are 0: nothing to draw"

/** Every number a chart would plot: the data rows' numeric fields except the year. */
const plotted = (spec: TopLevelSpec): ReadonlyArray<number> => {
  const data = (spec as { data?: { values?: ReadonlyArray<Record<string, unknown>> } }).data
  return (data?.values ?? []).flatMap((row) => Object.entries(row).flatMap(([k, v]) => (k !== "year" && typeof v === "number" ? [v] : [])))
}

export const chartFigure = async (args: {
  readonly id: string
  readonly text: ChartText
  readonly spec: TopLevelSpec
  readonly figures: HtmlTable
  /** A sentence after the caption (how a step is computed, where a figure comes from). */
  readonly note?: string
}): Promise<string> => {
  const values = plotted(args.spec)
  const empty = values.every((v) => v === 0)
  const overlap = (args.spec as { usermeta?: { note?: string } }).usermeta?.note
  const caption = [args.text.description, overlap, args.note].filter((s) => s).join(" ")
  const drawing = empty
    ? `<div class="chart-empty" role="img"${attribute("aria-label", `${args.text.title}: ${ALL_ZERO}`)}><p class="chart-title">${escapeHtml(args.text.title)}</p><p class="chart-empty-note">${escapeHtml(`${args.text.title}: ${ALL_ZERO}.`)}</p></div>`
    : `<div class="chart-svg">${await renderSvg(args.spec, args.text, args.id)}</div>`
  return [
    `<figure class="chart"${attribute("id", args.id)} data-chart${empty ? " data-empty" : ""}>`,
    drawing,
    `<figcaption>${escapeHtml(caption)}</figcaption>`,
    `<details><summary>Chart data</summary>${renderTable(args.figures)}</details>`,
    `</figure>`
  ].join("")
}

/** Run chart renders one after the other (each builds a Vega view; the machine is shared) and keep their order. */
export const inOrder = async (renders: ReadonlyArray<() => Promise<string>>): Promise<ReadonlyArray<string>> => {
  const out: Array<string> = []
  for (const render of renders) out.push(await render())
  return out
}
