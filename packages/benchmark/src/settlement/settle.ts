import type { Decimal } from "decimal.js"
import { dec, ONE, ZERO } from "../decimal.js"
import { derive, exactText, explained, quantity, type Derivation, type Explained } from "../derivation.js"
import { lossRateBoundProblems, problemError } from "../checks.js"
import { invalid } from "../errors.js"
import { formatFixed } from "../rounding.js"
import { validateBands } from "./bands.js"
import { lossSide, savingsSide } from "./sides.js"
import {
  advanceRecoupmentExact,
  corridorExact,
  lossGuardrailExact,
  OUTCOME_CODE,
  reducedSavingsExact,
  settledOutcomeExact,
  type GuardrailApplied,
  type SettledOutcome
} from "../compute/settlement.js"
import { corridorRate } from "./msr.js"
import type { SettlementTerms } from "./terms.js"

/** What one contract year is settled on. Money is TOTAL dollars for the year, not PMPM. */
export interface SettlementInput {
  /** Total benchmark B (benchmark PMPM × member months). */
  readonly benchmark: Decimal
  /** Total expenditure E. */
  readonly expenditure: Decimal
  /** Assigned members (MSSP: assigned beneficiaries), used by the variable MSR/MLR table. */
  readonly assignedMembers: Decimal
  /** Quality score in [0, 1]; drives quality-linked loss rates (MSSP ENHANCED). */
  readonly qualityScore: Decimal
  /** Scales the savings rate: 1 when the quality standard is met in full, the score under MSSP's alternative standard. */
  readonly qualityMultiplier: Decimal
  /** Failing the standard means no shared savings and the failed-quality loss rate. */
  readonly meetsQualityStandard: boolean
  /** ACO participant FFS revenue, for revenue-based loss limits (MSSP BASIC C–E). */
  readonly revenue?: Decimal
  /** Extreme and uncontrollable circumstances reduction (≤ 0), applied to owed losses after rate and limit (PUF DisAdj). */
  readonly disasterAdjustment?: Decimal
  /** How score, multiplier and standard were derived from the quality inputs (425.512), shown before the corridor. */
  readonly qualityDerivation?: Derivation
  /**
   * Advance investment payments (MSSP 42 CFR 425.630): `received` this year, `outstanding` carried
   * from earlier years (not yet recouped). Both are repaid out of this year's shared savings first.
   */
  readonly advance?: { readonly received: Decimal; readonly outstanding: Decimal }
  /**
   * MSSP loss guardrail (42 CFR 425.652(b)(5), agreement periods from 2024): the year's benchmark
   * recalculated with the two-way national-regional update only (no ACPT), total dollars like
   * `benchmark`. Used only when the terms are two-sided and losses qualify against `benchmark`:
   * E ≤ it → neither savings nor losses; it > `benchmark` → losses determined on it (MLR test,
   * basis, loss rate), the loss limit still a share of `benchmark`; otherwise no effect.
   */
  readonly guardrailBenchmark?: Decimal
}

/** The loss guardrail in a settled year (42 CFR 425.652(b)(5)): the recalculated benchmark and what it did. */
export interface GuardrailSettlement {
  /** B′: the benchmark recalculated with the two-way update only (no ACPT), total dollars. */
  readonly benchmark: Decimal
  /**
   * "none": no effect (terms one-sided, losses do not qualify against B, or B′ ≤ B);
   * "reduced": losses determined on B′ ((b)(5)(i); they may then fall inside the MLR and be none);
   * "neither": E ≤ B′, neither shared losses nor shared savings ((b)(5)(ii)).
   */
  readonly applied: GuardrailApplied
}

/** Advance investment payments in a settled year (425.630): what came in, what was owed at settlement, what the savings repaid, what is carried on. */
export interface AdvanceSettlement {
  readonly received: Decimal
  /** Carried from earlier years + received this year: what the year's savings repay first. */
  readonly outstanding: Decimal
  /** min(shared savings, outstanding). */
  readonly recouped: Decimal
  /** outstanding − recouped: carried to later years. */
  readonly balance: Decimal
}

