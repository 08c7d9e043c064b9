import type { Decimal } from "decimal.js"
import { ONE, ZERO } from "../decimal.js"
import { exactText, type Explained } from "../derivation.js"
import { invalid } from "../errors.js"
import { msspMsr } from "../settlement/msr.js"
import { flatLossRate } from "../settlement/lossRate.js"
import { settle, type Settlement, type SettlementInput } from "../settlement/settle.js"
import { MSSP_FIXED_CORRIDOR_ELECTIONS, msspTrack, type MsspTrack } from "../settlement/tracks.js"
import type { CorridorRate, SettlementTerms } from "../settlement/terms.js"
import { agreesToPrintedPrecision, dollars, flag, money, optionalMoney, optionalPercent, parseTrack, pct, percent, RULE, cell, type Printed } from "./pufColumns.js"

/**
 * Re-settling one row of CMS's Shared Savings Program results file with settle(): does our rule
 * set reproduce what CMS paid, and if not, why? Pure: the caller reads the CSV (csv-parse,
 * `columns: true`) and hands rows in. The rules it checks are docs/model.md §9.7–§9.9.
 */

/** Which side of the corridor a year fell: shared savings, shared losses, or neither. */
export type PufOutcome = "savings" | "loss" | "none"

/** How the MSR the file prints was matched. */
export type PufMsrBasis =
  /** One-sided tracks: the variable table by assigned beneficiaries (425.604(b)). */
  | "variable-table"
  /** Two-sided: a printed rate that is one of the fixed symmetric elections (0, 0.5, 1, 1.5, 2 %). */
  | "fixed-election"
  /** Two-sided: not a fixed election, but the variable table at N_AB to printed precision (elected, or required below 5,000 members). */
  | "elected-variable-table"
  /** Two-sided: neither; the printed rate is used as given. */
  | "unexplained"

/** One PUF row reconciled: what our rules compute against what CMS printed, and why they differ if they do. */
export interface PufRowReconciliation {
  readonly acoId: string
  readonly name: string
  readonly track: MsspTrack
  /** Outcome our rules compute. */
  readonly outcome: PufOutcome
  /** Outcome the file reports (sign of GenSaveLoss). */
  readonly reportedOutcome: PufOutcome
  /** settle()'s provider net: earned savings (+) or owed losses (−), exact. */
  readonly computedEarned: Decimal
  /** EarnSaveLoss. */
  readonly reportedEarned: Decimal
  /** computedEarned − reportedEarned. */
  readonly difference: Decimal
  /** The MSR our rules settle with (the table value, or the election the printed rate shows). */
  readonly computedMsr?: Decimal
  /** MinSavPerc as a rate. */
  readonly reportedMsr: Decimal
  readonly msrBasis: PufMsrBasis
  readonly withinDollar: boolean
  /** The printed MSR is explained (table to printed precision, or an allowed election); absent if it could not be checked. */
  readonly msrMatches?: boolean
  /** FinalShareRate = track rate × quality multiplier, to printed precision. */
  readonly shareRateMatches: boolean
  /** Sav_rate = gross / B to printed precision. */
  readonly savingsRateMatches: boolean
  /** Two-sided: FinalLossRate = the track's loss rate at this quality score, to printed precision. */
  readonly lossRateMatches?: boolean
  /**
   * Loss rows that do not reproduce because a revenue-based loss limit binds: the limit the
   * printed figures imply (owed + |DisAdj|), the benchmark-based limit, and the ACO participant
   * revenue that limit would mean. The PUF has no revenue column, so this is an inference.
   */
  readonly impliedLossLimit?: { readonly limit: Decimal; readonly benchmarkLimit: Decimal; readonly impliedRevenue: Decimal; readonly consistent: boolean }
  /** Why the row is off, or what could not be checked; "reproduced …" otherwise. */
  readonly explanation: string
  readonly settlement: Explained<Settlement>
}

