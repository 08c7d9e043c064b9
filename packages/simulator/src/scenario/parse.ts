import { Decimal } from "decimal.js"
import { Either } from "effect"
import { isAlias, isNode, LineCounter, parseDocument, visit, type Document } from "yaml"
import type { PathSegment, ScenarioIssue } from "./errors.js"
import { Numeral, showText } from "./numerals.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * A scenario file's text as plain data, with every number kept as written (a Numeral), and
 * a way back from a document path to its line. YAML and JSON take the same road: JSON is
 * YAML 1.2, so one parser serves both and JSON numbers keep their digits too.
 *
 * Hostile text fails here with located issues, never a stack trace or a hang: the text's
 * size, its nesting, its aliases (an "alias bomb" of anchors referring to anchors, an alias
 * to no anchor, an alias inside its own anchor) and the size of what it expands to are all
 * bounded (see the limits below and docs/scenario-reference.md#limits).
 */
export interface ParsedScenarioText {
  readonly value: unknown
  /** 1-based line of the node at a path (or of its nearest existing ancestor). */
  readonly lineOf: (path: ReadonlyArray<PathSegment>) => number | undefined
}

/**
 * Largest scenario file, in bytes (UTF-8) or characters: 16 MiB. A 50,000-entity market
 * listed in full (ids, names, groups and a projection line per entity) is about 3 MB; its
 * experience belongs in a CSV (limit MAX_CSV_BYTES). Parsing YAML takes ~150 bytes of memory
 * per byte of text, so 16 MiB is about the most a process can parse in a few GB.
 */
export const MAX_SCENARIO_BYTES = 16 * 1024 * 1024
/** Deepest nesting of the parsed document (a scenario nests about 8 levels; blended trends add 2 per blend). */
export const MAX_DEPTH = 64
/** Deepest nesting the YAML text may show before it is parsed: flow brackets, or block indentation in columns. */
export const MAX_TEXT_NESTING = 100
export const MAX_INDENT = 400
/** Alias expansions allowed (yaml's maxAliasCount: an anchor's references times the aliases inside it). */
export const MAX_ALIAS_COUNT = 100
/** Values (scalars, lists and mappings) the document may expand to, aliases counted at every use. */
export const MAX_VALUES = 5_000_000

const LOCATION_SUFFIX = / at line \d+, column \d+:?$/

const issue = (file: string, line: number | undefined, column: number | undefined, expected: string, reason: string): ScenarioIssue => ({
  file,
  path: line === undefined ? "" : column === undefined ? `line ${line}` : `line ${line}, column ${column}`,
  expected,
  actual: reason,
  message: `invalid YAML: ${reason}`,
  ...(line === undefined ? {} : { line })
})

/** What scanning a scenario's text finds before any parser sees it (scanText). */
export interface TextScan {
  /** Nesting deeper than a parser's recursion can take, and where. */
  readonly tooDeep?: { readonly line: number; readonly column?: number; readonly reason: string }
  /** A line break inside brackets: a flow collection over several lines (or a bracket in a quoted string). */
  readonly multiLineFlow: boolean
}

/**
 * Finds, before the YAML parser sees it, text nested deeper than the parser's recursion can
 * take (tens of thousands of `[` or `- ` would overflow its stack, and a stack overflow deep in
 * a regular expression can abort the process). Counts flow brackets anywhere (a quoted `[`
 * counts too: no real file has a hundred unclosed ones) and each line's indentation plus its
 * leading `- `, `? ` and `: ` indicators. Notes a line break inside brackets on the way (a
 * layout plainYaml.ts leaves to `yaml`).
 */
export const scanText = (text: string): TextScan => {
  let depth = 0
  let line = 1
  let lineStart = 0
  let multiLineFlow = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > MAX_TEXT_NESTING) {
        return { tooDeep: { line, column: i - lineStart + 1, reason: `lists or mappings nested more than ${MAX_TEXT_NESTING} deep` }, multiLineFlow }
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--
    else if (c === 0x0a) {
      if (depth > 0) multiLineFlow = true
      line++
      lineStart = i + 1
      const indent = /^[ \t]*(?:[-?:][ \t]+)*/y
      indent.lastIndex = lineStart
      const match = indent.exec(text)
      if (match !== null && match[0].length > MAX_INDENT) {
        return { tooDeep: { line, reason: `a line indented or nested more than ${MAX_INDENT} columns deep` }, multiLineFlow }
      }
    }
  }
  return { multiLineFlow }
}

/** The line of the first alias to `anchor` (or of any alias), for an alias error. */
const aliasLine = (doc: Document, lineCounter: LineCounter, anchor: string | undefined): number | undefined => {
  let line: number | undefined
  visit(doc, {
    Alias(_, node) {
      if (anchor !== undefined && node.source !== anchor) return undefined
      if (node.range) line = lineCounter.linePos(node.range[0]).line
      return visit.BREAK
    }
  })
  return line
}

