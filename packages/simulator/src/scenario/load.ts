import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs"
import { dirname, isAbsolute, join } from "node:path"
import { Decimal } from "decimal.js"
import { Effect, Either, Schema } from "effect"
import { type ExperienceEntry, parseExperienceCsv } from "./csv.js"
import {
  type LocatedIssue,
  type PathSegment,
  type ScenarioError,
  type ScenarioIssue,
  type ScenarioWarning,
  formatIssue,
  formatPath,
  formatWarning,
  MAX_LISTED_ISSUES,
  scenarioError,
  toScenarioIssue
} from "./errors.js"
import { locateParseIssues } from "./schemaIssues.js"
import { parseIdentifier, showActual } from "./numerals.js"
import { deepMerge, isMapping, overlayTouches } from "./overlay.js"
import { MAX_SCENARIO_BYTES, type ParsedScenarioText, parseScenarioText, shapeIssue } from "./parse.js"
import { plainDocumentValue } from "./plainYaml.js"
import type { ExperienceRecord } from "../model.js"
import { type Scenario, type ScenarioPolicy, toExperienceRecords } from "./resolve.js"
import { type ExperienceRowDocument, LIMITS, Policy, ScenarioBody, type ScenarioBodyDocument, type ScenarioDocument, ScenarioSchema } from "./schema.js"
import { checkPolicyNames, checkScenario } from "./validate.js"
import { checkCoverage } from "./coverage.js"
import { checkPlausibility, rowsRefusedBy } from "./plausibility.js"
import { reportScenarioWarnings } from "./warnings.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * Reading a scenario: parse (numbers kept as written), decode against the schema, read the
 * experience CSV, check that the parts agree, then apply each policy's overlay and decode
 * and check the result again. Every problem found on the way is collected and reported at
 * once in a ScenarioError; nothing a user can write produces a stack trace.
 */

/** Reads a CSV file given its path (already resolved against the scenario file's folder); throws when it cannot. */
export type ReadCsv = (path: string) => string

/**
 * Largest experience CSV, in bytes: 32 MiB. A 50,000-entity market with 10 years of history
 * is 500,000 rows; at 37 bytes a row (`E00001,2015,120000,54030000.00,1.0234`) that is 18.5 MB:
 * the limit is 1.7 times that (870,000 such rows). What bounds it is memory, not parsing: the
 * exact engine holds a few KB per row and policy, and a 31.5 MB file (850,000 rows) with three
 * policies already peaks at 3.7 GB in `validate`, under Node's 4 GB heap; 63 MB with three
 * policies did not finish within a 3 GB heap. See docs/scenario-reference.md#limits.
 */
export const MAX_CSV_BYTES = 32 * 1024 * 1024