/** One settled year: the gap, where it fell against the corridor, and what each side gets. Total dollars, exact. */
export interface Settlement {
  readonly benchmark: Decimal
  readonly expenditure: Decimal
  /** B − E: positive is savings. */
  readonly gross: Decimal
  /** (B − E) / B, PUF Sav_rate. */
  readonly savingsRate: Decimal
  readonly msr: Decimal
  /** Present for two-sided terms. */
  readonly mlr?: Decimal
  /**
   * Where the gap fell against the corridor: savings or losses qualify, or neither. This is what
   * was earned ("savings" even when failed quality pays nothing; CMS's GenSaveLoss sign); `settled`
   * says whether money moved. Under the loss guardrail it is the corridor against the benchmark
   * the losses were determined on: "none" when the guardrail leaves neither (`guardrail.applied`).
   */
  readonly outcome: "savings" | "loss" | "none"
  /**
   * What the year settled as: "savings paid" or "savings not paid", "loss owed" or "loss not owed",
   * "none", or "guardrail: neither" (42 CFR 425.652(b)(5)(ii)).
   */
  readonly settled: SettledOutcome
  /** Rate applied to the shared basis: savings rate × quality [× reduction] (PUF FinalShareRate), or the loss rate (FinalLossRate); 0 when nothing is shared. */
  readonly sharingRate: Decimal
  /** Savings below the MSR qualified at the reduced rate (425.605(h)); `outcome` is then "savings". */
  readonly reducedBelowMsr: boolean
  /** ≥ 0, after quality, sequestration and cap: what was earned, before any advance is recouped (PUF EarnSaveLoss). */
  readonly sharedSavings: Decimal
  /** ≥ 0, after rate, limit and disaster adjustment. */
  readonly sharedLosses: Decimal
  /** Present when the year carries advance investment payments (425.630). */
  readonly advance?: AdvanceSettlement
  /** Present when a guardrail benchmark was given (42 CFR 425.652(b)(5)); `gross` and `savingsRate` stay against B. */
  readonly guardrail?: GuardrailSettlement
  /** sharedSavings − sharedLosses (+ advance received − advance recouped). */
  readonly providerNet: Decimal
  /** gross − providerNet. */
  readonly payerNet: Decimal
  readonly savingsCapBinds: boolean
  readonly lossLimitBinds: boolean
}

const RULE = "settlement.settle"
const MSSP_ORDER = "42 CFR 425.605(d), 425.610; docs/model.md §9.9 (order reproduced from CMS PUF data)"

const pct = (rate: Decimal): string => `${exactText(rate.mul(100))} %`
const money = (value: Decimal): string => formatFixed(value, 2)

const requireRate = (field: string, value: Decimal, opts: { readonly below1?: boolean } = {}): void => {
  if (!value.isFinite() || value.lt(ZERO) || value.gt(ONE) || (opts.below1 === true && value.eq(ONE))) {
    throw invalid(RULE, field, `must be a rate in [0, 1${opts.below1 === true ? ")" : "]"} (got ${exactText(value)})`)
  }
}

