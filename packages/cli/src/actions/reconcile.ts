import { readFile } from "node:fs/promises"
import {
  checkPufBenchmarkRow,
  detectPufLayout,
  InvalidArgument,
  pufBenchmarkColumns,
  reconcilePufRowIn,
  summarizePufBenchmark,
  summarizePufReconciliation,
  type PufBenchmarkColumns,
  type PufLayout,
  type PufRowBenchmark,
  type PufRowReconciliation
} from "@pbpsim/benchmark"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import type { Format } from "../options.js"
import { writeOutput } from "../output.js"
import { reconcileReport } from "../render/reconcile.js"
import { ENGINE_VERSION } from "../version.js"

/** A data row keyed by the header names as the file writes them, with the line it ends on (the header is line 1). */
interface TableRow {
  readonly line: number
  readonly row: Readonly<Record<string, string>>
}

interface Table {
  readonly layout: PufLayout
  /** Where the benchmark-side columns are (pufBenchmark.ts). */
  readonly benchmarkColumns: PufBenchmarkColumns
  readonly rows: ReadonlyArray<TableRow>
}

/**
 * Read a results file whatever its year: CSV with or without a BOM, CRLF or LF, quoted fields
 * with commas. Columns are found by name (pufLayout.ts), so their order does not matter; every
 * problem with the header or the shape of a row is reported at once, one line each.
 */
const readTable = (file: string) =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (e) => new UserError({ message: `${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
    })
    const records = yield* Effect.try({
      try: () =>
        parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as Array<{
          readonly record: ReadonlyArray<string>
          readonly info: { readonly lines: number }
        }>,
      catch: (e) => new UserError({ message: `${file}: not a readable CSV file (${e instanceof Error ? e.message : String(e)})` })
    })
    const [first, ...data] = records
    if (first === undefined) return yield* Effect.fail(new UserError({ message: `${file}: the file is empty; expected a header line and one line per ACO` }))
    const header = first.record.map((h) => h.trim())
    const layout = detectPufLayout(header)
    const problems: string[] = []
    if (layout.missing.length > 0) {
      problems.push(
        `${file}: this is not an MSSP results file of the expected layout; missing columns below, one per line (layout: ${layout.id}${layout.evidence.length ? `, recognised by ${layout.evidence.join(", ")}` : ""})`,
        ...layout.missing.map((m) => `${file}: missing column ${m.column} (${m.meaning})`)
      )
    }
    for (const column of layout.duplicated) problems.push(`${file}: column ${column} appears more than once; which one to read would be a guess`)
    const rows: TableRow[] = []
    for (const { record, info } of data) {
      // A trailing comma adds an empty field past the header; anything else out of line shifts every column.
      const fields = record.length > header.length && record.slice(header.length).every((f) => f === "") ? record.slice(0, header.length) : record
      if (fields.every((f) => f === "")) continue
      if (fields.length !== header.length) {
        problems.push(`${file}: line ${info.lines}: ${fields.length} fields but the header has ${header.length} (an unquoted comma in a name shifts every column)`)
        continue
      }
      rows.push({ line: info.lines, row: Object.fromEntries(header.map((h, i) => [h, fields[i]!])) })
    }
    if (problems.length > 0) return yield* Effect.fail(new UserError({ message: problems.join("\n") }))
    return { layout, benchmarkColumns: pufBenchmarkColumns(header), rows } satisfies Table
  })

/** Re-settle every row and check its benchmark figures; every malformed row is reported together, with its line. */
const reconcileAll = (file: string, table: Table) => {
  const rows: Array<PufRowReconciliation> = []
  const benchmark: Array<PufRowBenchmark> = []
  const problems: Array<string> = []
  for (const { line, row } of table.rows) {
    for (const step of [() => rows.push(reconcilePufRowIn(row, table.layout)), () => benchmark.push(checkPufBenchmarkRow(row, table.benchmarkColumns))]) {
      try {
        step()
      } catch (e) {
        if (!(e instanceof InvalidArgument)) throw e
        problems.push(`${file}: line ${line}: ${e.message}`)
      }
    }
  }
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.join("\n") })) : Effect.succeed({ rows, benchmark })
}

/** reconcile: re-settle every ACO of a CMS results file and report computed vs reported figures. */
export const reconcileAction = (args: { readonly file: string; readonly format: Format; readonly width: number; readonly out: string | undefined }) =>
  Effect.gen(function* () {
    const table = yield* readTable(args.file)
    const { rows, benchmark } = yield* reconcileAll(args.file, table)
    // Benchmark-side parity (CMS's benchmark figures against the file's own columns) is its own section of the summary.
    const summary = summarizePufReconciliation(rows, table.layout, summarizePufBenchmark(benchmark, table.benchmarkColumns))
    const text = reconcileReport({ file: args.file, engineVersion: ENGINE_VERSION, rows, summary }, args.format, args.width)
    yield* writeOutput(text, args.out)
  })
