import { formatFixed } from "@pbpsim/benchmark"
import { isRefused, type SensitivityOutcome, type SensitivityResult, type SensitivitySide } from "@pbpsim/simulator"
import type { Format } from "../options.js"
import { wrapText } from "../text.js"
import type { Provenance } from "./comparisonView.js"
import { grouped, left, renderCsv, renderMarkdown, renderText, right, TABLE_WIDTH, type Table } from "./table.js"

/**
 * `pbpsim sensitivity` as one view of fixed-place strings (money to cents, steps exact), which
 * every format prints: JSON is the view itself, with provenance; the table, CSV and Markdown
 * are its rows, largest swing first.
 */

export interface OutcomeView {
  readonly providerNet: string
  readonly payerCost: string
}

/** A side the scenario's checks or rules refused: why. */
export type SideView = OutcomeView | { readonly refused: string }

export interface SensitivityInputView {
  readonly input: string
  readonly label: string
  readonly change: string
  readonly step: string
  readonly paths: ReadonlyArray<string>
  readonly low: SideView
  readonly high: SideView
  /** high − low (a refused side counts as the base). */
  readonly swing: OutcomeView
}

export interface SensitivityView extends Provenance {
  readonly policy: string
  /** Totals over the contract; payer cost = expenditure + provider net. */
  readonly base: OutcomeView
  readonly inputs: ReadonlyArray<SensitivityInputView>
  readonly skipped: ReadonlyArray<{ readonly input: string; readonly label: string; readonly reason: string }>
}

const money = (d: SensitivityOutcome["providerNet"]): string => formatFixed(d, 2)
const outcome = (o: SensitivityOutcome): OutcomeView => ({ providerNet: money(o.providerNet), payerCost: money(o.payerCost) })
const side = (s: SensitivitySide): SideView => (isRefused(s) ? { refused: s.refused } : outcome(s))

export const sensitivityView = (provenance: Provenance, result: SensitivityResult): SensitivityView => ({
  ...provenance,
  policy: result.policy,
  base: outcome(result.base),
  inputs: result.inputs.map((i) => ({
    input: i.input,
    label: i.label,
    change: i.change,
    step: i.step.toFixed(),
    paths: i.paths,
    low: side(i.low),
    high: side(i.high),
    swing: outcome(i.swing)
  })),
  skipped: result.skipped
})

export const refusedSide = (s: SideView): s is { readonly refused: string } => "refused" in s

const REFUSED = "refused"

/** The table's rows: one per input, refused sides shown as "refused" (the reasons follow the table). */
const rows = (view: SensitivityView, show: (money: string) => string): ReadonlyArray<ReadonlyArray<string>> =>
  view.inputs.map((i) => [
    i.input,
    i.change,
    refusedSide(i.low) ? REFUSED : show(i.low.providerNet),
    refusedSide(i.high) ? REFUSED : show(i.high.providerNet),
    show(i.swing.providerNet),
    refusedSide(i.low) ? REFUSED : show(i.low.payerCost),
    refusedSide(i.high) ? REFUSED : show(i.high.payerCost),
    show(i.swing.payerCost)
  ])

export const sensitivityTable = (view: SensitivityView, show: (money: string) => string = grouped): Table => ({
  title: `Sensitivity of ${view.policy}: contract totals ($), one input at a time, largest swing first`,
  columns: [
    left("Input"),
    left("Change"),
    right("Provider net low"),
    right("Provider net high"),
    right("Swing"),
    right("Payer cost low"),
    right("Payer cost high"),
    right("Swing")
  ],
  rows: rows(view, show)
})

/** The lines under the table: what each input moves, refusals with their reasons, inputs skipped. */
const notes = (view: SensitivityView): ReadonlyArray<string> => [
  ...view.inputs.map((i) => `${i.input}: ${i.label}; moves ${i.paths.join(", ")}`),
  ...view.inputs.flatMap((i) => [
    ...(refusedSide(i.low) ? [`${i.input} low refused: ${i.low.refused}`] : []),
    ...(refusedSide(i.high) ? [`${i.input} high refused: ${i.high.refused}`] : [])
  ]),
  ...view.skipped.map((s) => `skipped ${s.input} (${s.label}): ${s.reason}`)
]

const baseLine = (view: SensitivityView, show: (money: string) => string): string =>
  `Base (${view.policy}): provider net ${show(view.base.providerNet)}, payer cost ${show(view.base.payerCost)} (expenditure + provider net), over the contract. ` +
  "Swing = high − low: positive when raising the input raises the total."

const source = (view: SensitivityView): string =>
  `${view.scenario.file}, pbpsim ${view.engine.version}${view.scenario.overrides ? `, with --set ${view.scenario.overrides.join(", --set ")}` : ""}`

const CSV_COLUMNS = [
  "input",
  "label",
  "change",
  "step",
  "providerNetLow",
  "providerNetHigh",
  "providerNetSwing",
  "payerCostLow",
  "payerCostHigh",
  "payerCostSwing",
  "refused"
]

/** CSV: one row per input, then a base row (plain strings, no separators), skipped inputs left out. */
const csv = (view: SensitivityView): string => {
  const cell = (s: SideView, field: keyof OutcomeView) => (refusedSide(s) ? "" : s[field])
  const refusal = (i: SensitivityInputView) =>
    [refusedSide(i.low) ? `low: ${i.low.refused}` : "", refusedSide(i.high) ? `high: ${i.high.refused}` : ""].filter((t) => t !== "").join("; ")
  return renderCsv(CSV_COLUMNS, [
    ["base", "Base", "", "", view.base.providerNet, view.base.providerNet, "0.00", view.base.payerCost, view.base.payerCost, "0.00", ""],
    ...view.inputs.map((i) => [
      i.input,
      i.label,
      i.change,
      i.step,
      cell(i.low, "providerNet"),
      cell(i.high, "providerNet"),
      i.swing.providerNet,
      cell(i.low, "payerCost"),
      cell(i.high, "payerCost"),
      i.swing.payerCost,
      refusal(i)
    ])
  ])
}

export const renderSensitivity = (view: SensitivityView, format: Format, width: number = TABLE_WIDTH): string => {
  if (format === "json") return JSON.stringify(view, null, 2)
  if (format === "csv") return csv(view)
  if (format === "markdown") {
    return [
      `## ${view.scenario.name}: sensitivity of ${view.policy}`.replaceAll("|", "\\|"),
      baseLine(view, grouped),
      `Source: \`${view.scenario.file}\` (SHA-256 \`${view.scenario.sha256}\`), ${view.engine.name} ${view.engine.version}${view.scenario.overrides ? `; overrides: ${view.scenario.overrides.map((o) => `\`--set ${o}\``).join(", ")}` : ""}.`,
      renderMarkdown(sensitivityTable(view)),
      notes(view)
        .map((n) => `- ${n}`)
        .join("\n")
    ].join("\n\n")
  }
  return [
    wrapText(`${view.scenario.name} — ${source(view)}`, width),
    wrapText(baseLine(view, grouped), width),
    renderText(sensitivityTable(view), width),
    notes(view)
      .map((n) => wrapText(n, width))
      .join("\n")
  ].join("\n\n")
}
