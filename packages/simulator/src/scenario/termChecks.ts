import { Decimal } from "decimal.js"
import { Either } from "effect"
import { lossRateBoundProblems, qualityInputProblems } from "@pbpsim/benchmark"
import { type LocatedIssue, type PathSegment, located } from "./errors.js"
import { settlementInForce } from "./schedule.js"
import { settlementTerms } from "./terms.js"
import type { ScenarioBodyDocument, SettlementDocument } from "./schema.js"
import { checkBands, checkTrend, perYearIssue } from "./validate.js"

/**
 * Checks of the terms that can change by contract year, in the base benchmark and in every
 * schedule entry: a demographic change needs the cap it adds to, and an equity add-on's two
 * groups cannot hold more than all members.
 */
const checkYearBenchmark = (
  path: ReadonlyArray<PathSegment>,
  benchmark: { readonly risk?: { readonly capUp?: Decimal | null; readonly demographicChange?: Decimal | null }; readonly equityAddOn?: { readonly upShare: Decimal; readonly downShare?: Decimal } | null },
  add: (issue: LocatedIssue | undefined) => void
): void => {
  const risk = benchmark.risk
  if (risk?.demographicChange != null && (risk.capUp === undefined || risk.capUp === null)) {
    add(located([...path, "risk", "capUp"], "an upward cap for demographicChange to add to (MSSP 2024+: capUp 0.03)", "nothing"))
  }
  const addOn = benchmark.equityAddOn
  if (addOn && addOn.upShare.add(addOn.downShare ?? 0).gt(1)) {
    add(located([...path, "equityAddOn"], "upShare + downShare at most 1 (the two groups are parts of the same members)", `${addOn.upShare.add(addOn.downShare ?? 0).toFixed()}`))
  }
}

/**
 * The parts of settlement terms, in the base or in a schedule entry (`path` is where they stand):
 * bands in order, quality-linked loss bounds, per-year lists one per contract year, quality given
 * one way. A schedule entry's settlement holds the same fields, none required.
 */
export const checkSettlementParts = (
  path: ReadonlyArray<PathSegment>,
  terms: Partial<SettlementDocument>,
  years: number | undefined,
  add: (issue: LocatedIssue | undefined) => void
): void => {
  if (terms.savingsRate !== undefined && !Decimal.isDecimal(terms.savingsRate)) checkBands([...path, "savingsRate", "bands"], terms.savingsRate.bands, add)
  const lossRate = terms.lossRate
  if (lossRate !== undefined && lossRate !== null && !Decimal.isDecimal(lossRate)) {
    if ("bands" in lossRate) checkBands([...path, "lossRate", "bands"], lossRate.bands, add)
    else lossRateBoundProblems(lossRate.qualityLinked).forEach((p) => add(located([...path, "lossRate", "qualityLinked", ...p.path], p.expected, p.got)))
  }
  if (years !== undefined) {
    add(perYearIssue([...path, "quality"], terms.quality, years, "quality entries"))
    add(perYearIssue([...path, "participantRevenue"], terms.participantRevenue, years, "revenues"))
    add(perYearIssue([...path, "assignedBeneficiaries"], terms.assignedBeneficiaries, years, "counts"))
    add(perYearIssue([...path, "advanceInvestment"], terms.advanceInvestment, years, "payments"))
  }
  checkQuality([...path, "quality"], terms.quality, add)
}

/** Each quality entry is given by hand or from the standard's inputs (42 CFR 425.512), not both (qualityInputProblems). */
export const checkQuality = (path: ReadonlyArray<PathSegment>, quality: SettlementDocument["quality"] | undefined, add: (issue: LocatedIssue | undefined) => void): void => {
  if (quality === undefined) return
  const entries: ReadonlyArray<readonly [ReadonlyArray<PathSegment>, Exclude<SettlementDocument["quality"], ReadonlyArray<unknown>>]> = Array.isArray(quality)
    ? quality.map((q, i) => [[...path, i], q] as const)
    : [[path, quality as Exclude<SettlementDocument["quality"], ReadonlyArray<unknown>>]]
  for (const [at, q] of entries) qualityInputProblems(q).forEach((p) => add(located([...at, ...p.path], p.expected, p.got)))
}

