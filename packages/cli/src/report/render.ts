import type { Format } from "../options.js"
import { comparisonCsvRows, comparisonTables, policyTable } from "./comparison.js"
import type { ComparisonView } from "./results.js"
import { renderCsv, renderMarkdown, renderText } from "./table.js"

/** JSON is the view itself (exact strings, provenance); the other formats are tables of it. */
export const renderComparison = (view: ComparisonView, format: Format, kind: "run" | "compare"): string => {
  if (format === "json") return JSON.stringify(view, null, 2)
  if (format === "csv") {
    const { columns, rows } = comparisonCsvRows(view)
    return renderCsv(columns, rows)
  }
  const tables = [...view.policies.map(policyTable), ...(kind === "compare" && view.policies.length > 1 ? comparisonTables(view) : [])]
  const header = `${view.scenario.name} — provider ${view.provider} (${view.scenario.file}, pbpsim ${view.engine.version})`
  return format === "markdown"
    ? [`### ${header}`, ...tables.map(renderMarkdown)].join("\n\n")
    : [header, ...tables.map(renderText)].join("\n\n")
}
