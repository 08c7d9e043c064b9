/**
 * A titled table of already-formatted cells, rendered as an aligned terminal table, CSV or
 * Markdown. Numbers arrive as fixed-place strings (results.ts), so rendering never rounds.
 */
export interface Column {
  readonly header: string
  readonly align: "left" | "right"
}

export interface Table {
  readonly title: string
  readonly columns: ReadonlyArray<Column>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
  /** Rows printed under a rule (totals). */
  readonly footer?: ReadonlyArray<ReadonlyArray<string>>
}

export const left = (header: string): Column => ({ header, align: "left" })
export const right = (header: string): Column => ({ header, align: "right" })

const pad = (text: string, width: number, align: Column["align"]) =>
  align === "right" ? text.padStart(width) : text.padEnd(width)

export const renderText = (table: Table): string => {
  const all = [table.columns.map((c) => c.header), ...table.rows, ...(table.footer ?? [])]
  const widths = table.columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    table.columns.map((c, i) => pad(cells[i] ?? "", widths[i]!, c.align)).join("  ").trimEnd()
  const rule = widths.map((w) => "─".repeat(w)).join("  ")
  return [
    table.title,
    line(table.columns.map((c) => c.header)),
    rule,
    ...table.rows.map(line),
    ...(table.footer && table.footer.length > 0 ? [rule, ...table.footer.map(line)] : [])
  ].join("\n")
}

const csvCell = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text)

export const renderCsv = (columns: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [columns, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n"

const mdCell = (text: string) => text.replaceAll("|", "\\|")

export const renderMarkdown = (table: Table): string => {
  const header = `| ${table.columns.map((c) => mdCell(c.header)).join(" | ")} |`
  const align = `|${table.columns.map((c) => (c.align === "right" ? " ---: " : " :--- ")).join("|")}|`
  const body = [...table.rows, ...(table.footer ?? []).map((r) => r.map((c, i) => (i === 0 || c === "" ? c : `**${c}**`)))]
  return [`**${mdCell(table.title)}**`, "", header, align, ...body.map((r) => `| ${r.map(mdCell).join(" | ")} |`)].join("\n")
}
