import type { Decimal } from "decimal.js"
import { sharedLossesExact, sharedSavingsExact } from "../compute/settlement.js"
import { ZERO } from "../decimal.js"
import { derive, exactText, quantity, type Derivation } from "../derivation.js"
import { formatFixed } from "../rounding.js"
import { flatLossRate } from "./lossRate.js"
import { shareGap, type Shared } from "./shareGap.js"
import type { LossRate, SettlementTerms } from "./terms.js"
import type { SettlementInput } from "./settle.js"

const pct = (rate: Decimal): string => `${exactText(rate.mul(100))} %`
const money = (value: Decimal): string => formatFixed(value, 2)

/** What one side of a settlement shares, with the derivation steps and notes that explain it. */
export interface SideResult {
  readonly amount: Decimal
  /** Rate applied to the shared basis (PUF FinalShareRate or FinalLossRate). */
  readonly sharingRate: Decimal
  readonly binds: boolean
  readonly steps: ReadonlyArray<Derivation>
  readonly notes: ReadonlyArray<string>
}

/**
 * The savings side of a year whose savings qualify: basis, rate or bands, quality multiplier,
 * the 425.605(h) reduction below the MSR when `reduction` is given, sequestration, cap
 * (compute/settlement.ts sharedSavingsExact), each step explained.
 */
