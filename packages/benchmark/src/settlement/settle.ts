import type { Decimal } from "decimal.js"
import { clamp, max, min, ONE, ZERO } from "../decimal.js"
import { derive, exactText, explained, quantity, type Derivation, type Explained } from "../derivation.js"
import { invalid } from "../errors.js"
import { formatFixed } from "../rounding.js"
import { marginalBandShare, shareByBands, validateBands } from "./bands.js"
import { corridorRate } from "./msr.js"
import type { LossRate, SavingsRate, SettlementTerms } from "./terms.js"

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
}

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
  /** Where the gap fell against the corridor ("savings" even when failed quality pays nothing). */
  readonly outcome: "savings" | "loss" | "none"
  /** Rate applied to the shared basis: savings rate × quality (PUF FinalShareRate), or the loss rate (FinalLossRate); 0 when nothing is shared. */
  readonly sharingRate: Decimal
  /** ≥ 0, after quality, sequestration and cap. */
  readonly sharedSavings: Decimal
  /** ≥ 0, after rate, limit and disaster adjustment. */
  readonly sharedLosses: Decimal
  /** sharedSavings − sharedLosses. */
  readonly providerNet: Decimal
  /** gross − providerNet. */
  readonly payerNet: Decimal
  readonly savingsCapBinds: boolean
  readonly lossLimitBinds: boolean
}

const RULE = "settlement.settle"
const MSSP_ORDER = "42 CFR 425.605(d), 425.610; methodology.md §1.11 (order reproduced from CMS PUF data)"

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
    if (lossRate.min.gt(lossRate.max)) throw invalid(RULE, "terms.lossRate", `min ${exactText(lossRate.min)} exceeds max ${exactText(lossRate.max)}`)
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
  if (input.disasterAdjustment !== undefined && (!input.disasterAdjustment.isFinite() || input.disasterAdjustment.gt(ZERO))) {
    throw invalid(RULE, "disasterAdjustment", `must be ≤ 0, a reduction of owed losses (got ${exactText(input.disasterAdjustment)})`)
  }
}

interface Shared {
  readonly amount: Decimal
  /** amount / basis, or the marginal rate when the basis is 0. */
  readonly rate: Decimal
  readonly derivation: Derivation
}

/** Share a gap at a flat rate or through bands; `gapRate` = |gap|/B, sharing starts at `startRate`. */
const shareGap = (args: {
  readonly side: "savings" | "loss"
  readonly sharing: SavingsRate | { readonly kind: "flat"; readonly rate: Decimal; readonly why: Derivation }
  readonly benchmark: Decimal
  readonly gapRate: Decimal
  readonly startRate: Decimal
  readonly basis: Decimal
  readonly source: string
}): Shared => {
  const rule = `settlement.${args.side}.shared`
  const label = args.side === "savings" ? "Savings shared before quality, sequestration and cap" : "Losses shared before the loss limit"
  if (args.sharing.kind === "bands") {
    const banded = shareByBands({
      rule,
      label,
      bands: args.sharing.bands,
      benchmark: args.benchmark,
      gapRate: args.gapRate,
      startRate: args.startRate,
      source: args.source
    })
    const rate = args.basis.isZero() ? marginalBandShare(args.sharing.bands, args.startRate) : banded.value.shared.div(args.basis)
    return { amount: banded.value.shared, rate, derivation: banded.derivation }
  }
  const amount = args.basis.mul(args.sharing.rate)
  return {
    amount,
    rate: args.sharing.rate,
    derivation: derive({
      rule,
      label,
      formula: args.side === "savings" ? "shared = basis × savings rate" : "shared = basis × loss rate",
      inputs: [quantity("basis", args.basis, "money"), quantity(args.side === "savings" ? "savings rate" : "loss rate", args.sharing.rate, "rate")],
      output: quantity("shared", amount, "money"),
      source: args.source,
      ...("why" in args.sharing ? { steps: [args.sharing.why] } : {})
    })
  }
}

