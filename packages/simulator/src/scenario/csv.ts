import { parse as parseCsv } from "csv-parse/sync"
import { Either, Schema } from "effect"
import { type ScenarioIssue, toScenarioIssue } from "./errors.js"
import { locateParseIssues } from "./schemaIssues.js"
import { ONE } from "@pbpsim/benchmark"
import { parseDecimal, parseIdentifier, parseInteger, showList, showText } from "./numerals.js"
import { ExperienceRow, type ExperienceRowDocument } from "./schema.js"

/**
 * Experience rows from a CSV file: header `entity,year,memberMonths,cost` plus optionally
 * `riskScore,group,segment`, in any order. Every cell is text, so money reaches decimal.js
 * exactly as written. Problems are reported with the CSV file's name and line.
 */

export const CSV_REQUIRED_COLUMNS = ["entity", "year", "memberMonths", "cost"] as const
export const CSV_OPTIONAL_COLUMNS = ["riskScore", "group", "segment"] as const
const KNOWN_COLUMNS: ReadonlyArray<string> = [...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS]
/** Longest CSV record, in characters. */
export const MAX_CSV_RECORD_BYTES = 64 * 1024

/** Where an experience row came from, so later checks (duplicates, unknown entities) can point at it. */
export interface ExperienceOrigin {
  readonly file: string
  /** `experience[3]` in the scenario file, `line 5` in a CSV. */
  readonly path: string
  /** The path of one of the row's fields: `experience[3].entity`, `line 5, entity`. */
  readonly field: (name: string) => string
  readonly line?: number | undefined
}

export interface ExperienceEntry {
  readonly row: ExperienceRowDocument
  readonly origin: ExperienceOrigin
}

const decodeRow = Schema.decodeUnknownEither(ExperienceRow, { errors: "all", onExcessProperty: "error" })

/**
 * The common case of a CSV row, decoded without the schema's machinery: every cell well-formed
 * text, a year 1900–2200, member months > 0, cost ≥ 0, risk > 0 (default 1). It accepts exactly
 * what ExperienceRow accepts for text cells (a test holds the two together) and gives up on
 * anything else, which the schema then decodes for its messages. Half a million rows (a
 * 50,000-entity market over 10 years) decode in seconds instead of half a minute.
 */
export const fastRow = (cells: Readonly<Record<string, string>>): ExperienceRowDocument | undefined => {
  const entity = parseIdentifier(cells["entity"])
  const year = parseInteger(cells["year"])
  const memberMonths = parseDecimal(cells["memberMonths"])
  const cost = parseDecimal(cells["cost"])
  const risk = cells["riskScore"] === undefined ? ONE : parseDecimal(cells["riskScore"])
  const group = cells["group"] === undefined ? undefined : parseIdentifier(cells["group"])
  const segment = cells["segment"] === undefined ? undefined : parseIdentifier(cells["segment"])
  if (entity === undefined || year === undefined || year < 1900 || year > 2200) return undefined
  if (memberMonths === undefined || !memberMonths.gt(0) || cost === undefined || !cost.gte(0) || risk === undefined || !risk.gt(0)) return undefined
  if ((cells["group"] !== undefined && group === undefined) || (cells["segment"] !== undefined && segment === undefined)) return undefined
  return {
    entity,
    ...(group === undefined ? {} : { group }),
    ...(segment === undefined ? {} : { segment }),
    year,
    memberMonths,
    cost,
    riskScore: risk
  }
}

export interface CsvRecord {
  readonly record: ReadonlyArray<string>
  /** 1-based line the record ends on. */
  readonly lines: number
}

/** A CSV row's origin: one small object per row (a 50,000-entity market has half a million rows), its methods shared. */
class CsvOrigin implements ExperienceOrigin {
  constructor(
    readonly file: string,
    readonly line: number
  ) {}
  get path(): string {
    return `line ${this.line}`
  }
  field(name: string): string {
    return `line ${this.line}, ${name}`
  }
}

/**
 * Text that csv-parse, with the options below, reads line by line: no quotes, no control
 * character but the line feed, and no lone surrogate (csv-parse reads UTF-8 bytes, in which one
 * becomes U+FFFD; a file's text never has one, a caller's string might).
 */
