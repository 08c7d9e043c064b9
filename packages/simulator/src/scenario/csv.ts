import { parse as parseCsv } from "csv-parse/sync"
import { Either, Schema } from "effect"
import { locateParseIssues, type ScenarioIssue, toScenarioIssue } from "./errors.js"
import { ExperienceRow, type ExperienceRowDocument } from "./schema.js"

/**
 * Experience rows from a CSV file: header `entity,year,memberMonths,cost` plus optionally
 * `riskScore,group,segment`, in any order. Every cell is text, so money reaches decimal.js
 * exactly as written. Problems are reported with the CSV file's name and line.
 */

export const CSV_REQUIRED_COLUMNS = ["entity", "year", "memberMonths", "cost"] as const
export const CSV_OPTIONAL_COLUMNS = ["riskScore", "group", "segment"] as const
const KNOWN_COLUMNS: ReadonlyArray<string> = [...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS]

/** Where an experience row came from, so later checks (duplicates, unknown entities) can point at it. */
export interface ExperienceOrigin {
  readonly file: string
  /** `experience[3]` in the scenario file, `line 5` in a CSV. */
  readonly path: string
  /** The path of one of the row's fields: `experience[3].entity`, `line 5, entity`. */
  readonly field: (name: string) => string
  readonly line?: number
}

export interface ExperienceEntry {
  readonly row: ExperienceRowDocument
  readonly origin: ExperienceOrigin
}

const decodeRow = Schema.decodeUnknownEither(ExperienceRow, { errors: "all", onExcessProperty: "error" })

interface CsvRecord {
  readonly record: ReadonlyArray<string>
  readonly info: { readonly lines: number }
}

const csvOrigin = (file: string, line: number): ExperienceOrigin => ({
  file,
  path: `line ${line}`,
  field: (name) => `line ${line}, ${name}`,
  line
})

export const parseExperienceCsv = (text: string, file: string): Either.Either<ReadonlyArray<ExperienceEntry>, ReadonlyArray<ScenarioIssue>> => {
  let records: ReadonlyArray<CsvRecord>
  try {
    records = parseCsv(text, { skip_empty_lines: true, trim: true, info: true, relax_column_count: true, bom: true }) as unknown as ReadonlyArray<CsvRecord>
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === "number" ? (error as { lines: number }).lines : undefined
    const reason = (error instanceof Error ? error.message : String(error)).replace(/ at line \d+$/, "")
    return Either.left([
      {
        file,
        path: line === undefined ? "" : `line ${line}`,
        expected: "well-formed CSV",
        actual: reason,
        message: `malformed CSV: ${reason}`,
        ...(line === undefined ? {} : { line })
      }
    ])
  }
  const [header, ...rows] = records
  if (header === undefined) {
    return Either.left([
      { file, path: "", expected: `a header ${CSV_REQUIRED_COLUMNS.join(",")}`, actual: "an empty file", message: `expected a header ${CSV_REQUIRED_COLUMNS.join(",")}, got an empty file` }
    ])
  }
  const columns = header.record
  const issues: Array<ScenarioIssue> = []
  const headerIssue = (expected: string, actual: string) =>
    issues.push({ file, path: `line ${header.info.lines} (header)`, expected, actual, message: `expected ${expected}, got ${actual}`, line: header.info.lines })
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !columns.includes(c))
  if (missing.length > 0) headerIssue(`columns ${CSV_REQUIRED_COLUMNS.join(", ")}`, `no column ${missing.join(", ")} (header: ${columns.join(",")})`)
  const unknown = columns.filter((c) => !KNOWN_COLUMNS.includes(c))
  if (unknown.length > 0) headerIssue(`only the columns ${KNOWN_COLUMNS.join(", ")}`, `unknown column ${unknown.join(", ")}`)
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i)
  if (repeated.length > 0) headerIssue("each column once", `${repeated.join(", ")} repeated`)
  if (issues.length > 0) return Either.left(issues)

  const entries: Array<ExperienceEntry> = []
  for (const { record, info } of rows) {
    const origin = csvOrigin(file, info.lines)
    if (record.length !== columns.length) {
      issues.push({
        file,
        path: origin.path,
        expected: `${columns.length} fields (${columns.join(",")})`,
        actual: `${record.length}`,
        message: `expected ${columns.length} fields (${columns.join(",")}), got ${record.length}`,
        line: info.lines
      })
      continue
    }
    const cells: Record<string, string> = {}
    columns.forEach((column, i) => {
      const cell = record[i] ?? ""
      // An empty optional cell means "not given" (risk 1, no group, no segment).
      if (cell !== "" || !(CSV_OPTIONAL_COLUMNS as ReadonlyArray<string>).includes(column)) cells[column] = cell
    })
    const decoded = decodeRow(cells)
    if (Either.isLeft(decoded)) {
      for (const located of locateParseIssues(decoded.left.issue)) {
        issues.push(toScenarioIssue(file, located, { line: info.lines, renderPath: (path) => `line ${info.lines}, ${path}` }))
      }
      continue
    }
    entries.push({ row: decoded.right, origin })
  }
  return issues.length > 0 ? Either.left(issues) : Either.right(entries)
}
