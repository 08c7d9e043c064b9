import type { Decimal } from "decimal.js"
import { min, ONE, ZERO } from "../decimal.js"
import { bandShareFloat } from "./bands.js"
import { TIE_TOLERANCE } from "./rounding.js"

/**
 * The arithmetic of a year's settlement once its rates are known (settle.ts finds the MSR,
 * MLR and loss rate, with their derivations, and explains every step below):
 * 1. gross = B − E; savings qualify iff gross > 0 and gross ≥ MSR × B; losses iff two-sided,
 *    gross < 0 and −gross ≥ MLR × B (inclusive corridor).
 * 2. Basis: the whole gap (first dollar) or the gap beyond the corridor.
 *    Below the MSR, savings still qualify at a reduced rate where the terms allow it (MSSP
 *    42 CFR 425.605(h)) and the year is eligible (enough assigned beneficiaries, quality met).
 * 3. Savings: basis × rate (or bands) × quality multiplier [× reduction factor] × (1 − sequestration),
 *    then at most cap × B; nothing when the quality standard is not met.
 * 4. Losses: basis × loss rate (or bands), at most the limit, then less the disaster adjustment (≥ 0).
 * 5. Settled outcome: the corridor's side, paid (owed) only when the shared amount is above zero.
 * 6. Advance investment payments (MSSP 42 CFR 425.630): repaid first out of the savings earned,
 *    recouped = min(earned, outstanding), the rest of the balance carried to later years.
 * 7. The loss guardrail (MSSP 42 CFR 425.652(b)(5)), when a recalculated benchmark B′ is given:
 *    a year whose losses qualify against B is settled on nothing when E ≤ B′, and its losses are
 *    determined on B′ (MLR test, basis, rate) when B′ > B; the loss limit stays a share of B.
 */
export type Outcome = "savings" | "loss" | "none"

/**
 * What a year settled as: where the gap fell against the corridor and whether money moved.
 * "savings not paid": savings qualified but nothing is paid (quality standard failed, a zero
 * share or quality multiplier, a zero cap, or a zero basis beyond the corridor);
 * "loss not owed": losses qualified but nothing is owed (a zero loss rate or limit, or a
 * disaster adjustment that takes all of it); "guardrail: neither": losses qualified against the
 * updated benchmark but expenditure is at or below the benchmark recalculated without the ACPT,
 * so the ACO neither shares losses nor earns savings (42 CFR 425.652(b)(5)(ii)).
 */
export type SettledOutcome = "savings paid" | "savings not paid" | "loss owed" | "loss not owed" | "none" | "guardrail: neither"

/**
 * The settled outcome as the float kernel writes it (SETTLED_OUTCOME): the sign is the side of
 * the corridor, 2 when money moved and 1 when it did not. P(shared savings) counts 2, P(shared
 * loss) −2. −3 marks the loss guardrail's "neither" (a year on the loss side of the updated
 * benchmark that settles on nothing, 425.652(b)(5)(ii)): a flag, compared by equality like the
 * others (it is not "more loss" than −2).
 */
export const OUTCOME_CODE: Record<SettledOutcome, number> = {
  "savings paid": 2,
  "savings not paid": 1,
  none: 0,
  "loss not owed": -1,
  "loss owed": -2,
  "guardrail: neither": -3
}

/**
 * What the loss guardrail (42 CFR 425.652(b)(5)) did to a year: nothing ("none": not given, not on
 * the loss path, or the recalculated benchmark is not above the updated one), losses determined on
 * the recalculated benchmark ("reduced", (b)(5)(i)), or neither savings nor losses ("neither", (b)(5)(ii)).
 */
export type GuardrailApplied = "none" | "reduced" | "neither"

/**
 * The loss guardrail's branch (42 CFR 425.652(b)(5)). It applies only to a year whose losses
 * qualify against the updated benchmark B (corridor "loss": two-sided terms, E − B ≥ MLR × B).
 * B′ is the benchmark recalculated with the two-way national-regional update (no ACPT):
 * E ≤ B′ → "neither"; otherwise B′ > B (so E − B′ < E − B) → "reduced"; otherwise "none".
 */