const validateTerms = (terms: SettlementTerms): void => {
  if (terms.savingsRate.kind === "flat") requireRate("terms.savingsRate.rate", terms.savingsRate.rate)
  else validateBands(RULE, "terms.savingsRate.bands", terms.savingsRate.bands)
  if (terms.savingsCap !== undefined && (!terms.savingsCap.isFinite() || terms.savingsCap.lt(ZERO))) {
    throw invalid(RULE, "terms.savingsCap", `must be a share of the benchmark ≥ 0 (got ${exactText(terms.savingsCap)})`)
  }
  requireRate("terms.sequestration", terms.sequestration, { below1: true })
  if (terms.mlr !== undefined && terms.lossRate === undefined) {
    throw invalid(RULE, "terms.lossRate", `is required: "${terms.name}" has a minimum loss rate, so it is two-sided`)
  }
  if (terms.mlr === undefined && terms.lossRate !== undefined) {
    throw invalid(RULE, "terms.mlr", `is required: "${terms.name}" has a loss rate, so it is two-sided (give a fixed 0 for no corridor)`)
  }
  const lossRate = terms.lossRate
  if (lossRate?.kind === "flat") requireRate("terms.lossRate.rate", lossRate.rate)
  if (lossRate?.kind === "bands") validateBands(RULE, "terms.lossRate.bands", lossRate.bands)
  if (lossRate?.kind === "quality-linked") {
    requireRate("terms.lossRate.savingsRate", lossRate.savingsRate)
    requireRate("terms.lossRate.min", lossRate.min)
    requireRate("terms.lossRate.max", lossRate.max)
    requireRate("terms.lossRate.failedQuality", lossRate.failedQuality)
    const [inverted] = lossRateBoundProblems(lossRate)
    if (inverted) throw problemError(RULE, "terms.lossRate", inverted)
  }
  const reduced = terms.reducedBelowMsr
  if (reduced !== undefined) {
    requireRate("terms.reducedBelowMsr.factor", reduced.factor)
    if (!reduced.minAssigned.isFinite() || reduced.minAssigned.lt(ZERO)) {
      throw invalid(RULE, "terms.reducedBelowMsr.minAssigned", `must be a count ≥ 0 (got ${exactText(reduced.minAssigned)})`)
    }
    // Below the MSR the gap beyond the corridor is negative: 425.605(h) shares from the first dollar.
    if (terms.sharingBasis !== "first-dollar") throw invalid(RULE, "terms.reducedBelowMsr", `needs first-dollar sharing: below the MSR there is no gap beyond the corridor ("${terms.name}" shares beyond it)`)
  }
  for (const [field, share] of [
    ["terms.lossLimit.shareOfBenchmark", terms.lossLimit?.shareOfBenchmark],
    ["terms.lossLimit.shareOfRevenue", terms.lossLimit?.shareOfRevenue]
  ] as const) {
    if (share !== undefined && (!share.isFinite() || share.lt(ZERO))) throw invalid(RULE, field, `must be a share ≥ 0 (got ${exactText(share)})`)
  }
}

const validateInput = (input: SettlementInput): void => {
  if (!input.benchmark.isFinite() || input.benchmark.lte(ZERO)) throw invalid(RULE, "benchmark", `must be a total benchmark > 0 (got ${exactText(input.benchmark)})`)
  if (!input.expenditure.isFinite() || input.expenditure.lt(ZERO)) {
    throw invalid(RULE, "expenditure", `must be a total expenditure ≥ 0 (got ${exactText(input.expenditure)})`)
  }
  if (!input.assignedMembers.isFinite() || input.assignedMembers.lt(ZERO)) {
    throw invalid(RULE, "assignedMembers", `must be ≥ 0 (got ${exactText(input.assignedMembers)})`)
  }
  requireRate("qualityScore", input.qualityScore)
  requireRate("qualityMultiplier", input.qualityMultiplier)
  if (input.revenue !== undefined && (!input.revenue.isFinite() || input.revenue.lt(ZERO))) {
    throw invalid(RULE, "revenue", `must be ≥ 0 (got ${exactText(input.revenue)})`)
  }
  if (input.guardrailBenchmark !== undefined && (!input.guardrailBenchmark.isFinite() || input.guardrailBenchmark.lte(ZERO))) {
    throw invalid(RULE, "guardrailBenchmark", `must be a total benchmark > 0 (got ${exactText(input.guardrailBenchmark)})`)
  }
  if (input.disasterAdjustment !== undefined && (!input.disasterAdjustment.isFinite() || input.disasterAdjustment.gt(ZERO))) {
    throw invalid(RULE, "disasterAdjustment", `must be ≤ 0, a reduction of owed losses (got ${exactText(input.disasterAdjustment)})`)
  }
  for (const [field, amount] of [
    ["advance.received", input.advance?.received],
    ["advance.outstanding", input.advance?.outstanding]
  ] as const) {
    if (amount !== undefined && (!amount.isFinite() || amount.lt(ZERO))) throw invalid(RULE, field, `must be dollars ≥ 0 (got ${exactText(amount)})`)
  }
}