const MIB = 1024 * 1024
const size = (bytes: number): string => (bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${showCount(bytes)} bytes`)

/** What a path that is not a regular file is, for the message. */
const kindOf = (stats: Stats): string =>
  stats.isDirectory()
    ? "a directory"
    : stats.isFIFO()
      ? "a named pipe (FIFO)"
      : stats.isCharacterDevice()
        ? "a character device (such as /dev/zero)"
        : stats.isBlockDevice()
          ? "a block device"
          : stats.isSocket()
            ? "a socket"
            : "not a regular file"

/** The offset of the first byte that is not part of well-formed UTF-8, or −1. */
const invalidUtf8At = (bytes: Uint8Array): number => {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    const [length, min, max] = b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf] : b === 0xf0 ? [4, 0x90, 0xbf] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : [0, 0, 0]
    if (length === 0 || i + length > bytes.length) return i
    const second = bytes[i + 1]!
    if (second < min || second > max) return i
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    i += length
  }
  return -1
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * A text file read whole, or an Error whose message says why not, in words: not a regular
 * file (a FIFO or /dev/zero would never end), larger than `limit` bytes (checked before
 * reading, and again while reading in case the file grows), or not UTF-8 (pbpsim does not
 * guess: a replaced byte in an id or an amount would silently change it).
 */
export const readTextFile = (path: string, limit: number, what: string): string => {
  // Non-blocking: opening a named pipe with no writer would otherwise wait forever, before fstat can refuse it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw new Error(`${kindOf(stats)}, not a regular file: pbpsim reads ${what} from regular files only`)
    if (stats.size > limit) throw new Error(`${size(stats.size)}, over the limit of ${size(limit)} for ${what}`)
    const buffer = Buffer.allocUnsafe(Math.min(limit, stats.size) + 1)
    let read = 0
    for (;;) {
      const n = readSync(fd, buffer, read, buffer.length - read, null)
      if (n === 0) break
      read += n
      if (read > limit) throw new Error(`over the limit of ${size(limit)} for ${what} (the file grew while it was read)`)
      if (read === buffer.length) break
    }
    const bytes = buffer.subarray(0, read)
    try {
      return utf8.decode(bytes)
    } catch {
      // Not UTF-8: find where, for the message.
    }
    const bad = Math.max(0, invalidUtf8At(bytes))
    let line = 1
    let lineStart = 0
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        line++
        lineStart = i + 1
      }
    }
    throw new Error(
      `not UTF-8 text: byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, "0")} at line ${line}, column ${bad - lineStart + 1} is not valid UTF-8 (save the file as UTF-8)`
    )
  } finally {
    closeSync(fd)
  }
}

const readText: ReadCsv = (path) => readTextFile(path, MAX_CSV_BYTES, "an experience CSV")

/** A reason from a failed read: the message for errors we made, Node's message (code and path) otherwise. */
const readFailure = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const PARSE_OPTIONS = { errors: "all", onExcessProperty: "error" } as const

const decodeFile = Schema.decodeUnknownEither(ScenarioSchema, PARSE_OPTIONS)
const decodeBody = Schema.decodeUnknownEither(ScenarioBody, PARSE_OPTIONS)
const decodePolicy = Schema.decodeUnknownEither(Policy, PARSE_OPTIONS)
const sectionDecoders = Object.entries(ScenarioBody.fields).map(
  ([key, field]) => [key, Schema.decodeUnknownEither(Schema.Struct({ [key]: field }), PARSE_OPTIONS)] as const
)

interface DecodedBody {
  /** Every section that decoded; complete when `issues` is empty. */
  readonly body: Partial<ScenarioBodyDocument>
  readonly issues: ReadonlyArray<LocatedIssue>
}

/** A decoded file's body: every field but `policies`. */
const bodyOf = (document: ScenarioDocument): ScenarioBodyDocument => {
  const { policies: _policies, ...body } = document
  return body
}

/** Decodes a scenario body; when it fails, decodes section by section so later checks can use what did decode. */
const decodeSections = (raw: Readonly<Record<string, unknown>>, schemaIssues: ReadonlyArray<LocatedIssue> | undefined): DecodedBody => {
  const whole = decodeBody(raw)
  if (Either.isRight(whole) && schemaIssues === undefined) return { body: whole.right, issues: [] }
  const body: Record<string, unknown> = {}
  for (const [key, decode] of sectionDecoders) {
    const section = decode(key in raw ? { [key]: raw[key] } : {})
    if (Either.isRight(section) && key in section.right) body[key] = (section.right as Record<string, unknown>)[key]
  }
  const issues = schemaIssues ?? (Either.isLeft(whole) ? locateParseIssues(whole.left.issue) : [])
  return { body: body as Partial<ScenarioBodyDocument>, issues }
}

/**
 * A policy's body when the base decoded: the sections its overlay touches decoded from the
 * merged scenario, the others taken from the base as decoded (the sections are independent,
 * so this is what decoding the whole merged body gives, without decoding 200 copies of an
 * inline experience list for 200 policies).
 */
const decodeTouched = (base: Partial<ScenarioBodyDocument>, merged: Readonly<Record<string, unknown>>, overlay: unknown): DecodedBody => {
  const body: Record<string, unknown> = { ...base }
  const issues: Array<LocatedIssue> = []
  for (const [key, decode] of sectionDecoders) {
    if (!overlayTouches(overlay, key)) continue
    const section = decode(Object.hasOwn(merged, key) ? { [key]: merged[key] } : {})
    if (Either.isLeft(section)) issues.push(...locateParseIssues(section.left.issue))
    else if (key in section.right) body[key] = (section.right as Record<string, unknown>)[key]
    else delete body[key]
  }
  return { body: body as Partial<ScenarioBodyDocument>, issues }
}

interface ExperienceResult {
  readonly entries?: ReadonlyArray<ExperienceEntry>
  readonly issues: ReadonlyArray<ScenarioIssue>
}

/** The experience rows of a decoded body: inline (located in the scenario file) or read from its CSV. */
const loadExperience = (
  experience: ScenarioBodyDocument["experience"],
  file: string,
  at: ReadonlyArray<PathSegment>,
  parsed: ParsedScenarioText,
  readCsv: ReadCsv
): ExperienceResult => {
  if (Array.isArray(experience)) {
    const entries = (experience as ReadonlyArray<ExperienceRowDocument>).map((row, i): ExperienceEntry => {
      const rowPath = [...at, i]
      return {
        row,
        origin: {
          file,
          path: formatPath(rowPath),
          field: (name) => formatPath([...rowPath, name]),
          // Looked up only when an issue names the row (a file js-yaml read has its lines from a `yaml` parse made then).
          get line() {
            return parsed.lineOf(rowPath)
          }
        }
      }
    })
    return { entries, issues: [] }
  }
  const { csv } = experience as { readonly csv: string }
  const csvFile = isAbsolute(csv) ? csv : join(dirname(file), csv)
  let text: string
  try {
    text = readCsv(csvFile)
    if (typeof text !== "string") throw new Error(`the CSV reader returned ${typeof text}, not text`)
    if (text.length > MAX_CSV_BYTES) throw new Error(`${size(text.length)}, over the limit of ${size(MAX_CSV_BYTES)} for an experience CSV`)
  } catch (error) {
    const reason = readFailure(error)
    // Name the scenario file and the field that points at the CSV, as well as the CSV itself.
    return {
      issues: [
        {
          file,
          path: formatPath([...at, "csv"]),
          expected: "a readable CSV file",
          actual: reason,
          message: `cannot read the experience CSV ${csvFile}: ${reason}`
        }
      ]
    }
  }
  const rows = parseExperienceCsv(text, csvFile)
  return Either.isLeft(rows) ? { issues: rows.left } : { entries: rows.right, issues: [] }
}

/** Same place, same finding: how a policy's issue is recognised as one the base scenario already has. */
const issueKey = (issue: LocatedIssue): string => `${formatPath(issue.path)}\u0000${issue.actual}`

/** Decodes a scenario file's text (YAML or JSON); `file` names it in issues and anchors the experience CSV path. */
export const decodeScenario = (text: string, file: string, readCsv: ReadCsv = readText): Either.Either<Scenario, ScenarioError> =>
  decodeText(text, file, readCsv).result

/** A scenario decoded, with its warnings (reported by loadScenario; the Either forms drop them). */
interface Decoded {
  readonly result: Either.Either<Scenario, ScenarioError>
  readonly warnings: ReadonlyArray<ScenarioWarning>
}

const decodeText = (text: string, file: string, readCsv: ReadCsv): Decoded => {
  const plain = plainDocumentValue(text)
  if (plain !== undefined) {
    // js-yaml's reading of a plain document, with `yaml`'s reading made only when something is to be
    // reported: its lines place every issue and warning, and a text it refuses is reported as it is.
    // Where `yaml` accepts the text its value is js-yaml's (test/yaml-readings.test.ts), so nothing is decoded twice.
    let byYaml: Either.Either<ParsedScenarioText, ReadonlyArray<ScenarioIssue>> | undefined
    const yamlReading = () => (byYaml ??= parseScenarioText(text, file))
    const lineOf = (path: ReadonlyArray<PathSegment>): number | undefined => {
      const reading = yamlReading()
      return Either.isRight(reading) ? reading.right.lineOf(path) : undefined
    }
    const decoded = decodeParsed({ value: plain.value, lineOf }, file, readCsv)
    if (Either.isRight(decoded.result) && decoded.warnings.length === 0) return decoded
    const reading = yamlReading()
    return Either.isLeft(reading) ? { result: Either.left(scenarioError(reading.left)), warnings: [] } : decoded
  }
  const parsedText = parseScenarioText(text, file)
  if (Either.isLeft(parsedText)) return { result: Either.left(scenarioError(parsedText.left)), warnings: [] }
  return decodeParsed(parsedText.right, file, readCsv)
}

/** Plain data for the decoder: Decimal values become their exact text; numbers, strings and the rest stay as they are. */
const plainValue = (u: unknown): unknown => {
  if (Decimal.isDecimal(u)) return (u as Decimal).toFixed()
  if (Array.isArray(u)) return u.map(plainValue)
  if (u !== null && typeof u === "object" && Object.getPrototypeOf(u) === Object.prototype)
    return Object.fromEntries(Object.entries(u).map(([k, v]) => [k, plainValue(v)]))
  return u
}

/**
 * Decodes a scenario held in memory: the object a YAML or JSON scenario file parses to, with
 * numbers as JS numbers, decimal strings or Decimals (a JS number is read as it prints, so
 * give money and rates that need more than 15 digits as strings). `file` names it in issues
 * (which carry no line numbers) and anchors a relative experience CSV path.
 */
export const decodeScenarioDocument = (document: unknown, file: string, readCsv: ReadCsv = readText): Either.Either<Scenario, ScenarioError> => {
  // The same bounds as a file's (nesting, size, no cycles) before anything walks it.
  const shape = shapeIssue(document)
  if (shape !== undefined) {
    const path = formatPath(shape.path)
    return Either.left(scenarioError([{ file, path, expected: "a scenario of bounded size", actual: shape.reason, message: `expected a scenario of bounded size, got a document ${shape.reason}` }]))
  }
  return decodeParsed({ value: plainValue(document), lineOf: () => undefined }, file, readCsv).result
}

const decodeParsed = (parsed: ParsedScenarioText, file: string, readCsv: ReadCsv): Decoded => {
  const raw = parsed.value
  if (!isMapping(raw)) {
    const expected = "a scenario (a mapping with name, market, experience, contract, …)"
    return { result: Either.left(scenarioError([{ file, path: "", expected, actual: showActual(raw), message: `expected ${expected}, got ${showActual(raw)}` }])), warnings: [] }
  }

  const inFile = (issue: LocatedIssue, prefix: ReadonlyArray<PathSegment> = []): ScenarioIssue => {
    const line = parsed.lineOf([...prefix, ...issue.path])
    return toScenarioIssue(file, issue, { prefix, ...(line === undefined ? {} : { line }) })
  }

  // The base scenario: schema, experience, semantic checks.
  const whole = decodeFile(raw)
  const { policies: rawPolicies, ...rawBody } = raw
  const schemaIssues = Either.isLeft(whole) ? locateParseIssues(whole.left.issue) : undefined
  // The body's fields are the file's less `policies`: when the file decodes, so does the body, to the same values.
  const base = Either.isRight(whole) ? { body: bodyOf(whole.right), issues: [] } : decodeSections(rawBody, schemaIssues)
  const baseExperience = base.body.experience === undefined ? undefined : loadExperience(base.body.experience, file, ["experience"], parsed, readCsv)
  const baseChecks = checkScenario(base.body, baseExperience?.entries)
  const baseCoverage = checkCoverage(base.body, baseExperience?.entries)
  const basePlausibility = checkPlausibility(base.body, baseExperience?.entries, rowsRefusedBy(baseChecks.rows))
  const issues: Array<ScenarioIssue> = [
    ...base.issues.map((issue) => inFile(issue)),
    ...(baseExperience?.issues ?? []),
    ...baseChecks.document.map((issue) => inFile(issue)),
    ...baseCoverage.map((issue) => inFile(issue)),
    ...basePlausibility.errors.map((issue) => inFile(issue)),
    ...baseChecks.rows,
    ...basePlausibility.rowErrors
  ]
  const warnings: Array<ScenarioWarning> = [...basePlausibility.warnings.map((warning) => inFile(warning)), ...basePlausibility.rowWarnings]
  const known = new Set([...base.issues, ...baseChecks.document, ...baseCoverage, ...basePlausibility.errors].map(issueKey))
  const knownRows = new Set([...(baseExperience?.issues ?? []), ...baseChecks.rows, ...basePlausibility.rowErrors].map(formatIssue))
  const knownWarnings = new Set(basePlausibility.warnings.map(issueKey))
  const knownRowWarnings = new Set(basePlausibility.rowWarnings.map(formatWarning))

  // Policies: each overlay merged over the base, decoded and checked again; only what the overlay changes is new.
  // Over the limit, the list is refused as a whole (the schema says so) rather than each overlay decoded and checked in turn.
  const policyItems = Array.isArray(rawPolicies) && rawPolicies.length <= LIMITS.policies ? rawPolicies : []
  const decodedPolicies = policyItems.map((item, index) => ({ index, decoded: decodePolicy(item) }))
  // Names are checked on every policy that has one, even a policy that fails elsewhere.
  const names = policyItems.flatMap((item, index) => {
    const name = isMapping(item) ? parseIdentifier(item["name"]) : undefined
    return name === undefined ? [] : [{ index, name }]
  })
  issues.push(...checkPolicyNames(names).map((issue) => inFile(issue)))
  const policies: Array<ScenarioPolicy> = []
  // One array of experience records for the base and every policy that keeps its experience: a
  // copy per policy would hold a 1.7-million-row market once per policy.
  let baseRecords: ReadonlyArray<ExperienceRecord> | undefined
  const recordsOf = (result: ExperienceResult): ReadonlyArray<ExperienceRecord> =>
    result === baseExperience ? (baseRecords ??= toExperienceRecords(result.entries ?? [])) : toExperienceRecords(result.entries ?? [])
  for (const { index, decoded } of decodedPolicies) {
    if (Either.isLeft(decoded)) continue // reported by the whole-file decode
    const overlay = (policyItems[index] as { readonly overlay?: unknown }).overlay ?? {}
    const prefix: ReadonlyArray<PathSegment> = ["policies", index, "overlay"]
    const merged = deepMerge(rawBody, overlay) as Readonly<Record<string, unknown>>
    const variant = base.issues.length === 0 ? decodeTouched(base.body, merged, overlay) : decodeSections(merged, undefined)
    const touchesExperience = overlayTouches(overlay, "experience")
    const experience =
      touchesExperience && variant.body.experience !== undefined
        ? loadExperience(variant.body.experience, file, [...prefix, "experience"], parsed, readCsv)
        : baseExperience
    // Rows are checked against the market, the contract and the rows themselves: an overlay that changes none of
    // them finds what the base found (already reported), so a policy does not walk a million rows again.
    const rowsMayDiffer = touchesExperience || overlayTouches(overlay, "market") || overlayTouches(overlay, "contract")
    const checks = checkScenario(variant.body, rowsMayDiffer ? experience?.entries : undefined)
    // The experience the engine reads beyond the baseline also depends on the trends (benchmark, schedule).
    const coverageMayDiffer = rowsMayDiffer || overlayTouches(overlay, "benchmark") || overlayTouches(overlay, "schedule")
    const coverage = checkCoverage(variant.body, coverageMayDiffer ? experience?.entries : undefined)
    // Figures are judged one by one: rows only when the overlay replaces them.
    const plausibility = checkPlausibility(variant.body, touchesExperience ? experience?.entries : undefined, rowsRefusedBy(checks.rows))
    const fresh = [
      ...variant.issues.filter((issue) => !known.has(issueKey(issue))).map((issue) => inFile(issue, prefix)),
      ...[...(touchesExperience ? (experience?.issues ?? []) : []), ...checks.rows, ...plausibility.rowErrors].filter((issue) => !knownRows.has(formatIssue(issue))),
      ...[...checks.document, ...coverage, ...plausibility.errors].filter((issue) => !known.has(issueKey(issue))).map((issue) => inFile(issue, prefix))
    ]
    issues.push(...fresh)
    warnings.push(
      ...plausibility.warnings.filter((warning) => !knownWarnings.has(issueKey(warning))).map((warning) => inFile(warning, prefix)),
      ...plausibility.rowWarnings.filter((warning) => !knownRowWarnings.has(formatWarning(warning)))
    )
    if (variant.issues.length === 0 && fresh.length === 0 && experience?.entries !== undefined) {
      policies.push({
        name: decoded.right.name,
        description: decoded.right.description ?? "",
        body: variant.body as ScenarioBodyDocument,
        experience: recordsOf(experience)
      })
    }
  }

  const shownWarnings = dedupeBy(warnings, formatWarning)
  if (issues.length > 0 || Either.isLeft(whole)) {
    // A refused scenario's errors come first: its warnings take only the lines of the listing's budget they leave.
    const errors = dedupe(issues)
    return { result: Either.left(scenarioError(errors)), warnings: shownWarnings.slice(0, Math.max(0, MAX_LISTED_ISSUES - errors.length)) }
  }
  const body = base.body as ScenarioBodyDocument
  const scenario: Scenario = {
    file,
    name: body.name,
    description: body.description ?? "",
    document: whole.right,
    base: body,
    experience: baseExperience === undefined ? [] : recordsOf(baseExperience),
    policies
  }
  return { result: Either.right(scenario), warnings: shownWarnings }
}

const dedupeBy = (issues: ReadonlyArray<ScenarioIssue>, key: (issue: ScenarioIssue) => string): ReadonlyArray<ScenarioIssue> => {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const shown = key(issue)
    if (seen.has(shown)) return false
    seen.add(shown)
    return true
  })
}

const dedupe = (issues: ReadonlyArray<ScenarioIssue>): ReadonlyArray<ScenarioIssue> => dedupeBy(issues, formatIssue)

/** A scenario file's text, or the error naming it when it cannot be read. */
const scenarioFileText = (path: string): Either.Either<string, ScenarioError> => {
  try {
    return Either.right(readTextFile(path, MAX_SCENARIO_BYTES, "a scenario file"))
  } catch (error) {
    const reason = readFailure(error)
    return Either.left(scenarioError([{ file: path, path: "", expected: "a readable scenario file", actual: reason, message: `cannot read the scenario file: ${reason}` }]))
  }
}

/**
 * Reads and decodes a scenario file (YAML or JSON) and the experience CSV it names. Its
 * warnings (unusual figures) go to the listener installed with onScenarioWarnings, even when
 * it fails: the pbpsim command prints them on standard error.
 */
export const loadScenario = (path: string): Effect.Effect<Scenario, ScenarioError> =>
  Effect.suspend(() => {
    const read = scenarioFileText(path)
    if (Either.isLeft(read)) return Effect.fail(read.left)
    const { result, warnings } = decodeText(read.right, path, readText)
    return Effect.zipRight(reportScenarioWarnings(warnings), Either.match(result, { onLeft: Effect.fail, onRight: Effect.succeed }))
  })


/**
 * Reads a scenario file like loadScenario, with its parsed document changed by `edit` before
 * it is decoded (the CLI's `--set` overrides, scenario/overrides.ts), so the changed scenario is
 * decoded and checked exactly as a file would be. `relabel` rewrites each issue and warning
 * (an override names the `--set` it came from); `edit` fails with issues when it cannot apply.
 */
export const loadScenarioEdited = (
  path: string,
  edit: (document: unknown) => Either.Either<unknown, ReadonlyArray<ScenarioIssue>>,
  relabel: (issue: ScenarioIssue) => ScenarioIssue
): Effect.Effect<Scenario, ScenarioError> =>
  Effect.suspend(() => {
    const read = scenarioFileText(path)
    if (Either.isLeft(read)) return Effect.fail(read.left)
    const parsed = parseScenarioText(read.right, path)
    if (Either.isLeft(parsed)) return Effect.fail(scenarioError(parsed.left))
    const edited = edit(parsed.right.value)
    if (Either.isLeft(edited)) return Effect.fail(scenarioError(edited.left))
    const { result, warnings } = decodeParsed({ value: edited.right, lineOf: parsed.right.lineOf }, path, readText)
    return Effect.zipRight(
      reportScenarioWarnings(warnings.map(relabel)),
      Either.match(result, { onLeft: (e) => Effect.fail(scenarioError(e.issues.map(relabel))), onRight: Effect.succeed })
    )
  })
