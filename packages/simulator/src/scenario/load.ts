import { readFileSync } from "node:fs"
import { dirname, isAbsolute, join } from "node:path"
import { Effect, Either, Schema } from "effect"
import { type ExperienceEntry, parseExperienceCsv } from "./csv.js"
import {
  type LocatedIssue,
  type PathSegment,
  type ScenarioError,
  type ScenarioIssue,
  formatIssue,
  formatPath,
  locateParseIssues,
  scenarioError,
  toScenarioIssue
} from "./errors.js"
import { parseIdentifier, showActual } from "./numerals.js"
import { deepMerge, isMapping, overlayTouches } from "./overlay.js"
import { type ParsedScenarioText, parseScenarioText } from "./parse.js"
import { type Scenario, type ScenarioPolicy, toExperienceRecords } from "./resolve.js"
import { type ExperienceRowDocument, Policy, ScenarioBody, type ScenarioBodyDocument, ScenarioSchema } from "./schema.js"
import { checkPolicyNames, checkScenario } from "./validate.js"

/**
 * Reading a scenario: parse (numbers kept as written), decode against the schema, read the
 * experience CSV, check that the parts agree, then apply each policy's overlay and decode
 * and check the result again. Every problem found on the way is collected and reported at
 * once in a ScenarioError; nothing a user can write produces a stack trace.
 */

/** Reads a CSV file given its path (already resolved against the scenario file's folder); throws when it cannot. */
export type ReadCsv = (path: string) => string

const readText: ReadCsv = (path) => readFileSync(path, "utf8")

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
      const line = parsed.lineOf(rowPath)
      return {
        row,
        origin: {
          file,
          path: formatPath(rowPath),
          field: (name) => formatPath([...rowPath, name]),
          ...(line === undefined ? {} : { line })
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
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
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
export const decodeScenario = (text: string, file: string, readCsv: ReadCsv = readText): Either.Either<Scenario, ScenarioError> => {
  const parsedText = parseScenarioText(text, file)
  if (Either.isLeft(parsedText)) return Either.left(scenarioError(parsedText.left))
  const parsed = parsedText.right
  const raw = parsed.value
  if (!isMapping(raw)) {
    const expected = "a scenario (a mapping with name, market, experience, contract, …)"
    return Either.left(scenarioError([{ file, path: "", expected, actual: showActual(raw), message: `expected ${expected}, got ${showActual(raw)}` }]))
  }

  const inFile = (issue: LocatedIssue, prefix: ReadonlyArray<PathSegment> = []): ScenarioIssue => {
    const line = parsed.lineOf([...prefix, ...issue.path])
    return toScenarioIssue(file, issue, { prefix, ...(line === undefined ? {} : { line }) })
  }

  // The base scenario: schema, experience, semantic checks.
  const whole = decodeFile(raw)
  const { policies: rawPolicies, ...rawBody } = raw
  const schemaIssues = Either.isLeft(whole) ? locateParseIssues(whole.left.issue) : undefined
  const base = decodeSections(rawBody, schemaIssues)
  const baseExperience = base.body.experience === undefined ? undefined : loadExperience(base.body.experience, file, ["experience"], parsed, readCsv)
  const baseChecks = checkScenario(base.body, baseExperience?.entries)
  const issues: Array<ScenarioIssue> = [
    ...base.issues.map((issue) => inFile(issue)),
    ...(baseExperience?.issues ?? []),
    ...baseChecks.document.map((issue) => inFile(issue)),
    ...baseChecks.rows
  ]
  const known = new Set([...base.issues, ...baseChecks.document].map(issueKey))
  const knownRows = new Set([...(baseExperience?.issues ?? []), ...baseChecks.rows].map(formatIssue))

  // Policies: each overlay merged over the base, decoded and checked again; only what the overlay changes is new.
  const policyItems = Array.isArray(rawPolicies) ? rawPolicies : []
  const decodedPolicies = policyItems.map((item, index) => ({ index, decoded: decodePolicy(item) }))
  // Names are checked on every policy that has one, even a policy that fails elsewhere.
  const names = policyItems.flatMap((item, index) => {
    const name = isMapping(item) ? parseIdentifier(item["name"]) : undefined
    return name === undefined ? [] : [{ index, name }]
  })
  issues.push(...checkPolicyNames(names).map((issue) => inFile(issue)))
  const policies: Array<ScenarioPolicy> = []
  for (const { index, decoded } of decodedPolicies) {
    if (Either.isLeft(decoded)) continue // reported by the whole-file decode
    const overlay = (policyItems[index] as { readonly overlay?: unknown }).overlay ?? {}
    const prefix: ReadonlyArray<PathSegment> = ["policies", index, "overlay"]
    const merged = deepMerge(rawBody, overlay) as Readonly<Record<string, unknown>>
    const variant = decodeSections(merged, undefined)
    const touchesExperience = overlayTouches(overlay, "experience")
    const experience =
      touchesExperience && variant.body.experience !== undefined
        ? loadExperience(variant.body.experience, file, [...prefix, "experience"], parsed, readCsv)
        : baseExperience
    const checks = checkScenario(variant.body, experience?.entries)
    const fresh = [
      ...variant.issues.filter((issue) => !known.has(issueKey(issue))).map((issue) => inFile(issue, prefix)),
      ...[...(touchesExperience ? (experience?.issues ?? []) : []), ...checks.rows].filter((issue) => !knownRows.has(formatIssue(issue))),
      ...checks.document.filter((issue) => !known.has(issueKey(issue))).map((issue) => inFile(issue, prefix))
    ]
    issues.push(...fresh)
    if (variant.issues.length === 0 && fresh.length === 0 && experience?.entries !== undefined) {
      policies.push({
        name: decoded.right.name,
        description: decoded.right.description ?? "",
        body: variant.body as ScenarioBodyDocument,
        experience: toExperienceRecords(experience.entries)
      })
    }
  }

  if (issues.length > 0 || Either.isLeft(whole)) return Either.left(scenarioError(dedupe(issues)))
  const body = base.body as ScenarioBodyDocument
  return Either.right({
    file,
    name: body.name,
    description: body.description ?? "",
    document: whole.right,
    base: body,
    experience: toExperienceRecords(baseExperience?.entries ?? []),
    policies
  })
}

const dedupe = (issues: ReadonlyArray<ScenarioIssue>): ReadonlyArray<ScenarioIssue> => {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const key = formatIssue(issue)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Reads and decodes a scenario file (YAML or JSON) and the experience CSV it names. */
export const loadScenario = (path: string): Effect.Effect<Scenario, ScenarioError> =>
  Effect.suspend(() => {
    let text: string
    try {
      text = readFileSync(path, "utf8")
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return Effect.fail(scenarioError([{ file: path, path: "", expected: "a readable scenario file", actual: reason, message: `cannot read the scenario file: ${reason}` }]))
    }
    return Either.match(decodeScenario(text, path), { onLeft: Effect.fail, onRight: Effect.succeed })
  })