/** Why a year settled as it did, in words; for a qualifying year that moved no money, the first reason that explains it. */
const settledOutcomeNote = (
  settled: SettledOutcome,
  terms: SettlementTerms,
  input: SettlementInput,
  B: Decimal,
  gross: Decimal,
  msr: Decimal,
  mlr: Decimal | undefined,
  reducedFactor: Decimal | undefined,
  guardrail: GuardrailApplied
): string => {
  const beyondCorridor = terms.sharingBasis !== "first-dollar"
  const reduced = reducedFactor !== undefined
  switch (settled) {
    case "savings paid":
      return reduced ? "savings below the MSR qualify at the reduced rate (425.605(h)) and are paid" : "savings qualify and are paid"
    case "loss owed":
      return "losses qualify and are owed"
    case "none":
      return guardrail === "reduced"
        ? "losses do not qualify against the recalculated benchmark (inside the MLR): nothing paid or owed (425.652(b)(5)(i))"
        : "nothing qualifies: nothing paid or owed"
    case "guardrail: neither":
      return "loss guardrail: expenditure at or below the benchmark recalculated without the ACPT, neither shared losses nor shared savings (425.652(b)(5)(ii))"
    case "savings not paid": {
      const why = !input.meetsQualityStandard
        ? "the quality standard is not met"
        : terms.savingsCap?.isZero() === true
          ? "the savings cap is 0"
          : beyondCorridor && gross.lte(msr.mul(B))
            ? "the gap beyond the corridor is 0"
            : input.qualityMultiplier.isZero()
              ? "the quality multiplier is 0"
              : reducedFactor?.isZero() === true
                ? "the reduction factor below the MSR is 0"
                : "the sharing rate leaves nothing of the gap"
      return `savings earned but not paid: ${why}`
    }
    case "loss not owed": {
      const limit = terms.lossLimit?.shareOfBenchmark
      const why =
        limit?.isZero() === true || (terms.lossLimit?.shareOfRevenue?.isZero() === true && input.revenue !== undefined)
          ? "the loss limit is 0"
          : beyondCorridor && gross.neg().lte((mlr ?? ZERO).mul(B))
            ? "the loss beyond the corridor is 0"
            : input.disasterAdjustment !== undefined && !input.disasterAdjustment.isZero()
              ? "the disaster adjustment takes all of it"
              : "the loss rate leaves nothing of the gap"
      return `loss incurred but not owed: ${why}`
    }
  }
}

/** The guardrail step's note: what the recalculated benchmark B′ did to the year. */
const guardrailNote = (applied: GuardrailApplied, corridor: Settlement["outcome"], mlr: Decimal | undefined, B: Decimal, E: Decimal, Bp: Decimal, lossCorridor: Settlement["outcome"]): string => {
  switch (applied) {
    case "neither":
      return `expenditure ${money(E)} ≤ recalculated benchmark ${money(Bp)}: neither shared losses nor shared savings`
    case "reduced": {
      const over = E.sub(Bp)
      const threshold = `MLR × B′ = ${pct(mlr ?? ZERO)} × ${money(Bp)} = ${money((mlr ?? ZERO).mul(Bp))}`
      const shared = lossCorridor === "loss" ? `${money(over)} ≥ ${threshold}: losses qualify against it` : `${money(over)} < ${threshold}: losses do not qualify against it`
      return `E − B′ = ${money(over)} < E − B = ${money(E.sub(B))}: losses determined on the recalculated benchmark; ${shared}`
    }
    case "none":
      return mlr === undefined
        ? "one-sided terms: the loss guardrail does not apply"
        : corridor !== "loss"
          ? "losses do not qualify against the updated benchmark: the loss guardrail does not apply"
          : `recalculated benchmark ${money(Bp)} ≤ updated benchmark ${money(B)}: losses are not smaller against it, the updated benchmark stands`
  }
}