export const savingsSide = (terms: SettlementTerms, input: SettlementInput, B: Decimal, gross: Decimal, msr: Decimal, reduction?: Decimal): SideResult => {
  const steps: Array<Derivation> = []
  const notes: Array<string> = []
  let sharedSavings = ZERO
  let sharingRate = ZERO
  let savingsCapBinds = false
  const startRate = terms.sharingBasis === "first-dollar" ? ZERO : msr
  const basis = gross.sub(startRate.mul(B))
  steps.push(
    derive({
      rule: "settlement.savings.basis",
      label: "Savings shared on",
      formula: terms.sharingBasis === "first-dollar" ? "basis = gross (first dollar)" : "basis = gross − MSR × B (beyond the corridor)",
      inputs: [quantity("gross", gross, "money"), quantity("MSR", msr, "rate"), quantity("benchmark B", B, "money")],
      output: quantity("basis", basis, "money"),
      source:
        terms.sharingBasis !== "first-dollar"
          ? "contract terms (beyond-corridor sharing)"
          : reduction !== undefined
            ? "42 CFR 425.605(d)(1)(i)–(v)(B)(1) (first dollar, as provided in 425.605(h))"
            : "42 CFR 425.605(d) (first dollar once the MSR is met)"
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
      startRate,
      basis,
      source: "42 CFR 425.605(d), 425.610(d) (MSSP rates); REACH/commercial bands"
    })
    steps.push(shared.derivation)
    const savings = sharedSavingsExact({
      shared: shared.amount,
      qualityMultiplier: input.qualityMultiplier,
      ...(reduction !== undefined ? { reduction } : {}),
      sequestration: terms.sequestration,
      cap: terms.savingsCap,
      benchmark: B
    })
    const { afterQuality, afterReduction, afterSequestration } = savings
    sharingRate = shared.rate.mul(input.qualityMultiplier).mul(reduction ?? 1)
    steps.push(
      derive({
        rule: "settlement.savings.quality",
        label: "Shared savings after the quality multiplier",
        formula: "after quality = shared × quality multiplier",
        inputs: [quantity("shared", shared.amount, "money"), quantity("quality multiplier", input.qualityMultiplier, "factor")],
        output: quantity("after quality", afterQuality, "money"),
        source: "42 CFR 425.605(d)(1), 425.512 (alternative quality standard: rate × quality score; docs/model.md §9.8)",
        notes: [`${reduction !== undefined ? "sharing rate before the reduction" : "final sharing rate"} ${pct(shared.rate.mul(input.qualityMultiplier))}`]
      })
    )
    if (reduction !== undefined) {
      steps.push(
        derive({
          rule: "settlement.savings.reduced",
          label: "Shared savings at the reduced rate below the MSR",
          formula: "after reduction = after quality × reduction factor",
          inputs: [quantity("after quality", afterQuality, "money"), quantity("reduction factor", reduction, "factor")],
          output: quantity("after reduction", afterReduction, "money"),
          source: "42 CFR 425.605(h)(2) (final sharing rate one-half the applicable percentage of 425.605(d)(1)(i)–(v)(A)(4))",
          notes: [`final sharing rate ${pct(sharingRate)}`]
        })
      )
    }
    steps.push(
      derive({
        rule: "settlement.savings.sequestration",
        label: "Shared savings after sequestration",
        formula: reduction !== undefined ? "after sequestration = after reduction × (1 − sequestration)" : "after sequestration = after quality × (1 − sequestration)",
        inputs: [quantity(reduction !== undefined ? "after reduction" : "after quality", afterReduction, "money"), quantity("sequestration", terms.sequestration, "rate")],
        output: quantity("after sequestration", afterSequestration, "money"),
        source: "Balanced Budget and Emergency Deficit Control Act §251A (2 % Medicare sequestration); applied before the cap as the CMS PUF shows (docs/model.md §9.9)"
      })
    )
    sharedSavings = savings.sharedSavings
    savingsCapBinds = savings.capBinds
    if (terms.savingsCap !== undefined) {
      const cap = savings.cap!
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
  return { amount: sharedSavings, sharingRate, binds: savingsCapBinds, steps, notes }
}

/**
 * The loss side of a year whose losses qualify: basis, loss rate or bands, the least loss
 * limit, the disaster adjustment (compute/settlement.ts sharedLossesExact), each step explained.
 * `B` and `gross` are what the losses are determined on. Under the loss guardrail (42 CFR
 * 425.652(b)(5)(i)) they are the recalculated benchmark B′ and B′ − E, and `updatedBenchmark` is
 * the updated benchmark B that the loss limit stays a share of (docs/rules/settlement.md).
 */
export const lossSide = (
  terms: SettlementTerms,
  lossRate: LossRate,
  input: SettlementInput,
  B: Decimal,
  gross: Decimal,
  mlr: Decimal,
  updatedBenchmark?: Decimal
): SideResult => {
  const steps: Array<Derivation> = []
  const notes: Array<string> = []
  const loss = gross.neg()
  const startRate = terms.sharingBasis === "first-dollar" ? ZERO : mlr
  const basis = loss.sub(startRate.mul(B))
  const guarded = updatedBenchmark !== undefined
  const on = guarded ? "B′" : "B"
  steps.push(
    derive({
      rule: "settlement.loss.basis",
      label: guarded ? "Losses shared on (against the recalculated benchmark)" : "Losses shared on",
      formula: terms.sharingBasis === "first-dollar" ? `basis = E − ${on} (first dollar)` : `basis = E − ${on} − MLR × ${on} (beyond the corridor)`,
      inputs: [
        quantity(`losses E − ${on}`, loss, "money"),
        quantity("MLR", mlr, "rate"),
        quantity(guarded ? "recalculated benchmark B′" : "benchmark B", B, "money")
      ],
      output: quantity("basis", basis, "money"),
      source: [
        terms.sharingBasis === "first-dollar" ? "42 CFR 425.605(d), 425.610(d) (first dollar once the MLR is met)" : "contract terms (beyond-corridor sharing)",
        ...(guarded ? ["425.652(b)(5)(i) (losses determined on the recalculated benchmark)"] : [])
      ].join("; ")
    })
  )
  const atFlatRate = (applied: ReturnType<typeof flatLossRate>): Shared =>
    shareGap({
      side: "loss",
      sharing: { kind: "flat", rate: applied.value, why: applied.derivation },
      benchmark: B,
      startRate,
      basis,
      source: "42 CFR 425.605(d), 425.610(d)"
    })
  const shared: Shared =
    lossRate.kind === "bands"
      ? shareGap({ side: "loss", sharing: lossRate, benchmark: B, startRate, basis, source: "REACH risk corridors / contract bands" })
      : atFlatRate(flatLossRate(lossRate, input))
  steps.push(shared.derivation)
  const sharingRate = shared.rate

  const limits: Array<{ readonly label: string; readonly amount: Decimal }> = []
  const limitNotes: string[] = []
  const limitInputs = [quantity("shared before limit", shared.amount, "money")]
  if (terms.lossLimit?.shareOfBenchmark !== undefined) {
    // Under the guardrail the limit stays a share of the updated benchmark B (425.605(d)(1)(iii)–(v)(D), 425.610(g)), not of B′.
    const limitB = updatedBenchmark ?? B
    const amount = terms.lossLimit.shareOfBenchmark.mul(limitB)
    limits.push({ label: `${pct(terms.lossLimit.shareOfBenchmark)} of ${guarded ? "the updated benchmark" : "benchmark"}`, amount })
    limitInputs.push(quantity("limit share of benchmark", terms.lossLimit.shareOfBenchmark, "rate"), quantity(guarded ? "updated benchmark B" : "benchmark B", limitB, "money"))
    if (guarded) limitNotes.push("the loss limit stays a share of the updated benchmark B, not of the recalculated B′ (42 CFR 425.652(b)(5); docs/rules/settlement.md)")
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
  const least = limits.length > 0 ? limits.reduce((a, b) => (b.amount.lt(a.amount) ? b : a)) : undefined
  const losses = sharedLossesExact(shared.amount, least?.amount, input.disasterAdjustment)
  const limited = losses.limited
  const lossLimitBinds = losses.limitBinds
  if (least !== undefined) {
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

  const sharedLosses = losses.sharedLosses
  if (input.disasterAdjustment !== undefined && !input.disasterAdjustment.isZero()) {
    const disasterNotes = limited.add(input.disasterAdjustment).isNegative() ? ["the adjustment exceeds the owed losses: nothing owed"] : []
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
  return { amount: sharedLosses, sharingRate, binds: lossLimitBinds, steps, notes }
}
