import { dec, ZERO, groupThousands } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import type { ExperienceEntry } from "./csv.js"
import { type LocatedIssue, type PathSegment, type ScenarioIssue, located } from "./errors.js"
import type { ScenarioBodyDocument, TrendPolicyDocument, TrendSpecDocument } from "./schema.js"

/**
 * Plausibility: figures a scenario may hold by its schema but that a person almost certainly did
 * not mean (an annual trend of 4.5, i.e. 450 %, typed for 4.5 %; a risk score of 100; one member
 * month) are errors, with a hint where the slip is a guess away; figures that are only unusual
 * (a 20 % trend) are warnings that name the figure and why it is unusual, and refuse nothing.
 * The bounds and their reasons are in docs/scenario-reference.md#plausibility-checks.
 */

/** Bounds of one kind of figure. A side left out is not checked. */
export interface Bounds {
  /** What the figure is, for messages: "an annual trend rate". */
  readonly what: string
  /** How the figure reads: a rate as a percentage a year, a score as is, money in dollars. */
  readonly unit: "rate" | "share" | "score" | "dollars" | "count"
  /** Refused below / above these. */
  readonly errorBelow?: Decimal
  readonly errorAbove?: Decimal
  /** Warned below / above these (inside the error bounds). */
  readonly warnBelow?: Decimal
  readonly warnAbove?: Decimal
  /** Why a figure beyond the warning bounds is unusual (a sentence without a final stop). */
  readonly why: string
  /** A likely intended figure for one beyond the error bounds ("0.045" for 4.5), if any. */
  readonly hint?: (value: Decimal) => string | undefined
}

const HUNDRED = dec(100)

/** "did you mean 0.045 (4.5 %)?" for a rate written as a percentage (4.5 for 4.5 %). */
const percentTyped = (value: Decimal): string | undefined =>
  value.abs().gte(1) ? `did you mean ${value.div(HUNDRED).toFixed()} (${value.toFixed()} %)? Rates are fractions: 0.04 = 4 %` : undefined

// The bounds (docs/scenario-reference.md#plausibility-checks gives the same table with its sources).
const SPENDING_GROWTH = "US health spending per person has grown by about 2–10 % a year since 1990 (CMS National Health Expenditure Accounts)"

export const TREND_RATE: Bounds = {
  what: "an annual trend rate",
  unit: "rate",
  errorBelow: dec("-0.5"),
  errorAbove: dec("0.5"),
  warnBelow: dec("-0.1"),
  warnAbove: dec("0.15"),
  why: SPENDING_GROWTH,
  hint: percentTyped
}

/** A cap only limits the trend: a high cap is loose, not unusual. */
const { warnAbove: _capWarns, ...trendCap } = TREND_RATE
const TREND_CAP: Bounds = { ...trendCap, what: "an annual trend cap" }
/** A floor only raises the trend: a low floor is loose, not unusual. */
const { warnBelow: _floorWarns, ...trendFloor } = TREND_RATE
const TREND_FLOOR: Bounds = { ...trendFloor, what: "an annual trend floor" }
const TREND_DEDUCTION: Bounds = { ...TREND_RATE, what: "an annual trend deduction" }

export const MEMBER_GROWTH: Bounds = {
  what: "an annual growth of member months",
  unit: "rate",
  errorBelow: dec("-0.5"),
  errorAbove: dec("1"),
  warnBelow: dec("-0.25"),
  warnAbove: dec("0.25"),
  why: "an organisation's members seldom change by a quarter in a year, let alone every year of a contract (that is a merger, not a trend)",
  hint: percentTyped
}

export const RISK_DRIFT: Bounds = {
  what: "an annual change of the risk score",
  unit: "rate",
  errorBelow: dec("-0.5"),
  errorAbove: dec("0.5"),
  warnBelow: dec("-0.1"),
  warnAbove: dec("0.1"),
  why: "average risk scores drift by a few percent a year (MSSP caps an ACO's risk-score growth at 3 % over a whole agreement period)",
  hint: percentTyped
}

export const RISK_SCORE: Bounds = {
  what: "an average risk score",
  unit: "score",
  errorBelow: dec("0.1"),
  errorAbove: dec("10"),
  warnBelow: dec("0.3"),
  warnAbove: dec("3"),
  why: "risk scores are normalised to 1 for an average population, and the average of a whole population seldom leaves 0.3–3",
  hint: (value) => {
    const scaled = value.div(HUNDRED)
    return value.gt(10) && scaled.gte("0.1") && scaled.lte(10) ? `did you mean ${scaled.toFixed()} (a score written as a percentage)?` : undefined
  }
}

