import * as vega from "vega"
import { compile, type TopLevelSpec } from "vega-lite"
import { escapeHtml } from "./escape.js"
import { dollars, grouped, percent } from "./numbers.js"

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
  /** The exact view string behind `value`, for the mark's tooltip (default: `value` printed). */
  readonly text?: string
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

/** How a series' values read in tooltips: dollars with separators, a percentage of a share, or a plain number. */
export type Unit = "dollars" | "percent" | "plain"

const tipValue = (p: SeriesPoint, unit: Unit): string => {
  const text = p.text ?? (unit === "percent" ? String(p.value) : unit === "dollars" ? p.value.toFixed(2) : String(p.value))
  return unit === "dollars" ? dollars(text) : unit === "percent" ? percent(text) : grouped(text)
}

/** Data rows with a tooltip ("trending, 2025: $436.21"): Vega writes it as the mark's ARIA label, the report adds it as the SVG title browsers show on hover. */
const rows = (points: ReadonlyArray<SeriesPoint>, unit: Unit) => points.map((p) => ({ year: p.year, series: p.series, value: p.value, tip: `${p.series}, ${p.year}: ${tipValue(p, unit)}` }))
const TIP = { description: { field: "tip", type: "nominal" }, tooltip: { field: "tip", type: "nominal" } } as const

/**
 * Dash patterns and point shapes per series, in series order: lines that lie on top of each
 * other stay visible (a solid line under a dashed one, a circle under a cross).
 */
export const DASHES: ReadonlyArray<ReadonlyArray<number>> = [[1, 0], [10, 5], [3, 3], [14, 4, 3, 4], [6, 3, 1, 3, 1, 3], [2, 6]]
export const SHAPES: ReadonlyArray<string> = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]

/** Vega's tableau10, the default categorical scheme. */
const CATEGORY = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"]

const seriesNames = (points: ReadonlyArray<{ readonly series: string }>): ReadonlyArray<string> => [...new Set(points.map((p) => p.series))]

const cycle = <A>(values: ReadonlyArray<A>, n: number): Array<A> => Array.from({ length: n }, (_, i) => values[i % values.length]!)

const colorOf = (title: string, palette: Palette | undefined, points: ReadonlyArray<SeriesPoint>) => ({
  field: "series",
  type: "nominal" as const,
  title,
  sort: null,
  // An explicit domain (in series order) for colour as for dash and shape, so the legend merges them into one entry per series.
  scale: palette ? { domain: [...palette.domain], range: [...palette.range] } : { domain: [...seriesNames(points)], range: cycle(CATEGORY, seriesNames(points).length) },
  // One series needs no legend: the chart title names it.
  ...(seriesNames(points).length <= 1 ? { legend: null } : {})
})

/** Dash and shape encodings per series: the legend merges them with the colour, one entry per series. */
const styleOf = (title: string, points: ReadonlyArray<SeriesPoint>) => {
  const names = seriesNames(points)
  const legend = names.length <= 1 ? { legend: null } : {}
  return {
    strokeDash: { field: "series", type: "nominal" as const, title, sort: null, scale: { domain: [...names], range: cycle(DASHES, names.length).map((d) => [...d]) }, ...legend },
    shape: { field: "series", type: "nominal" as const, title, sort: null, scale: { domain: [...names], range: cycle(SHAPES, names.length) }, ...legend }
  }
}

/**
 * Where lines coincide: series equal in every year they share say so in the caption (they are
 * drawn on top of each other, told apart by dash and marker), and years where some are equal
 * are listed. Values are compared as the exact view strings when given.
 */
