import type { Decimal } from "decimal.js"
import { invalid } from "../errors.js"
import type { MsspTrack } from "../settlement/tracks.js"
import { isAbsent, normalizeColumnName, parseFlagText, parseNumberText, parsePercentText, RULE, type Printed } from "./pufColumns.js"

/**
 * Which columns a year's results file has, and where reconciliation finds what it needs.
 * Columns are found by name (never by position), case-insensitively and ignoring whitespace;
 * columns reconciliation does not use are ignored. The layouts (docs/rules/mssp-parity.md):
 *
 * - PY2024: rates as plain numbers; `Met_40pctl`, `Recvd40p`, `RegAdj`, `PriorSavAdj`,
 *   `Guardrail`, `ReducedSS`, `AIP`, `AIPBalance`, `AIPRecoup`, `AIPOwe`.
 * - PY2023: rates with "%"; `Met_30pctl`, `Recvd30p`, `PosRegAdj`; the first year with the
 *   alternative quality standard (`Met_AltQPS`).
 * - PY2021–PY2022: the quality performance standard (`Met_QPS`), no alternative standard (a
 *   file with `Met_QPS` and without `Met_AltQPS`, whatever else it has).
 * - PY2019–PY2020: no `Met_QPS`; the sharing rate is the track's rate times the quality score;
 *   tracks as 0/1 columns, including the pre-2019 Tracks 1, 1+, 2 and 3; PY2019 has
 *   `Participation_Six_Months` for the January–June 2019 performance period.
 */

/** A participation track as the file names it: MSSP's current tracks, or a pre-July-2019 one pbpsim has no terms for. */
export type PufTrack = MsspTrack | "track-1" | "track-1-plus" | "track-2"

/** Tracks whose terms pbpsim's rules do not have (42 CFR 425.604, 425.606 before July 2019; the Track 1+ Model). */
export const LEGACY_TRACKS: ReadonlyArray<PufTrack> = ["track-1", "track-1-plus", "track-2"]

export const isOneSided = (track: PufTrack): boolean => track === "basic-a" || track === "basic-b" || track === "track-1"

/** Everything reconciliation reads from a row, by meaning. */
export type PufField =
  | "acoId"
  | "name"
  | "track"
  | "riskModel"
  | "members"
  | "savingsRate"
  | "msr"
  | "gross"
  | "generated"
  | "disaster"
  | "earned"
  | "metQps"
  | "metAlt"
  | "qualScore"
  | "benchmark"
  | "expenditure"
  | "shareRate"
  | "lossRate"
  | "midYearTermination"
  | "revenueCategory"
  | "startDate"
  | "sixMonths"
  | "metPercentile"
  | "reducedSharedSavings"
  | "guardrail"
  | "aip"
  | "aipBalance"
  | "aipRecoup"
  | "aipOwe"

interface FieldSpec {
  readonly field: PufField
  /** Column names in the order they are looked for; the first one found is read. */
  readonly names: ReadonlyArray<string>
  readonly meaning: string
}

