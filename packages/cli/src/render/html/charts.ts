import * as vega from "vega"
import { compile, type TopLevelSpec } from "vega-lite"
import { escapeHtml } from "./escape.js"

/**
 * The report's charts: Vega-Lite specs compiled and rendered to SVG by Vega in Node, so the
 * HTML file carries finished drawings and needs no script or network to show them. Chart
 * values are the report's view strings parsed with Number() for plotting only; the tables
 * beside each chart print the strings themselves.
 */

/** What every chart carries for readers who cannot see it: a title and a sentence on what it shows. */
export interface ChartText {
  readonly title: string
  readonly description: string
}

/** One value of one series in one calendar year. */
export interface SeriesPoint {
  readonly year: number
  readonly series: string
  readonly value: number
}

/** Quantiles of a simulated figure in one year. */
export interface FanPoint {
  readonly year: number
  readonly p5: number
  readonly p25: number
  readonly p50: number
  readonly p75: number
  readonly p95: number
}

/** Fixed colours for named series (savings green, losses red), else Vega's categorical scheme in series order. */
export interface Palette {
  readonly domain: ReadonlyArray<string>
  readonly range: ReadonlyArray<string>
}

const colorOf = (title: string, palette: Palette | undefined, points: ReadonlyArray<SeriesPoint>) => ({
  field: "series",
  type: "nominal" as const,
  title,
  sort: null,
  ...(palette ? { scale: { domain: [...palette.domain], range: [...palette.range] } } : {}),
  // One series needs no legend: the chart title names it.
  ...(new Set(points.map((p) => p.series)).size <= 1 ? { legend: null } : {})
})

const YEAR_AXIS = { field: "year", type: "ordinal", title: "Contract year", axis: { labelAngle: 0 } } as const
const WIDE = 520
const NARROW = 300
const HEIGHT = 240
const SMALL_HEIGHT = 180

const base = (text: ChartText, width: number, height: number) => ({
  title: { text: text.title, anchor: "start" as const, fontSize: 14 },
  description: text.description,
  width,
  height,
  background: "white",
  config: { font: "sans-serif", axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, orient: "bottom" as const } }
})

/** Lines with points, one per series (benchmark against actual PMPM, one policy per line, glide paths). */
export const lineChart = (args: ChartText & {
  readonly yTitle: string
  readonly yFormat: string
  readonly points: ReadonlyArray<SeriesPoint>
  readonly seriesTitle: string
  readonly yDomain?: readonly [number, number]
  readonly narrow?: boolean
  readonly palette?: Palette
}): TopLevelSpec => ({
  ...base(args, args.narrow ? NARROW : WIDE, args.narrow ? SMALL_HEIGHT : HEIGHT),
  data: { values: args.points.map((p) => ({ ...p })) },
  mark: { type: "line", point: { size: 50, filled: true }, strokeWidth: 2 },
  encoding: {
    x: YEAR_AXIS,
    y: {
      field: "value",
      type: "quantitative",
      title: args.yTitle,
      axis: { format: args.yFormat },
      scale: args.yDomain ? { domain: [...args.yDomain], nice: false } : { zero: false }
    },
    color: colorOf(args.seriesTitle, args.palette, args.points),
    tooltip: [
      { field: "year", type: "ordinal", title: "Year" },
      { field: "series", type: "nominal", title: args.seriesTitle },
      { field: "value", type: "quantitative", title: args.yTitle, format: args.yFormat }
    ]
  }
})

/** Bars per year, side by side per series (shared savings against losses, provider net per policy). */
export const barChart = (args: ChartText & {
  readonly yTitle: string
  readonly yFormat: string
  readonly points: ReadonlyArray<SeriesPoint>
  readonly seriesTitle: string
  readonly narrow?: boolean
  readonly palette?: Palette
}): TopLevelSpec => ({
  ...base(args, args.narrow ? NARROW : WIDE, args.narrow ? SMALL_HEIGHT : HEIGHT),
  data: { values: args.points.map((p) => ({ ...p })) },
  layer: [
    {
      mark: { type: "bar" },
      encoding: {
        x: YEAR_AXIS,
        xOffset: { field: "series", type: "nominal", sort: null },
        y: { field: "value", type: "quantitative", title: args.yTitle, axis: { format: args.yFormat } },
        color: colorOf(args.seriesTitle, args.palette, args.points),
        tooltip: [
          { field: "year", type: "ordinal", title: "Year" },
          { field: "series", type: "nominal", title: args.seriesTitle },
          { field: "value", type: "quantitative", title: args.yTitle, format: args.yFormat }
        ]
      }
    },
    // Zero line: losses and negative differences read below it.
    { mark: { type: "rule", color: "#555" }, encoding: { y: { datum: 0, type: "quantitative" } } }
  ]
})

