import type { TopLevelSpec } from "vega-lite"
import { renderSvg, type ChartText } from "./charts.js"
import { attribute, escapeHtml } from "./escape.js"
import { renderTable, type HtmlTable } from "./tables.js"

/**
 * One chart as the report prints it: the SVG, a caption saying what it shows and how to
 * read it, and the figures it plots as a table (collapsed under "Chart data") for readers
 * who cannot see the drawing or want the exact strings.
 */
export const chartFigure = async (args: {
  readonly id: string
  readonly text: ChartText
  readonly spec: TopLevelSpec
  readonly figures: HtmlTable
  readonly wide?: boolean
}): Promise<string> => {
  const svg = await renderSvg(args.spec, args.text, args.id)
  return [
    `<figure class="chart${args.wide ? " wide" : ""}"${attribute("id", args.id)} data-chart>`,
    `<div class="chart-svg">${svg}</div>`,
    `<figcaption>${escapeHtml(args.text.description)}</figcaption>`,
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