export const DISCOUNT: Bounds = {
  what: "a benchmark discount",
  unit: "share",
  errorAbove: dec("0.3"),
  warnBelow: dec("-0.1"),
  warnAbove: dec("0.1"),
  why: "payers take a few percent off a benchmark (ACO REACH Global: 0.04 in PY2025) and add at most a few percent as a premium; beyond 10 % the discount, not the provider's cost, decides the settlement",
  hint: (value) => (value.gt("0.3") ? `did you mean ${value.div(HUNDRED).toFixed()} (${value.toFixed()} %)?` : undefined)
}

/** No error above: amounts up to 1e18 are allowed for exactness (docs: Limits), and a high PMPM misleads less than a zero one. */
export const PMPM: Bounds = {
  what: "a cost per member month (PMPM = cost ÷ member months)",
  unit: "dollars",
  errorBelow: dec("1"),
  warnBelow: dec("50"),
  warnAbove: dec("20000"),
  why: "a whole population costs roughly $200–$1,500 a month (Medicare fee-for-service about $1,000; dialysis patients about $8,000)",
  hint: (value) => (value.isZero() ? "a PMPM of $0 means no care was paid for at all" : "is cost in thousands of dollars?")
}

export const MEMBER_MONTHS: Bounds = {
  what: "member months",
  unit: "count",
  errorBelow: dec("12"),
  warnBelow: dec("1200"),
  why: "with fewer than 100 members chance alone moves a PMPM by about 17 % a year (memberCostSd 1.7 ÷ √100), and programs require far more (MSSP: 5,000 assigned beneficiaries)",
  hint: () => "one member for one year is 12 member months"
}

/** A group's or segment's row: only the refusal applies; the warning is judged on the entity's year. */
const { warnBelow: _partWarn, ...MEMBER_MONTHS_OF_A_PART } = MEMBER_MONTHS

// ---------------------------------------------------------------- judging one figure

const grouped = (text: string): string => {
  const [whole = "", fraction] = text.split(".")
  const sign = whole.startsWith("-") ? "-" : ""
  const digits = groupThousands(whole.replace("-", ""))
  return `${sign}${digits}${fraction === undefined ? "" : `.${fraction}`}`
}

/** A percentage to at most 4 significant digits: 450, 15, 0.5. */
const percent = (value: Decimal): string => `${grouped(value.mul(HUNDRED).toSignificantDigits(4).toFixed())} %`

const shown = (bounds: Bounds, value: Decimal): string => {
  switch (bounds.unit) {
    case "rate":
      return `${value.toFixed()} (${percent(value)} a year)`
    case "share":
      return `${value.toFixed()} (${percent(value)})`
    case "dollars":
      return `$${grouped(value.toDecimalPlaces(2).toFixed(2))}`
    case "count":
    case "score":
      return grouped(value.toFixed())
  }
}

const limit = (bounds: Bounds, value: Decimal): string =>
  bounds.unit === "rate" || bounds.unit === "share" ? `${value.toFixed()} (${percent(value)})` : bounds.unit === "dollars" ? `$${grouped(value.toFixed())}` : grouped(value.toFixed())

export interface Finding {
  readonly level: "error" | "warning"
  readonly expected: string
  readonly actual: string
  readonly message: string
}

/** An error beyond the error bounds, a warning beyond the warning bounds, or nothing. */
export const judge = (bounds: Bounds, value: Decimal): Finding | undefined => {
  const lowish = bounds.warnBelow !== undefined && value.lt(bounds.warnBelow)
  const highish = bounds.warnAbove !== undefined && value.gt(bounds.warnAbove)
  const low = bounds.errorBelow !== undefined && value.lt(bounds.errorBelow)
  const high = bounds.errorAbove !== undefined && value.gt(bounds.errorAbove)
  if (!lowish && !highish && !low && !high) return undefined
  const actual = shown(bounds, value)
  if (low || high) {
    const expected = high ? `${bounds.what} of at most ${limit(bounds, bounds.errorAbove!)}` : `${bounds.what} of at least ${limit(bounds, bounds.errorBelow!)}`
    const hint = bounds.hint?.(value)
    return { level: "error", expected, actual, message: `expected ${expected}, got ${actual}${hint === undefined ? "" : `; ${hint}`}` }
  }
  const side = highish ? `above ${limit(bounds, bounds.warnAbove!)}` : `below ${limit(bounds, bounds.warnBelow!)}`
  const expected = highish ? `${bounds.what} of at most ${limit(bounds, bounds.warnAbove!)}` : `${bounds.what} of at least ${limit(bounds, bounds.warnBelow!)}`
  return { level: "warning", expected, actual, message: `${actual} is unusual for ${bounds.what}, ${side}: ${bounds.why}` }
}

