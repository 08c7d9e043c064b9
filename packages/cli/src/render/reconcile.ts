import { formatFixed, type PufReconciliationSummary, type PufRowReconciliation } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import type { Format } from "../options.js"
import { wrapText } from "../text.js"
import { left, renderCsv, renderMarkdown, renderText, right, TABLE_WIDTH, type Table } from "./table.js"

export interface ReconcileInput {
  readonly file: string
  readonly engineVersion: string
  readonly rows: ReadonlyArray<PufRowReconciliation>
  readonly summary: PufReconciliationSummary
}

const usd = (d: Decimal) => formatFixed(d, 2)
const pct = (d: Decimal | undefined) => (d === undefined ? "" : `${formatFixed(d.mul(100), 3)} %`)
const status = (r: PufRowReconciliation) => (r.withinDollar ? (r.msrMatches === false ? "MSR off" : "match") : "off")

const COLUMNS = ["acoId", "name", "track", "outcome", "reportedOutcome", "computedEarned", "reportedEarned", "difference", "computedMsr", "reportedMsr", "msrBasis", "status", "explanation"]

const cells = (r: PufRowReconciliation): ReadonlyArray<string> => [
  r.acoId,
  r.name,
  r.track,
  r.outcome,
  r.reportedOutcome,
  usd(r.computedEarned),
  usd(r.reportedEarned),
  usd(r.difference),
  r.computedMsr ? formatFixed(r.computedMsr, 6) : "",
  formatFixed(r.reportedMsr, 6),
  r.msrBasis,
  status(r),
  r.explanation
]

const summaryLines = (s: PufReconciliationSummary): ReadonlyArray<string> => [
  `${s.rows} ACOs: ${s.savingsRows} with savings, ${s.lossRows} with losses, ${s.noneRows} inside the corridor`,
  `savings rows within $1: ${s.savingsWithinDollar} of ${s.savingsRows}`,
  `loss rows within $1: ${s.lossWithinDollar} of ${s.lossRows}` +
    (s.lossExplainedByRevenueLimit > 0 ? ` (${s.lossExplainedByRevenueLimit} more explained by a revenue-based loss limit; the file has no revenue column)` : ""),
  `outcome (savings / loss / none) as reported: ${s.outcomeMatches} of ${s.rows}`,
  `MSR: one-sided rows matching the variable table ${s.oneSidedMsrMatches} of ${s.oneSidedRows}; two-sided ${s.twoSidedFixedElection} fixed elections, ` +
    `${s.twoSidedVariableTable} variable table, ${s.twoSidedMsrUnexplained} unexplained of ${s.twoSidedRows}`,
  `rows off: ${s.misses.length}`,
  ...s.misses.map((m) => `  ${m.acoId} (${m.outcome}, ${usd(m.difference)}): ${m.explanation}`)
]

export const reconcileReport = (input: ReconcileInput, format: Format, width: number = TABLE_WIDTH): string => {
  if (format === "json") {
    return JSON.stringify(
      {
        engine: { name: "pbpsim", version: input.engineVersion },
        file: input.file,
        summary: { ...input.summary, reportedSavingsTotal: usd(input.summary.reportedSavingsTotal), reportedLossTotal: usd(input.summary.reportedLossTotal),
          misses: input.summary.misses.map((m) => ({ ...m, difference: usd(m.difference) })) },
        rows: input.rows.map((r) => Object.fromEntries(COLUMNS.map((c, i) => [c, cells(r)[i]!])))
      },
      null,
      2
    )
  }
  if (format === "csv") return renderCsv(COLUMNS, input.rows.map(cells))
  const table: Table = {
    title: `Settlement reconciliation of ${input.file} (pbpsim ${input.engineVersion})`,
    columns: [left("ACO"), left("Track"), left("Outcome"), right("Computed"), right("Reported"), right("Difference"), right("MSR computed"), right("MSR reported"), left("Status")],
    rows: input.rows.map((r) => [r.acoId, r.track, r.outcome, usd(r.computedEarned), usd(r.reportedEarned), usd(r.difference), pct(r.computedMsr), pct(r.reportedMsr), status(r)])
  }
  const summary = summaryLines(input.summary)
  return format === "markdown"
    ? [renderMarkdown(table), "", "**Summary**", "", ...summary.map((l) => `- ${l.trim()}`)].join("\n")
    : [renderText(table, width), "", "Summary", wrapText(summary.map((l) => `  ${l}`).join("\n"), width)].join("\n")
}