export const lossGuardrailExact = (corridor: Outcome, benchmark: Decimal, expenditure: Decimal, guardrailBenchmark: Decimal | undefined): GuardrailApplied =>
  corridor !== "loss" || guardrailBenchmark === undefined
    ? "none"
    : expenditure.lte(guardrailBenchmark)
      ? "neither"
      : guardrailBenchmark.gt(benchmark)
        ? "reduced"
        : "none"

/**
 * The settled outcome from the corridor's and the shared amounts: paid (owed) iff the amount is
 * above zero; "guardrail: neither" when the loss guardrail left nothing to share. With the
 * guardrail "reduced", `corridor` is the corridor against the recalculated benchmark.
 */
export const settledOutcomeExact = (corridor: Outcome, sharedSavings: Decimal, sharedLosses: Decimal, guardrail: GuardrailApplied = "none"): SettledOutcome =>
  guardrail === "neither"
    ? "guardrail: neither"
    : corridor === "savings"
      ? sharedSavings.gt(ZERO)
        ? "savings paid"
        : "savings not paid"
      : corridor === "loss"
        ? sharedLosses.gt(ZERO)
          ? "loss owed"
          : "loss not owed"
        : "none"

export const corridorExact = (gross: Decimal, benchmark: Decimal, msr: Decimal, mlr: Decimal | undefined): Outcome =>
  gross.gt(ZERO) && gross.gte(msr.mul(benchmark))
    ? "savings"
    : mlr !== undefined && gross.lt(ZERO) && gross.neg().gte(mlr.mul(benchmark))
      ? "loss"
      : "none"

/**
 * Reduced shared savings (42 CFR 425.605(h)): the corridor found no savings, yet spending is below
 * the benchmark (gross > 0) and the year is eligible (the terms allow it, at least the minimum
 * assigned beneficiaries, the quality standard or its alternative met). Below the MSR only: a year
 * that meets the MSR shares in full.
 */
export const reducedSavingsExact = (corridor: Outcome, gross: Decimal, eligible: boolean): boolean => corridor === "none" && eligible && gross.gt(ZERO)

/** The savings side after the corridor: the basis, what each step leaves, and whether the cap binds. */
export const sharedSavingsExact = (args: {
  readonly shared: Decimal
  readonly qualityMultiplier: Decimal
  /** 425.605(h) reduction of the final sharing rate (one-half); absent: none. */
  readonly reduction?: Decimal
  readonly sequestration: Decimal
  /** Share of B; absent when uncapped. */
  readonly cap: Decimal | undefined
  readonly benchmark: Decimal
}): {
  readonly afterQuality: Decimal
  readonly afterReduction: Decimal
  readonly afterSequestration: Decimal
  readonly cap?: Decimal
  readonly capBinds: boolean
  readonly sharedSavings: Decimal
} => {
  const afterQuality = args.shared.mul(args.qualityMultiplier)
  const afterReduction = args.reduction === undefined ? afterQuality : afterQuality.mul(args.reduction)
  const afterSequestration = afterReduction.mul(ONE.sub(args.sequestration))
  if (args.cap === undefined) return { afterQuality, afterReduction, afterSequestration, capBinds: false, sharedSavings: afterSequestration }
  const cap = args.cap.mul(args.benchmark)
  return { afterQuality, afterReduction, afterSequestration, cap, capBinds: afterSequestration.gt(cap), sharedSavings: min(afterSequestration, cap) }
}

/**
 * Advance investment payment recoupment (42 CFR 425.630(g)(1), (3)): CMS takes the advance back
 * out of the shared savings earned, never more than the year's savings, until nothing is
 * outstanding; what is left is carried to later years. `outstanding` includes this year's payments.
 */
export const advanceRecoupmentExact = (earned: Decimal, outstanding: Decimal): { readonly recouped: Decimal; readonly balance: Decimal } => {
  const recouped = min(earned, outstanding)
  return { recouped, balance: outstanding.sub(recouped) }
}

/** The float form of advanceRecoupmentExact: the amount recouped (the balance left is outstanding − recouped). */
export const advanceRecoupmentFloat = (earned: number, outstanding: number): number => (earned < outstanding ? earned : outstanding)

