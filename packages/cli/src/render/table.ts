import { wrapText } from "../text.js"
import { groupThousands } from "@pbpsim/benchmark"

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

/**
 * Money (or a PMPM) for a person: the fixed-place string with thousands separators
 * ("-1072837.50" → "-1,072,837.50"). Only separators are added; the digits are the string's own.
 * Terminal tables and Markdown use it; CSV and JSON keep the plain strings (machine-readable).
 */
export const grouped = (money: string): string => {
  const [, sign = "", whole = "", fraction = ""] = /^([-\u2212+]?)(\d+)(\.\d+)?$/.exec(money) ?? []
  return whole === "" ? money : `${sign}${groupThousands(whole)}${fraction}`
}

export const left = (header: string): Column => ({ header, align: "left" })
export const right = (header: string): Column => ({ header, align: "right" })

const pad = (text: string, width: number, align: Column["align"]) =>
  align === "right" ? text.padStart(width) : text.padEnd(width)

/** Widest default terminal table; wider ones are split into column groups (`--wide` keeps one). */
export const TABLE_WIDTH = 120

/**
 * An aligned text table at most `width` columns wide: when the whole table is wider, its
 * columns are split into groups that fit, each repeating the first (key) column.
 */
export const renderText = (table: Table, width: number = TABLE_WIDTH): string => {
  const all = [table.columns.map((c) => c.header), ...table.rows, ...(table.footer ?? [])]
  const widths = table.columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)))
  const groups = columnGroups(widths, width)
  return groups
    .map((group, k) => {
      const title = groups.length > 1 && k > 0 ? `${table.title} (continued, ${k + 1} of ${groups.length})` : table.title
      return renderGroup(table, group, widths, title, width)
    })
    .join("\n\n")
}

const GAP = 2

/** Column indexes per group: the first column, then as many of the next as fit in `width`. */
const columnGroups = (widths: ReadonlyArray<number>, width: number): ReadonlyArray<ReadonlyArray<number>> => {
  const total = widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1)
  if (total <= width || widths.length <= 2) return [widths.map((_, i) => i)]
  const groups: Array<Array<number>> = []
  let current = [0]
  let used = widths[0]!
  for (let i = 1; i < widths.length; i++) {
    if (current.length > 1 && used + GAP + widths[i]! > width) {
      groups.push(current)
      current = [0]
      used = widths[0]!
    }
    current.push(i)
    used += GAP + widths[i]!
  }
  groups.push(current)
  return groups
}

const renderGroup = (table: Table, group: ReadonlyArray<number>, widths: ReadonlyArray<number>, title: string, width: number): string => {
  const line = (cells: ReadonlyArray<string>) => group.map((i) => pad(cells[i] ?? "", widths[i]!, table.columns[i]!.align)).join(" ".repeat(GAP)).trimEnd()
  const rule = group.map((i) => "─".repeat(widths[i]!)).join(" ".repeat(GAP))
  return [
    wrapText(title, width),
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
