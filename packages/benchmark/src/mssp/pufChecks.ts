import type { Decimal } from "decimal.js"
import { max, min, ONE, ZERO } from "../decimal.js"
import { formatFixed } from "../rounding.js"
import { MSSP_SEQUESTRATION } from "../settlement/tracks.js"
import { agreesToPrintedPrecision, dollars, pct, type Printed } from "./pufColumns.js"

/**
 * Checks done on the file's own figures: does what CMS printed follow the rule? A consistent check
 * does not make the row reproduced by pbpsim's rules; it says the published numbers agree with the
 * regulation as read here. 425.605(h) is also one of pbpsim's settlement rules (settle.ts), which
 * re-settles the row where the columns make the ACO eligible; this check adds the conditions only
 * the file shows (FinalShareRate, the printed flags). 425.630 recoupment follows EarnSaveLoss, which
 * settle's shared savings reproduce before recoupment, so it is checked here.
 */

/** The outcome of checking one row against one rule. */
export interface PufRuleCheck {
  readonly rule: string
  readonly consistent: boolean
  /** What was checked, with the numbers; the failed conditions first when inconsistent. */
  readonly detail: string
}

export interface ReducedSharedSavingsFacts {
  /** B − E (BnchmkMinExp). */
  readonly gross: Decimal
  readonly savingsRate: Decimal
  readonly printedMsr: Printed
  readonly members: Decimal
  /** The track's savings rate when the quality standard is met (BASIC 40 % / 50 %, ENHANCED 75 %). */
  readonly trackRate: Decimal
  /** 1, or the quality score under the alternative standard; 0 when quality failed. */
  readonly qualityMultiplier: Decimal
  readonly meetsQuality: boolean
  readonly printedShare: Printed
  /** Rev_Exp_Cat, when the file has it. */
  readonly revenueCategory?: string
  /** Current_Start_Date, when the file has it. */
  readonly startDate?: string
  /** EarnSaveLoss in the same terms as the computed figure (before AIP recoupment). */
  readonly reportedEarned: Decimal
}

const yearOf = (date: string): number | undefined => {
  const m = /(\d{4})/.exec(date)
  return m ? Number(m[1]) : undefined
}

/**
 * 42 CFR 425.605(h) (agreement periods from 1 January 2024; docs/model.md §9.8): an ACO that is
 * low revenue, has at least 5,000 assigned beneficiaries and spends below its benchmark but not by
 * the MSR shares savings at half the rate it would otherwise get. Checked: the conditions the file
 * shows, FinalShareRate = ½ × track rate × quality multiplier to printed precision, and
 * EarnSaveLoss = gross × that rate × (1 − 2 % sequestration) within $1. (The savings cap cannot
 * bind: the gap is below an MSR of at most 3.9 % at 5,000 members or more.)
 */
export const checkReducedSharedSavings = (f: ReducedSharedSavingsFacts): PufRuleCheck & { readonly expectedEarned: Decimal; readonly rate: Decimal } => {
  const rate = f.trackRate.mul(f.qualityMultiplier).div(2)
  const expectedEarned = f.meetsQuality && f.gross.gt(ZERO) ? f.gross.mul(rate).mul(ONE.sub(MSSP_SEQUESTRATION)) : ZERO
  const failed: string[] = []
  const held: string[] = []
  const condition = (ok: boolean, text: string) => (ok ? held : failed).push(text)
  condition(f.gross.gt(ZERO), `spending below the benchmark (gross ${dollars(f.gross)})`)
  condition(f.savingsRate.lt(f.printedMsr.value), `savings rate ${pct(f.savingsRate, 2)} below the MSR ${pct(f.printedMsr.value, 2)}`)
  condition(f.members.gte(5000), `at least 5,000 assigned beneficiaries (${formatFixed(f.members, 0)})`)
  condition(f.meetsQuality, "quality standard (or the alternative standard) met")
  if (f.revenueCategory !== undefined) condition(/low/i.test(f.revenueCategory), `low revenue (Rev_Exp_Cat "${f.revenueCategory}")`)
  const startYear = f.startDate === undefined ? undefined : yearOf(f.startDate)
  if (startYear !== undefined) condition(startYear >= 2024, `agreement period from 2024 (Current_Start_Date ${f.startDate})`)
  condition(agreesToPrintedPrecision(rate, f.printedShare), `FinalShareRate ${f.printedShare.text} = ½ × ${pct(f.trackRate, 0)} × ${f.qualityMultiplier.eq(ONE) ? "1" : pct(f.qualityMultiplier, 2)} = ${pct(rate, 3)}`)
  condition(
    expectedEarned.sub(f.reportedEarned).abs().lte(ONE),
    `EarnSaveLoss ${dollars(f.reportedEarned)} = ${dollars(f.gross)} × ${pct(rate, 3)} × 98 % = ${dollars(expectedEarned)}`
  )
  return {
    rule: "42 CFR 425.605(h)",
    consistent: failed.length === 0,
    detail: failed.length === 0 ? `consistent with 425.605(h): ${held.join("; ")}` : `not consistent with 425.605(h): fails ${failed.join("; ")}${held.length ? `; holds ${held.join("; ")}` : ""}`,
    expectedEarned,
    rate
  }
}