/**
 * Settle one year (docs/model.md §6; the order of operations of §9.9, reproduced from CMS data):
 * 1. gross = B − E, rate = gross / B.
 * 2. Corridor, inclusive: savings iff gross > 0 and rate ≥ MSR; losses iff two-sided, gross < 0 and −rate ≥ MLR.
 *    (Compared as gross ≥ MSR × B so that no division rounding can move a boundary.) With the
 *    terms' reducedBelowMsr (MSSP 425.605(h)), savings below the MSR still qualify when the year has
 *    the minimum assigned members and meets the quality standard (or its alternative).
 *    Loss guardrail (MSSP 425.652(b)(5)), when `guardrailBenchmark` B′ is given and losses qualify:
 *    E ≤ B′ settles on nothing ("guardrail: neither"); B′ > B determines the losses on B′ (the MLR
 *    test again, basis and rate), the loss limit staying a share of B.
 * 3. Basis: the whole gap (first dollar) or the gap beyond the corridor.
 * 4. Savings: basis × rate (or marginal bands) × quality multiplier [× reduction below the MSR] ×
 *    (1 − sequestration), then the cap (cap × B) — sequestration BEFORE the cap. Failing quality: nothing.
 * 5. Losses: basis × loss rate (flat, quality-linked or bands), limited to the least of
 *    share × B and share × revenue, then reduced by the disaster adjustment.
 * 6. Settled outcome: "savings paid" / "loss owed" only when money moves; a qualifying year that
 *    moves none is "savings not paid" / "loss not owed", with the reason.
 * 7. Advance investment payments (MSSP 425.630), when given: recouped = min(shared savings,
 *    outstanding); provider net counts the year's payment received and what was recouped.
 * Exact decimals throughout; callers round for display.
 */
