import type { Decimal } from "decimal.js"
import type { ObservedGrowth, TrendPolicy, TrendSpec } from "./benchmarkTerms.js"
import { dec, ONE, ZERO, type DecimalInput } from "./decimal.js"
import { derive, explained, quantity, type Derivation, type Explained } from "./derivation.js"
import { problemError, trendRailProblems, weightSumProblems } from "./checks.js"
import { guardRateExact, trendFactorExact } from "./compute/trend.js"
import { invalid } from "./errors.js"

/**
 * Trend (docs/model.md §3.2): the growth rate g_t of calendar year t (t = the year grown INTO) and
 * the factor F(from → to) = Π_{t=from+1..to}(1 + g_t) that carries a PMPM from one year's
 * dollars to another's.
 */


const TREND_SOURCE = "docs/model.md §3.2 (trend policies: fixed, schedule, observed, blend; deduction, cap, floor)"
/** A blend is what MSSP's update is; other trends cite the model, not a regulation they need not follow. */
const BLEND_SOURCE = "42 CFR 425.652(a)(5), (b) (MSSP: national-regional blend; 2/3 two-way + 1/3 ACPT); docs/model.md §3.2"

const requireYear = (rule: string, field: string, year: number): void => {
  if (!Number.isInteger(year)) throw invalid(rule, field, `must be a whole calendar year, got ${year}`)
}

const requireRate = (rule: string, field: string, rate: Decimal): Decimal => {
  if (!rate.isFinite()) throw invalid(rule, field, "must be a finite number")
  if (rate.lte(-1)) throw invalid(rule, field, `must be greater than −1 (a rate of −100 % or less wipes out cost), got ${rate.toFixed()}`)
  return rate
}

const pct = (rate: Decimal): string => `${rate.mul(100).toFixed()} %`

const specRate = (spec: TrendSpec, year: number, observed: ObservedGrowth | undefined, field: string): Explained<Decimal> => {
  switch (spec.kind) {
    case "fixed": {
      const rate = requireRate("trend.fixed", `${field}.rate`, spec.rate)
      return explained(
        rate,
        derive({
          rule: "trend.fixed",
          label: `Fixed trend ${year}`,
          formula: "g_t = rate",
          inputs: [quantity("rate", rate, "rate")],
          output: quantity(`g ${year}`, rate, "rate")
        })
      )
    }
    case "schedule": {
      const scheduled = spec.rates.get(year)
      if (scheduled === undefined) {
        const covered = [...spec.rates.keys()].sort((a, b) => a - b)
        throw invalid(
          "trend.schedule",
          `${field}.rates[${year}]`,
          `is missing: the schedule has no rate for ${year} (it covers ${covered.length === 0 ? "no years" : covered.join(", ")})`
        )
      }
      const rate = requireRate("trend.schedule", `${field}.rates[${year}]`, scheduled)
      return explained(
        rate,
        derive({
          rule: "trend.schedule",
          label: `Scheduled trend ${year}`,
          formula: "g_t = schedule[t]",
          inputs: [quantity(`schedule ${year}`, rate, "rate")],
          output: quantity(`g ${year}`, rate, "rate")
        })
      )
    }
    case "observed": {
      if (!observed)
        throw invalid("trend.observed", "observed", `is missing: the ${spec.source} growth series is needed for ${year}`)
      const series = spec.source === "peers" ? observed.peers : observed.market
      const seen = series.get(year)
      if (seen === undefined)
        throw invalid("trend.observed", `observed.${spec.source}[${year}]`, `is missing: no realised ${spec.source} growth for ${year}`)
      const rate = requireRate("trend.observed", `observed.${spec.source}[${year}]`, seen)
      return explained(
        rate,
        derive({
          rule: "trend.observed",
          label: `Observed ${spec.source} growth ${year}`,
          formula: `g_t = realised risk-adjusted PMPM growth of the ${spec.source === "peers" ? "peer group" : "market"} in t`,
          inputs: [quantity(`${spec.source} growth ${year}`, rate, "rate")],
          output: quantity(`g ${year}`, rate, "rate")
        })
      )
    }
    case "blend": {
      const rule = "trend.blend"
      if (spec.parts.length === 0) throw invalid(rule, `${field}.parts`, "is empty: a blend needs at least one part")
      spec.parts.forEach((p, i) => {
        if (!p.weight.isFinite() || p.weight.lt(ZERO) || p.weight.gt(ONE))
          throw invalid(rule, `${field}.parts[${i}].weight`, `must be in [0, 1], got ${p.weight.toFixed()}`)
      })
      const [unbalanced] = weightSumProblems(spec.parts.map((p) => p.weight))
      if (unbalanced) throw problemError(rule, `${field}.parts`, unbalanced)
      const parts = spec.parts.map((p, i) => ({ weight: p.weight, rate: specRate(p.trend, year, observed, `${field}.parts[${i}]`) }))
      const rate = parts.reduce((acc, p) => acc.add(p.weight.mul(p.rate.value)), ZERO)
      return explained(
        rate,
        derive({
          rule,
          label: `Blended trend ${year}`,
          formula: "g_t = Σ w_j · g_t,j",
          inputs: parts.flatMap((p, i) => [
            quantity(`weight ${i + 1}`, p.weight, "weight"),
            quantity(`g ${year} part ${i + 1}`, p.rate.value, "rate")
          ]),
          output: quantity(`g ${year}`, rate, "rate"),
          source: BLEND_SOURCE,
          steps: parts.map((p) => p.rate.derivation)
        })
      )
    }
  }
}

