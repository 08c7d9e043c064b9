import {
  formatFixed,
  type PufBenchmarkCheckSummary,
  type PufBenchmarkSummary,
  type PufPathSummary,
  type PufReconciliationSummary,
  type PufRowReconciliation
} from "@pbpsim/benchmark"
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

const plural = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`

/** One line per benchmark-side check: compared checks as matching of checked, derived ones as where the cap binds. */
const benchmarkCheckLine = (c: PufBenchmarkCheckSummary): string => {
  if (!c.inFile) return `  ${c.label}: not in this layout (no ${c.missingColumns.join(", ")}) — ${c.rule}`
  const k = c.counts
  const aside = [
    ...(k["not-printed"] > 0 ? [`${plural(k["not-printed"], "row")} with a cell not printed (suppressed "*" or "-")`] : []),
    ...(k["not-applicable"] > 0 ? [`${plural(k["not-applicable"], "row")} on other agreement rules`] : [])
  ]
  const tail = aside.map((t) => `; ${t}`).join("")
  if (c.kind === "compared") {
    if (c.checked === 0) return `  ${c.label}: not exercised (no row has every cell printed)${tail} — ${c.rule}`
    return `  ${c.label}: ${plural(c.checked, "row")} checked, ${k.match} ${c.matchLabel}, ${k.off} off${tail} — ${c.rule}`
  }
  const byType = c.byType
    ? ` (by type, binds / within / undetermined / not printed: ${Object.entries(c.byType)
        .map(([t, b]) => `${t} ${b.binds}/${b.within}/${b.undetermined}/${b["not-printed"]}`)
        .join(", ")})`
    : ""
  const onRule = c.checked + k["not-printed"]
  const other = k["not-applicable"] > 0 ? `; ${plural(k["not-applicable"], "row")} on other agreement rules` : ""
  if (onRule === 0) return `  ${c.label}: not exercised (no row on this rule)${other} — ${c.rule}`
  return (
    `  ${c.label}: ${plural(onRule, "row")} on this rule, nothing printed to compare (CMS does not print the capped ratio): ` +
    `the cap binds on ${k.binds}, on no type ${k.within}, undetermined at printed precision ${k.undetermined}, ` +
    `a score not printed and no printed type above the cap ${k["not-printed"]}${other}${byType} — ${c.rule}`
  )
}

const benchmarkLines = (b: PufBenchmarkSummary): ReadonlyArray<string> => [
  "benchmark-side parity (CMS's benchmark figures against the file's own columns; compared checks allow the rounding of the printed figures):",
  ...b.checks.map(benchmarkCheckLine),
  ...(b.duplicated.length ? [`  columns appearing more than once, not read: ${b.duplicated.join(", ")}`] : []),
  ...b.checks.flatMap((c) => c.off.map((o) => `  off: ${o.acoId} (${c.label}): ${o.detail}`)),
  "benchmark figures public data cannot reproduce:",
  ...b.limits.map((l) => `  ${l.figure}: ${l.why}`)
]

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
  ...s.misses.map((m) => `  ${m.acoId} (${m.outcome}${m.difference !== undefined ? `, ${usd(m.difference)}` : ""}): ${m.explanation}`),
  ...(s.benchmark ? benchmarkLines(s.benchmark) : [])
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
