import type { ParseResult } from "effect"
import { SchemaAST } from "effect"
import { located, type LocatedIssue, type PathSegment } from "./errors.js"
import { isLeaf, labelAnnotation } from "./fields.js"
import { isNumeral, parseDecimal, showActual, showText } from "./numerals.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * Effect Schema's parse issues turned into pbpsim's located issues: the field path, what the
 * field accepts in words (its label, or the shapes of its AST), what the file holds, and a
 * "did you mean" for a misspelt key.
 */

/** A short phrase for what an AST node accepts, for ASTs without a label annotation. */
const describeAst = (ast: SchemaAST.AST): string => {
  const label = labelAnnotation(ast)
  if (label !== undefined) return label
  switch (ast._tag) {
    case "Literal":
      return JSON.stringify(ast.literal)
    case "StringKeyword":
      return "text"
    case "NumberKeyword":
      return "a number"
    case "BooleanKeyword":
      return "true or false"
    case "TypeLiteral":
      return ast.propertySignatures.length > 0 ? `a mapping with ${ast.propertySignatures.map((p) => String(p.name)).join(", ")}` : "a mapping"
    case "TupleType":
      return "a list"
    case "Union":
      return ast.types.every(SchemaAST.isLiteral)
        ? `one of ${ast.types.map((t) => String((t as SchemaAST.Literal).literal)).join(", ")}`
        : ast.types.map(describeAst).join(" or ")
    case "Refinement":
    case "Transformation":
      return describeAst(ast.from)
    case "Suspend":
      return describeAst(ast.f())
    default:
      return "a value"
  }
}

/** Annotation of a list's length limit: what the message expects ("at most 200 policies"). */
export const TooManyId: unique symbol = Symbol.for("@pbpsim/simulator/scenario/tooMany")

/** Why pbpsim refuses a well-formed number: its size (see numerals.ts, MAX_MAGNITUDE). */
const OUT_OF_RANGE_NOTE = "numbers in a scenario must be finite and below 1e18 in magnitude, with at most 40 places"

/** A number, numeral or numeric string that is well-formed but outside what pbpsim reads. */
const isOutOfRange = (u: unknown): boolean => {
  const text = typeof u === "string" ? u.trim() : isNumeral(u) ? u.source : typeof u === "number" ? String(u) : undefined
  if (text === undefined || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?\.inf$/i.test(text)) return false
  return parseDecimal(u) === undefined
}

type Shape = "list" | "mapping" | "scalar"

const shapeOfValue = (u: unknown): Shape =>
  Array.isArray(u) ? "list" : u !== null && typeof u === "object" && !isNumeral(u) ? "mapping" : "scalar"

const shapesOfAst = (ast: SchemaAST.AST): ReadonlyArray<Shape> => {
  switch (ast._tag) {
    case "TupleType":
      return ["list"]
    case "TypeLiteral":
      return ["mapping"]
    case "Union":
      return ast.types.flatMap(shapesOfAst)
    case "Refinement":
    case "Transformation":
      return shapesOfAst(ast.from)
    case "Suspend":
      return shapesOfAst(ast.f())
    case "Declaration":
      return ["scalar"]
    default:
      return ["scalar"]
  }
}

const keysOfAst = (ast: SchemaAST.AST): ReadonlyArray<string> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.map((p) => String(p.name))
    case "Refinement":
    case "Transformation":
      return keysOfAst(ast.from)
    case "Suspend":
      return keysOfAst(ast.f())
    default:
      return []
  }
}

const editDistance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost)
      diagonal = above
    }
  }
  return row[b.length] ?? 0
}

/** The closest known name to a misspelt one, if it is close enough to be a likely typo. */
export const didYouMean = (name: string, known: ReadonlyArray<string>): string | undefined => {
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(name, candidate)
    if (best === undefined || distance < best.distance) best = { name: candidate, distance }
  }
  return best !== undefined && best.distance <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined
}

const toArray = <A>(x: A | ReadonlyArray<A>): ReadonlyArray<A> => (Array.isArray(x) ? (x as ReadonlyArray<A>) : [x as A])

/**
 * Turns Effect's parse issue tree into flat, located issues: one per problem, at the
 * deepest useful path, with the field's label as what was expected. Leaves (decimals,
 * years, words) report once instead of per union member; a union of mappings is narrowed
 * to the member the value most resembles (its keys), so `{ from: "1" }` as a glide path
 * says `to` is missing rather than listing three alternatives.
 */