const validateRails = (policy: TrendPolicy): void => {
  const rule = "trend.annualRate"
  for (const [name, value] of [
    ["deduction", policy.deduction],
    ["cap", policy.cap],
    ["floor", policy.floor]
  ] as const) {
    if (value !== undefined && !value.isFinite()) throw invalid(rule, name, "must be a finite number")
  }
  const [inverted] = trendRailProblems(policy)
  if (inverted) throw problemError(rule, "policy", inverted)
}

/**
 * The growth rate of calendar year `year` under a policy: the spec's rate (fixed, schedule,
 * observed, blend), then the deduction (g − d), then the cap and the floor.
 */
export const annualTrendRate = (policy: TrendPolicy, year: number, observed?: ObservedGrowth): Explained<Decimal> => {
  const rule = "trend.annualRate"
  requireYear(rule, "year", year)
  validateRails(policy)
  const base = specRate(policy.spec, year, observed, "spec")
  const guarded = guardRateExact(base.value, policy)
  const rate = guarded.rate
  const notes: Array<string> = []
  const inputs = [quantity(`g ${year} before guard rails`, base.value, "rate")]
  if (policy.deduction !== undefined) {
    inputs.push(quantity("deduction", policy.deduction, "rate"))
    notes.push(`deduction of ${pct(policy.deduction)} applied`)
  }
  if (policy.cap !== undefined) {
    inputs.push(quantity("cap", policy.cap, "rate"))
    notes.push(guarded.capBinds ? `cap binds: ${pct(guarded.afterDeduction)} limited to ${pct(policy.cap)}` : "cap does not bind")
  }
  if (policy.floor !== undefined) {
    inputs.push(quantity("floor", policy.floor, "rate"))
    const beforeFloor = guarded.capBinds ? policy.cap! : guarded.afterDeduction
    notes.push(guarded.floorBinds ? `floor binds: ${pct(beforeFloor)} raised to ${pct(policy.floor)}` : "floor does not bind")
  }
  requireRate(rule, `rate for ${year}`, rate)
  return explained(
    rate,
    derive({
      rule,
      label: `Trend rate ${year}`,
      formula: "g_t = min(cap, max(floor, g_spec,t − deduction))",
      inputs,
      output: quantity(`g ${year}`, rate, "rate"),
      source: TREND_SOURCE,
      notes,
      steps: [base.derivation]
    })
  )
}

