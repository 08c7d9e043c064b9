import { formatFixed, type PufPathSummary, type PufReconciliationSummary, type PufRowReconciliation } from "@pbpsim/benchmark"
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

const usd = (d: Decimal | undefined) => (d === undefined ? "" : formatFixed(d, 2))
const pct = (d: Decimal | undefined) => (d === undefined ? "" : `${formatFixed(d.mul(100), 3)} %`)
const status = (r: PufRowReconciliation) =>
  r.withinDollar ? (r.msrMatches === false ? "MSR off" : "match") : r.computedEarned === undefined ? "not settled" : r.gap && r.gap.kind !== "unexplained" ? "not reproducible" : "off"

const COLUMNS = [
  "acoId",
  "name",
  "track",
  "outcome",
  "reportedOutcome",
  "computedEarned",
  "reportedEarned",
  "difference",
  "computedMsr",
  "reportedMsr",
  "msrBasis",
  "status",
  "explanation",
  "paths",
  "gap"
]

const cells = (r: PufRowReconciliation): ReadonlyArray<string> => [
  r.acoId,
  r.name,
  r.track,
  r.outcome ?? "",
  r.reportedOutcome,
  usd(r.computedEarned),
  usd(r.reportedEarned),
  usd(r.difference),
  r.computedMsr ? formatFixed(r.computedMsr, 6) : "",
  formatFixed(r.reportedMsr, 6),
  r.msrBasis,
  status(r),
  r.explanation,
  r.paths.join(" "),
  r.gap?.kind ?? ""
]

const STYLE_TEXT = { "percent-sign": 'with a "%" sign (9.09%)', plain: "as plain numbers of percent (9.09 = 9.09 %)" } as const

/** One line per rule path: rows on it, reproduced to the dollar, the reasons for the rest, or why it was not exercised. */
const pathLine = (p: PufPathSummary): string => {
  if (!p.inFile) return `  ${p.label}: not in this layout (its column is not in the file) — ${p.rule}`
  if (p.rows === 0) return `  ${p.label}: not exercised (no row on this path) — ${p.rule}`
  const gaps = p.notReproduced.map((g) => `${g.rows} not reproducible: ${g.reason}`)
  const check = p.check ? [`${p.check.rule} checked on the file's own figures: consistent for ${p.check.consistent} of ${p.check.checked}`] : []
  return `  ${p.label}: ${p.rows} row${p.rows === 1 ? "" : "s"}, ${p.reproduced} reproduced to the dollar${[...gaps, ...check].map((t) => `; ${t}`).join("")} — ${p.rule}`
}

const summaryLines = (s: PufReconciliationSummary): ReadonlyArray<string> => [
  ...(s.layout
    ? [
        `layout: ${s.layout.id}${s.layout.evidence.length ? ` (recognised by ${s.layout.evidence.join(", ")})` : ""}; rates printed ${
          s.layout.percentStyles.length ? s.layout.percentStyles.map((st) => STYLE_TEXT[st]).join(" and ") : "(none read)"
        }`
      ]
    : []),
  `${s.rows} ACOs: ${s.savingsRows} with savings, ${s.lossRows} with losses, ${s.noneRows} inside the corridor` +
    (s.notSettled > 0 ? `; ${s.notSettled} not settled (tracks pbpsim has no terms for)` : ""),
  "parity per rule path (rows CMS's figures put on the path; reproduced to the dollar by pbpsim's rules):",
  ...s.paths.map(pathLine),
  `MSR: the variable table is tested by ${s.oneSidedRows} one-sided rows (${s.oneSidedMsrMatches} match) and ${s.twoSidedVariableTable} two-sided rows printing it; ` +
    `${s.twoSidedFixedElection} two-sided rows print a fixed election (the ACO's own choice, used as printed: matching it tests nothing); ${s.twoSidedMsrUnexplained} unexplained of ${s.twoSidedRows} two-sided`,
  `savings rows within $1: ${s.savingsWithinDollar} of ${s.savingsRows}`,
  `loss rows within $1: ${s.lossWithinDollar} of ${s.lossRows}` +
    (s.lossExplainedByRevenueLimit > 0 ? ` (${s.lossExplainedByRevenueLimit} more explained by a revenue-based loss limit; the file has no revenue column)` : ""),
  `outcome (savings / loss / none) as reported: ${s.outcomeMatches} of ${s.rows}`,
  `rows off: ${s.misses.length}`,
  ...s.misses.map((m) => `  ${m.acoId} (${m.outcome}${m.difference !== undefined ? `, ${usd(m.difference)}` : ""}): ${m.explanation}`)
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
    rows: input.rows.map((r) => [r.acoId, r.track, r.outcome ?? "-", usd(r.computedEarned), usd(r.reportedEarned), usd(r.difference), pct(r.computedMsr), pct(r.reportedMsr), status(r)])
  }
  const summary = summaryLines(input.summary)
  return format === "markdown"
    ? [renderMarkdown(table), "", "**Summary**", "", ...summary.map((l) => `- ${l.trim()}`)].join("\n")
    : [renderText(table, width), "", "Summary", wrapText(summary.map((l) => `  ${l}`).join("\n"), width)].join("\n")
}