/** The loss side after the rate: the limit (the least applicable amount), then the disaster adjustment (≤ 0). */
export const sharedLossesExact = (
  shared: Decimal,
  limit: Decimal | undefined,
  disasterAdjustment: Decimal | undefined
): { readonly limited: Decimal; readonly limitBinds: boolean; readonly sharedLosses: Decimal } => {
  const limited = limit === undefined ? shared : min(shared, limit)
  const adjusted = disasterAdjustment === undefined ? limited : limited.add(disasterAdjustment)
  return { limited, limitBinds: limit !== undefined && shared.gt(limit), sharedLosses: adjusted.isNegative() ? ZERO : adjusted }
}

/** Float terms of one year: rates resolved (MSR/MLR at the year's members, loss rate at its quality). */
export interface SettlementYearFloat {
  readonly msr: number
  /** NaN for one-sided terms. */
  readonly mlr: number
  readonly firstDollar: boolean
  readonly meetsQuality: boolean
  readonly qualityMultiplier: number
  /** Flat savings rate; ignored when bands are given. */
  readonly savingsRate: number
  readonly savingsBands: { readonly from: Float64Array; readonly to: Float64Array; readonly share: Float64Array } | null
  /** Share of B; +Infinity when uncapped. */
  readonly savingsCap: number
  readonly sequestration: number
  /** Flat or quality-linked loss rate of the year; ignored when bands are given. */
  readonly lossRate: number
  readonly lossBands: { readonly from: Float64Array; readonly to: Float64Array; readonly share: Float64Array } | null
  /** Loss limit as a share of B; +Infinity when none. */
  readonly lossLimitShare: number
  /** Loss limit in dollars (share of revenue × revenue); +Infinity when none. The lesser limit applies. */
  readonly lossLimitAmount: number
  /** Extreme and uncontrollable circumstances reduction of owed losses (≤ 0; 0 when none). */
  readonly disasterAdjustment: number
  /**
   * 425.605(h): the factor on the sharing rate of savings below the MSR when the year is eligible
   * (terms allow it, enough assigned beneficiaries, quality met); NaN when it is not.
   */
  readonly reducedFactor: number
}

/**
 * Gross as the exact engine would see it: B and E come from products and sums in floats, so a
 * gap within TIE_TOLERANCE of B is a float rendering of zero (benchmark equal to cost), and a
 * gap within that distance of MSR × B sits on the corridor's boundary, which is inclusive.
 */
export const grossFloat = (benchmark: number, expenditure: number): number => {
  const gross = benchmark - expenditure
  return Math.abs(gross) <= TIE_TOLERANCE * (benchmark > expenditure ? benchmark : expenditure) ? 0 : gross
}

/** +1 savings, −1 losses, 0 neither (the exact corridor's inclusive test with TIE_TOLERANCE at the boundary). */
export const corridorFloat = (gross: number, benchmark: number, msr: number, mlr: number): number => {
  const tolerance = TIE_TOLERANCE * benchmark
  if (gross > 0 && gross >= msr * benchmark - tolerance) return 1
  if (mlr === mlr && gross < 0 && -gross >= mlr * benchmark - tolerance) return -1
  return 0
}

/** Shared savings of a year whose savings qualify (corridorFloat = 1), or below the MSR at the reduced rate (`reduction`, 425.605(h)). */
export const sharedSavingsFloat = (terms: SettlementYearFloat, benchmark: number, gross: number, reduction = 1): number => {
  if (!terms.meetsQuality) return 0
  const start = terms.firstDollar ? 0 : terms.msr
  const bands = terms.savingsBands
  const shared = bands
    ? bandShareFloat(bands.from, bands.to, bands.share, benchmark, gross, start)
    : (gross - start * benchmark) * terms.savingsRate
  const afterSequestration = shared * terms.qualityMultiplier * reduction * (1 - terms.sequestration)
  const cap = terms.savingsCap * benchmark
  return afterSequestration > cap ? cap : afterSequestration
}

/**
 * Shared losses of a year whose losses qualify (corridorFloat = −1). `benchmark` and `gross` are
 * what the losses are determined on (the recalculated benchmark B′ and B′ − E under the loss
 * guardrail, 425.652(b)(5)(i)); `limitBenchmark` is the updated benchmark the loss limit is a
 * share of (the same B unless the guardrail moved the losses onto B′).
 */