// ---------------------------------------------------------------- the scenario's figures

/** The row an issue is about: `experience[3]` of `experience[3].year`, `line 5` of `line 5, entity`. */
const ROW_OF_ISSUE = /^(.*\[\d+\]|line \d+)(?:\.[A-Za-z]+|, .*)?$/

/** Whether an experience row is among those the issues point at (same file, same row). */
export const rowsRefusedBy = (issues: ReadonlyArray<ScenarioIssue>): ((entry: ExperienceEntry) => boolean) => {
  if (issues.length === 0) return () => false
  const rows = new Set(issues.map((issue) => `${issue.file}\u0000${ROW_OF_ISSUE.exec(issue.path)?.[1] ?? issue.path}`))
  return (entry) => rows.has(`${entry.origin.file}\u0000${entry.origin.path}`)
}

/** What the plausibility checks found: errors refuse the scenario, warnings are reported beside it. */
export interface Plausibility {
  readonly errors: ReadonlyArray<LocatedIssue>
  readonly warnings: ReadonlyArray<LocatedIssue>
  /** Findings on experience rows, addressed to the row's origin (scenario file or CSV line). */
  readonly rowErrors: ReadonlyArray<ScenarioIssue>
  readonly rowWarnings: ReadonlyArray<ScenarioIssue>
}

/**
 * Checks the figures of a (partly) decoded scenario body and its experience rows; a section that
 * did not decode is skipped, and so is a row `refused` already holds (a duplicate, a row in a
 * contract year: fix the row first, its figures may go with it).
 */