/** Flat or quality-linked loss rate (bands are handled by shareGap). */
/** The loss rate a flat or quality-linked term gives for the year's quality (bands share by band instead). */
export const flatLossRate = (lossRate: Exclude<LossRate, { kind: "bands" }>, input: SettlementInput): Explained<Decimal> => {
  if (lossRate.kind === "flat") {
    return explained(
      lossRate.rate,
      derive({
        rule: "settlement.loss.rate",
        label: "Shared loss rate",
        formula: "loss rate = flat rate of the terms",
        inputs: [],
        output: quantity("loss rate", lossRate.rate, "rate"),
        source: "42 CFR 425.605(d)(1)(iii)–(v)(C) (BASIC C–E: 30 %)"
      })
    )
  }
  const inputs = [
    quantity("savings rate s", lossRate.savingsRate, "rate"),
    quantity("quality score q", input.qualityScore, "rate"),
    quantity("floor", lossRate.min, "rate"),
    quantity("ceiling", lossRate.max, "rate")
  ]
  const source = "42 CFR 425.610(f) (1 − final sharing rate, bounded [40 %, 75 %]); methodology.md §1.10"
  if (!input.meetsQualityStandard) {
    return explained(
      lossRate.failedQuality,
      derive({
        rule: "settlement.loss.rate",
        label: "Shared loss rate (quality-linked)",
        formula: "loss rate = failed-quality rate",
        inputs: [...inputs, quantity("failed-quality rate", lossRate.failedQuality, "rate")],
        output: quantity("loss rate", lossRate.failedQuality, "rate"),
        source,
        notes: ["quality standard not met: failed-quality loss rate"]
      })
    )
  }
  const unbounded = ONE.sub(lossRate.savingsRate.mul(input.qualityScore))
  const rate = clamp(unbounded, lossRate.min, lossRate.max)
  const notes: string[] = []
  if (unbounded.lt(lossRate.min)) notes.push(`floor binds: 1 − s·q = ${pct(unbounded)} < ${pct(lossRate.min)}`)
  if (unbounded.gt(lossRate.max)) notes.push(`ceiling binds: 1 − s·q = ${pct(unbounded)} > ${pct(lossRate.max)}`)
  return explained(
    rate,
    derive({
      rule: "settlement.loss.rate",
      label: "Shared loss rate (quality-linked)",
      formula: "loss rate = clamp(1 − s × q, floor, ceiling)",
      inputs,
      output: quantity("loss rate", rate, "rate"),
      source,
      notes
    })
  )
}