/** The catalogue, in the order missing columns are reported. */
export const PUF_FIELDS: ReadonlyArray<FieldSpec> = [
  { field: "acoId", names: ["ACO_ID"], meaning: "which ACO the row is" },
  { field: "name", names: ["ACO_Name"], meaning: "the ACO's name" },
  { field: "track", names: ["Current_Track"], meaning: "the participation track (or one 0/1 column per track)" },
  { field: "riskModel", names: ["Risk_Model"], meaning: "one- or two-sided, checked against the track" },
  { field: "members", names: ["N_AB"], meaning: "assigned beneficiaries: the variable MSR/MLR table is read at this count" },
  { field: "savingsRate", names: ["Sav_rate"], meaning: "gross savings as a percentage of the benchmark" },
  { field: "msr", names: ["MinSavPerc"], meaning: "the minimum savings rate CMS applied" },
  { field: "gross", names: ["BnchmkMinExp"], meaning: "benchmark minus expenditure, the gross savings (+) or losses (−)" },
  { field: "generated", names: ["GenSaveLoss"], meaning: "gross savings or losses that qualified (0 inside the corridor)" },
  { field: "disaster", names: ["DisAdj"], meaning: "the extreme and uncontrollable circumstances reduction of owed losses" },
  { field: "earned", names: ["EarnSaveLoss"], meaning: "earned shared savings (+) or owed losses (−): the figure to reproduce" },
  { field: "metQps", names: ["Met_QPS"], meaning: "whether the quality performance standard was met" },
  { field: "metAlt", names: ["Met_AltQPS"], meaning: "whether the alternative quality performance standard was met" },
  { field: "qualScore", names: ["QualScore"], meaning: "the quality score" },
  { field: "benchmark", names: ["ABtotBnchmk"], meaning: "the total benchmark in dollars" },
  { field: "expenditure", names: ["ABtotExp"], meaning: "total expenditure, checked against benchmark − BnchmkMinExp" },
  { field: "shareRate", names: ["FinalShareRate"], meaning: "the final sharing rate CMS applied" },
  { field: "lossRate", names: ["FinalLossRate"], meaning: "the final loss rate CMS applied (two-sided tracks)" },
  { field: "midYearTermination", names: ["Impact_Mid_Year_Termination"], meaning: "a mid-year termination affected the ACO" },
  { field: "revenueCategory", names: ["Rev_Exp_Cat"], meaning: "low or high revenue ACO" },
  { field: "startDate", names: ["Current_Start_Date"], meaning: "start of the current agreement period" },
  { field: "sixMonths", names: ["Participation_Six_Months"], meaning: "a six-month 2019 performance period" },
  { field: "metPercentile", names: ["Met_40pctl", "Met_30pctl"], meaning: "quality score at or above the year's MIPS percentile" },
  { field: "reducedSharedSavings", names: ["ReducedSS"], meaning: "shared savings at a reduced rate below the MSR (425.605(h))" },
  { field: "guardrail", names: ["Guardrail"], meaning: "the benchmark loss guardrail applied (425.652(b)(5))" },
  { field: "aip", names: ["AIP"], meaning: "the ACO received advance investment payments (425.630)" },
  { field: "aipBalance", names: ["AIPBalance"], meaning: "advance investment payments outstanding" },
  { field: "aipRecoup", names: ["AIPRecoup"], meaning: "advance investment payments recouped from shared savings" },
  { field: "aipOwe", names: ["AIPOwe"], meaning: "advance investment payments still owed" }
]

const SPEC: ReadonlyMap<PufField, FieldSpec> = new Map(PUF_FIELDS.map((s) => [s.field, s]))

/** Display name of a field: its first column name. */
export const columnName = (field: PufField): string => SPEC.get(field)?.names[0] ?? field

/** Track as 0/1 columns (PY2019–PY2021 style), one per track; Track 3 is the ENHANCED track (425.600(a)(3)). */
export const TRACK_FLAG_COLUMNS: ReadonlyArray<{ readonly column: string; readonly track: PufTrack }> = [
  { column: "Current_BASIC_A", track: "basic-a" },
  { column: "Current_BASIC_B", track: "basic-b" },
  { column: "Current_BASIC_C", track: "basic-c" },
  { column: "Current_BASIC_D", track: "basic-d" },
  { column: "Current_BASIC_E", track: "basic-e" },
  { column: "Current_ENHANCED", track: "enhanced" },
  { column: "Current_Track_1", track: "track-1" },
  { column: "Current_Track_1_Plus", track: "track-1-plus" },
  { column: "Current_Track_2", track: "track-2" },
  { column: "Current_Track_3", track: "enhanced" }
]

export type PufLayoutId = "PY2024" | "PY2023" | "PY2021–PY2022" | "PY2019" | "PY2019–PY2020" | "not recognised"