export const checkYearTerms = (body: Partial<ScenarioBodyDocument>, add: (issue: LocatedIssue | undefined) => void): void => {
  if (body.benchmark) checkYearBenchmark(["benchmark"], body.benchmark, add)
  body.schedule?.forEach((entry, i) => {
    if (entry.benchmark) checkYearBenchmark(["schedule", i, "benchmark"], entry.benchmark, add)
  })
}

/**
 * Checks of a schedule (terms by contract year) that its schema cannot make: entries in
 * ascending fromYear inside the contract, per-year lists of the right length, the trends'
 * years covered, and settlement terms that resolve once each entry has applied (a year-3
 * entry that adds an MLR without a loss rate is reported at that entry).
 */
export const checkSchedule = (body: Partial<ScenarioBodyDocument>, add: (issue: LocatedIssue | undefined) => void): void => {
  const { schedule, contract, settlement } = body
  if (schedule === undefined || schedule === null) return
  schedule.forEach((entry, i) => {
    const at = (...path: ReadonlyArray<PathSegment>): ReadonlyArray<PathSegment> => ["schedule", i, ...path]
    const previous = schedule[i - 1]
    if (previous !== undefined && entry.fromYear <= previous.fromYear) {
      add(located(at("fromYear"), `a contract year after the previous entry's ${previous.fromYear} (entries in ascending order)`, `${entry.fromYear}`))
    }
    if (contract !== undefined && entry.fromYear > contract.years) {
      add(located(at("fromYear"), `a contract year from 1 to ${contract.years} (the contract's length)`, `${entry.fromYear}`))
    }
    const trend = entry.benchmark?.trend
    if (trend !== undefined && contract !== undefined) {
      const last = contract.baseline.years[contract.baseline.years.length - 1] ?? contract.startYear - 1
      const end = contract.startYear + contract.years - 1
      const years = Array.from({ length: Math.max(0, end - last) }, (_, j) => last + 1 + j)
      checkTrend(at("benchmark", "trend"), trend, years, "", add)
    }
    const guardrail = entry.benchmark?.lossGuardrail
    if (guardrail && contract !== undefined) {
      const last = contract.baseline.years[contract.baseline.years.length - 1] ?? contract.startYear - 1
      const end = contract.startYear + contract.years - 1
      checkTrend(at("benchmark", "lossGuardrail", "trend"), guardrail.trend, Array.from({ length: Math.max(0, end - last) }, (_, j) => last + 1 + j), "", add)
    }
    if (entry.settlement !== undefined) checkSettlementParts(at("settlement"), entry.settlement, contract?.years, add)
  })
  // Terms that fail already in the base are reported there, not again at every entry.
  if (settlement === undefined || Either.isLeft(settlementTerms(settlement))) return
  settlementInForce(settlement, schedule).forEach(({ terms }, i) => {
    if (schedule[i]?.settlement === undefined) return
    if (Either.isLeft(terms)) for (const issue of terms.left) add({ ...issue, path: ["schedule", i, "settlement", ...issue.path] })
  })
}

/**
 * National per-capita figures must cover every year a benchmark can be referenced to: the last
 * baseline year, and under any rebasing each year before a contract year.
 */
export const checkNationalPerCapita = (body: Partial<ScenarioBodyDocument>, add: (issue: LocatedIssue | undefined) => void): void => {
  const { benchmark, contract } = body
  const national = benchmark?.nationalPerCapita
  if (national === undefined || contract === undefined) return
  const last = contract.baseline.years[contract.baseline.years.length - 1] ?? contract.startYear - 1
  const rebasing = benchmark!.rebasing
  // A rebase in contract year k (k ≥ 2) references the year before it: startYear + k − 2.
  const rebaseYears = Array.from({ length: Math.max(0, contract.years - 1) }, (_, i) => i + 2).filter(
    (k) => rebasing.kind !== "none" && (rebasing.kind !== "periodic" || (k - 1) % rebasing.every === 0)
  )
  const later = rebaseYears.map((k) => contract.startYear + k - 2)
  const needed = [last, ...later.filter((y) => y !== last)]
  const absent = needed.filter((year) => national[String(year)] === undefined)
  if (absent.length > 0) {
    add(located(["benchmark", "nationalPerCapita"], `a figure for every reference year (${needed.join(", ")})`, `none for ${absent.join(", ")}`))
  }
}
