import type { TopLevelSpec } from "vega-lite"
import { refusedSide, type SensitivityInputView, type SensitivityView, type SideView } from "../sensitivity.js"
import { grouped } from "../table.js"
import { renderSvg, type ChartText } from "./charts.js"
import { attribute, escapeHtml } from "./escape.js"
import { column, label, renderTable, type HtmlTable } from "./tables.js"

/**
 * A sensitivity result as a self-contained HTML section: a tornado chart per total (provider
 * net, payer cost), each input a bar from the base to its low and high results, largest swing
 * on top, then the figures as a table. Drawn to SVG in Node like the report's other charts (no
 * script, no network); the chart plots Number() of the view's strings, the table prints the
 * strings themselves with thousands separators.
 */

type Measure = "providerNet" | "payerCost"

const MEASURES: ReadonlyArray<{ readonly field: Measure; readonly title: string; readonly axis: string }> = [
  { field: "providerNet", title: "Provider net", axis: "Provider net over the contract ($)" },
  { field: "payerCost", title: "Payer cost", axis: "Payer cost over the contract ($, expenditure + provider net)" }
]

const LOW = "input lowered"
const HIGH = "input raised"
const COLORS = { [LOW]: "#e45756", [HIGH]: "#4c78a8" } as const
const FONT = 12

/** $ with thousands separators: "-1234.50" → "-$1,234.50". */
export const dollars = (money: string): string => (money.startsWith("-") ? `-$${grouped(money.slice(1))}` : `$${grouped(money)}`)

const rowLabel = (i: SensitivityInputView): string => i.input

interface Bar {
  readonly input: string
  readonly side: typeof LOW | typeof HIGH
  readonly from: number
  readonly to: number
  readonly value: string
}

/** One bar per side that ran: from the base to the side's total. A refused side draws nothing. */
const barsOf = (view: SensitivityView, field: Measure): ReadonlyArray<Bar> =>
  view.inputs.flatMap((i) =>
    (
      [
        [LOW, i.low],
        [HIGH, i.high]
      ] as const
    ).flatMap(([side, s]: readonly [typeof LOW | typeof HIGH, SideView]) =>
      refusedSide(s) ? [] : [{ input: rowLabel(i), side, from: Number(view.base[field]), to: Number(s[field]), value: dollars(s[field]) }]
    )
  )

const panel = (view: SensitivityView, m: (typeof MEASURES)[number]) => ({
  title: { text: m.title, fontSize: 13, anchor: "start" as const },
  width: 360,
  height: Math.max(60, 28 * view.inputs.length),
  data: { values: barsOf(view, m.field).map((b) => ({ ...b })) },
  layer: [
    {
      mark: { type: "bar" as const, height: 16 },
      encoding: {
        y: { field: "input", type: "nominal" as const, sort: view.inputs.map(rowLabel), title: null, axis: { labelLimit: 200 } },
        x: { field: "from", type: "quantitative" as const, title: m.axis, scale: { zero: false }, axis: { format: "$,.0f", tickCount: 5 } },
        x2: { field: "to" },
        color: { field: "side", type: "nominal" as const, title: null, scale: { domain: [LOW, HIGH], range: [COLORS[LOW], COLORS[HIGH]] } },
        tooltip: [
          { field: "input", type: "nominal" as const, title: "Input" },
          { field: "side", type: "nominal" as const, title: "Side" },
          { field: "value", type: "nominal" as const, title: m.title }
        ]
      }
    },
    // The base: where every bar starts.
    { mark: { type: "rule" as const, color: "#333", strokeWidth: 1.5 }, encoding: { x: { datum: Number(view.base[m.field]), type: "quantitative" as const } } }
  ]
})

/** The Vega-Lite spec: the two totals side by side, each with its own dollar axis. */
export const tornadoSpec = (view: SensitivityView, text: ChartText): TopLevelSpec =>
  ({
    title: { text: text.title, anchor: "start", fontSize: 14 },
    description: text.description,
    background: "white",
    hconcat: MEASURES.map((m) => panel(view, m)),
    resolve: { scale: { x: "independent" } },
    config: {
      font: "sans-serif",
      axis: { labelFontSize: FONT, titleFontSize: FONT },
      legend: { labelFontSize: FONT, titleFontSize: FONT, orient: "bottom" },
      title: { fontSize: 14, subtitleFontSize: FONT }
    }
  }) as TopLevelSpec

const sideCell = (s: SideView, field: Measure) => label(refusedSide(s) ? "refused" : dollars(s[field]), "right")

/** The figures the chart draws, exactly as the view has them. */
export const tornadoTable = (view: SensitivityView): HtmlTable => ({
  caption: `Sensitivity of ${view.policy}: contract totals when each input is lowered and raised (base: provider net ${dollars(view.base.providerNet)}, payer cost ${dollars(view.base.payerCost)})`,
  columns: [
    column("Input", "left"),
    column("Change", "left"),
    column("Provider net, low"),
    column("Provider net, high"),
    column("Swing"),
    column("Payer cost, low"),
    column("Payer cost, high"),
    column("Swing")
  ],
  rows: view.inputs.map((i) => [
    label(i.input),
    label(i.change),
    sideCell(i.low, "providerNet"),
    sideCell(i.high, "providerNet"),
    label(dollars(i.swing.providerNet), "right"),
    sideCell(i.low, "payerCost"),
    sideCell(i.high, "payerCost"),
    label(dollars(i.swing.payerCost), "right")
  ])
})

/** The section: heading, how to read it, the chart, the table, refusals and inputs skipped. */
export const tornadoSection = async (view: SensitivityView, id = "sensitivity"): Promise<string> => {
  const text: ChartText = {
    title: `What moves the contract totals of ${view.policy}`,
    description:
      `Each input lowered (red) and raised (blue) by its step, the others as in the scenario; a bar runs from the base total ` +
      `(the vertical line: provider net ${dollars(view.base.providerNet)}, payer cost ${dollars(view.base.payerCost)}) to the total with that input changed. ` +
      `Inputs with the largest swing are on top.`
  }
  const svg = view.inputs.length > 0 ? await renderSvg(tornadoSpec(view, text), text, `${id}-chart`) : ""
  const notes = [
    ...view.inputs.flatMap((i) => [
      ...(refusedSide(i.low) ? [`${i.input} lowered: refused (${i.low.refused})`] : []),
      ...(refusedSide(i.high) ? [`${i.input} raised: refused (${i.high.refused})`] : [])
    ]),
    ...view.skipped.map((s) => `${s.input} not varied: ${s.reason}`)
  ]
  return [
    `<section class="sensitivity"${attribute("id", id)}>`,
    `<h2>${escapeHtml(`Sensitivity of ${view.policy}`)}</h2>`,
    svg === "" ? `<p>No input of this policy can be varied.</p>` : `<figure class="chart wide"${attribute("id", `${id}-chart`)} data-chart><div class="chart-svg">${svg}</div><figcaption>${escapeHtml(text.description)}</figcaption></figure>`,
    renderTable(tornadoTable(view)),
    notes.length > 0 ? `<ul class="notes">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "",
    `</section>`
  ].join("")
}