/**
 * How a file's quality columns decide the sharing rate:
 * - "standard": meeting the quality performance standard earns the full rate; meeting only the
 *   alternative standard (PY2023 on) earns rate × quality score; neither earns nothing (425.512).
 * - "scaled": before PY2021 the rate was the track's rate × the quality score.
 */
export type PufQualityBasis = "standard" | "scaled"

/** A column a layout needs that the header lacks. */
export interface MissingPufColumn {
  readonly column: string
  readonly meaning: string
}

export interface PufLayout {
  readonly id: PufLayoutId
  /** The columns that identified the layout. */
  readonly evidence: ReadonlyArray<string>
  readonly qualityBasis: PufQualityBasis
  /** For each field present: the header name as the file writes it. */
  readonly columns: ReadonlyMap<PufField, string>
  /** Track 0/1 columns present (when the file has no `Current_Track`). */
  readonly trackFlags: ReadonlyArray<{ readonly header: string; readonly column: string; readonly track: PufTrack }>
  /** Columns this layout needs that the header lacks, in catalogue order. */
  readonly missing: ReadonlyArray<MissingPufColumn>
  /** Columns reconciliation reads that appear more than once (which one to read would be a guess). */
  readonly duplicated: ReadonlyArray<string>
}

const CORE: ReadonlyArray<PufField> = [
  "acoId",
  "name",
  "track",
  "members",
  "savingsRate",
  "msr",
  "gross",
  "generated",
  "earned",
  "qualScore",
  "benchmark",
  "expenditure",
  "shareRate"
]

/** Fields each layout must have beyond the core (documented for PY2023 by the vendored file, for PY2024 by its column list). */
const REQUIRED_BY_LAYOUT: Readonly<Record<PufLayoutId, ReadonlyArray<PufField>>> = {
  PY2024: [...CORE, "riskModel", "disaster", "metQps", "metAlt", "lossRate"],
  PY2023: [...CORE, "riskModel", "disaster", "metQps", "metAlt", "lossRate"],
  "PY2021–PY2022": [...CORE, "metQps"],
  PY2019: CORE,
  "PY2019–PY2020": CORE,
  "not recognised": CORE
}

/** Columns found only in PY2024's file. */
const PY2024_MARKERS = ["Met_40pctl", "Recvd40p", "Met_SSP_quality_reporting_requirements", "Report_eCQM_CQM_MedicareCQM", "AIPRecoup", "ReducedSS", "Guardrail", "PriorSavAdj"]
/** Columns found in PY2023's file and not in PY2024's. */
const PY2023_MARKERS = ["Met_30pctl", "Recvd30p", "Report_eCQM_CQM", "PosRegAdj"]
/** Tracks that ended with 2020 (agreements before July 2019) and the six-month 2019 period. */
const PY2019_2020_MARKERS = ["Participation_Six_Months", "Current_Track_1", "Current_Track_1_Plus", "Current_Track_2", "Current_Track_3"]

/**
 * The layout of a header row. The year is recognised from the columns only one layout has
 * (PY2024's AIP and guardrail columns, PY2023's 30th-percentile columns, the pre-2019 track
 * columns); a file with none of them is "not recognised" and must still have the core columns.
 */