export const settle = (terms: SettlementTerms, input: SettlementInput): Explained<Settlement> => {
  validateTerms(terms)
  validateInput(input)
  const B = input.benchmark
  const E = input.expenditure
  const gross = B.sub(E)
  const rate = gross.div(B)
  const steps: Derivation[] = []
  const notes: string[] = []

  steps.push(
    derive({
      rule: "settlement.gross",
      label: "Gross savings (+) or losses (−)",
      formula: "gross = B − E; rate = gross / B",
      inputs: [quantity("benchmark B", B, "money"), quantity("expenditure E", E, "money")],
      output: quantity("gross", gross, "money"),
      source: "42 CFR 425.605(a); PUF BnchmkMinExp, Sav_rate",
      notes: [`rate = ${pct(rate)}`]
    })
  )

  const msr = corridorRate(terms.msr, input.assignedMembers, "MSR")
  steps.push(msr.derivation)
  const mlr = terms.mlr === undefined ? undefined : corridorRate(terms.mlr, input.assignedMembers, "MLR")
  if (mlr) steps.push(mlr.derivation)

  if (input.qualityDerivation) steps.push(input.qualityDerivation)

  const corridor: Settlement["outcome"] = corridorExact(gross, B, msr.value, mlr?.value)
  const corridorNote =
    corridor === "savings"
      ? `savings rate ${pct(rate)} ≥ MSR ${pct(msr.value)}: savings qualify`
      : corridor === "loss"
        ? `loss rate ${pct(rate.neg())} ≥ MLR ${pct(mlr?.value ?? ZERO)}: losses qualify`
        : gross.gt(ZERO)
          ? terms.reducedBelowMsr !== undefined
            ? `savings rate ${pct(rate)} < MSR ${pct(msr.value)}: below the MSR, where only reduced shared savings can apply (425.605(h))`
            : `savings rate ${pct(rate)} < MSR ${pct(msr.value)}: inside the corridor, nothing shared`
          : gross.isZero()
            ? "no gap: nothing shared"
            : mlr === undefined
              ? "one-sided terms: losses are not shared"
              : `loss rate ${pct(rate.neg())} < MLR ${pct(mlr.value)}: inside the corridor, nothing shared`
  steps.push(
    derive({
      rule: "settlement.corridor",
      label: "Corridor test (inclusive)",
      formula: "savings iff gross > 0 and gross/B ≥ MSR; losses iff two-sided, gross < 0 and −gross/B ≥ MLR",
      inputs: [quantity("rate", rate, "rate"), quantity("MSR", msr.value, "rate"), ...(mlr ? [quantity("MLR", mlr.value, "rate")] : [])],
      output: quantity("qualifies (1 savings, −1 loss, 0 none)", corridor === "savings" ? ONE : corridor === "loss" ? ONE.neg() : ZERO, "count"),
      source: "42 CFR 425.605(b)(3)–(4), 425.610(b); docs/model.md §6",
      notes: [corridorNote]
    })
  )
  notes.push(corridorNote)

  // 425.652(b)(5): on the loss path, the benchmark recalculated without the ACPT.
  const guardrailBenchmark = input.guardrailBenchmark
  const guardrailApplied = lossGuardrailExact(corridor, B, E, guardrailBenchmark)
  let lossBenchmark = B
  let lossGross = gross
  let lossCorridor: Settlement["outcome"] = corridor
  if (guardrailBenchmark !== undefined) {
    if (guardrailApplied === "reduced") {
      lossBenchmark = guardrailBenchmark
      lossGross = guardrailBenchmark.sub(E)
      lossCorridor = corridorExact(lossGross, guardrailBenchmark, msr.value, mlr?.value)
    }
    const note = guardrailNote(guardrailApplied, corridor, mlr?.value, B, E, guardrailBenchmark, lossCorridor)
    steps.push(
      derive({
        rule: "settlement.guardrail",
        label: "Loss guardrail: benchmark recalculated without the ACPT",
        formula:
          "only if two-sided and E − B ≥ MLR × B: neither iff E ≤ B′; else losses on B′ (MLR test, basis, rate; limit on B) iff B′ > B; else unchanged",
        inputs: [
          quantity("updated benchmark B", B, "money"),
          quantity("recalculated benchmark B′", guardrailBenchmark, "money"),
          quantity("expenditure E", E, "money"),
          ...(mlr ? [quantity("MLR", mlr.value, "rate")] : [])
        ],
        output: quantity("applied (0 none, 1 losses on B′, 2 neither)", dec(guardrailApplied === "neither" ? 2 : guardrailApplied === "reduced" ? 1 : 0), "count"),
        source:
          "42 CFR 425.652(b)(5) (agreement periods from 2024: benchmark recalculated with the two-way blend of (b)(2); (i) losses on it when smaller, (ii) neither losses nor savings when expenditure is below it)",
        notes: [note]
      })
    )
    if (guardrailApplied !== "none") notes.push(`loss guardrail: ${note}`)
  }

  // 425.605(h): below the MSR, an eligible year still shares savings at a reduced rate.
  const reducedTerms = terms.reducedBelowMsr
  let reducedFactor: Decimal | undefined
  if (reducedTerms !== undefined && corridor === "none" && gross.gt(ZERO)) {
    const enough = input.assignedMembers.gte(reducedTerms.minAssigned)
    const qualifies = reducedSavingsExact(corridor, gross, enough && input.meetsQualityStandard)
    if (qualifies) reducedFactor = reducedTerms.factor
    const reducedNote = qualifies
      ? `below the MSR, reduced shared savings at ${pct(reducedTerms.factor)} of the sharing rate: ${exactText(input.assignedMembers)} assigned ≥ ${exactText(reducedTerms.minAssigned)}, quality standard met`
      : `below the MSR, no reduced shared savings: ${[
          ...(enough ? [] : [`${exactText(input.assignedMembers)} assigned < ${exactText(reducedTerms.minAssigned)}`]),
          ...(input.meetsQualityStandard ? [] : ["neither the quality standard nor its alternative met"])
        ].join("; ")}`
    steps.push(
      derive({
        rule: "settlement.reduced",
        label: "Reduced shared savings below the MSR",
        formula: "qualifies iff 0 < gross < MSR × B, assigned ≥ minimum and the quality standard (or its alternative) met",
        inputs: [
          quantity("gross", gross, "money"),
          quantity("assigned members", input.assignedMembers, "members"),
          quantity("minimum assigned", reducedTerms.minAssigned, "members"),
          quantity("reduction factor", reducedTerms.factor, "factor")
        ],
        output: quantity("qualifies (1 yes, 0 no)", qualifies ? ONE : ZERO, "count"),
        source: "42 CFR 425.605(h) (BASIC track, agreement periods from 2024, low revenue ACO, at least 5,000 assigned beneficiaries: one-half the final sharing rate)",
        notes: [reducedNote]
      })
    )
    notes.push(reducedNote)
  }
  const outcome: Settlement["outcome"] = reducedFactor !== undefined ? "savings" : guardrailApplied === "neither" ? "none" : lossCorridor

  const savings = outcome === "savings" ? savingsSide(terms, input, B, gross, msr.value, reducedFactor) : undefined
  const losses =
    outcome === "loss" && mlr !== undefined && terms.lossRate !== undefined
      ? lossSide(terms, terms.lossRate, input, lossBenchmark, lossGross, mlr.value, guardrailApplied === "reduced" ? B : undefined)
      : undefined
  for (const side of [savings, losses]) {
    if (side === undefined) continue
    steps.push(...side.steps)
    notes.push(...side.notes)
  }
  const sharedSavings = savings?.amount ?? ZERO
  const sharedLosses = losses?.amount ?? ZERO
  const sharingRate = savings?.sharingRate ?? losses?.sharingRate ?? ZERO
  const savingsCapBinds = savings?.binds ?? false
  const lossLimitBinds = losses?.binds ?? false
  if (losses === undefined && input.disasterAdjustment !== undefined && !input.disasterAdjustment.isZero()) {
    notes.push("no shared losses: the disaster adjustment does not apply")
  }

  const settled = settledOutcomeExact(outcome, sharedSavings, sharedLosses, guardrailApplied)
  const settledNote = settledOutcomeNote(settled, terms, input, lossBenchmark, lossGross, msr.value, mlr?.value, reducedFactor, guardrailApplied)
  steps.push(
    derive({
      rule: "settlement.outcome",
      label: "Settled outcome",
      formula: "paid iff savings qualify and shared savings > 0; owed iff losses qualify and shared losses > 0",
      inputs: [quantity("shared savings", sharedSavings, "money"), quantity("shared losses", sharedLosses, "money")],
      output: quantity(
        guardrailBenchmark === undefined
          ? "settled (2 savings paid, 1 not paid, 0 none, −1 loss not owed, −2 owed)"
          : "settled (2 savings paid, 1 not paid, 0 none, −1 loss not owed, −2 owed, −3 guardrail: neither)",
        ONE.mul(OUTCOME_CODE[settled]),
        "count"
      ),
      source: "docs/model.md §6",
      notes: [settledNote]
    })
  )
  if (settled === "savings not paid" || settled === "loss not owed" || settled === "guardrail: neither") notes.push(settledNote)

  let advance: AdvanceSettlement | undefined
  if (input.advance !== undefined) {
    const outstanding = input.advance.outstanding.add(input.advance.received)
    const { recouped, balance } = advanceRecoupmentExact(sharedSavings, outstanding)
    advance = { received: input.advance.received, outstanding, recouped, balance }
    const advanceNote = recouped.isZero()
      ? outstanding.isZero()
        ? "no advance outstanding"
        : `no shared savings: nothing recouped, ${money(balance)} carried forward`
      : balance.isZero()
        ? `advance repaid in full: ${money(recouped)} recouped, ${money(sharedSavings.sub(recouped))} of the savings paid`
        : `all ${money(recouped)} of the savings applied to the advance, ${money(balance)} carried forward`
    steps.push(
      derive({
        rule: "settlement.advance",
        label: "Advance investment payments recouped from shared savings",
        formula: "outstanding = carried + received; recouped = min(shared savings, outstanding); carried forward = outstanding − recouped",
        inputs: [
          quantity("carried from earlier years", input.advance.outstanding, "money"),
          quantity("received this year", input.advance.received, "money"),
          quantity("shared savings", sharedSavings, "money")
        ],
        output: quantity("recouped", recouped, "money"),
        source: "42 CFR 425.630(g)(1), (3) (recouped from shared savings until repaid in full, never more than the year's savings; the rest carried to later years)",
        notes: [advanceNote]
      })
    )
    if (!outstanding.isZero()) notes.push(advanceNote)
  }

  const providerNet = sharedSavings.sub(sharedLosses).add(advance ? advance.received.sub(advance.recouped) : ZERO)
  const payerNet = gross.sub(providerNet)
  steps.push(
    derive({
      rule: "settlement.net",
      label: "Provider and payer net",
      formula: advance
        ? "provider net = shared savings − shared losses + advance received − advance recouped; payer net = gross − provider net"
        : "provider net = shared savings − shared losses; payer net = gross − provider net",
      inputs: [
        quantity("shared savings", sharedSavings, "money"),
        quantity("shared losses", sharedLosses, "money"),
        ...(advance ? [quantity("advance received", advance.received, "money"), quantity("advance recouped", advance.recouped, "money")] : []),
        quantity("gross", gross, "money")
      ],
      output: quantity("payer net", payerNet, "money"),
      source: "docs/model.md §6"
    })
  )

  const value: Settlement = {
    benchmark: B,
    expenditure: E,
    gross,
    savingsRate: rate,
    msr: msr.value,
    ...(mlr ? { mlr: mlr.value } : {}),
    outcome,
    settled,
    sharingRate,
    reducedBelowMsr: reducedFactor !== undefined,
    sharedSavings,
    sharedLosses,
    ...(advance ? { advance } : {}),
    ...(guardrailBenchmark !== undefined ? { guardrail: { benchmark: guardrailBenchmark, applied: guardrailApplied } } : {}),
    providerNet,
    payerNet,
    savingsCapBinds,
    lossLimitBinds
  }
  return explained(
    value,
    derive({
      rule: RULE,
      label: `Settlement under ${terms.name}`,
      formula: `provider net = min(basis × rate × quality${reducedFactor !== undefined ? " × reduction" : ""} × (1 − seq), cap × B) − (min(basis${guardrailApplied === "reduced" ? " on B′" : ""} × loss rate, limit) + disaster adj.)${advance ? " + advance received − advance recouped" : ""}${guardrailApplied === "neither" ? "; loss guardrail: neither (0)" : ""}`,
      inputs: [
        quantity("benchmark B", B, "money"),
        quantity("expenditure E", E, "money"),
        quantity("assigned members", input.assignedMembers, "members"),
        quantity("quality score", input.qualityScore, "rate"),
        quantity("quality multiplier", input.qualityMultiplier, "factor"),
        ...(input.revenue !== undefined ? [quantity("revenue", input.revenue, "money")] : []),
        ...(input.disasterAdjustment !== undefined ? [quantity("disaster adjustment", input.disasterAdjustment, "money")] : []),
        ...(guardrailBenchmark !== undefined ? [quantity("recalculated benchmark B′ (loss guardrail)", guardrailBenchmark, "money")] : []),
        ...(advance ? [quantity("advance received", advance.received, "money"), quantity("advance carried in", input.advance!.outstanding, "money")] : [])
      ],
      output: quantity("provider net", providerNet, "money"),
      source: MSSP_ORDER,
      notes,
      steps
    })
  )
}
