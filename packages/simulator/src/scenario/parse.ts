import { Either } from "effect"
import { isNode, LineCounter, parseDocument, visit, type Document } from "yaml"
import type { PathSegment, ScenarioIssue } from "./errors.js"
import { Numeral } from "./numerals.js"

/**
 * A scenario file's text as plain data, with every number kept as written (a Numeral), and
 * a way back from a document path to its line. YAML and JSON take the same road: JSON is
 * YAML 1.2, so one parser serves both and JSON numbers keep their digits too.
 */
export interface ParsedScenarioText {
  readonly value: unknown
  /** 1-based line of the node at a path (or of its nearest existing ancestor). */
  readonly lineOf: (path: ReadonlyArray<PathSegment>) => number | undefined
}

const LOCATION_SUFFIX = / at line \d+, column \d+:?$/

export const parseScenarioText = (text: string, file: string): Either.Either<ParsedScenarioText, ReadonlyArray<ScenarioIssue>> => {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    return Either.left(
      doc.errors.map((error): ScenarioIssue => {
        const position = error.linePos?.[0]
        const reason = (error.message.split("\n")[0] ?? error.message).replace(LOCATION_SUFFIX, "")
        return {
          file,
          path: position ? `line ${position.line}, column ${position.col}` : "",
          expected: "valid YAML",
          actual: reason,
          message: `invalid YAML: ${reason}`,
          ...(position ? { line: position.line } : {})
        }
      })
    )
  }
  keepNumbersAsWritten(doc)
  const value: unknown = doc.toJS({ maxAliasCount: 100 })
  const lineOf = (path: ReadonlyArray<PathSegment>): number | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true)
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line
    }
    return undefined
  }
  return Either.right({ value, lineOf })
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

