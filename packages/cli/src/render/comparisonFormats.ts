import type { Format } from "../options.js"
import {
  benchmarkMemoTable,
  cliffTable,
  comparisonCsvRows,
  comparisonMemoTables,
  comparisonTables,
  grouped,
  policyTable,
  settlementMemoTable,
  totalsMemoTable
} from "./comparisonTables.js"
import type { ComparisonView } from "./comparisonView.js"
import { wrapText } from "../text.js"
import { renderCsv, renderText, TABLE_WIDTH, type Table } from "./table.js"

/** JSON is the view itself (exact strings, provenance); the other formats are tables of it. */
export const renderComparison = (view: ComparisonView, format: Format, kind: "run" | "compare", width: number = TABLE_WIDTH): string => {
  if (format === "json") return JSON.stringify(view, null, 2)
  if (format === "csv") {
    const { columns, rows } = comparisonCsvRows(view)
    return renderCsv(columns, rows)
  }
  if (format === "markdown") return comparisonMemo(view, kind)
  // Terminal tables group thousands in money and PMPM (1,845,514.83), as the memo does; CSV and JSON above keep plain strings.
  const policyTables = view.policies.flatMap((p) => [policyTable(p), cliffTable(p, grouped)].filter((t): t is Table => t !== undefined))
  const tables = [...policyTables, ...(kind === "compare" && view.policies.length > 1 ? comparisonTables(view) : [])]
  const header = `${view.scenario.name} — provider ${view.provider} (${view.scenario.file}, pbpsim ${view.engine.version})`
  return [wrapText(header, width), ...tables.map((t) => renderText(t, width))].join("\n\n")
}

const mdText = (text: string) => text.replaceAll("|", "\\|")

/**
 * A Markdown table whose source reads as a table too: every column padded to its widest
 * cell, numbers right-aligned, the alignment row matching, totals in bold under the body.
 */
export const renderAlignedMarkdown = (table: Table): string => {
  const bold = (text: string) => (text === "" ? text : `**${text}**`)
  const footer = (table.footer ?? []).map((r) => r.map((c, i) => (i === 0 ? c : bold(c))))
  const body = [...table.rows, ...footer].map((r) => table.columns.map((_, i) => mdText(r[i] ?? "")))
  const headers = table.columns.map((c) => mdText(c.header))
  const widths = table.columns.map((_, i) => Math.max(3, headers[i]!.length, ...body.map((r) => r[i]!.length)))
  const pad = (text: string, i: number) => (table.columns[i]!.align === "right" ? text.padStart(widths[i]!) : text.padEnd(widths[i]!))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map(pad).join(" | ")} |`
  const rule = `| ${table.columns.map((c, i) => (c.align === "right" ? `${"-".repeat(widths[i]! - 1)}:` : `:${"-".repeat(widths[i]! - 1)}`)).join(" | ")} |`
  return [`**${mdText(table.title)}**`, "", line(headers), rule, ...body.map(line)].join("\n")
}

/**
 * Markdown to paste into a contract memo: a title, who and what was compared, the source
 * (file, SHA-256, engine version), the contract totals, each policy's benchmark build-up and
 * settlement, then the policies side by side with differences against the first.
 */
const comparisonMemo = (view: ComparisonView, kind: "run" | "compare"): string => {
  const policies = kind === "run" ? view.policies.slice(0, 1) : view.policies
  const first = policies[0]
  const compared = kind === "compare" && policies.length > 1
  const names = policies.map((p) => p.name).join(", ")
  const intro = compared
    ? `Provider ${view.provider}. Policies compared: ${names}; differences (Δ) are each policy minus ${first!.name}. Money in dollars, PMPM per member month.`
    : `Provider ${view.provider}. Policy ${names}. Money in dollars, PMPM per member month.`
  const policySections = policies.flatMap((p) => [
    `### Policy ${mdText(p.name)}`,
    ...(p.description ? [mdText(p.description)] : []),
    renderAlignedMarkdown(benchmarkMemoTable(p)),
    renderAlignedMarkdown(settlementMemoTable(p)),
    ...[cliffTable(p, grouped)].filter((t): t is Table => t !== undefined).map(renderAlignedMarkdown)
  ])
  return [
    `## ${mdText(view.scenario.name)}`,
    mdText(intro),
    `Source: \`${view.scenario.file}\` (SHA-256 \`${view.scenario.sha256}\`), ${view.engine.name} ${view.engine.version}.`,
    renderAlignedMarkdown(totalsMemoTable({ ...view, policies })),
    ...policySections,
    ...(compared ? ["### Policies compared", ...comparisonMemoTables(view).map(renderAlignedMarkdown)] : [])
  ].join("\n\n")
}
