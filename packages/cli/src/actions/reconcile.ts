import { readFile } from "node:fs/promises"
import {
  InvalidArgument,
  missingPufColumns,
  reconcilePufRow,
  summarizePufReconciliation,
  type PufRowReconciliation
} from "@pbpsim/benchmark"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import type { Format } from "../options.js"
import { writeOutput } from "../output.js"
import { reconcileReport } from "../render/reconcile.js"
import { ENGINE_VERSION } from "../version.js"

const readRows = (file: string) =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (e) => new UserError({ message: `${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
    })
    const records = yield* Effect.try({
      try: () => parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: true }) as Array<Record<string, string>>,
      catch: (e) => new UserError({ message: `${file}: not a readable CSV file (${e instanceof Error ? e.message : String(e)})` })
    })
    const header = text.split(/\r?\n/, 1)[0]?.replace(/^\uFEFF/, "").split(",").map((c) => c.trim().replace(/^"|"$/g, "")) ?? []
    const missing = missingPufColumns(header)
    if (missing.length > 0) {
      return yield* Effect.fail(
        new UserError({ message: `${file}: this is not an MSSP results file of the expected layout; missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` })
      )
    }
    return records
  })

/** Re-settle every row; every malformed row is reported together (line numbers count the header as line 1). */
const reconcileAll = (file: string, records: ReadonlyArray<Record<string, string>>) => {
  const rows: Array<PufRowReconciliation> = []
  const problems: Array<string> = []
  records.forEach((record, i) => {
    try {
      rows.push(reconcilePufRow(record))
    } catch (e) {
      if (!(e instanceof InvalidArgument)) throw e
      problems.push(`${file}: line ${i + 2}: ${e.message}`)
    }
  })
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.join("\n") })) : Effect.succeed(rows)
}

/** reconcile: re-settle every ACO of a CMS results file and report computed vs reported figures. */
export const reconcileAction = (args: { readonly file: string; readonly format: Format; readonly width: number; readonly out: string | undefined }) =>
  Effect.gen(function* () {
    const records = yield* readRows(args.file)
    const rows = yield* reconcileAll(args.file, records)
    const summary = summarizePufReconciliation(rows)
    const text = reconcileReport({ file: args.file, engineVersion: ENGINE_VERSION, rows, summary }, args.format, args.width)
    yield* writeOutput(text, args.out)
  })
