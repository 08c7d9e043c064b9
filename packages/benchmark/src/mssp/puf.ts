import type { Decimal } from "decimal.js"
import { dec, ONE, ZERO } from "../decimal.js"
import { exactText, type Explained } from "../derivation.js"
import { invalid } from "../errors.js"
import { formatFixed } from "../rounding.js"
import { msspMsr } from "../settlement/msr.js"
import { settle, type Settlement } from "../settlement/settle.js"
import { MSSP_FIXED_CORRIDOR_ELECTIONS, msspTrack, type MsspTrack } from "../settlement/tracks.js"
import type { CorridorRate, SettlementTerms } from "../settlement/terms.js"

/**
 * Reconciliation of CMS's Shared Savings Program "Performance Year Financial and Quality
 * Results" public use file (one row per ACO) against settle(): does our rule set reproduce
 * what CMS paid? Pure: the caller reads the CSV (csv-parse, `columns: true`) and hands rows in.
 * Layout: PY2023 (and later years with the same column names). methodology.md §1.9–1.11, §5.
 */

/** Columns reconcilePufRow reads. `Impact_Mid_Year_Termination` and `Rev_Exp_Cat` are read when present. */
export const PUF_REQUIRED_COLUMNS: ReadonlyArray<string> = [
  "ACO_ID",
  "ACO_Name",
  "Current_Track",
  "Risk_Model",
  "N_AB",
  "Sav_rate",
  "MinSavPerc",
  "BnchmkMinExp",
  "GenSaveLoss",
  "DisAdj",
  "EarnSaveLoss",
  "Met_QPS",
  "Met_AltQPS",
  "QualScore",
  "ABtotBnchmk",
  "ABtotExp",
  "FinalShareRate",
  "FinalLossRate"
]

/** Required columns absent from a header row, in PUF_REQUIRED_COLUMNS order. */
export const missingPufColumns = (header: ReadonlyArray<string>): string[] => {
  const present = new Set(header.map((h) => h.trim()))
  return PUF_REQUIRED_COLUMNS.filter((c) => !present.has(c))
}

const RULE = "mssp.puf"

/** A printed figure with the precision it was printed at: "9.09%" is 0.0909 ± 0.00005. */
interface Printed {
  readonly value: Decimal
  /** Half a unit of the last printed digit, in the value's own unit (a rate for percents). */
  readonly halfUnit: Decimal
  readonly text: string
}

const cell = (row: Readonly<Record<string, string>>, column: string, acoId: string): string => {
  const raw = row[column]
  if (raw === undefined) throw invalid(RULE, column, `is missing from the row of ACO ${acoId}`)
  return raw.trim()
}

/** "-" and blanks are CMS's "not applicable / suppressed". */
const isAbsent = (text: string): boolean => text === "" || text === "-" || text === "." || text.toUpperCase() === "N/A"

const NUMBER = /^-?\d+(\.\d+)?$/

const parseNumberText = (text: string, column: string, acoId: string): Decimal => {
  // Accept "$1,234", "(1,234)" accounting negatives and a leading "−" as printed by some exports.
  let t = text.replace(/[$,\s]/g, "").replace(/^−/, "-")
  if (/^\(.*\)$/.test(t)) t = `-${t.slice(1, -1)}`
  if (!NUMBER.test(t)) throw invalid(RULE, column, `of ACO ${acoId} is not a number: "${text}"`)
  return dec(t)
}

const optionalMoney = (row: Readonly<Record<string, string>>, column: string, acoId: string): Decimal | undefined => {
  const text = cell(row, column, acoId)
  return isAbsent(text) ? undefined : parseNumberText(text, column, acoId)
}

const money = (row: Readonly<Record<string, string>>, column: string, acoId: string): Decimal => {
  const value = optionalMoney(row, column, acoId)
  if (value === undefined) throw invalid(RULE, column, `of ACO ${acoId} is blank; a number is required`)
  return value
}