export const detectPufLayout = (header: ReadonlyArray<string>): PufLayout => {
  const byName = new Map<string, string[]>()
  for (const h of header) {
    const key = normalizeColumnName(h)
    byName.set(key, [...(byName.get(key) ?? []), h])
  }
  const has = (name: string): boolean => byName.has(normalizeColumnName(name))
  const found = (names: ReadonlyArray<string>): string[] => names.filter(has)

  const columns = new Map<PufField, string>()
  const duplicated: string[] = []
  for (const spec of PUF_FIELDS) {
    const name = spec.names.find(has)
    if (name === undefined) continue
    const headers = byName.get(normalizeColumnName(name)) ?? []
    if (headers.length > 1) duplicated.push(name)
    columns.set(spec.field, headers[0]!)
  }
  const trackFlags = TRACK_FLAG_COLUMNS.filter((f) => has(f.column)).map((f) => {
    const headers = byName.get(normalizeColumnName(f.column)) ?? []
    if (headers.length > 1) duplicated.push(f.column)
    return { header: headers[0]!, column: f.column, track: f.track }
  })

  const py2024 = found(PY2024_MARKERS)
  const py2023 = found(PY2023_MARKERS)
  const early = found(PY2019_2020_MARKERS)
  // The quality columns decide the rules (Met_AltQPS from PY2023, Met_QPS from PY2021); the
  // year-specific columns are the evidence shown and tell PY2024 from PY2023.
  const identified: { readonly id: PufLayoutId; readonly evidence: string[]; readonly qualityBasis: PufQualityBasis } =
    py2024.length > 0
      ? { id: "PY2024", evidence: py2024, qualityBasis: "standard" }
      : has("Met_AltQPS") || (py2023.length > 0 && !has("Met_QPS"))
        ? { id: "PY2023", evidence: [...(has("Met_AltQPS") ? ["Met_AltQPS"] : []), ...py2023], qualityBasis: "standard" }
        : early.length > 0
          ? { id: has("Participation_Six_Months") ? "PY2019" : "PY2019–PY2020", evidence: early, qualityBasis: "scaled" }
          : has("Met_QPS")
            ? { id: "PY2021–PY2022", evidence: ["Met_QPS", ...py2023], qualityBasis: "standard" }
            : { id: "not recognised", evidence: [], qualityBasis: "scaled" }

  const missing: MissingPufColumn[] = []
  for (const field of REQUIRED_BY_LAYOUT[identified.id]) {
    if (columns.has(field)) continue
    if (field === "track" && trackFlags.length > 0) continue
    const spec = SPEC.get(field)!
    missing.push({
      column: field === "track" ? "Current_Track" : spec.names.join(" or "),
      meaning: field === "track" ? `${spec.meaning}: neither Current_Track nor any of ${TRACK_FLAG_COLUMNS.map((f) => f.column).join(", ")}` : spec.meaning
    })
  }
  return { ...identified, columns, trackFlags, missing, duplicated }
}

/** Required columns a header lacks for its layout, by name, in catalogue order. */
export const missingPufColumns = (header: ReadonlyArray<string>): string[] => detectPufLayout(header).missing.map((m) => m.column)

/** The columns a PY2023 file must have (the layout of the vendored file). */
export const PUF_REQUIRED_COLUMNS: ReadonlyArray<string> = REQUIRED_BY_LAYOUT.PY2023.map((f) => columnName(f))

/** One row read through its layout: cells by meaning, parsed, with errors naming the column and the ACO. */
export interface PufRowReader {
  readonly acoId: string
  readonly layout: PufLayout
  /** Whether the file has the column at all. */
  has(field: PufField): boolean
  /** The trimmed cell, or undefined when the file has no such column. */
  text(field: PufField): string | undefined
  money(field: PufField): Decimal
  optionalMoney(field: PufField): Decimal | undefined
  percent(field: PufField): Printed
  optionalPercent(field: PufField): Printed | undefined
  /** A 0/1 flag; false when the column is absent or the cell is "-". */
  flag(field: PufField): boolean
  /** A cell by its header as written (for columns outside the catalogue, like the track columns). */
  raw(header: string): string | undefined
  /** Every percentage style seen in this row. */
  readonly percentStyles: ReadonlySet<Printed["style"]>
}