export const sharedLossesFloat = (terms: SettlementYearFloat, benchmark: number, gross: number, limitBenchmark = benchmark): number => {
  const start = terms.firstDollar ? 0 : terms.mlr
  const bands = terms.lossBands
  const shared = bands
    ? bandShareFloat(bands.from, bands.to, bands.share, benchmark, -gross, start)
    : (-gross - start * benchmark) * terms.lossRate
  const shareLimit = terms.lossLimitShare * limitBenchmark
  const limit = shareLimit < terms.lossLimitAmount ? shareLimit : terms.lossLimitAmount
  const limited = shared > limit ? limit : shared
  const owed = limited + terms.disasterAdjustment
  return owed < 0 ? 0 : owed
}

/** Where settleFloat writes a year's figures (a caller-owned scratch array of SETTLED_LENGTH). */
export const SETTLED_GROSS = 0
export const SETTLED_OUTCOME = 1
export const SETTLED_SAVINGS = 2
export const SETTLED_LOSSES = 3
export const SETTLED_LENGTH = 4

/**
 * An amount a float settlement shares, with a float rendering of zero taken as zero: a basis
 * beyond the corridor that the exact engine finds to be 0 at the edge comes out within
 * TIE_TOLERANCE × B of it (either sign) in floats.
 */
const paidFloat = (amount: number, benchmark: number): number => (amount > TIE_TOLERANCE * benchmark ? amount : 0)

const GUARDRAIL_NEITHER = OUTCOME_CODE["guardrail: neither"]

/**
 * Settle one year in floats into `into` (no allocation): gross, settled outcome code
 * (OUTCOME_CODE: ±2 paid or owed, ±1 qualified but nothing moved, 0 neither, −3 the loss
 * guardrail's neither), shared savings, shared losses.
 *
 * `guardrailBenchmark` (total dollars; NaN, the default, for none) is the benchmark recalculated
 * with the two-way update only (42 CFR 425.652(b)(5)), as lossGuardrailExact: on the loss path,
 * E ≤ B′ (within TIE_TOLERANCE) settles on nothing (−3); B′ > B determines the losses on B′
 * (corridor, basis, rate) with the limit still a share of B. Gross stays B − E.
 */
export const settleFloat = (terms: SettlementYearFloat, benchmark: number, expenditure: number, into: Float64Array, guardrailBenchmark = Number.NaN): void => {
  const gross = grossFloat(benchmark, expenditure)
  const corridor = corridorFloat(gross, benchmark, terms.msr, terms.mlr)
  // Below the MSR, an eligible year's savings still qualify at the reduced rate (425.605(h)).
  const reduced = corridor === 0 && gross > 0 && terms.reducedFactor === terms.reducedFactor
  let side = reduced ? 1 : corridor
  // 425.652(b)(5): on the loss path, the benchmark recalculated without the ACPT.
  let neither = false
  let lossBenchmark = benchmark
  let lossGross = gross
  if (side === -1 && guardrailBenchmark === guardrailBenchmark) {
    const recalculated = grossFloat(guardrailBenchmark, expenditure)
    if (recalculated >= 0) {
      neither = true
      side = 0
    } else if (guardrailBenchmark > benchmark) {
      lossBenchmark = guardrailBenchmark
      lossGross = recalculated
      side = corridorFloat(recalculated, guardrailBenchmark, terms.msr, terms.mlr)
    }
  }
  const savings = side === 1 ? paidFloat(sharedSavingsFloat(terms, benchmark, gross, reduced ? terms.reducedFactor : 1), benchmark) : 0
  const losses = side === -1 ? paidFloat(sharedLossesFloat(terms, lossBenchmark, lossGross, benchmark), lossBenchmark) : 0
  into[SETTLED_GROSS] = gross
  into[SETTLED_OUTCOME] = neither ? GUARDRAIL_NEITHER : side === 1 ? (savings > 0 ? 2 : 1) : side === -1 ? (losses > 0 ? -2 : -1) : 0
  into[SETTLED_SAVINGS] = savings
  into[SETTLED_LOSSES] = losses
}