const optionalPercent = (row: Readonly<Record<string, string>>, column: string, acoId: string): Printed | undefined => {
  const text = cell(row, column, acoId)
  if (isAbsent(text)) return undefined
  if (!text.endsWith("%")) throw invalid(RULE, column, `of ACO ${acoId} is not a percentage like "9.09%": "${text}"`)
  const number = text.slice(0, -1).trim()
  const value = parseNumberText(number, column, acoId)
  const places = number.includes(".") ? number.length - number.indexOf(".") - 1 : 0
  return { value: value.div(100), halfUnit: dec(5).div(dec(10).pow(places + 3)), text }
}

const percent = (row: Readonly<Record<string, string>>, column: string, acoId: string): Printed => {
  const value = optionalPercent(row, column, acoId)
  if (value === undefined) throw invalid(RULE, column, `of ACO ${acoId} is blank; a percentage is required`)
  return value
}

/** 0/1 flags; "-" or blank is "not applicable" (false). */
const flag = (row: Readonly<Record<string, string>>, column: string, acoId: string): boolean => {
  const text = cell(row, column, acoId)
  if (isAbsent(text) || text === "0") return false
  if (text === "1") return true
  throw invalid(RULE, column, `of ACO ${acoId} is not a 0/1 flag: "${text}"`)
}

const TRACK_CODES: Readonly<Record<string, MsspTrack>> = {
  A: "basic-a",
  B: "basic-b",
  C: "basic-c",
  D: "basic-d",
  E: "basic-e",
  EN: "enhanced",
  "BASIC A": "basic-a",
  "BASIC B": "basic-b",
  "BASIC C": "basic-c",
  "BASIC D": "basic-d",
  "BASIC E": "basic-e",
  ENHANCED: "enhanced"
}

const parseTrack = (text: string, acoId: string): MsspTrack => {
  const key = text.toUpperCase().replace(/^BASIC\s+LEVEL\s+/, "BASIC ").replace(/^LEVEL\s+/, "")
  const track = TRACK_CODES[key]
  if (!track) throw invalid(RULE, "Current_Track", `of ACO ${acoId} is not an MSSP track this rule set knows (A–E, EN): "${text}"`)
  return track
}

/** |computed − printed| within half a unit of the printed precision (inclusive: CMS rounds floats, so exact halves go either way). */
const agreesToPrintedPrecision = (computed: Decimal, printed: Printed): boolean => computed.sub(printed.value).abs().lte(printed.halfUnit)

const pct = (rate: Decimal, places = 2): string => `${formatFixed(rate.mul(100), places)}%`
const dollars = (value: Decimal): string => `$${formatFixed(value, 0)}`

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