/** The settlement terms a PUF row's printed MSR implies, and how that was decided. */
const corridorFor = (
  track: MsspTrack,
  twoSided: boolean,
  members: Decimal,
  printedMsr: Printed
): { readonly corridor: CorridorRate; readonly basis: PufMsrBasis; readonly matches?: boolean; readonly note: string } => {
  const table = members.gte(500) ? msspMsr(members).value : undefined
  const tableMatches = table !== undefined && agreesToPrintedPrecision(table, printedMsr)
  if (!twoSided) {
    if (table === undefined) {
      return { corridor: { kind: "fixed", rate: printedMsr.value }, basis: "unexplained", note: `N_AB ${exactText(members)} < 500: the MSR table does not apply, printed MSR used` }
    }
    return {
      corridor: { kind: "mssp-variable" },
      basis: "variable-table",
      matches: tableMatches,
      note: tableMatches
        ? `MSR ${pct(table, 4)} from the table agrees with printed ${printedMsr.text}`
        : `MSR ${pct(table, 4)} from the table does not agree with printed ${printedMsr.text}`
    }
  }
  const election = MSSP_FIXED_CORRIDOR_ELECTIONS.find((e) => e.eq(printedMsr.value))
  if (election !== undefined) {
    return {
      corridor: { kind: "fixed", rate: election },
      basis: "fixed-election",
      matches: true,
      note: `printed MSR ${printedMsr.text} is an allowed fixed election${tableMatches ? " (the variable table also gives it)" : ""}`
    }
  }
  if (tableMatches) {
    return {
      corridor: { kind: "mssp-variable" },
      basis: "elected-variable-table",
      matches: true,
      note: `printed MSR ${printedMsr.text} is the variable table at ${exactText(members)} members (${pct(table, 4)})`
    }
  }
  return {
    corridor: { kind: "fixed", rate: printedMsr.value },
    basis: "unexplained",
    matches: false,
    note: `printed MSR ${printedMsr.text} is neither an allowed election nor the variable table${table ? ` (${pct(table, 4)})` : ""}; used as printed`
  }
}

const outcomeOf = (signed: Decimal): PufOutcome => (signed.gt(ZERO) ? "savings" : signed.lt(ZERO) ? "loss" : "none")

/** Savings rate × quality multiplier, and the loss rate at this quality by the settlement's own rule (flatLossRate). */
const trackRates = (terms: SettlementTerms, input: SettlementInput): { readonly share: Decimal; readonly loss?: Decimal } => {
  const share = input.meetsQualityStandard && terms.savingsRate.kind === "flat" ? terms.savingsRate.rate.mul(input.qualityMultiplier) : ZERO
  const lossRate = terms.lossRate
  if (lossRate === undefined || lossRate.kind === "bands") return { share }
  return { share, loss: flatLossRate(lossRate, input).value }
}

/**
 * Re-settle one PUF row with our rules and compare with what CMS reports.
 * - B = ABtotBnchmk, gross = BnchmkMinExp and E = B − gross (ABtotExp is printed rounded
 *   separately, so B − ABtotExp can differ from the printed gross by $1).
 * - Quality: Met_QPS → multiplier 1; else Met_AltQPS → multiplier QualScore; else failed.
 * - DisAdj is the disaster (EUC) reduction of owed losses.
 * - Revenue is not in the file: revenue-based loss limits cannot be applied; when a loss row
 *   is owed less than our unlimited figure, the implied limit is reported instead.
 */