export const overlapNote = (points: ReadonlyArray<SeriesPoint>): string => {
  const names = seriesNames(points)
  const key = (p: SeriesPoint) => p.text ?? String(p.value)
  const of = new Map(names.map((n) => [n, new Map(points.filter((p) => p.series === n).map((p) => [p.year, key(p)]))]))
  const whole: Array<string> = []
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      const ya = of.get(a)!
      const yb = of.get(b)!
      if (ya.size === yb.size && [...ya].every(([y, v]) => yb.get(y) === v)) whole.push(`${a} and ${b} coincide exactly in every year (one line drawn over the other; told apart by dash and marker)`)
    }
  }
  const years = [...new Set(points.map((p) => p.year))].sort((a, b) => a - b)
  const partial = years.flatMap((year) => {
    const groups = new Map<string, Array<string>>()
    for (const n of names) {
      const v = of.get(n)!.get(year)
      if (v !== undefined) groups.set(v, [...(groups.get(v) ?? []), n])
    }
    const same = [...groups.values()].filter((g) => g.length > 1)
    return same.length > 0 ? [`${year} (${same.map((g) => g.join(" = ")).join("; ")})`] : []
  })
  if (whole.length === 0 && partial.length === 0) return ""
  return [
    ...whole.map((w) => `${w[0]!.toUpperCase()}${w.slice(1)}.`),
    ...(whole.length === 0 && partial.length > 0 ? [`Equal values, where the markers overlap: ${partial.join(", ")}.`] : [])
  ].join(" ")
}

const YEAR_AXIS = { field: "year", type: "ordinal", title: "Contract year", axis: { labelAngle: 0 } } as const
/** Every chart spans the report's text column (1,240 px drawn, axes and legend included); the box scrolls on a narrower screen. */
export const CHART_WIDTH = 1240
const HEIGHT = 280
const SMALL_HEIGHT = 220
/** No chart text below 12 px (axis labels, legend, titles). */
export const MIN_FONT = 12

const base = (text: ChartText, small: boolean | undefined, note?: string) => ({
  title: { text: text.title, anchor: "start" as const, fontSize: 16 },
  description: text.description,
  width: CHART_WIDTH,
  height: small ? SMALL_HEIGHT : HEIGHT,
  autosize: { type: "fit-x" as const, contains: "padding" as const },
  background: "white",
  ...(note ? { usermeta: { note } } : {}),
  config: {
    font: "sans-serif",
    axis: { labelFontSize: 13, titleFontSize: 14 },
    legend: { labelFontSize: 13, titleFontSize: 14, orient: "bottom" as const, symbolStrokeWidth: 2, symbolSize: 160, labelLimit: 400 },
    text: { fontSize: 13 }
  }
})

/** Lines with points, one per series (benchmark against actual PMPM, one policy per line, glide paths), each with its own dash and marker. */
export const lineChart = (args: ChartText & {
  readonly yTitle: string
  readonly yFormat: string
  readonly unit: Unit
  readonly points: ReadonlyArray<SeriesPoint>
  readonly seriesTitle: string
  readonly yDomain?: readonly [number, number]
  readonly narrow?: boolean
  readonly palette?: Palette
}): TopLevelSpec => ({
  ...base(args, args.narrow, overlapNote(args.points)),
  data: { values: rows(args.points, args.unit) },
  encoding: {
    x: YEAR_AXIS,
    y: {
      field: "value",
      type: "quantitative",
      title: args.yTitle,
      axis: { format: args.yFormat },
      scale: args.yDomain ? { domain: [...args.yDomain], nice: false } : { zero: false }
    },
    color: colorOf(args.seriesTitle, args.palette, args.points)
  },
  layer: [
    // The line's tooltip names its series; each point's gives the year and the exact figure.
    { mark: { type: "line", strokeWidth: 2.5 }, encoding: { strokeDash: styleOf(args.seriesTitle, args.points).strokeDash, description: { field: "series", type: "nominal" }, tooltip: { field: "series", type: "nominal" } } },
    { mark: { type: "point", size: 70, filled: true, opacity: 1 }, encoding: { shape: styleOf(args.seriesTitle, args.points).shape, ...TIP } }
  ]
})

/** Bars per year, side by side per series (shared savings against losses, provider net per policy). */
export const barChart = (args: ChartText & {
  readonly yTitle: string
  readonly yFormat: string
  readonly unit: Unit
  readonly points: ReadonlyArray<SeriesPoint>
  readonly seriesTitle: string
  readonly narrow?: boolean
  readonly palette?: Palette
}): TopLevelSpec => ({
  ...base(args, args.narrow),
  data: { values: rows(args.points, args.unit) },
  layer: [
    {
      mark: { type: "bar" },
      encoding: {
        x: YEAR_AXIS,
        xOffset: { field: "series", type: "nominal", sort: null },
        y: { field: "value", type: "quantitative", title: args.yTitle, axis: { format: args.yFormat } },
        color: colorOf(args.seriesTitle, args.palette, args.points),
        ...TIP
      }
    },
    // Zero line: losses and negative differences read below it.
    { mark: { type: "rule", color: "#555" }, encoding: { y: { datum: 0, type: "quantitative" } } }
  ]
})

