/**
 * CMS's MSSP PY2023 ACO results PUF as the MSSP tests read it, independently of the scripts that
 * turn it into scenarios: the file's text and rows, and the PUF's column infixes of the four
 * enrollment types in the scenarios' segment order.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "csv-parse/sync"

export type PufRow = Record<string, string>

export const PUF = join(dirname(fileURLToPath(import.meta.url)), "../../data/cms/mssp/py2023-aco-results-puf.csv")
export const pufText = readFileSync(PUF, "utf8")
export const pufRows = parse(pufText, { columns: true, bom: true, skip_empty_lines: true }) as Array<PufRow>

/** The four enrollment types: the scenario's segment, the PUF's column infixes (expenditure and risk; person-years). */
export const TYPES = [
  { segment: "esrd", exp: "ESRD", years: "ESRD" },
  { segment: "disabled", exp: "DIS", years: "DIS" },
  { segment: "aged-dual", exp: "AGDU", years: "AGED_Dual" },
  { segment: "aged-non-dual", exp: "AGND", years: "AGED_NonDual" }
] as const