export const reconcilePufRow = (row: Readonly<Record<string, string>>): PufRowReconciliation => {
  const idText = row["ACO_ID"]?.trim()
  const acoId = idText === undefined || idText === "" ? "(no ACO_ID)" : idText
  const name = cell(row, "ACO_Name", acoId)
  const track = parseTrack(cell(row, "Current_Track", acoId), acoId)
  const riskModel = cell(row, "Risk_Model", acoId)
  const twoSided = track !== "basic-a" && track !== "basic-b"
  if (!/^(one|two)-sided$/i.test(riskModel)) throw invalid(RULE, "Risk_Model", `of ACO ${acoId} is not "One-Sided" or "Two-Sided": "${riskModel}"`)
  if (/^two/i.test(riskModel) !== twoSided) throw invalid(RULE, "Risk_Model", `of ACO ${acoId} is "${riskModel}" but track ${track} is ${twoSided ? "two" : "one"}-sided`)

  const members = money(row, "N_AB", acoId)
  const benchmark = money(row, "ABtotBnchmk", acoId)
  const gross = money(row, "BnchmkMinExp", acoId)
  const printedExpenditure = money(row, "ABtotExp", acoId)
  const expenditure = benchmark.sub(gross)
  const reportedEarned = money(row, "EarnSaveLoss", acoId)
  const generalSavings = money(row, "GenSaveLoss", acoId)
  const disasterAdjustment = optionalMoney(row, "DisAdj", acoId)
  if (disasterAdjustment?.gt(ZERO)) throw invalid(RULE, "DisAdj", `of ACO ${acoId} is positive (${exactText(disasterAdjustment)}); it reduces owed losses and must be ≤ 0`)
  const printedSavingsRate = percent(row, "Sav_rate", acoId)
  const printedMsr = percent(row, "MinSavPerc", acoId)
  const printedShare = percent(row, "FinalShareRate", acoId)
  const printedLoss = optionalPercent(row, "FinalLossRate", acoId)
  const qualScore = optionalPercent(row, "QualScore", acoId)
  const metQps = flag(row, "Met_QPS", acoId)
  const metAlt = flag(row, "Met_AltQPS", acoId)
  const midYearTermination = row["Impact_Mid_Year_Termination"] !== undefined && flag(row, "Impact_Mid_Year_Termination", acoId)

  const meets = metQps || metAlt
  const needsScore = (metAlt && !metQps) || (track === "enhanced" && meets)
  if (needsScore && qualScore === undefined) throw invalid(RULE, "QualScore", `of ACO ${acoId} is blank but its ${metAlt && !metQps ? "alternative quality standard" : "ENHANCED loss rate"} needs it`)
  const score = qualScore?.value ?? ONE
  const multiplier = metQps ? ONE : metAlt ? score : ZERO

  const corridor = corridorFor(track, twoSided, members, printedMsr)
  const terms = msspTrack(track, { msr: corridor.corridor, ...(twoSided ? { mlr: corridor.corridor } : {}) })
  const input: SettlementInput = {
    benchmark,
    expenditure,
    assignedMembers: members,
    qualityScore: score,
    qualityMultiplier: multiplier,
    meetsQualityStandard: meets,
    ...(disasterAdjustment !== undefined ? { disasterAdjustment } : {})
  }
  const settlement = settle(terms, input)
  const s = settlement.value
  const computedEarned = s.providerNet
  const difference = computedEarned.sub(reportedEarned)
  const withinDollar = difference.abs().lte(ONE)
  const reportedOutcome = outcomeOf(generalSavings)
  const savingsRateMatches = agreesToPrintedPrecision(s.savingsRate, printedSavingsRate)
  const rates = trackRates(terms, input)
  const shareRateMatches = agreesToPrintedPrecision(rates.share, printedShare)
  const lossRateMatches = twoSided && rates.loss !== undefined && printedLoss !== undefined ? agreesToPrintedPrecision(rates.loss, printedLoss) : undefined

  const notes: string[] = []
  let impliedLossLimit: PufRowReconciliation["impliedLossLimit"]
  if (s.outcome !== reportedOutcome) notes.push(`outcome differs: computed ${s.outcome}, CMS ${reportedOutcome}`)
  if (midYearTermination) notes.push("mid-year termination affects this ACO (Impact_Mid_Year_Termination = 1)")
  if (!withinDollar && s.outcome === "loss" && reportedOutcome === "loss" && reportedEarned.lt(ZERO) && computedEarned.lt(reportedEarned)) {
    // Owed less than rate × loss: a limit we could not apply. Which one the printed figures allow:
    const limit = reportedEarned.neg().sub(disasterAdjustment ?? ZERO)
    const benchmarkLimit = (terms.lossLimit?.shareOfBenchmark ?? ZERO).mul(benchmark)
    const revenueShare = terms.lossLimit?.shareOfRevenue
    if (revenueShare !== undefined) {
      const impliedRevenue = limit.div(revenueShare)
      const consistent = limit.lt(benchmarkLimit)
      impliedLossLimit = { limit, benchmarkLimit, impliedRevenue, consistent }
      notes.push(
        consistent
          ? `revenue-based loss limit binds: owed ${dollars(reportedEarned.neg())} + |DisAdj| implies a limit of ${dollars(limit)} < ${dollars(benchmarkLimit)} (benchmark limit), i.e. ${pct(revenueShare, 0)} of ACO participant revenue ≈ ${dollars(impliedRevenue)}; the PUF has no revenue column, so this cannot be reproduced`
          : `owed is below rate × loss but the implied limit ${dollars(limit)} is not below the benchmark limit ${dollars(benchmarkLimit)}: not explained by the loss limit`
      )
    } else {
      notes.push(`owed ${dollars(reportedEarned.neg())} is below rate × loss (${dollars(computedEarned.neg())}) and ${track} has no revenue-based limit: not explained`)
    }
  } else if (!withinDollar) {
    notes.push(`computed ${dollars(computedEarned)} vs reported ${dollars(reportedEarned)}: not explained by the rules`)
  }
  if (corridor.matches === false) notes.push(corridor.note)
  if (!savingsRateMatches) notes.push(`savings rate ${pct(s.savingsRate, 4)} does not agree with printed Sav_rate ${printedSavingsRate.text}`)
  if (!shareRateMatches) notes.push(`final sharing rate ${pct(rates.share)} does not agree with printed ${printedShare.text}`)
  if (lossRateMatches === false && printedLoss) notes.push(`loss rate ${pct(rates.loss ?? ZERO, 4)} does not agree with printed ${printedLoss.text}`)
  if (printedExpenditure.sub(expenditure).abs().gt(ONE)) {
    notes.push(`ABtotBnchmk − BnchmkMinExp = ${dollars(expenditure)} differs from ABtotExp ${dollars(printedExpenditure)} by more than $1`)
  }
  if (twoSided && corridor.basis !== "variable-table") notes.push("which MSR/MLR the ACO elected is not in the file: checked that the printed rate is an allowed election or the variable table")
  if (s.outcome === "loss" && terms.lossLimit?.shareOfRevenue !== undefined && withinDollar) {
    notes.push("revenue not in the file: the revenue-based loss limit could not be checked (the figure reproduces, so it did not bind)")
  }

  const headline = withinDollar
    ? `reproduced within $1 (${s.outcome}; computed ${dollars(computedEarned)}, reported ${dollars(reportedEarned)}); ${corridor.note}`
    : `not reproduced: off by ${dollars(difference)}`
  return {
    acoId,
    name,
    track,
    outcome: s.outcome,
    reportedOutcome,
    computedEarned,
    reportedEarned,
    difference,
    computedMsr: s.msr,
    reportedMsr: printedMsr.value,
    msrBasis: corridor.basis,
    withinDollar,
    ...(corridor.matches !== undefined ? { msrMatches: corridor.matches } : {}),
    savingsRateMatches,
    shareRateMatches,
    ...(lossRateMatches !== undefined ? { lossRateMatches } : {}),
    ...(impliedLossLimit ? { impliedLossLimit } : {}),
    explanation: [headline, ...notes].join("; "),
    settlement
  }
}