export const checkPlausibility = (
  body: Partial<ScenarioBodyDocument>,
  experience: ReadonlyArray<ExperienceEntry> | undefined,
  refused: (entry: ExperienceEntry) => boolean = () => false
): Plausibility => {
  const errors: Array<LocatedIssue> = []
  const warnings: Array<LocatedIssue> = []
  const rowErrors: Array<ScenarioIssue> = []
  const rowWarnings: Array<ScenarioIssue> = []
  const check = (path: ReadonlyArray<PathSegment>, bounds: Bounds, value: Decimal | undefined | null): void => {
    if (value === undefined || value === null) return
    const found = judge(bounds, value)
    if (found === undefined) return
    ;(found.level === "error" ? errors : warnings).push({ path, expected: found.expected, actual: found.actual, message: found.message })
  }
  const checkPerYear = (path: ReadonlyArray<PathSegment>, bounds: Bounds, value: Decimal | ReadonlyArray<Decimal> | undefined): void => {
    if (Array.isArray(value)) value.forEach((v: Decimal, k: number) => check([...path, k], bounds, v))
    else check(path, bounds, value as Decimal | undefined)
  }
  const checkSpec = (path: ReadonlyArray<PathSegment>, spec: TrendSpecDocument): void => {
    switch (spec.kind) {
      case "fixed":
        return check([...path, "rate"], TREND_RATE, spec.rate)
      case "schedule":
        return Object.entries(spec.rates).forEach(([year, rate]) => check([...path, "rates", year], TREND_RATE, rate))
      case "observed":
        return
      case "blend":
        return spec.parts.forEach((part, i) => checkSpec([...path, "parts", i, "trend"], part.trend))
    }
  }
  const checkTrend = (path: ReadonlyArray<PathSegment>, trend: TrendPolicyDocument | undefined): void => {
    if (trend === undefined) return
    checkSpec(path, trend)
    check([...path, "deduction"], TREND_DEDUCTION, trend.deduction)
    check([...path, "cap"], TREND_CAP, trend.cap)
    check([...path, "floor"], TREND_FLOOR, trend.floor)
  }

  const { benchmark, schedule, projection } = body
  if (benchmark !== undefined) {
    checkTrend(["benchmark", "trend"], benchmark.trend)
    checkTrend(["benchmark", "historicalTrend"], benchmark.historicalTrend)
    checkPerYear(["benchmark", "discount"], DISCOUNT, benchmark.discount)
  }
  // A term that can never act: accepted, but named. (A savings credit without rebasing is not named:
  // a base scenario commonly carries the credit for the policies that rebase.)
  let sided = benchmark?.peerWeightBySide !== undefined
  schedule?.forEach((entry, i) => {
    if (entry.benchmark?.peerWeightBySide !== undefined) sided = entry.benchmark.peerWeightBySide !== null
    if (entry.benchmark?.providerWeight !== undefined && sided) {
      warnings.push(
        located(
          ["schedule", i, "benchmark", "providerWeight"],
          "no providerWeight while peer weights by side are in force, or peerWeightBySide: null beside it",
          entry.benchmark.providerWeight.toFixed(),
          "this provider weight has no effect: peer weights by side are in force in these years and take precedence"
        )
      )
    }
    checkTrend(["schedule", i, "benchmark", "trend"], entry.benchmark?.trend)
    check(["schedule", i, "benchmark", "discount"], DISCOUNT, entry.benchmark?.discount)
  })
  if (projection !== undefined) {
    checkPerYear(["projection", "marketTrend"], TREND_RATE, projection.marketTrend)
    check(["projection", "default", "memberGrowth"], MEMBER_GROWTH, projection.default?.memberGrowth)
    check(["projection", "default", "riskDrift"], RISK_DRIFT, projection.default?.riskDrift)
    for (const [entity, terms] of Object.entries(projection.entities ?? {})) {
      check(["projection", "entities", entity, "memberGrowth"], MEMBER_GROWTH, terms.memberGrowth)
      check(["projection", "entities", entity, "riskDrift"], RISK_DRIFT, terms.riskDrift)
    }
  }

  // A row of a group or segment is part of its entity: a small part (an ACO's ESRD members) is normal,
  // so the too-few-members warning is judged on the entity's year, at its first row.
  const partTotals = new Map<string, { first: ExperienceEntry; memberMonths: Decimal }>()
  const rowFinding = ({ origin }: ExperienceEntry, field: string, bounds: Bounds, value: Decimal) => {
    const found = judge(bounds, value)
    if (found === undefined) return
    ;(found.level === "error" ? rowErrors : rowWarnings).push({
      file: origin.file,
      path: origin.field(field),
      expected: found.expected,
      actual: found.actual,
      message: found.message,
      ...(origin.line === undefined ? {} : { line: origin.line })
    })
  }
  for (const entry of experience ?? []) {
    if (refused(entry)) continue
    const { row } = entry
    const part = row.group !== undefined || row.segment !== undefined
    rowFinding(entry, "memberMonths", part ? MEMBER_MONTHS_OF_A_PART : MEMBER_MONTHS, row.memberMonths)
    if (part) {
      const key = `${row.entity}\u0000${row.year}`
      const total = partTotals.get(key)
      partTotals.set(key, { first: total?.first ?? entry, memberMonths: (total?.memberMonths ?? ZERO).add(row.memberMonths) })
    }
    // A PMPM over member months already refused would repeat the same slip. Half a million rows are
    // judged by multiplying (dividing costs twice as much); the PMPM is worked out only when outside the usual range.
    if (!row.memberMonths.lt(MEMBER_MONTHS.errorBelow!) && !(row.cost.gte(row.memberMonths.mul(PMPM.warnBelow!)) && row.cost.lte(row.memberMonths.mul(PMPM.warnAbove!)))) {
      rowFinding(entry, "cost", PMPM, row.cost.div(row.memberMonths))
    }
    rowFinding(entry, "riskScore", RISK_SCORE, row.riskScore)
  }
  for (const { first, memberMonths } of partTotals.values()) {
    const found = judge(MEMBER_MONTHS, memberMonths)
    if (found?.level === "warning")
      rowWarnings.push({
        file: first.origin.file,
        path: first.origin.field("memberMonths"),
        expected: found.expected,
        actual: found.actual,
        message: `${found.message} (the sum of ${first.row.entity}'s ${first.row.year} rows, its groups or segments)`,
        ...(first.origin.line === undefined ? {} : { line: first.origin.line })
      })
  }
  return { errors, warnings, rowErrors, rowWarnings }
}