/** F(from → to) = Π_{t=from+1..to}(1 + g_t); 1 when from = to. */
export const trendFactor = (policy: TrendPolicy, fromYear: number, toYear: number, observed?: ObservedGrowth): Explained<Decimal> => {
  const rule = "trend.factor"
  requireYear(rule, "fromYear", fromYear)
  requireYear(rule, "toYear", toYear)
  if (fromYear > toYear)
    throw invalid(rule, "fromYear", `(${fromYear}) must not be after toYear (${toYear}): trend only carries dollars forward`)
  const rates: Array<Explained<Decimal>> = []
  for (let t = fromYear + 1; t <= toYear; t++) rates.push(annualTrendRate(policy, t, observed))
  const factor = trendFactorExact(rates.map((r) => r.value))
  const steps: ReadonlyArray<Derivation> = rates.map((r) => r.derivation)
  return explained(
    factor,
    derive({
      rule,
      label: `Trend factor ${fromYear} → ${toYear}`,
      formula: "F = Π_{t=from+1..to} (1 + g_t)",
      inputs: rates.map((r, i) => quantity(`g ${fromYear + i + 1}`, r.value, "rate")),
      output: quantity(`F ${fromYear} → ${toYear}`, factor, "factor"),
      source: TREND_SOURCE,
      notes: fromYear === toYear ? ["same year: no growth, factor 1"] : [],
      steps
    })
  )
}

/** Guard rails a policy may carry (docs/model.md §3.2): deduction first, then cap and floor. */
export interface TrendGuardRails {
  readonly deduction?: DecimalInput
  readonly cap?: DecimalInput
  readonly floor?: DecimalInput
}

const withRails = (spec: TrendSpec, rails: TrendGuardRails | undefined): TrendPolicy => ({
  spec,
  ...(rails?.deduction !== undefined ? { deduction: dec(rails.deduction) } : {}),
  ...(rails?.cap !== undefined ? { cap: dec(rails.cap) } : {}),
  ...(rails?.floor !== undefined ? { floor: dec(rails.floor) } : {})
})

/** The same growth rate every year, e.g. `fixedTrend("0.03")` or `fixedTrend("0.05", { cap: "0.04" })`. */
export const fixedTrend = (rate: DecimalInput, rails?: TrendGuardRails): TrendPolicy =>
  withRails({ kind: "fixed", rate: dec(rate) }, rails)

/** A rate per calendar year, e.g. `scheduleTrend({ 2025: "0.045", 2026: "0.04" })`. */
export const scheduleTrend = (rates: Readonly<Record<number, DecimalInput>>, rails?: TrendGuardRails): TrendPolicy => {
  const map = new Map<number, Decimal>()
  for (const [key, rate] of Object.entries(rates)) {
    const year = Number(key)
    requireYear("trend.schedule", `rates[${key}]`, year)
    map.set(year, dec(rate))
  }
  return withRails({ kind: "schedule", rates: map }, rails)
}

/** The realised risk-adjusted PMPM growth of the peer group or the whole market (the engine supplies the series). */
export const observedTrend = (source: "peers" | "market", rails?: TrendGuardRails): TrendPolicy =>
  withRails({ kind: "observed", source }, rails)

/**
 * A weighted blend of trends, e.g. MSSP's `blendTrend([{ weight: 2/3, trend: twoWay }, { weight: 1/3, trend: acpt }])`.
 * Guard rails belong to the whole blend: a part that carries its own is refused, since a
 * TrendSpec part cannot hold them.
 */
export const blendTrend = (
  parts: ReadonlyArray<{ readonly weight: DecimalInput; readonly trend: TrendPolicy }>,
  rails?: TrendGuardRails
): TrendPolicy =>
  withRails(
    {
      kind: "blend",
      parts: parts.map((p, i) => {
        if (p.trend.deduction !== undefined || p.trend.cap !== undefined || p.trend.floor !== undefined)
          throw invalid("trend.blend", `parts[${i}].trend`, "carries its own deduction, cap or floor: put guard rails on the blend")
        return { weight: dec(p.weight), trend: p.trend.spec }
      })
    },
    rails
  )