/** One part of one stacked bar: `bar` names the bar (a policy), `part` the segment (earned, windfall). */
export interface StackPart {
  readonly bar: string
  readonly part: string
  readonly value: number
  /** The exact view string behind `value`, for the tooltip. */
  readonly text: string
}

/**
 * Stacked bars, one per `bar` (a policy) on the x axis, its parts stacked from zero in the order
 * given (earned at the bottom, windfall on top): the whole bar is their sum.
 */
export const stackedBarChart = (args: ChartText & {
  readonly xTitle: string
  readonly yTitle: string
  readonly yFormat: string
  readonly unit: Unit
  readonly parts: ReadonlyArray<StackPart>
  readonly partTitle: string
  readonly palette: Palette
}): TopLevelSpec => {
  const order = [...new Set(args.parts.map((p) => p.part))]
  // The stacking rank is text, not a number: chartFigure reads every numeric field as a plotted value.
  const values = args.parts.map((p) => ({
    bar: p.bar,
    part: p.part,
    rank: String(order.indexOf(p.part)).padStart(3, "0"),
    value: p.value,
    tip: `${p.bar}, ${p.part}: ${tipValue({ year: 0, series: p.part, value: p.value, text: p.text }, args.unit)}`
  }))
  return {
    ...base(args, false),
    data: { values },
    layer: [
      {
        mark: { type: "bar", size: 60 },
        encoding: {
          x: { field: "bar", type: "nominal", sort: null, title: args.xTitle, axis: { labelAngle: 0, labelLimit: 0 } },
          y: { field: "value", type: "quantitative", stack: "zero", title: args.yTitle, axis: { format: args.yFormat } },
          color: { field: "part", type: "nominal", title: args.partTitle, sort: null, scale: { domain: [...args.palette.domain], range: [...args.palette.range] } },
          order: { field: "rank", type: "ordinal" },
          ...TIP
        }
      },
      { mark: { type: "rule", color: "#555" }, encoding: { y: { datum: 0, type: "quantitative" } } }
    ]
  }
}

/** One bar of a waterfall: from `start` to `end` (a total bar starts at the axis floor). */
export interface WaterfallStep {
  readonly step: string
  readonly start: number
  readonly end: number
  readonly kind: "total" | "increase" | "decrease" | "no change"
  /** What the bar's label and tooltip print ("+$7.50", "$436.21"). */
  readonly label: string
}

export const WATERFALL_COLORS: Readonly<Record<WaterfallStep["kind"], string>> = { total: "#4c78a8", increase: "#54a24b", decrease: "#e45756", "no change": "#9aa3ad" }

/** A waterfall: each step's bar spans the running figure before and after it; labels print each step's exact amount. */
export const waterfallChart = (args: ChartText & { readonly yTitle: string; readonly yFormat: string; readonly xTitle: string; readonly steps: ReadonlyArray<WaterfallStep>; readonly floor: number; readonly ceiling: number }): TopLevelSpec => {
  const kinds = Object.keys(WATERFALL_COLORS) as Array<WaterfallStep["kind"]>
  const values = args.steps.map((s) => ({ ...s, top: Math.max(s.start, s.end), tip: `${s.step}: ${s.label}` }))
    // Long step names break at " (" onto a second line.
  const x = { field: "step", type: "ordinal" as const, sort: null, title: args.xTitle, axis: { labelAngle: 0, labelLimit: 0, labelExpr: "split(replace(datum.label, ' (', '\\n('), '\\n')" } }
  const y = { type: "quantitative" as const, title: args.yTitle, axis: { format: args.yFormat }, scale: { domain: [args.floor, args.ceiling], nice: false, zero: false } }
  return {
    ...base(args, false),
    data: { values },
    layer: [
      {
        mark: { type: "bar", clip: true, size: 70 },
        encoding: {
          x,
          y: { field: "start", ...y },
          y2: { field: "end" },
          color: { field: "kind", type: "nominal", title: "Step", scale: { domain: kinds, range: kinds.map((k) => WATERFALL_COLORS[k]) } },
          ...TIP
        }
      },
      // A step of 0.00 has no height: a tick shows where it stands.
      { transform: [{ filter: "datum.start === datum.end" }], mark: { type: "tick", color: WATERFALL_COLORS["no change"], thickness: 3, size: 70 }, encoding: { x, y: { field: "end", ...y }, ...TIP } },
      { mark: { type: "text", dy: -9, fontSize: 13, fontWeight: "bold", color: "#1d2530" }, encoding: { x, y: { field: "top", ...y }, text: { field: "label", type: "nominal" } } }
    ]
  }
}

