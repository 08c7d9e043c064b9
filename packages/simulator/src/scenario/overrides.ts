import { Effect, Either } from "effect"
import { formatPath, scenarioError, type PathSegment, type ScenarioError, type ScenarioIssue } from "./errors.js"
import { loadScenario, loadScenarioEdited } from "./load.js"
import { showActual, showText } from "./numerals.js"
import { isMapping } from "./overlay.js"
import { parseScenarioText, shapeIssue } from "./parse.js"
import type { Scenario } from "./resolve.js"

/**
 * Overrides: `--set path=value` changes one field of a scenario for one run. The value is
 * read as YAML (numbers kept as written, so `0.1` reaches decimal.js as exactly 0.1) and set
 * into the parsed document before it is decoded: the changed scenario meets the same schema,
 * cross-checks and plausibility checks as a file, and a problem at (or under) an overridden
 * field is reported as `--set <path>`. A path the file does not have is created (that is how
 * an optional field is added); an index beyond a list's end is refused.
 */

/** One `--set path=value`, parsed. */
export interface Override {
  /** The path as pbpsim writes paths (`benchmark.glidePath.providerWeights[2]`). */
  readonly path: string
  readonly segments: ReadonlyArray<PathSegment>
  /** The value as given on the command line. */
  readonly text: string
  /** The value read as YAML (numbers as Numerals). */
  readonly value: unknown
}

/** `path=value` as provenance lists it. */
export const showOverride = (o: Override): string => `${o.path}=${o.text}`

const SYNTAX = "path=value, the path dot-separated with list indices (benchmark.trend.rate=0.04, benchmark.glidePath.providerWeights[2]=0.6)"

/** Splits a path into fields and list indices; a message saying what is wrong otherwise. */
const parsePath = (text: string): Either.Either<ReadonlyArray<PathSegment>, string> => {
  const segments: Array<PathSegment> = []
  let i = 0
  const fail = (what: string) => Either.left(`expected ${SYNTAX}; ${what} in the path ${showActual(text)}`)
  while (i < text.length) {
    if (text[i] === "[") {
      const close = text.indexOf("]", i)
      if (close < 0) return fail("an unclosed [")
      const inside = text.slice(i + 1, close).trim()
      if (/^\d+$/.test(inside) && inside.length <= 9) segments.push(Number(inside))
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inside)) segments.push(JSON.parse(inside) as string)
      else return fail(`[${showText(inside, 20)}] is neither a list index (0, 1, …) nor a quoted field name`)
      i = close + 1
      if (i < text.length && text[i] !== "." && text[i] !== "[") return fail(`text right after ]`)
      if (text[i] === ".") {
        i++
        if (i >= text.length) return fail("a trailing dot")
      }
      continue
    }
    let end = i
    while (end < text.length && text[end] !== "." && text[end] !== "[") end++
    const key = text.slice(i, end).trim()
    if (key.length === 0) return fail("an empty field name")
    if (key.includes("]")) return fail("a ] without [")
    segments.push(key)
    i = end
    if (text[i] === ".") {
      i++
      if (i >= text.length) return fail("a trailing dot")
    }
  }
  return segments.length === 0 ? fail("no field") : Either.right(segments)
}

/**
 * Reads one `path=value` (split at the first `=`); the message says what is wrong otherwise.
 * An empty value is refused (write `null` to clear a field).
 */
export const parseOverride = (text: string): Either.Either<Override, string> => {
  const eq = text.indexOf("=")
  if (eq < 0) return Either.left(`expected ${SYNTAX}, got ${showActual(text)} (no "=")`)
  const pathText = text.slice(0, eq).trim()
  const valueText = text.slice(eq + 1)
  const segments = parsePath(pathText)
  if (Either.isLeft(segments)) return Either.left(segments.left)
  const path = formatPath(segments.right)
  if (valueText.trim().length === 0) return Either.left(`expected a value after "=" (YAML: 0.04, "0.04", [0.8, 0.6], { kind: fixed, rate: 0.04 } or null), got nothing`)
  const parsed = parseScenarioText(valueText, `--set ${path}`)
  if (Either.isLeft(parsed)) return Either.left(`expected a YAML value, got ${showActual(valueText)}: ${parsed.left[0]?.actual ?? "invalid YAML"}`)
  return Either.right({ path, segments: segments.right, text: valueText, value: parsed.right.value })
}

/** A value with own data properties only (a `__proto__` key stays a field, as in overlays). */
const withField = (mapping: Readonly<Record<string, unknown>>, key: string, value: unknown): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...mapping }
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
  return copy
}

const kindOf = (u: unknown): string => (Array.isArray(u) ? "a list" : isMapping(u) ? "a mapping" : `the value ${showActual(u)}`)

/**
 * The document with one override set, without changing the one given; the reason it cannot be
 * set otherwise (a field inside a value, an index into a mapping or beyond a list's end).
 */