export interface AipFacts {
  /** Earned shared savings before recoupment (EarnSaveLoss, or EarnSaveLoss + AIPRecoup when the file prints it net). */
  readonly earnedBeforeRecoupment: Decimal
  readonly recouped: Decimal
  /** AIPBalance and AIPOwe when printed. */
  readonly balance?: Decimal
  readonly owed?: Decimal
}

/**
 * 42 CFR 425.630: advance investment payments are an advance on shared savings, repaid out of
 * the shared savings the ACO earns until nothing is outstanding. Checked: the recoupment never
 * exceeds the earned savings; and when it is less than the earned savings, nothing is left to
 * repay (AIPRecoup equals AIPBalance, or AIPOwe is 0). Paid to the ACO = earned − recouped.
 */
export const checkAipRecoupment = (f: AipFacts): PufRuleCheck & { readonly paid: Decimal } => {
  const earned = max(f.earnedBeforeRecoupment, ZERO)
  const paid = earned.sub(f.recouped)
  const failed: string[] = []
  const held: string[] = []
  const condition = (ok: boolean, text: string) => (ok ? held : failed).push(text)
  condition(f.recouped.gte(ZERO), `AIPRecoup ${dollars(f.recouped)} ≥ 0`)
  condition(f.recouped.lte(earned.add(ONE)), `AIPRecoup ${dollars(f.recouped)} ≤ earned savings ${dollars(earned)}`)
  const leftOver = earned.sub(f.recouped).gt(ONE)
  if (leftOver) {
    const repaid = [
      f.balance !== undefined && f.recouped.sub(f.balance).abs().lte(ONE) ? `AIPRecoup = AIPBalance ${dollars(f.balance)}` : undefined,
      f.owed !== undefined && f.owed.abs().lte(ONE) ? "AIPOwe = 0" : undefined
    ].filter((x): x is string => x !== undefined)
    if (f.balance === undefined && f.owed === undefined) held.push("whether the balance was repaid in full cannot be checked (no AIPBalance or AIPOwe)")
    else condition(repaid.length > 0, `savings left after recoupment only once the advance is repaid (${repaid.length ? repaid.join(", ") : `AIPBalance ${f.balance === undefined ? "-" : dollars(f.balance)}, AIPOwe ${f.owed === undefined ? "-" : dollars(f.owed)}`})`)
  } else if (earned.gt(ZERO)) {
    held.push(`all earned savings applied to the advance${f.balance !== undefined ? ` (AIPBalance ${dollars(f.balance)} ≥ ${dollars(min(earned, f.balance))})` : ""}`)
  }
  return {
    rule: "42 CFR 425.630",
    consistent: failed.length === 0,
    detail: `${failed.length === 0 ? "consistent with 425.630" : `not consistent with 425.630: fails ${failed.join("; ")}`}; ${held.join("; ")}; paid to the ACO ${dollars(paid)} = ${dollars(earned)} − ${dollars(f.recouped)}`,
    paid
  }
}
