import type { Decimal } from "decimal.js"
import { ZERO } from "../decimal.js"
import type { PufOutcome, PufRowReconciliation } from "./pufReconcile.js"

/** The summary of a whole results file's reconciliation. */

/** A row not reproduced within $1 (or with an unexplained rate), with the reason. */
export interface PufReconciliationMiss {
  readonly acoId: string
  readonly outcome: PufOutcome
  readonly difference: Decimal
  readonly explanation: string
}

/** Counts of a whole PUF reconciliation: rows matched to the dollar, outcomes and rates matched. */
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

/** Sums up reconciled rows: matches per outcome, rate matches, totals and every miss. */
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