export const setIn = (document: unknown, segments: ReadonlyArray<PathSegment>, value: unknown): Either.Either<unknown, { expected: string; actual: string }> => {
  const go = (node: unknown, depth: number): Either.Either<unknown, { expected: string; actual: string }> => {
    if (depth === segments.length) return Either.right(value)
    const segment = segments[depth]!
    const at = formatPath(segments.slice(0, depth)) || "the scenario"
    if (typeof segment === "number") {
      if (!Array.isArray(node)) {
        return Either.left(
          node === undefined || node === null
            ? { expected: `a list at ${at} (a list is given whole: --set ${at}=[…])`, actual: "nothing there" }
            : { expected: `a list at ${at}`, actual: kindOf(node) }
        )
      }
      if (segment >= node.length) {
        const range = node.length === 0 ? "none: the list is empty" : `0–${node.length - 1}`
        return Either.left({ expected: `an index of the ${node.length} entries of ${at} (${range}; to change its length give the whole list: --set ${at}=[…])`, actual: `[${segment}]` })
      }
      return Either.map(go(node[segment], depth + 1), (v) => node.map((old, i) => (i === segment ? v : old)))
    }
    // A missing (or null) mapping is created: that is how an optional field is added.
    const mapping = node === undefined || node === null ? {} : node
    if (!isMapping(mapping)) return Either.left({ expected: `a mapping at ${at} to set the field ${showText(segment, 40)} in`, actual: kindOf(mapping) })
    return Either.map(go(Object.hasOwn(mapping, segment) ? mapping[segment] : undefined, depth + 1), (v) => withField(mapping, segment, v))
  }
  return go(document, 0)
}

/** The document with every override set in order (a later one wins); issues for those that cannot be set. */
export const applyOverrides = (document: unknown, overrides: ReadonlyArray<Override>, file: string): Either.Either<unknown, ReadonlyArray<ScenarioIssue>> => {
  let doc = document
  const issues: Array<ScenarioIssue> = []
  for (const o of overrides) {
    const set = setIn(doc, o.segments, o.value)
    if (Either.isLeft(set)) {
      const { expected, actual } = set.left
      issues.push({ file, path: `--set ${o.path}`, expected, actual, message: `expected ${expected}, got ${actual}` })
    } else doc = set.right
  }
  if (issues.length > 0) return Either.left(issues)
  const shape = shapeIssue(doc)
  if (shape !== undefined) {
    const path = formatPath(shape.path)
    return Either.left([{ file, path, expected: "a scenario of bounded size", actual: shape.reason, message: `expected a scenario of bounded size, got a document ${shape.reason}` }])
  }
  return Either.right(doc)
}

/** Whether `path` is `prefix` or lies under it (`a.b[1]` under `a.b`). */
const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)

/**
 * An issue at or under an overridden field names the override: `--set benchmark.trend.rate`,
 * or `benchmark.trend.rate (--set benchmark.trend)` below it. Its line in the file is dropped
 * (the value did not come from the file).
 */
export const relabelIssue =
  (overrides: ReadonlyArray<Override>) =>
  (issue: ScenarioIssue): ScenarioIssue => {
    // The last override of a path is the one in force.
    const o = [...overrides].reverse().find((x) => under(issue.path, x.path))
    if (o === undefined) return issue
    const { line: _line, ...rest } = issue
    return { ...rest, path: issue.path === o.path ? `--set ${o.path}` : `${issue.path} (--set ${o.path})` }
  }

const loaded = new WeakMap<Scenario, ReadonlyArray<Override>>()

/** The overrides a scenario was loaded with (none for a scenario read as it is). */
export const overridesOf = (scenario: Scenario): ReadonlyArray<Override> => loaded.get(scenario) ?? []

/**
 * Reads a scenario file with overrides applied, checked as a file is. With no overrides it is
 * loadScenario. Problems the overrides may cause elsewhere (a longer contract makes a per-year
 * list too short) keep their own path; a last line says which overrides were applied.
 */
export const loadScenarioWithOverrides = (path: string, overrides: ReadonlyArray<Override>): Effect.Effect<Scenario, ScenarioError> => {
  if (overrides.length === 0) return loadScenario(path)
  const relabel = relabelIssue(overrides)
  return loadScenarioEdited(path, (document) => applyOverrides(document, overrides, path), relabel).pipe(
    Effect.tap((scenario) => Effect.sync(() => loaded.set(scenario, overrides))),
    Effect.mapError((error) => {
      if (error.issues.every((issue) => issue.path.includes("--set "))) return error
      const applied = overrides.map((o) => `--set ${showOverride(o)}`).join(", ")
      const note: ScenarioIssue = { file: path, path: "", expected: "", actual: "", message: `read with ${applied}: a problem above may come from these overrides` }
      return scenarioErrorWithNote(error, note)
    })
  )
}

/** The error's issues and one closing note (formatted like the rest). */
const scenarioErrorWithNote = (error: ScenarioError, note: ScenarioIssue): ScenarioError => scenarioError([...error.issues, note])