/**
 * A fan chart of a simulated figure: the P5–P95 band, the P25–P75 band inside it and the
 * median line, per contract year.
 */
export const fanChart = (args: ChartText & { readonly yTitle: string; readonly yFormat: string; readonly points: ReadonlyArray<FanPoint>; readonly color: string }): TopLevelSpec => {
  const y = (field: keyof FanPoint) => ({ field, type: "quantitative" as const, title: args.yTitle, axis: { format: args.yFormat }, scale: { zero: false } })
  return {
    ...base(args, NARROW, SMALL_HEIGHT),
    data: { values: args.points.map((p) => ({ ...p })) },
    encoding: { x: YEAR_AXIS },
    layer: [
      { mark: { type: "area", opacity: 0.22, color: args.color }, encoding: { y: y("p5"), y2: { field: "p95" } } },
      { mark: { type: "area", opacity: 0.45, color: args.color }, encoding: { y: y("p25"), y2: { field: "p75" } } },
      {
        mark: { type: "line", color: args.color, strokeWidth: 2, point: { filled: true, size: 40, color: args.color } },
        encoding: {
          y: y("p50"),
          tooltip: [
            { field: "year", type: "ordinal", title: "Year" },
            { field: "p5", type: "quantitative", title: "P5", format: args.yFormat },
            { field: "p25", type: "quantitative", title: "P25", format: args.yFormat },
            { field: "p50", type: "quantitative", title: "P50", format: args.yFormat },
            { field: "p75", type: "quantitative", title: "P75", format: args.yFormat },
            { field: "p95", type: "quantitative", title: "P95", format: args.yFormat }
          ]
        }
      }
    ]
  }
}

/** A paired difference per year: a thin rule P5–P95, a thick bar P25–P75, a tick at the median, against zero. */
export const intervalChart = (args: ChartText & { readonly yTitle: string; readonly yFormat: string; readonly points: ReadonlyArray<FanPoint> }): TopLevelSpec => {
  const y = (field: keyof FanPoint) => ({ field, type: "quantitative" as const, title: args.yTitle, axis: { format: args.yFormat } })
  return {
    ...base(args, NARROW, SMALL_HEIGHT),
    data: { values: args.points.map((p) => ({ ...p })) },
    layer: [
      { mark: { type: "rule", color: "#4c78a8", strokeWidth: 1.5 }, encoding: { x: YEAR_AXIS, y: y("p5"), y2: { field: "p95" } } },
      { mark: { type: "bar", color: "#4c78a8", opacity: 0.6, size: 16 }, encoding: { x: YEAR_AXIS, y: y("p25"), y2: { field: "p75" } } },
      {
        mark: { type: "tick", color: "#1b3a5c", thickness: 2, size: 22 },
        encoding: {
          x: YEAR_AXIS,
          y: y("p50"),
          tooltip: [
            { field: "year", type: "ordinal", title: "Year" },
            { field: "p5", type: "quantitative", title: "P5", format: args.yFormat },
            { field: "p50", type: "quantitative", title: "P50", format: args.yFormat },
            { field: "p95", type: "quantitative", title: "P95", format: args.yFormat }
          ]
        }
      },
      { mark: { type: "rule", color: "#555", strokeDash: [4, 3] }, encoding: { y: { datum: 0, type: "quantitative" } } }
    ]
  }
}

/**
 * Several SVGs share one HTML document: Vega's generated ids (clip paths, gradients) would
 * collide, so each chart's ids get its own prefix.
 */
const prefixIds = (svg: string, prefix: string): string =>
  svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`).replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`)

/** `<title>` and `<desc>` as the SVG's first children: what screen readers announce for the drawing. */
const withTitle = (svg: string, text: ChartText, id: string): string => {
  const open = svg.indexOf(">") + 1
  return (
    svg.slice(0, open).replace("<svg ", `<svg aria-labelledby="${id}-title ${id}-desc" `) +
    `<title id="${id}-title">${escapeHtml(text.title)}</title><desc id="${id}-desc">${escapeHtml(text.description)}</desc>` +
    svg.slice(open)
  )
}

/** Compile the Vega-Lite spec, render it headless to SVG, make its ids unique under `id` and title it. */
export const renderSvg = async (spec: TopLevelSpec, text: ChartText, id: string): Promise<string> => {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" })
  try {
    return withTitle(prefixIds(await view.toSVG(), id), text, id)
  } finally {
    view.finalize()
  }
}
