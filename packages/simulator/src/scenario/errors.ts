import { Data } from "effect"
// The dependency-free helpers, not numerals.js (which loads the rules): the CLI formats warnings at start-up.
import { clipText, escapeText, showText } from "./messageText.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * One problem in a scenario file (or a file it reads), addressed so a person can find it:
 * `file` as given, `path` in the document (`contract.baseline.weights`,
 * `experience[3].cost`, `line 5, cost` in a CSV, `line 2, column 4` for YAML syntax),
 * what was expected and what the file holds. `line` is the 1-based line of the YAML node
 * when known (for editors; the message does not repeat it).
 */
export interface ScenarioIssue {
  readonly file: string
  readonly path: string
  readonly expected: string
  readonly actual: string
  readonly message: string
  readonly line?: number
}

/** Longest line an issue prints (user text inside it is clipped well before this; this is the last guard). */
export const MAX_ISSUE_LINE = 600
/** Issues listed in a ScenarioError's message; the rest are counted (all of them stay in `issues`). */
export const MAX_LISTED_ISSUES = 100

/**
 * Renders one issue as the line users see: `file: path: message`. Always one line of bounded
 * length with no raw control characters, whatever the file holds: user text is escaped
 * (ESC shows as `\u001b`) and clipped with `…`.
 */
export const formatIssue = (issue: ScenarioIssue): string => {
  const file = showText(issue.file, 160)
  const line = issue.path === "" ? `${file}: ${issue.message}` : `${file}: ${issue.path}: ${issue.message}`
  return clipText(escapeText(line), MAX_ISSUE_LINE)
}

/**
 * A figure a scenario may hold but rarely does (an annual trend of 20 %, a risk score of 4):
 * addressed like an issue (`expected` is the usual range, `actual` the figure), reported beside
 * the scenario rather than refusing it. See docs/scenario-reference.md#plausibility-checks.
 */
export type ScenarioWarning = ScenarioIssue

/** A warning as users see it: `file: path: warning: message`, one line of bounded length, user text escaped. */
export const formatWarning = (warning: ScenarioWarning): string => {
  const file = showText(warning.file, 160)
  const line = warning.path === "" ? `${file}: warning: ${warning.message}` : `${file}: ${warning.path}: warning: ${warning.message}`
  return clipText(escapeText(line), MAX_ISSUE_LINE)
}

/**
 * Everything wrong with a scenario, all at once: schema errors, semantic checks, policy
 * overlays and CSV files. `message` lists every issue, one per line.
 */
export class ScenarioError extends Data.TaggedError("ScenarioError")<{
  readonly issues: ReadonlyArray<ScenarioIssue>
  readonly message: string
}> {}

export const scenarioError = (issues: ReadonlyArray<ScenarioIssue>): ScenarioError => {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map(formatIssue)
  const more = issues.length - listed.length
  if (more > 0) listed.push(`${showText(issues[0]?.file ?? "", 160)}: … and ${showCount(more)} more problems (${showCount(issues.length)} in all)`)
  return new ScenarioError({ issues, message: listed.join("\n") })
}

// ---------------------------------------------------------------- paths

export type PathSegment = string | number

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/

/** `contract.baseline.weights`, `experience[3].cost`, `projection.entities["Health System A"]`. */
export const formatPath = (segments: ReadonlyArray<PathSegment>): string =>
  segments.reduce<string>((acc, segment) => {
    if (typeof segment === "number") return `${acc}[${segment}]`
    const key = clipText(segment, 40)
    if (PLAIN_KEY.test(key)) return acc === "" ? key : `${acc}.${key}`
    return `${acc}[${escapeText(JSON.stringify(key))}]`
  }, "")

/** An issue before it is given its file and line: where, what was expected, what was found. */
export interface LocatedIssue {
  readonly path: ReadonlyArray<PathSegment>
  readonly expected: string
  readonly actual: string
  /** Set when the default "expected …, got …" is not the whole story. */
  readonly message?: string
}

export const located = (path: ReadonlyArray<PathSegment>, expected: string, actual: string, message?: string): LocatedIssue =>
  message === undefined ? { path, expected, actual } : { path, expected, actual, message }

export const toScenarioIssue = (
  file: string,
  issue: LocatedIssue,
  options?: { readonly prefix?: ReadonlyArray<PathSegment>; readonly line?: number; readonly renderPath?: (path: string) => string }
): ScenarioIssue => {
  const path = formatPath([...(options?.prefix ?? []), ...issue.path])
  const base = {
    file,
    path: options?.renderPath ? options.renderPath(path) : path,
    expected: issue.expected,
    actual: issue.actual,
    message: issue.message ?? `expected ${issue.expected}, got ${issue.actual}`
  }
  return options?.line === undefined ? base : { ...base, line: options.line }
}