export const pufRowReader = (row: Readonly<Record<string, string>>, layout: PufLayout): PufRowReader => {
  const cellOf = (field: PufField): string | undefined => {
    const header = layout.columns.get(field)
    if (header === undefined) return undefined
    return row[header]?.trim()
  }
  const idText = cellOf("acoId")
  const acoId = idText === undefined || idText === "" ? "(no ACO_ID)" : idText
  const styles = new Set<Printed["style"]>()
  const required = (field: PufField): string => {
    const t = cellOf(field)
    if (t === undefined) throw invalid(RULE, columnName(field), `is missing from the row of ACO ${acoId}`)
    return t
  }
  const optionalMoney = (field: PufField): Decimal | undefined => {
    const t = required(field)
    return isAbsent(t) ? undefined : parseNumberText(t, columnName(field), acoId)
  }
  const optionalPercent = (field: PufField): Printed | undefined => {
    const t = required(field)
    if (isAbsent(t)) return undefined
    const p = parsePercentText(t, columnName(field), acoId)
    styles.add(p.style)
    return p
  }
  return {
    acoId,
    layout,
    has: (field) => cellOf(field) !== undefined,
    text: cellOf,
    optionalMoney,
    money: (field) => {
      const v = optionalMoney(field)
      if (v === undefined) throw invalid(RULE, columnName(field), `of ACO ${acoId} is blank; a number is required`)
      return v
    },
    optionalPercent,
    percent: (field) => {
      const v = optionalPercent(field)
      if (v === undefined) throw invalid(RULE, columnName(field), `of ACO ${acoId} is blank; a percentage is required`)
      return v
    },
    flag: (field) => {
      const t = cellOf(field)
      return t === undefined ? false : parseFlagText(t, columnName(field), acoId)
    },
    raw: (header) => row[header]?.trim(),
    percentStyles: styles
  }
}

const TRACK_CODES: Readonly<Record<string, PufTrack>> = {
  A: "basic-a",
  B: "basic-b",
  C: "basic-c",
  D: "basic-d",
  E: "basic-e",
  EN: "enhanced",
  ENHANCED: "enhanced",
  "BASIC A": "basic-a",
  "BASIC B": "basic-b",
  "BASIC C": "basic-c",
  "BASIC D": "basic-d",
  "BASIC E": "basic-e",
  "1": "track-1",
  "TRACK 1": "track-1",
  "1+": "track-1-plus",
  "TRACK 1+": "track-1-plus",
  "TRACK 1 PLUS": "track-1-plus",
  "2": "track-2",
  "TRACK 2": "track-2",
  "3": "enhanced",
  "TRACK 3": "enhanced"
}

/** The row's track: `Current_Track` (A–E, EN, and the older Track 1, 1+, 2, 3), or exactly one track column set to 1. */
export const readTrack = (read: PufRowReader): { readonly track: PufTrack; readonly label: string } => {
  const text = read.text("track")
  if (text !== undefined) {
    const key = text
      .toUpperCase()
      .replace(/\s+/g, " ")
      .replace(/^BASIC\s+LEVEL\s+/, "BASIC ")
      .replace(/^LEVEL\s+/, "")
    const track = TRACK_CODES[key]
    if (!track) throw invalid(RULE, "Current_Track", `of ACO ${read.acoId} is not an MSSP track this rule set knows (A–E, EN, Track 1, 1+, 2, 3): "${text}"`)
    return { track, label: text }
  }
  if (read.layout.trackFlags.length === 0) throw invalid(RULE, "Current_Track", `is missing from the row of ACO ${read.acoId} (and no track 0/1 columns either)`)
  const set = read.layout.trackFlags.filter((f) => parseFlagText(read.raw(f.header) ?? "", f.column, read.acoId))
  if (set.length !== 1) {
    const names = read.layout.trackFlags.map((f) => f.column).join(", ")
    throw invalid(RULE, "Current_Track", `of ACO ${read.acoId}: exactly one of the track columns (${names}) must be 1, found ${set.length === 0 ? "none" : set.map((f) => f.column).join(" and ")}`)
  }
  return { track: set[0]!.track, label: set[0]!.column }
}