const PLAIN_CSV = /^[^"\u0000-\u0009\u000b-\u001f\ud800-\udfff]*$/u
/** Longest line read directly: a UTF-8 byte per 3 UTF-16 units at most, so csv-parse's record limit cannot be near. */
const MAX_PLAIN_LINE = Math.floor(MAX_CSV_RECORD_BYTES / 3)

/** Leading spaces off (csv-parse's left trim, which for plain text is spaces only). */
const trimLeadingSpaces = (text: string): string => {
  let start = 0
  while (start < text.length && text.charCodeAt(start) === 0x20) start++
  return start === 0 ? text : text.slice(start)
}

/** A field as csv-parse trims it: spaces off the left, and off the right whatever JavaScript's trimEnd takes (it uses trimRight). */
const trimField = (field: string): string => trimLeadingSpaces(field).trimEnd()

/**
 * The records csv-parse gives (bom, trim, skip_empty_lines, relax_column_count) for plain text,
 * which is what experience CSVs are: a leading byte-order mark dropped, a line of spaces
 * skipped, each line split at commas, each field trimmed as csv-parse trims it. Undefined for any other
 * text (quotes, carriage returns, tabs, a line near the record limit), which csv-parse reads.
 * csv-parse's per-character reading took a third of a cold start's CSV time; a test holds the
 * two to the same records on generated text.
 */
export const plainCsvRecords = (text: string): ReadonlyArray<CsvRecord> | undefined => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (!PLAIN_CSV.test(body)) return undefined
  const lines = body.split("\n")
  const records: Array<CsvRecord> = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.length > MAX_PLAIN_LINE) return undefined
    // An empty line, or one of spaces only, is skipped (a line of other blanks is a record of one empty field).
    if (trimLeadingSpaces(line) === "") continue
    records.push({ record: line.split(",").map(trimField), lines: i + 1 })
  }
  return records
}

/** csv-parse's records: each record's fields and the 1-based line it ends on. */
export const csvRecords = (text: string): ReadonlyArray<CsvRecord> => {
  // Keep only each record and its line: csv-parse's full info object per record would triple the memory of a big file.
  const options = {
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    bom: true,
    // A row is tens of bytes; a "row" of megabytes is a binary or broken file, refused before it is held whole.
    max_record_size: MAX_CSV_RECORD_BYTES,
    on_record: (record: Array<string>, context: { readonly lines: number }) => ({ record, lines: context.lines })
  }
  return (parseCsv as unknown as (input: string, options: object) => ReadonlyArray<CsvRecord>)(text, options)
}

export const parseExperienceCsv = (text: string, file: string): Either.Either<ReadonlyArray<ExperienceEntry>, ReadonlyArray<ScenarioIssue>> => {
  let records: ReadonlyArray<CsvRecord>
  try {
    records = plainCsvRecords(text) ?? csvRecords(text)
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
    issues.push({ file, path: `line ${header.lines} (header)`, expected, actual, message: `expected ${expected}, got ${actual}`, line: header.lines })
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !columns.includes(c))
  if (missing.length > 0) headerIssue(`columns ${CSV_REQUIRED_COLUMNS.join(", ")}`, `no column ${missing.join(", ")} (header: ${showText(columns.join(","))})`)
  const unknown = columns.filter((c) => !KNOWN_COLUMNS.includes(c))
  if (unknown.length > 0) headerIssue(`only the columns ${KNOWN_COLUMNS.join(", ")}`, `unknown column ${showList(unknown)}`)
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i)
  if (repeated.length > 0) headerIssue("each column once", `${showList(repeated)} repeated`)
  if (issues.length > 0) return Either.left(issues)

  const entries: Array<ExperienceEntry> = []
  for (const { record, lines } of rows) {
    const origin = new CsvOrigin(file, lines)
    if (record.length !== columns.length) {
      issues.push({
        file,
        path: origin.path,
        expected: `${columns.length} fields (${columns.join(",")})`,
        actual: `${record.length}`,
        message: `expected ${columns.length} fields (${columns.join(",")}), got ${record.length}`,
        line: lines
      })
      continue
    }
    const cells: Record<string, string> = {}
    columns.forEach((column, i) => {
      const cell = record[i] ?? ""
      // An empty optional cell means "not given" (risk 1, no group, no segment).
      if (cell !== "" || !(CSV_OPTIONAL_COLUMNS as ReadonlyArray<string>).includes(column)) cells[column] = cell
    })
    const fast = fastRow(cells)
    if (fast !== undefined) {
      entries.push({ row: fast, origin })
      continue
    }
    const decoded = decodeRow(cells)
    if (Either.isLeft(decoded)) {
      for (const located of locateParseIssues(decoded.left.issue)) {
        issues.push(toScenarioIssue(file, located, { line: lines, renderPath: (path) => `line ${lines}, ${path}` }))
      }
      continue
    }
    entries.push({ row: decoded.right, origin })
  }
  return issues.length > 0 ? Either.left(issues) : Either.right(entries)
}
