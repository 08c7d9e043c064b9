import type { Decimal } from "decimal.js"
import { ONE, ZERO } from "../decimal.js"
import { exactText, type Derivation, type Explained } from "../derivation.js"
import { invalid } from "../errors.js"
import { msspMsr } from "../settlement/msr.js"
import { flatLossRate } from "../settlement/lossRate.js"
import { msspQualityStandard } from "../settlement/quality.js"
import { settle, type Settlement, type SettlementInput } from "../settlement/settle.js"
import { MSSP_FIXED_CORRIDOR_ELECTIONS, MSSP_REDUCED_SHARED_SAVINGS, msspTrack, type MsspTrack } from "../settlement/tracks.js"
import type { CorridorRate, SettlementTerms } from "../settlement/terms.js"
import { checkAipRecoupment, checkReducedSharedSavings, type PufRuleCheck } from "./pufChecks.js"
import { agreesToPrintedPrecision, dollars, pct, RULE, type Printed } from "./pufColumns.js"
import { detectPufLayout, isOneSided, LEGACY_TRACKS, pufRowReader, readTrack, type PufLayout, type PufLayoutId, type PufTrack } from "./pufLayout.js"

/**
 * Re-settling one row of CMS's Shared Savings Program results file with settle(): does our rule
 * set reproduce what CMS paid, and if not, why? Pure: the caller reads the CSV and hands rows in
 * (keyed by the header names as the file writes them). The rules it checks are docs/model.md
 * §9.7–§9.9; what it cannot reproduce is docs/rules/mssp-parity.md.
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
  /** Neither; the printed rate is used as given. */
  | "unexplained"

/**
 * The rule paths a row takes in CMS's settlement. The first four are exclusive (where the
 * year fell); guardrail, alternative quality and AIP recoupment come on top of one of them.
 */
export type PufPath = "savings" | "losses" | "none" | "reduced-shared-savings" | "guardrail" | "alternative-quality" | "aip-recoupment"

/** Why pbpsim's rules cannot reproduce a row from the public file. */
export type PufGapKind = "revenue-loss-limit" | "reduced-shared-savings" | "guardrail" | "legacy-track" | "six-month-period" | "unexplained"

export interface PufGap {
  readonly kind: PufGapKind
  readonly reason: string
}

/** One PUF row reconciled: what our rules compute against what CMS printed, and why they differ if they do. */
export interface PufRowReconciliation {
  readonly acoId: string
  readonly name: string
  readonly track: PufTrack
  /** The layout of the file the row came from. */
  readonly layout: PufLayoutId
  /** The rule paths CMS's figures put the row on. */
  readonly paths: ReadonlyArray<PufPath>
  /** Outcome our rules compute; absent when pbpsim has no terms for the row's track. */
  readonly outcome?: PufOutcome
  /** Outcome the file reports (sign of GenSaveLoss). */
  readonly reportedOutcome: PufOutcome
  /** settle()'s provider net: earned savings (+) or owed losses (−), exact; absent when not settled. */
  readonly computedEarned?: Decimal
  /** EarnSaveLoss. */
  readonly reportedEarned: Decimal
  /** computedEarned − the reported figure in the same terms (EarnSaveLoss, plus AIPRecoup when CMS prints it net of recoupment). */
  readonly difference?: Decimal
  /** Whether EarnSaveLoss is printed before AIP recoupment, or net of it (found by which one the computed figure matches). */
  readonly earnedBasis: "before-aip-recoupment" | "net-of-aip-recoupment"
  /** The MSR our rules settle with (the table value, or the election the printed rate shows). */
  readonly computedMsr?: Decimal
  /** MinSavPerc as a rate. */
  readonly reportedMsr: Decimal
  readonly msrBasis: PufMsrBasis
  /** Reproduced by pbpsim's rules within $1. */
  readonly withinDollar: boolean
  /** The printed MSR is explained (table to printed precision, or an allowed election); absent if it could not be checked. */
  readonly msrMatches?: boolean
  /** FinalShareRate = track rate × quality multiplier, to printed precision (absent when not settled or not printed). */
  readonly shareRateMatches?: boolean
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
  /** Why the row is not reproduced; absent when it is. */
  readonly gap?: PufGap
  /** 425.605(h) checked on the file's own figures (rows with ReducedSS = 1). */
  readonly reducedSharedSavings?: PufRuleCheck
  /** 425.630 checked on the file's own figures (rows with advance investment payments). */
  readonly aipRecoupment?: PufRuleCheck & { readonly recouped: Decimal; readonly paid: Decimal }
  /** The percentage styles the row's cells used. */
  readonly percentStyles: ReadonlyArray<Printed["style"]>
  /** Why the row is off, or what could not be checked; "reproduced …" otherwise. */
  readonly explanation: string
  readonly settlement?: Explained<Settlement>
}