/**
 * Settle one year (MODEL.md §6; methodology.md §1.11 order of operations, reproduced from CMS data):
 * 1. gross = B − E, rate = gross / B.
 * 2. Corridor, inclusive: savings iff gross > 0 and rate ≥ MSR; losses iff two-sided, gross < 0 and −rate ≥ MLR.
 *    (Compared as gross ≥ MSR × B so that no division rounding can move a boundary.)
 * 3. Basis: the whole gap (first dollar) or the gap beyond the corridor.
 * 4. Savings: basis × rate (or marginal bands) × quality multiplier × (1 − sequestration),
 *    then the cap (cap × B) — sequestration BEFORE the cap. Failing quality: nothing.
 * 5. Losses: basis × loss rate (flat, quality-linked or bands), limited to the least of
 *    share × B and share × revenue, then reduced by the disaster adjustment.
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

  const savingsQualifies = gross.gt(ZERO) && gross.gte(msr.value.mul(B))
  const lossQualifies = mlr !== undefined && gross.lt(ZERO) && gross.neg().gte(mlr.value.mul(B))
  const outcome: Settlement["outcome"] = savingsQualifies ? "savings" : lossQualifies ? "loss" : "none"
  const corridorNote =
    outcome === "savings"
      ? `savings rate ${pct(rate)} ≥ MSR ${pct(msr.value)}: savings qualify`
      : outcome === "loss"
        ? `loss rate ${pct(rate.neg())} ≥ MLR ${pct(mlr?.value ?? ZERO)}: losses qualify`
        : gross.gt(ZERO)
          ? `savings rate ${pct(rate)} < MSR ${pct(msr.value)}: inside the corridor, nothing shared`
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
      output: quantity("qualifies (1 savings, −1 loss, 0 none)", outcome === "savings" ? ONE : outcome === "loss" ? ONE.neg() : ZERO, "count"),
      source: "42 CFR 425.605(b)(3)–(4), 425.610(b); MODEL.md §6",
      notes: [corridorNote]
    })
  )
  notes.push(corridorNote)

  let sharedSavings = ZERO
  let sharedLosses = ZERO
  let sharingRate = ZERO
  let savingsCapBinds = false
  let lossLimitBinds = false

  if (outcome === "savings") {
    const startRate = terms.sharingBasis === "first-dollar" ? ZERO : msr.value
    const basis = gross.sub(startRate.mul(B))
    steps.push(
      derive({
        rule: "settlement.savings.basis",
        label: "Savings shared on",
        formula: terms.sharingBasis === "first-dollar" ? "basis = gross (first dollar)" : "basis = gross − MSR × B (beyond the corridor)",
        inputs: [quantity("gross", gross, "money"), quantity("MSR", msr.value, "rate"), quantity("benchmark B", B, "money")],
        output: quantity("basis", basis, "money"),
        source: terms.sharingBasis === "first-dollar" ? "42 CFR 425.605(d) (first dollar once the MSR is met)" : "contract terms (beyond-corridor sharing)"
      })
    )
    if (!input.meetsQualityStandard) {
      const note = "quality standard not met: no shared savings (42 CFR 425.605(c)(2), 425.512)"
      notes.push(note)
      steps.push(
        derive({
          rule: "settlement.savings.quality",
          label: "Shared savings after quality",
          formula: "no savings when the quality performance standard is not met",
          inputs: [quantity("basis", basis, "money")],
          output: quantity("shared savings", ZERO, "money"),
          source: "42 CFR 425.605(c)(2), 425.610(c), 425.512",
          notes: [note]
        })
      )
    } else {
      const shared = shareGap({
        side: "savings",
        sharing: terms.savingsRate,
        benchmark: B,
        gapRate: rate,
        startRate,
        basis,
        source: "42 CFR 425.605(d), 425.610(d) (MSSP rates); REACH/commercial bands"
      })
      steps.push(shared.derivation)
      const afterQuality = shared.amount.mul(input.qualityMultiplier)
      sharingRate = shared.rate.mul(input.qualityMultiplier)
      steps.push(
        derive({
          rule: "settlement.savings.quality",
          label: "Shared savings after the quality multiplier",
          formula: "after quality = shared × quality multiplier",
          inputs: [quantity("shared", shared.amount, "money"), quantity("quality multiplier", input.qualityMultiplier, "factor")],
          output: quantity("after quality", afterQuality, "money"),
          source: "42 CFR 425.605(d)(1), 425.512 (alternative quality standard: rate × quality score; methodology.md §1.10)",
          notes: [`final sharing rate ${pct(sharingRate)}`]
        })
      )
      const afterSequestration = afterQuality.mul(ONE.sub(terms.sequestration))
      steps.push(
        derive({
          rule: "settlement.savings.sequestration",
          label: "Shared savings after sequestration",
          formula: "after sequestration = after quality × (1 − sequestration)",
          inputs: [quantity("after quality", afterQuality, "money"), quantity("sequestration", terms.sequestration, "rate")],
          output: quantity("after sequestration", afterSequestration, "money"),
          source: "Balanced Budget and Emergency Deficit Control Act §251A (2 % Medicare sequestration); applied before the cap as the CMS PUF shows (methodology.md §1.11)"
        })
      )
      if (terms.savingsCap === undefined) {
        sharedSavings = afterSequestration
      } else {
        const cap = terms.savingsCap.mul(B)
        savingsCapBinds = afterSequestration.gt(cap)
        sharedSavings = min(afterSequestration, cap)
        const note = savingsCapBinds ? `savings cap binds: ${money(afterSequestration)} > ${pct(terms.savingsCap)} × B = ${money(cap)}` : "savings cap does not bind"
        notes.push(note)
        steps.push(
          derive({
            rule: "settlement.savings.cap",
            label: "Shared savings after the cap",
            formula: "shared savings = min(after sequestration, cap × B)",
            inputs: [quantity("after sequestration", afterSequestration, "money"), quantity("cap", terms.savingsCap, "rate"), quantity("benchmark B", B, "money")],
            output: quantity("shared savings", sharedSavings, "money"),
            source: "42 CFR 425.605(d)(1)(i)–(v)(B)(2) (BASIC 10 %), 425.610(e)(2) (ENHANCED 20 %)",
            notes: [note]
          })
        )
      }
    }
  }

  if (outcome === "loss" && mlr !== undefined && terms.lossRate !== undefined) {
    const loss = gross.neg()
    const startRate = terms.sharingBasis === "first-dollar" ? ZERO : mlr.value
    const basis = loss.sub(startRate.mul(B))
    steps.push(
      derive({
        rule: "settlement.loss.basis",
        label: "Losses shared on",
        formula: terms.sharingBasis === "first-dollar" ? "basis = E − B (first dollar)" : "basis = E − B − MLR × B (beyond the corridor)",
        inputs: [quantity("losses E − B", loss, "money"), quantity("MLR", mlr.value, "rate"), quantity("benchmark B", B, "money")],
        output: quantity("basis", basis, "money"),
        source: terms.sharingBasis === "first-dollar" ? "42 CFR 425.605(d), 425.610(d) (first dollar once the MLR is met)" : "contract terms (beyond-corridor sharing)"
      })
    )
    const lossRate = terms.lossRate
    let shared: Shared
    if (lossRate.kind === "bands") {
      shared = shareGap({ side: "loss", sharing: lossRate, benchmark: B, gapRate: rate.neg(), startRate, basis, source: "REACH risk corridors / contract bands" })
    } else {
      const applied = flatLossRate(lossRate, input)
      shared = shareGap({
        side: "loss",
        sharing: { kind: "flat", rate: applied.value, why: applied.derivation },
        benchmark: B,
        gapRate: rate.neg(),
        startRate,
        basis,
        source: "42 CFR 425.605(d), 425.610(d)"
      })
    }
    steps.push(shared.derivation)
    sharingRate = shared.rate

    const limits: Array<{ readonly label: string; readonly amount: Decimal }> = []
    const limitNotes: string[] = []
    const limitInputs = [quantity("shared before limit", shared.amount, "money")]
    if (terms.lossLimit?.shareOfBenchmark !== undefined) {
      const amount = terms.lossLimit.shareOfBenchmark.mul(B)
      limits.push({ label: `${pct(terms.lossLimit.shareOfBenchmark)} of benchmark`, amount })
      limitInputs.push(quantity("limit share of benchmark", terms.lossLimit.shareOfBenchmark, "rate"), quantity("benchmark B", B, "money"))
    }
    if (terms.lossLimit?.shareOfRevenue !== undefined) {
      if (input.revenue === undefined) {
        limitNotes.push(`revenue not given: the ${pct(terms.lossLimit.shareOfRevenue)}-of-revenue limit is not applied`)
      } else {
        const amount = terms.lossLimit.shareOfRevenue.mul(input.revenue)
        limits.push({ label: `${pct(terms.lossLimit.shareOfRevenue)} of revenue`, amount })
        limitInputs.push(quantity("limit share of revenue", terms.lossLimit.shareOfRevenue, "rate"), quantity("revenue", input.revenue, "money"))
      }
    }
    let limited = shared.amount
    if (limits.length > 0) {
      const least = limits.reduce((a, b) => (b.amount.lt(a.amount) ? b : a))
      lossLimitBinds = shared.amount.gt(least.amount)
      limited = min(shared.amount, least.amount)
      limitNotes.push(
        lossLimitBinds
          ? `loss limit binds: ${money(shared.amount)} > ${least.label} = ${money(least.amount)}`
          : `loss limit (${limits.map((l) => `${l.label} = ${money(l.amount)}`).join(", ")}) does not bind`
      )
      steps.push(
        derive({
          rule: "settlement.loss.limit",
          label: "Shared losses after the loss limit",
          formula: "limited = min(shared, least of share × B and share × revenue)",
          inputs: limitInputs,
          output: quantity("limited", limited, "money"),
          source: "42 CFR 425.605(d)(1)(iii)–(v)(D) (BASIC: min(% revenue, % benchmark)), 425.610(g) (ENHANCED 15 %)",
          notes: limitNotes
        })
      )
    } else if (limitNotes.length > 0) {
      steps.push(
        derive({
          rule: "settlement.loss.limit",
          label: "Shared losses after the loss limit",
          formula: "limited = shared (no limit applicable)",
          inputs: limitInputs,
          output: quantity("limited", limited, "money"),
          notes: limitNotes
        })
      )
    }
    notes.push(...limitNotes)

    sharedLosses = limited
    if (input.disasterAdjustment !== undefined && !input.disasterAdjustment.isZero()) {
      const adjusted = limited.add(input.disasterAdjustment)
      sharedLosses = max(ZERO, adjusted)
      const disasterNotes = adjusted.lt(ZERO) ? ["the adjustment exceeds the owed losses: nothing owed"] : []
      steps.push(
        derive({
          rule: "settlement.loss.disaster",
          label: "Shared losses after the disaster adjustment",
          formula: "owed = max(0, limited + disaster adjustment)",
          inputs: [quantity("limited", limited, "money"), quantity("disaster adjustment", input.disasterAdjustment, "money")],
          output: quantity("shared losses", sharedLosses, "money"),
          source: "42 CFR 425.605(f) and its ENHANCED counterpart in 425.610 (extreme and uncontrollable circumstances, after rate and limit); PUF DisAdj",
          notes: disasterNotes
        })
      )
      notes.push(...disasterNotes)
    }
  } else if (input.disasterAdjustment !== undefined && !input.disasterAdjustment.isZero()) {
    notes.push("no shared losses: the disaster adjustment does not apply")
  }

  const providerNet = sharedSavings.sub(sharedLosses)
  const payerNet = gross.sub(providerNet)
  steps.push(
    derive({
      rule: "settlement.net",
      label: "Provider and payer net",
      formula: "provider net = shared savings − shared losses; payer net = gross − provider net",
      inputs: [quantity("shared savings", sharedSavings, "money"), quantity("shared losses", sharedLosses, "money"), quantity("gross", gross, "money")],
      output: quantity("payer net", payerNet, "money"),
      source: "MODEL.md §6"
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
    sharingRate,
    sharedSavings,
    sharedLosses,
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
      formula: "provider net = min(basis × rate × quality × (1 − seq), cap × B) − (min(basis × loss rate, limit) + disaster adj.)",
      inputs: [
        quantity("benchmark B", B, "money"),
        quantity("expenditure E", E, "money"),
        quantity("assigned members", input.assignedMembers, "members"),
        quantity("quality score", input.qualityScore, "rate"),
        quantity("quality multiplier", input.qualityMultiplier, "factor"),
        ...(input.revenue !== undefined ? [quantity("revenue", input.revenue, "money")] : []),
        ...(input.disasterAdjustment !== undefined ? [quantity("disaster adjustment", input.disasterAdjustment, "money")] : [])
      ],
      output: quantity("provider net", providerNet, "money"),
      source: MSSP_ORDER,
      notes,
      steps
    })
  )
}