export const locateParseIssues = (root: ParseResult.ParseIssue): ReadonlyArray<LocatedIssue> => {
  const out: Array<LocatedIssue> = []
  const report = (path: ReadonlyArray<PathSegment>, ast: SchemaAST.AST, actual: unknown) => {
    const expected = describeAst(ast)
    const shown = showActual(actual)
    // A number refused only for its size: say what the limit is, or "expected a decimal ≥ 0, got 1e400" reads as a contradiction.
    out.push(isOutOfRange(actual) ? located(path, expected, shown, `expected ${expected}, got ${shown} (${OUT_OF_RANGE_NOTE})`) : located(path, expected, shown))
  }

  const walk = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PathSegment>, parent: SchemaAST.AST | undefined): void => {
    switch (issue._tag) {
      case "Pointer": {
        const next = [...path, ...toArray(issue.path).map((p) => (typeof p === "number" ? p : String(p)))]
        walk(issue.issue, next, parent)
        return
      }
      case "Unexpected": {
        const known = parent ? keysOfAst(parent) : []
        const name = String(path[path.length - 1] ?? "")
        const suggestion = name.length <= 100 ? didYouMean(name, known) : undefined
        const expected = known.length > 0 ? `one of the fields ${known.join(", ")}` : "no field here"
        const actual = `unknown field "${showText(name, 60)}"`
        out.push(
          located(path, expected, actual, `expected ${expected}, got ${actual}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`)
        )
        return
      }
      case "Missing": {
        if (parent !== undefined && SchemaAST.isTupleType(parent) && typeof path[path.length - 1] === "number") {
          // An element missing from a non-empty list: say so about the list.
          out.push(located(path.slice(0, -1), describeAst(parent), "an empty list"))
          return
        }
        // Effect hands the property signature (or tuple element), not the type: describe its type.
        const holder = issue.ast as unknown as { readonly type?: SchemaAST.AST }
        const expected = describeAst(holder.type ?? (issue.ast as unknown as SchemaAST.AST))
        out.push(located(path, expected, "nothing"))
        return
      }
      case "Type":
      case "Forbidden":
        report(path, issue.ast as SchemaAST.AST, issue.actual)
        return
      case "Refinement": {
        const tooMany = issue.ast.annotations[TooManyId]
        if (issue.kind === "Predicate" && typeof tooMany === "string" && Array.isArray(issue.actual)) {
          out.push(located(path, tooMany, `${showCount(issue.actual.length)} of them`))
          return
        }
        if (isLeaf(issue.ast) || issue.kind === "Predicate") report(path, issue.ast, issue.actual)
        else walk(issue.issue, path, parent)
        return
      }
      case "Transformation":
        if (isLeaf(issue.ast)) report(path, issue.ast, issue.actual)
        else walk(issue.issue, path, parent)
        return
      case "Composite": {
        // A number where a mapping belongs: the Numeral is an object to Effect, but not to the user.
        if (isLeaf(issue.ast) || (isNumeral(issue.actual) && SchemaAST.isTypeLiteral(issue.ast))) return void report(path, issue.ast, issue.actual)
        const subs = toArray(issue.issues)
        if (SchemaAST.isUnion(issue.ast)) {
          const chosen = narrowUnion(subs, issue.actual)
          if (chosen === undefined) report(path, issue.ast, issue.actual)
          else walk(chosen, path, parent)
          return
        }
        for (const sub of subs) walk(sub, path, issue.ast)
        return
      }
    }
  }
  walk(root, [], undefined)
  return out
}

/** The member issue of a failed union to follow, or undefined to report the union as a whole. */
const narrowUnion = (subs: ReadonlyArray<ParseResult.ParseIssue>, actual: unknown): ParseResult.ParseIssue | undefined => {
  const shape = shapeOfValue(actual)
  const astOf = (sub: ParseResult.ParseIssue): SchemaAST.AST | undefined => ("ast" in sub ? (sub.ast as SchemaAST.AST) : undefined)
  const candidates = subs.filter((sub) => {
    const ast = astOf(sub)
    return ast !== undefined && shapesOfAst(ast).includes(shape)
  })
  if (candidates.length === 1) return candidates[0]
  if (candidates.length === 0 || shape !== "mapping") return undefined
  const keys = Object.keys(actual as object)
  const overlap = candidates.map((sub) => {
    const ast = astOf(sub)
    return ast === undefined ? 0 : keysOfAst(ast).filter((k) => keys.includes(k)).length
  })
  const best = Math.max(...overlap)
  const winners = candidates.filter((_, i) => overlap[i] === best)
  return best > 0 && winners.length === 1 ? winners[0] : undefined
}
