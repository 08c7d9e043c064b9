import { dec, ONE, ZERO } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { PARTICIPATION_DEFAULTS, type ScenarioBodyDocument } from "../scenario/schema.js"

/**
 * Who joins the programme in year 1 and who stays each later year (docs/market.md#participation).
 * A provider decides on its expected net payment rate over the horizon: Σ provider net ÷ Σ benchmark
 * over the contract years from the one decided, `horizon` of them at most, as the exact engine
 * projects them (expected values). Mandatory: always in. Threshold: in iff the rate reaches the
 * minimum. Logistic: in with chance 1 ÷ (1 + e^−(a + b·x)), x the rate in percent, a and b fixed
 * by the chances of exit at x = 0 and x = −1.
 */
export type ParticipationRule =
  | { readonly kind: "mandatory" }
  | { readonly kind: "threshold"; readonly horizon: number; readonly minimum: Decimal }
  | {
      readonly kind: "logistic"
      readonly horizon: number
      readonly exitAtZero: Decimal
      readonly exitAtMinusOnePoint: Decimal
      /** a = ln((1 − exitAtZero) ÷ exitAtZero). */
      readonly intercept: Decimal
      /** b = a − ln((1 − exitAtMinusOnePoint) ÷ exitAtMinusOnePoint), per percentage point of the rate. */
      readonly slope: Decimal
    }

const logit = (p: Decimal): Decimal => ONE.sub(p).div(p).ln()

/** The rule of a policy: its own participation section, else the calibrated logistic rule. */
export const participationRule = (body: ScenarioBodyDocument): ParticipationRule => {
  const given = body.participation
  if (given?.kind === "mandatory") return { kind: "mandatory" }
  if (given?.kind === "threshold") return { kind: "threshold", horizon: given.horizon, minimum: given.minimum }
  const exitAtZero = given?.exitAtZero ?? dec(PARTICIPATION_DEFAULTS.exitAtZero)
  const exitAtMinusOnePoint = given?.exitAtMinusOnePoint ?? dec(PARTICIPATION_DEFAULTS.exitAtMinusOnePoint)
  const intercept = logit(exitAtZero)
  return {
    kind: "logistic",
    horizon: given?.horizon ?? PARTICIPATION_DEFAULTS.horizon,
    exitAtZero,
    exitAtMinusOnePoint,
    intercept,
    slope: intercept.sub(logit(exitAtMinusOnePoint))
  }
}

/** The rule in words, as reports print it. */
export const describeRule = (rule: ParticipationRule): string => {
  switch (rule.kind) {
    case "mandatory":
      return "mandatory: every provider joins and stays"
    case "threshold":
      return `threshold: in while the expected net payment over ${rule.horizon} year${rule.horizon === 1 ? "" : "s"} is at least ${rule.minimum.mul(100).toFixed()} % of the benchmark`
    case "logistic":
      return `logistic over ${rule.horizon} year${rule.horizon === 1 ? "" : "s"}: exit ${rule.exitAtZero.mul(100).toFixed()} % at an expected net of 0, ${rule.exitAtMinusOnePoint.mul(100).toFixed()} % at −1 % of the benchmark (a = ${rule.intercept.toDecimalPlaces(4).toFixed(4)}, b = ${rule.slope.toDecimalPlaces(4).toFixed(4)} per point)`
  }
}

/** Expected net payment rate of the decision in contract year `index` (0-based): Σ net ÷ Σ benchmark over the horizon; 0 when the benchmark sums to 0. */
export const expectedNetRate = (
  rule: ParticipationRule,
  years: ReadonlyArray<{ readonly providerNet: Decimal; readonly benchmark: Decimal }>,
  index: number
): Decimal => {
  // Nothing is decided under a mandatory rule; its rate is shown over the default horizon, comparable with the others'.
  const horizon = rule.kind === "mandatory" ? PARTICIPATION_DEFAULTS.horizon : rule.horizon
  let net = ZERO
  let benchmark = ZERO
  for (let k = index; k < Math.min(years.length, index + horizon); k++) {
    net = net.add(years[k]!.providerNet)
    benchmark = benchmark.add(years[k]!.benchmark)
  }
  return benchmark.isZero() ? ZERO : net.div(benchmark)
}

/** Chance of being in (joining in year 1, staying later) at expected net payment rate `rate` (a share: 0.01 = 1 %). */
export const chanceIn = (rule: ParticipationRule, rate: Decimal): Decimal => {
  switch (rule.kind) {
    case "mandatory":
      return ONE
    case "threshold":
      return rate.gte(rule.minimum) ? ONE : ZERO
    case "logistic":
      return ONE.div(ONE.add(rule.intercept.add(rule.slope.mul(rate.mul(100))).neg().exp()))
  }
}

/**
 * Chance of being in the programme in each contract year: in year 1 the chance of joining, after
 * that the chance of the year before times the chance of staying (a provider that leaves does not
 * come back). With a threshold or mandatory rule every chance is 0 or 1.
 */
export const participationPath = (rule: ParticipationRule, rates: ReadonlyArray<Decimal>): ReadonlyArray<Decimal> => {
  const out: Array<Decimal> = []
  let inBefore = ONE
  for (const rate of rates) {
    inBefore = inBefore.mul(chanceIn(rule, rate))
    out.push(inBefore)
  }
  return out
}