/** The settlement terms a PUF row's printed MSR implies, and how that was decided. */
const corridorFor = (
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

/**
 * Savings rate × quality multiplier (× one-half when the year settled at 425.605(h)'s reduced rate),
 * and the loss rate at this quality by the settlement's own rule (flatLossRate).
 */
const trackRates = (terms: SettlementTerms, input: SettlementInput, reducedBelowMsr: boolean): { readonly share: Decimal; readonly loss?: Decimal } => {
  const reduction = reducedBelowMsr && terms.reducedBelowMsr ? terms.reducedBelowMsr.factor : ONE
  const share = input.meetsQualityStandard && terms.savingsRate.kind === "flat" ? terms.savingsRate.rate.mul(input.qualityMultiplier).mul(reduction) : ZERO
  const lossRate = terms.lossRate
  if (lossRate === undefined || lossRate.kind === "bands") return { share }
  return { share, loss: flatLossRate(lossRate, input).value }
}

const yearOf = (date: string): number | undefined => {
  const m = /(\d{4})/.exec(date)
  return m ? Number(m[1]) : undefined
}

const notApplicable = (text: string | undefined): boolean => text === undefined || /^\s*(-|\*|\.|n\/a)?\s*$/i.test(text)

/**
 * Whether a row's terms carry 425.605(h), from the columns that determine it: a layout with
 * reduced shared savings (ReducedSS; PY2024 on, the rule begins with agreements from 2024), a
 * BASIC track (ENHANCED has no such rule, 425.610), a low revenue ACO (Rev_Exp_Cat) and an
 * agreement period from 2024 (Current_Start_Date). A condition whose column the file lacks or
 * leaves blank is taken from ReducedSS, CMS's own finding, and the note says so. The rule then
 * tests what settlement reads: 0 < gross < MSR × B, N_AB ≥ 5,000, the quality standard met.
 */
const reducedEligibility = (
  hasReducedColumn: boolean,
  track: PufTrack,
  reducedFlag: boolean,
  revenueCategory: string | undefined,
  startDate: string | undefined
): { readonly eligible: boolean; readonly why: string; readonly note?: string } | undefined => {
  if (!hasReducedColumn) return undefined
  if (track === "enhanced") {
    return { eligible: false, why: "an ENHANCED ACO: 425.605(h) is a BASIC track rule", ...(reducedFlag ? { note: "ReducedSS = 1 on an ENHANCED row, though 425.605(h) is a BASIC track rule" } : {}) }
  }
  const fromFlag: string[] = []
  const lowRevenue = notApplicable(revenueCategory) ? (fromFlag.push("low revenue"), reducedFlag) : /low/i.test(revenueCategory!)
  const startYear = notApplicable(startDate) ? undefined : yearOf(startDate!)
  const recent = startYear === undefined ? (fromFlag.push("an agreement period from 2024"), reducedFlag) : startYear >= 2024
  const why = [
    lowRevenue ? "low revenue" : `not low revenue (Rev_Exp_Cat "${revenueCategory}")`,
    recent ? "an agreement period from 2024" : `an agreement period from ${startYear} (Current_Start_Date ${startDate})`
  ].join(", ")
  const note = fromFlag.length > 0 && reducedFlag ? `425.605(h) eligibility: ${fromFlag.join(" and ")} not in the file, taken from ReducedSS = ${reducedFlag ? 1 : 0}` : undefined
  return { eligible: lowRevenue && recent, why, ...(note ? { note } : {}) }
}

const LEGACY_NAMES: Readonly<Record<string, string>> = {
  "track-1": "Track 1 (42 CFR 425.604)",
  "track-1-plus": "the Track 1+ Model",
  "track-2": "Track 2 (42 CFR 425.606)"
}

/** Re-settle one PUF row; its layout is recognised from the row's own keys. */
export const reconcilePufRow = (row: Readonly<Record<string, string>>): PufRowReconciliation => reconcilePufRowIn(row, detectPufLayout(Object.keys(row)))

/** Re-settle every row of one file, its layout recognised once from the header. */
export const reconcilePufRows = (header: ReadonlyArray<string>, rows: ReadonlyArray<Readonly<Record<string, string>>>): ReadonlyArray<PufRowReconciliation> => {
  const layout = detectPufLayout(header)
  return rows.map((row) => reconcilePufRowIn(row, layout))
}

/**
 * Re-settle one PUF row with our rules and compare with what CMS reports.
 * - B = ABtotBnchmk, gross = BnchmkMinExp and E = B − gross (ABtotExp is printed rounded
 *   separately, so B − ABtotExp can differ from the printed gross by $1).
 * - Quality, from PY2021 (425.512, msspQualityStandard): Met_QPS → multiplier 1; else Met_AltQPS →
 *   QualScore (printed health-equity adjusted); else failed. Before PY2021 (no Met_QPS column):
 *   multiplier = QualScore.
 * - DisAdj is the disaster (EUC) reduction of owed losses.
 * - Revenue is not in the file: revenue-based loss limits cannot be applied; when a loss row
 *   is owed less than our unlimited figure, the implied limit is reported instead.
 * - 425.605(h) reduced shared savings: settled by the rule (the terms carry MSSP_REDUCED_SHARED_SAVINGS)
 *   where the columns make the ACO eligible (reducedEligibility); ReducedSS rows are also checked on
 *   the file's own figures (pufChecks.ts), as is 425.630 AIP recoupment, which EarnSaveLoss precedes.
 */
export const reconcilePufRowIn = (row: Readonly<Record<string, string>>, layout: PufLayout): PufRowReconciliation => {
  const read = pufRowReader(row, layout)
  const acoId = read.acoId
  const name = read.text("name")
  if (name === undefined) throw invalid(RULE, "ACO_Name", `is missing from the row of ACO ${acoId}`)
  const { track, label: trackLabel } = readTrack(read)
  const twoSided = !isOneSided(track)
  const riskModel = read.text("riskModel")
  if (riskModel !== undefined && riskModel !== "" && riskModel !== "-") {
    if (!/^(one|two)[- ]sided$/i.test(riskModel)) throw invalid(RULE, "Risk_Model", `of ACO ${acoId} is not "One-Sided" or "Two-Sided": "${riskModel}"`)
    if (/^two/i.test(riskModel) !== twoSided) throw invalid(RULE, "Risk_Model", `of ACO ${acoId} is "${riskModel}" but track ${track} is ${twoSided ? "two" : "one"}-sided`)
  }

  const members = read.money("members")
  const benchmark = read.money("benchmark")
  const gross = read.money("gross")
  const printedExpenditure = read.money("expenditure")
  const expenditure = benchmark.sub(gross)
  const reportedEarned = read.money("earned")
  const generalSavings = read.money("generated")
  const disasterAdjustment = read.has("disaster") ? read.optionalMoney("disaster") : undefined
  if (disasterAdjustment?.gt(ZERO)) throw invalid(RULE, "DisAdj", `of ACO ${acoId} is positive (${exactText(disasterAdjustment)}); it reduces owed losses and must be ≤ 0`)
  if (!benchmark.gt(ZERO)) throw invalid(RULE, "ABtotBnchmk", `of ACO ${acoId} must be a total benchmark > 0 (got ${exactText(benchmark)})`)
  const printedSavingsRate = read.percent("savingsRate")
  const printedMsr = read.percent("msr")
  const printedShare = read.optionalPercent("shareRate")
  const printedLoss = read.has("lossRate") ? read.optionalPercent("lossRate") : undefined
  const qualScore = read.optionalPercent("qualScore")
  const metQps = read.flag("metQps")
  const metAlt = read.flag("metAlt")
  const midYearTermination = read.flag("midYearTermination")
  const revenueCategory = read.text("revenueCategory")
  const reduced = read.flag("reducedSharedSavings")
  const guardrail = read.flag("guardrail")
  const aip = read.flag("aip")
  const recouped = read.has("aipRecoup") ? (read.optionalMoney("aipRecoup") ?? ZERO) : undefined
  const aipBalance = read.has("aipBalance") ? read.optionalMoney("aipBalance") : undefined
  const aipOwed = read.has("aipOwe") ? read.optionalMoney("aipOwe") : undefined
  const sixMonths = read.flag("sixMonths")

  // Quality: the standard (PY2021 on) or the quality-scaled rate (before).
  const scaled = layout.qualityBasis === "scaled"
  const meets = scaled ? qualScore !== undefined && qualScore.value.gt(ZERO) && (!read.has("metQps") || metQps) : metQps || metAlt
  const alternative = !scaled && metAlt && !metQps
  const needsScore = alternative || (scaled && meets) || (track === "enhanced" && meets)
  if (needsScore && qualScore === undefined) {
    throw invalid(RULE, "QualScore", `of ACO ${acoId} is blank but its ${alternative ? "alternative quality standard" : scaled ? "quality-scaled sharing rate" : "ENHANCED loss rate"} needs it`)
  }
  const score = qualScore?.value ?? ONE
  // From PY2021 the standard's rule itself (425.512 via msspQualityStandard) turns Met_QPS / Met_AltQPS and the
  // printed score (already health-equity adjusted) into the multiplier; before, the rate scales with the score.
  const standard = scaled ? undefined : msspQualityStandard({ score, standard: { kind: "reported", met: metQps }, alternativeMet: metAlt })
  const multiplier = standard ? standard.value.savingsMultiplier : meets ? score : ZERO

  // A ReducedSS row CMS paid is savings (425.605(h)) whether GenSaveLoss prints the gross or 0 below the MSR.
  const reportedOutcome: PufOutcome = reduced && reportedEarned.gt(ZERO) ? "savings" : outcomeOf(generalSavings)
  const paths: PufPath[] = [reduced ? "reduced-shared-savings" : outcomeOf(generalSavings) === "savings" ? "savings" : outcomeOf(generalSavings) === "loss" ? "losses" : "none"]
  if (guardrail) paths.push("guardrail")
  if (alternative) paths.push("alternative-quality")
  if (aip || (recouped?.gt(ZERO) ?? false)) paths.push("aip-recoupment")

  const savingsRate = gross.div(benchmark)
  const savingsRateMatches = agreesToPrintedPrecision(savingsRate, printedSavingsRate)
  const corridor = corridorFor(twoSided, members, printedMsr)
  const notes: string[] = []
  if (midYearTermination) notes.push("mid-year termination affects this ACO (Impact_Mid_Year_Termination = 1)")
  if (track === "enhanced" && /3/.test(trackLabel)) notes.push(`${trackLabel}: Track 3, settled as the ENHANCED track (42 CFR 425.600(a)(3))`)

  const legacy = LEGACY_TRACKS.includes(track)
  let settled:
    | {
        readonly settlement: Explained<Settlement>
        readonly terms: SettlementTerms
        readonly input: SettlementInput
      }
    | undefined
  const eligibility = legacy ? undefined : reducedEligibility(read.has("reducedSharedSavings"), track, reduced, revenueCategory, read.text("startDate"))
  if (eligibility?.note) notes.push(eligibility.note)
  if (!legacy) {
    const mssp = track as MsspTrack
    const trackTerms = msspTrack(mssp, { msr: corridor.corridor, ...(twoSided ? { mlr: corridor.corridor } : {}) })
    const terms: SettlementTerms = eligibility?.eligible ? { ...trackTerms, reducedBelowMsr: MSSP_REDUCED_SHARED_SAVINGS } : trackTerms
    const qualityDerivation: Derivation | undefined = standard?.derivation
    const input: SettlementInput = {
      benchmark,
      expenditure,
      assignedMembers: members,
      qualityScore: standard?.value.score ?? score,
      qualityMultiplier: multiplier,
      meetsQualityStandard: standard?.value.meetsStandard ?? meets,
      ...(disasterAdjustment !== undefined ? { disasterAdjustment } : {}),
      ...(qualityDerivation ? { qualityDerivation } : {})
    }
    settled = { settlement: settle(terms, input), terms, input }
  }

  // Compare in the terms CMS printed: EarnSaveLoss is earned savings before AIP recoupment unless
  // only EarnSaveLoss + AIPRecoup matches (then the file prints it net of recoupment).
  const computedEarned = settled?.settlement.value.providerNet
  let earnedBasis: PufRowReconciliation["earnedBasis"] = "before-aip-recoupment"
  let comparable = reportedEarned
  if (computedEarned !== undefined && recouped?.gt(ZERO) && computedEarned.sub(reportedEarned).abs().gt(ONE) && computedEarned.sub(reportedEarned.add(recouped)).abs().lte(ONE)) {
    earnedBasis = "net-of-aip-recoupment"
    comparable = reportedEarned.add(recouped)
  }
  const difference = computedEarned?.sub(comparable)
  const withinDollar = difference !== undefined && difference.abs().lte(ONE)

  let reducedSharedSavings: PufRowReconciliation["reducedSharedSavings"]
  if (reduced) {
    if (legacy) {
      notes.push("ReducedSS = 1 on a track pbpsim has no rates for: 425.605(h) not checked")
    } else {
      const trackRate = settled!.terms.savingsRate.kind === "flat" ? settled!.terms.savingsRate.rate : ZERO
      const facts = (reported: Decimal) =>
        checkReducedSharedSavings({
          gross,
          savingsRate,
          printedMsr,
          members,
          trackRate,
          qualityMultiplier: multiplier,
          meetsQuality: meets,
          printedShare: printedShare ?? { value: ZERO, halfUnit: ZERO, text: "-", style: "plain" },
          reportedEarned: reported,
          ...(revenueCategory !== undefined ? { revenueCategory } : {}),
          ...(read.text("startDate") !== undefined ? { startDate: read.text("startDate")! } : {})
        })
      let check = facts(reportedEarned)
      if (!check.consistent && recouped?.gt(ZERO)) {
        const net = facts(reportedEarned.add(recouped))
        if (net.consistent) {
          check = net
          earnedBasis = "net-of-aip-recoupment"
        }
      }
      reducedSharedSavings = { rule: check.rule, consistent: check.consistent, detail: check.detail }
    }
  }

  let aipRecoupment: PufRowReconciliation["aipRecoupment"]
  if (paths.includes("aip-recoupment")) {
    if (recouped === undefined) {
      notes.push("advance investment payments: the file has no AIPRecoup column, so 425.630 recoupment cannot be checked")
    } else {
      const earnedBefore = earnedBasis === "net-of-aip-recoupment" ? reportedEarned.add(recouped) : reportedEarned
      const check = checkAipRecoupment({
        earnedBeforeRecoupment: earnedBefore,
        recouped,
        ...(aipBalance !== undefined ? { balance: aipBalance } : {}),
        ...(aipOwed !== undefined ? { owed: aipOwed } : {})
      })
      aipRecoupment = { rule: check.rule, consistent: check.consistent, detail: check.detail, recouped, paid: check.paid }
    }
  }

  let impliedLossLimit: PufRowReconciliation["impliedLossLimit"]
  let gap: PufGap | undefined
  let shareRateMatches: boolean | undefined
  let lossRateMatches: boolean | undefined
  if (legacy || settled === undefined) {
    gap = {
      kind: "legacy-track",
      reason: `${LEGACY_NAMES[track] ?? track} ended before PY2021 and pbpsim's rules have no terms for it (they have BASIC A–E and ENHANCED): not settled`
    }
  } else {
    const { terms, input } = settled
    const s = settled.settlement.value
    const rates = trackRates(terms, input, s.reducedBelowMsr)
    if (printedShare !== undefined) shareRateMatches = agreesToPrintedPrecision(rates.share, printedShare)
    lossRateMatches = twoSided && rates.loss !== undefined && printedLoss !== undefined ? agreesToPrintedPrecision(rates.loss, printedLoss) : undefined
    if (s.outcome !== reportedOutcome) notes.push(`outcome differs: computed ${s.outcome}, CMS ${reportedOutcome}`)
    if (!withinDollar && reduced && eligibility?.eligible !== true) {
      gap = {
        kind: "reduced-shared-savings",
        reason: `CMS paid reduced shared savings below the MSR (ReducedSS = 1, 42 CFR 425.605(h)), but the file's columns do not make the ACO eligible (${eligibility?.why ?? "no reduced shared savings in this layout"}); pbpsim computes ${dollars(computedEarned!)}`
      }
    }
    const lessThanRateTimesLoss = !withinDollar && !reduced && !guardrail && s.outcome === "loss" && reportedOutcome === "loss" && reportedEarned.lt(ZERO) && computedEarned!.lt(reportedEarned)
    if (lessThanRateTimesLoss) {
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
        if (consistent) gap = { kind: "revenue-loss-limit", reason: "a revenue-based loss limit binds (425.605(d)); the file has no ACO participant revenue column" }
      } else {
        notes.push(`owed ${dollars(reportedEarned.neg())} is below rate × loss (${dollars(computedEarned!.neg())}) and ${track} has no revenue-based limit: not explained`)
      }
    }
    if (!withinDollar && gap === undefined) {
      gap = guardrail
        ? { kind: "guardrail", reason: "the loss guardrail applied (Guardrail = 1, 42 CFR 425.652(b)(5)): the benchmark is recomputed from figures the file does not have" }
        : sixMonths
          ? { kind: "six-month-period", reason: "a six-month 2019 performance period (425.609): CMS pro-rates the year's result, which pbpsim's settlement does not" }
          : { kind: "unexplained", reason: "not explained by the rules pbpsim implements" }
      if (gap.kind === "unexplained" && !lessThanRateTimesLoss) notes.push(`computed ${dollars(computedEarned!)} vs reported ${dollars(comparable)}: not explained by the rules`)
    }
    if (shareRateMatches === false && printedShare) notes.push(`final sharing rate ${pct(rates.share)} does not agree with printed ${printedShare.text}`)
    if (lossRateMatches === false && printedLoss) notes.push(`loss rate ${pct(rates.loss ?? ZERO, 4)} does not agree with printed ${printedLoss.text}`)
    if (s.outcome === "loss" && terms.lossLimit?.shareOfRevenue !== undefined && withinDollar) {
      notes.push("revenue not in the file: the revenue-based loss limit could not be checked (the figure reproduces, so it did not bind)")
    }
  }
  if (earnedBasis === "net-of-aip-recoupment") notes.push(`EarnSaveLoss is printed net of AIP recoupment: compared with EarnSaveLoss + AIPRecoup = ${dollars(comparable)}`)
  if (reducedSharedSavings) notes.push(reducedSharedSavings.detail)
  if (aipRecoupment) notes.push(aipRecoupment.detail)
  if (corridor.matches === false) notes.push(corridor.note)
  if (!savingsRateMatches) notes.push(`savings rate ${pct(savingsRate, 4)} does not agree with printed Sav_rate ${printedSavingsRate.text}`)
  if (printedExpenditure.sub(expenditure).abs().gt(ONE)) {
    notes.push(`ABtotBnchmk − BnchmkMinExp = ${dollars(expenditure)} differs from ABtotExp ${dollars(printedExpenditure)} by more than $1`)
  }
  if (twoSided && corridor.basis !== "variable-table") notes.push("which MSR/MLR the ACO elected is not in the file: checked that the printed rate is an allowed election or the variable table")
  if (sixMonths && withinDollar) notes.push("six-month 2019 performance period (Participation_Six_Months = 1)")

  const headline = withinDollar
    ? `reproduced within $1 (${settled!.settlement.value.outcome}${settled!.settlement.value.reducedBelowMsr ? " below the MSR at the reduced rate of 425.605(h)" : ""}; computed ${dollars(computedEarned!)}, reported ${dollars(comparable)}); ${corridor.note}`
    : gap?.kind === "legacy-track"
      ? `not settled: ${gap.reason}`
      : `not reproduced: off by ${dollars(difference!)}${gap ? ` (${gap.reason})` : ""}`
  return {
    acoId,
    name,
    track,
    layout: layout.id,
    paths,
    ...(settled ? { outcome: settled.settlement.value.outcome, computedEarned: computedEarned!, difference: difference!, computedMsr: settled.settlement.value.msr, settlement: settled.settlement } : {}),
    reportedOutcome,
    reportedEarned,
    earnedBasis,
    reportedMsr: printedMsr.value,
    msrBasis: corridor.basis,
    withinDollar,
    ...(corridor.matches !== undefined ? { msrMatches: corridor.matches } : {}),
    savingsRateMatches,
    ...(shareRateMatches !== undefined ? { shareRateMatches } : {}),
    ...(lossRateMatches !== undefined ? { lossRateMatches } : {}),
    ...(impliedLossLimit ? { impliedLossLimit } : {}),
    ...(gap ? { gap } : {}),
    ...(reducedSharedSavings ? { reducedSharedSavings } : {}),
    ...(aipRecoupment ? { aipRecoupment } : {}),
    percentStyles: [...read.percentStyles],
    explanation: [headline, ...notes].join("; ")
  }
}