/**
 * The first place the parsed value nests deeper than MAX_DEPTH (an alias inside its own
 * anchor makes a cycle, which is infinitely deep), or where it exceeds MAX_VALUES values.
 */
export const shapeIssue = (value: unknown): { readonly path: ReadonlyArray<PathSegment>; readonly reason: string } | undefined => {
  let values = 0
  const walk = (u: unknown, path: Array<PathSegment>): { path: ReadonlyArray<PathSegment>; reason: string } | undefined => {
    values++
    if (values > MAX_VALUES) {
      return { path: [...path], reason: `more than ${showCount(MAX_VALUES)} values once aliases are expanded` }
    }
    if (u === null || typeof u !== "object" || u instanceof Numeral || Decimal.isDecimal(u)) return undefined
    if (path.length >= MAX_DEPTH) {
      return { path: [...path], reason: `nested more than ${MAX_DEPTH} levels deep (or an alias inside its own anchor)` }
    }
    const entries: ReadonlyArray<readonly [PathSegment, unknown]> = Array.isArray(u)
      ? u.map((v, i) => [i, v] as const)
      : Object.keys(u).map((k) => [k, (u as Record<string, unknown>)[k]] as const)
    for (const [key, v] of entries) {
      path.push(key)
      const found = walk(v, path)
      path.pop()
      if (found !== undefined) return found
    }
    return undefined
  }
  return walk(value, [])
}

export const parseScenarioText = (text: string, file: string): Either.Either<ParsedScenarioText, ReadonlyArray<ScenarioIssue>> => {
  if (text.length > MAX_SCENARIO_BYTES) {
    const size = `${showCount(text.length)} characters`
    return Either.left([
      {
        file,
        path: "",
        expected: `a scenario of at most ${showCount(MAX_SCENARIO_BYTES)} characters`,
        actual: size,
        message: `the scenario is ${size}, over the limit of ${showCount(MAX_SCENARIO_BYTES)} (16 MiB; put experience rows in a CSV file)`
      }
    ])
  }
  const { tooDeep } = scanText(text)
  if (tooDeep !== undefined) return Either.left([issue(file, tooDeep.line, tooDeep.column, "valid YAML", tooDeep.reason)])
  const lineCounter = new LineCounter()
  let doc: Document.Parsed
  try {
    // Only YAML 1.2 core types: no !!binary, !!set, !!timestamp (resolveKnownTags off makes them unknown tags).
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, resolveKnownTags: false })
  } catch (error) {
    return Either.left([issue(file, undefined, undefined, "valid YAML", reasonOf(error))])
  }
  // Warnings (an unknown tag such as !foo or !!binary) are refused too: a scenario has no use for tags.
  const problems = [...doc.errors, ...doc.warnings]
  if (problems.length > 0) {
    return Either.left(
      problems.slice(0, 20).map((error): ScenarioIssue => {
        const position = error.linePos?.[0]
        return issue(file, position?.line, position?.col, "valid YAML", reasonOf(error).replace(LOCATION_SUFFIX, ""))
      })
    )
  }
  keepNumbersAsWritten(doc)
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (error) {
    const reason = reasonOf(error)
    const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(reason)
    if (unresolved !== null) {
      const anchor = unresolved[1] ?? ""
      return Either.left([
        issue(file, aliasLine(doc, lineCounter, anchor), undefined, "valid YAML", `alias *${showText(anchor, 40)} refers to no anchor &${showText(anchor, 40)} set before it`)
      ])
    }
    if (/alias count|resource exhaustion/i.test(reason)) {
      return Either.left([
        issue(file, aliasLine(doc, lineCounter, undefined), undefined, "valid YAML", `aliases expand too often (more than ${MAX_ALIAS_COUNT} expansions; an alias bomb?)`)
      ])
    }
    return Either.left([issue(file, undefined, undefined, "valid YAML", reason)])
  }
  const lineOf = (path: ReadonlyArray<PathSegment>): number | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true)
      if (isNode(node) && !isAlias(node) && node.range) return lineCounter.linePos(node.range[0]).line
    }
    return undefined
  }
  const shape = shapeIssue(value)
  if (shape !== undefined) {
    const line = lineOf(shape.path)
    return Either.left([issue(file, line, undefined, "a scenario of bounded size", shape.reason)])
  }
  return Either.right({ value, lineOf })
}

/** The first line of an error's message (yaml's pretty errors add the source line and a caret below it). */
const reasonOf = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  return message.split("\n")[0] ?? message
}

/**
 * Replaces each numeric scalar's JS number by a Numeral holding the source text. Map keys
 * stay as they are (they become object keys, i.e. text: `2025:` in a schedule).
 */
const keepNumbersAsWritten = (doc: Document): void => {
  visit(doc, {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "number") return
      const source = node.source ?? String(node.value)
      node.value = new Numeral(source, node.value) as unknown as number
    }
  })
}