/** Savings rate × quality multiplier, and the loss rate at this quality, straight from the track's terms. */
const trackRates = (terms: SettlementTerms, meets: boolean, multiplier: Decimal, score: Decimal): { readonly share: Decimal; readonly loss?: Decimal } => {
  const share = meets && terms.savingsRate.kind === "flat" ? terms.savingsRate.rate.mul(multiplier) : ZERO
  const lr = terms.lossRate
  if (lr === undefined || lr.kind === "bands") return { share }
  if (lr.kind === "flat") return { share, loss: lr.rate }
  if (!meets) return { share, loss: lr.failedQuality }
  const raw = ONE.sub(lr.savingsRate.mul(score))
  return { share, loss: raw.lt(lr.min) ? lr.min : raw.gt(lr.max) ? lr.max : raw }
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
  const settlement = settle(terms, {
    benchmark,
    expenditure,
    assignedMembers: members,
    qualityScore: score,
    qualityMultiplier: multiplier,
    meetsQualityStandard: meets,
    ...(disasterAdjustment !== undefined ? { disasterAdjustment } : {})
  })
  const s = settlement.value
  const computedEarned = s.providerNet
  const difference = computedEarned.sub(reportedEarned)
  const withinDollar = difference.abs().lte(ONE)
  const reportedOutcome = outcomeOf(generalSavings)
  const savingsRateMatches = agreesToPrintedPrecision(s.savingsRate, printedSavingsRate)
  const rates = trackRates(terms, meets, multiplier, score)
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

export interface PufReconciliationMiss {
  readonly acoId: string
  readonly outcome: PufOutcome
  readonly difference: Decimal
  readonly explanation: string
}

export interface PufReconciliationSummary {
  readonly rows: number
  /** Rows CMS reports as savings (GenSaveLoss > 0). */
  readonly savingsRows: number
  readonly savingsWithinDollar: number
  /** Rows CMS reports as losses (GenSaveLoss < 0). */
  readonly lossRows: number
  readonly lossWithinDollar: number
  /** Loss rows off by more than $1 whose gap a revenue-based loss limit consistently explains. */
  readonly lossExplainedByRevenueLimit: number
  /** Rows inside the corridor (GenSaveLoss = 0). */
  readonly noneRows: number
  readonly noneWithinDollar: number
  /** Rows where our corridor test gives CMS's outcome. */
  readonly outcomeMatches: number
  readonly oneSidedRows: number
  /** One-sided rows whose printed MSR is the variable table to printed precision. */
  readonly oneSidedMsrMatches: number
  readonly twoSidedRows: number
  readonly twoSidedFixedElection: number
  readonly twoSidedVariableTable: number
  readonly twoSidedMsrUnexplained: number
  readonly savingsRateMatches: number
  readonly shareRateMatches: number
  readonly lossRateRows: number
  readonly lossRateMatches: number
  /** Σ reported EarnSaveLoss over savings rows and over loss rows. */
  readonly reportedSavingsTotal: Decimal
  readonly reportedLossTotal: Decimal
  /** Every row not within $1 or with an unexplained rate, with the reason. */
  readonly misses: ReadonlyArray<PufReconciliationMiss>
}

export const summarizePufReconciliation = (rows: ReadonlyArray<PufRowReconciliation>): PufReconciliationSummary => {
  const count = (p: (r: PufRowReconciliation) => boolean): number => rows.filter(p).length
  const savings = rows.filter((r) => r.reportedOutcome === "savings")
  const losses = rows.filter((r) => r.reportedOutcome === "loss")
  const oneSided = rows.filter((r) => r.track === "basic-a" || r.track === "basic-b")
  const twoSided = rows.filter((r) => r.track !== "basic-a" && r.track !== "basic-b")
  const total = (rs: ReadonlyArray<PufRowReconciliation>): Decimal => rs.reduce((acc, r) => acc.add(r.reportedEarned), ZERO)
  return {
    rows: rows.length,
    savingsRows: savings.length,
    savingsWithinDollar: savings.filter((r) => r.withinDollar).length,
    lossRows: losses.length,
    lossWithinDollar: losses.filter((r) => r.withinDollar).length,
    lossExplainedByRevenueLimit: losses.filter((r) => !r.withinDollar && r.impliedLossLimit?.consistent === true).length,
    noneRows: count((r) => r.reportedOutcome === "none"),
    noneWithinDollar: count((r) => r.reportedOutcome === "none" && r.withinDollar),
    outcomeMatches: count((r) => r.outcome === r.reportedOutcome),
    oneSidedRows: oneSided.length,
    oneSidedMsrMatches: oneSided.filter((r) => r.msrMatches === true).length,
    twoSidedRows: twoSided.length,
    twoSidedFixedElection: twoSided.filter((r) => r.msrBasis === "fixed-election").length,
    twoSidedVariableTable: twoSided.filter((r) => r.msrBasis === "elected-variable-table").length,
    twoSidedMsrUnexplained: twoSided.filter((r) => r.msrBasis === "unexplained").length,
    savingsRateMatches: count((r) => r.savingsRateMatches),
    shareRateMatches: count((r) => r.shareRateMatches),
    lossRateRows: count((r) => r.lossRateMatches !== undefined),
    lossRateMatches: count((r) => r.lossRateMatches === true),
    reportedSavingsTotal: total(savings),
    reportedLossTotal: total(losses),
    misses: rows
      .filter((r) => !r.withinDollar || r.msrMatches === false || !r.savingsRateMatches || !r.shareRateMatches || r.lossRateMatches === false || r.outcome !== r.reportedOutcome)
      .map((r) => ({ acoId: r.acoId, outcome: r.reportedOutcome, difference: r.difference, explanation: r.explanation }))
  }
}