/**
 * A fan chart of a simulated figure: the P5–P95 band, the P25–P75 band inside it and the
 * median line, per contract year.
 */
export const fanChart = (args: ChartText & { readonly yTitle: string; readonly yFormat: string; readonly points: ReadonlyArray<FanPoint>; readonly color: string }): TopLevelSpec => {
  const y = (field: keyof FanPoint) => ({ field, type: "quantitative" as const, title: args.yTitle, axis: { format: args.yFormat }, scale: { zero: false } })
  return {
    ...base(args, true),
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
    ...base(args, true),
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

/** One category's simulated figure (a policy's programme cost over the contract): mean and the P5–P95 interval. */
export interface IntervalPoint {
  readonly category: string
  readonly mean: number
  readonly p5: number
  readonly p95: number
  /** The exact view strings, for the tooltip. */
  readonly text: { readonly mean: string; readonly p5: string; readonly p95: string }
}

/**
 * A point per category at the mean with an error bar from P5 to P95 (whiskers capped by ticks),
 * against zero: categories on the x axis in the order given.
 */
export const categoryIntervalChart = (args: ChartText & { readonly xTitle: string; readonly yTitle: string; readonly yFormat: string; readonly points: ReadonlyArray<IntervalPoint> }): TopLevelSpec => {
  // The category is text and the tooltip names every figure: chartFigure reads only the numeric fields as plotted values.
  const values = args.points.map((p) => ({
    category: p.category,
    mean: p.mean,
    p5: p.p5,
    p95: p.p95,
    tip: `${p.category}: mean ${dollars(p.text.mean)} (P5 ${dollars(p.text.p5)}, P95 ${dollars(p.text.p95)})`
  }))
  const x = { field: "category", type: "nominal" as const, sort: null, title: args.xTitle, axis: { labelAngle: 0, labelLimit: 0 } }
  const y = (field: "mean" | "p5" | "p95") => ({ field, type: "quantitative" as const, title: args.yTitle, axis: { format: args.yFormat }, scale: { zero: false } })
  return {
    ...base(args, true),
    data: { values },
    layer: [
      { mark: { type: "rule", color: "#4c78a8", strokeWidth: 2 }, encoding: { x, y: y("p5"), y2: { field: "p95" }, ...TIP } },
      { mark: { type: "tick", color: "#4c78a8", thickness: 2, size: 26 }, encoding: { x, y: y("p5"), ...TIP } },
      { mark: { type: "tick", color: "#4c78a8", thickness: 2, size: 26 }, encoding: { x, y: y("p95"), ...TIP } },
      { mark: { type: "point", filled: true, size: 110, color: "#1b3a5c", opacity: 1 }, encoding: { x, y: y("mean"), ...TIP } },
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

/**
 * A hover tooltip without script: each data mark's ARIA label (Vega writes the tooltip field
 * there) also becomes its SVG <title>, which browsers show on hover.
 */
const markTitles = (svg: string): string =>
  svg.replace(/<(path|rect|line|circle|text)\b([^>]*?\baria-label="([^"]*)"[^>]*?\baria-roledescription="(?!axis|legend|title)[^"]*"[^>]*?)\/>/g, (_m, tag: string, attrs: string, label: string) => `<${tag}${attrs}><title>${label}</title></${tag}>`)

/** Compile the Vega-Lite spec, render it headless to SVG, make its ids unique under `id` and title it. */
export const renderSvg = async (spec: TopLevelSpec, text: ChartText, id: string): Promise<string> => {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" })
  try {
    return withTitle(markTitles(prefixIds(await view.toSVG(), id)), text, id)
  } finally {
    view.finalize()
  }
}
