import type { Decimal } from "decimal.js"
import { ZERO } from "../decimal.js"
import type { PufBenchmarkSummary } from "./pufBenchmark.js"
import type { PufRuleCheck } from "./pufChecks.js"
import type { Printed } from "./pufColumns.js"
import { isOneSided, type PufField, type PufLayout, type PufLayoutId } from "./pufLayout.js"
import type { PufGapKind, PufOutcome, PufPath, PufRowReconciliation } from "./pufReconcile.js"

/** The summary of a whole results file's reconciliation. */

/** A row not reproduced within $1 (or with an unexplained rate), with the reason. */
export interface PufReconciliationMiss {
  readonly acoId: string
  readonly outcome: PufOutcome
  /** Computed − reported; absent when the row could not be settled. */
  readonly difference?: Decimal
  readonly explanation: string
}

/** One rule path: how many rows CMS's figures put on it, how many pbpsim reproduces to the dollar, and why the rest are not. */
export interface PufPathSummary {
  readonly path: PufPath
  readonly label: string
  /** How a row is recognised on the path, and the regulation. */
  readonly rule: string
  /** Whether the file has the columns that show this path (false: "not in this layout"). */
  readonly inFile: boolean
  readonly rows: number
  /** Rows reproduced within $1 by pbpsim's rules. */
  readonly reproduced: number
  /** Rows not reproduced, grouped by reason. */
  readonly notReproduced: ReadonlyArray<{ readonly gap: PufGapKind; readonly reason: string; readonly rows: number }>
  /** Rules pbpsim does not settle but checks on the file's own figures (425.605(h), 425.630). */
  readonly check?: { readonly rule: string; readonly checked: number; readonly consistent: number }
}

/** Counts of a whole PUF reconciliation: rows matched to the dollar, outcomes and rates matched. */
export interface PufReconciliationSummary {
  readonly rows: number
  /** The layout recognised from the header, the columns that identified it, and the percentage styles the cells used. */
  readonly layout?: { readonly id: PufLayoutId; readonly evidence: ReadonlyArray<string>; readonly percentStyles: ReadonlyArray<Printed["style"]> }
  /** Parity per rule path (savings, losses, none, reduced shared savings, guardrail, alternative quality, AIP recoupment). */
  readonly paths: ReadonlyArray<PufPathSummary>
  /** Rows CMS reports as savings (GenSaveLoss > 0, and ReducedSS rows CMS paid below the MSR). */
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
  /** Rows pbpsim could not settle at all (tracks it has no terms for). */
  readonly notSettled: number
  /** Rows where our corridor test gives CMS's outcome. */
  readonly outcomeMatches: number
  readonly oneSidedRows: number
  /** One-sided rows whose printed MSR is the variable table to printed precision: these test the table. */
  readonly oneSidedMsrMatches: number
  readonly twoSidedRows: number
  /** Two-sided rows printing a fixed election: the ACO's own choice, used as printed; they test nothing about the table. */
  readonly twoSidedFixedElection: number
  /** Two-sided rows printing the variable table at their N_AB (elected, or below 5,000 members): these test the table too. */
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
  /** Benchmark-side parity: CMS's benchmark figures against the file's own columns (pufBenchmark.ts); absent when not computed. */
  readonly benchmark?: PufBenchmarkSummary
}

interface PathInfo {
  readonly path: PufPath
  readonly label: string
  readonly rule: string
  /** Columns that must be in the file for the path to show (any one). */
  readonly needs: ReadonlyArray<PufField>
  readonly check?: "reducedSharedSavings" | "aipRecoupment"
}

const PATHS: ReadonlyArray<PathInfo> = [
  { path: "savings", label: "savings", rule: "GenSaveLoss > 0: gap at least the MSR, shared at the track's rate × quality, 2 % sequestration, cap (425.605(d), 425.610(d))", needs: [] },
  { path: "losses", label: "losses", rule: "GenSaveLoss < 0: gap at least the MLR, loss rate, loss limit, then DisAdj (425.605(d), 425.610(f)–(g))", needs: [] },
  { path: "none", label: "none (inside the corridor)", rule: "GenSaveLoss = 0 and no reduced shared savings: nothing shared either way", needs: [] },
  {
    path: "reduced-shared-savings",
    label: "reduced shared savings",
    rule: "ReducedSS = 1: half the sharing rate below the MSR for low-revenue ACOs (42 CFR 425.605(h))",
    needs: ["reducedSharedSavings"],
    check: "reducedSharedSavings"
  },
  { path: "guardrail", label: "guardrail", rule: "Guardrail = 1: the benchmark recomputed with the two-way blend (42 CFR 425.652(b)(5))", needs: ["guardrail"] },
  { path: "alternative-quality", label: "alternative quality standard", rule: "Met_QPS = 0, Met_AltQPS = 1: rate × quality score (42 CFR 425.512)", needs: ["metAlt"] },
  {
    path: "aip-recoupment",
    label: "AIP recoupment",
    rule: "AIP = 1: advance investment payments recouped from earned shared savings (42 CFR 425.630)",
    needs: ["aip", "aipRecoup"],
    check: "aipRecoupment"
  }
]

const pathSummary = (info: PathInfo, rows: ReadonlyArray<PufRowReconciliation>, layout: PufLayout | undefined): PufPathSummary => {
  const on = rows.filter((r) => r.paths.includes(info.path))
  const gaps = new Map<PufGapKind, { reason: string; rows: number }>()
  for (const r of on) {
    if (r.withinDollar) continue
    const gap = r.gap ?? { kind: "unexplained" as const, reason: "not explained by the rules pbpsim implements" }
    const seen = gaps.get(gap.kind)
    gaps.set(gap.kind, { reason: seen?.reason ?? GAP_REASONS[gap.kind], rows: (seen?.rows ?? 0) + 1 })
  }
  const inFile = info.needs.length === 0 || (layout ? info.needs.some((f) => layout.columns.has(f)) : on.length > 0)
  const checks = info.check ? on.map((r) => r[info.check!]).filter((c): c is PufRuleCheck => c !== undefined) : []
  return {
    path: info.path,
    label: info.label,
    rule: info.rule,
    inFile,
    rows: on.length,
    reproduced: on.filter((r) => r.withinDollar).length,
    notReproduced: [...gaps.entries()].map(([gap, v]) => ({ gap, reason: v.reason, rows: v.rows })),
    ...(info.check ? { check: { rule: info.check === "reducedSharedSavings" ? "42 CFR 425.605(h)" : "42 CFR 425.630", checked: checks.length, consistent: checks.filter((c) => c.consistent).length } } : {})
  }
}

/** The reason each kind of gap gives, for the summary (rows carry their own, with numbers). */
export const GAP_REASONS: Readonly<Record<PufGapKind, string>> = {
  "revenue-loss-limit": "a revenue-based loss limit binds; the file has no ACO participant revenue column",
  "reduced-shared-savings": "CMS paid 425.605(h) reduced shared savings but the file's columns (track, Rev_Exp_Cat, Current_Start_Date) do not make the ACO eligible",
  guardrail: "the 425.652(b)(5) guardrail recomputes the benchmark from figures the file does not have",
  "legacy-track": "Track 1, 1+ or 2: pbpsim's rules have no terms for these pre-2021 tracks",
  "six-month-period": "six-month 2019 performance period: CMS pro-rates the year (425.609), pbpsim does not",
  unexplained: "not explained by the rules pbpsim implements"
}

/**
 * Sums up reconciled rows: parity per rule path, matches per outcome, rate matches, totals and
 * every miss; with `benchmark` (summarizePufBenchmark), the benchmark-side parity as its own section.
 */
export const summarizePufReconciliation = (rows: ReadonlyArray<PufRowReconciliation>, layout?: PufLayout, benchmark?: PufBenchmarkSummary): PufReconciliationSummary => {
  const count = (p: (r: PufRowReconciliation) => boolean): number => rows.filter(p).length
  const savings = rows.filter((r) => r.reportedOutcome === "savings")
  const losses = rows.filter((r) => r.reportedOutcome === "loss")
  const oneSided = rows.filter((r) => isOneSided(r.track))
  const twoSided = rows.filter((r) => !isOneSided(r.track))
  const total = (rs: ReadonlyArray<PufRowReconciliation>): Decimal => rs.reduce((acc, r) => acc.add(r.reportedEarned), ZERO)
  const styles = new Set(rows.flatMap((r) => r.percentStyles))
  return {
    rows: rows.length,
    ...(layout ? { layout: { id: layout.id, evidence: layout.evidence, percentStyles: [...styles] } } : {}),
    paths: PATHS.map((info) => pathSummary(info, rows, layout)),
    savingsRows: savings.length,
    savingsWithinDollar: savings.filter((r) => r.withinDollar).length,
    lossRows: losses.length,
    lossWithinDollar: losses.filter((r) => r.withinDollar).length,
    lossExplainedByRevenueLimit: losses.filter((r) => !r.withinDollar && r.impliedLossLimit?.consistent === true).length,
    noneRows: count((r) => r.reportedOutcome === "none"),
    noneWithinDollar: count((r) => r.reportedOutcome === "none" && r.withinDollar),
    notSettled: count((r) => r.computedEarned === undefined),
    outcomeMatches: count((r) => r.outcome === r.reportedOutcome),
    oneSidedRows: oneSided.length,
    oneSidedMsrMatches: oneSided.filter((r) => r.msrMatches === true).length,
    twoSidedRows: twoSided.length,
    twoSidedFixedElection: twoSided.filter((r) => r.msrBasis === "fixed-election").length,
    twoSidedVariableTable: twoSided.filter((r) => r.msrBasis === "elected-variable-table").length,
    twoSidedMsrUnexplained: twoSided.filter((r) => r.msrBasis === "unexplained").length,
    savingsRateMatches: count((r) => r.savingsRateMatches),
    shareRateMatches: count((r) => r.shareRateMatches === true),
    lossRateRows: count((r) => r.lossRateMatches !== undefined),
    lossRateMatches: count((r) => r.lossRateMatches === true),
    reportedSavingsTotal: total(savings),
    reportedLossTotal: total(losses),
    misses: rows
      .filter((r) => !r.withinDollar || r.msrMatches === false || !r.savingsRateMatches || r.shareRateMatches === false || r.lossRateMatches === false || r.outcome !== r.reportedOutcome)
      .map((r) => ({ acoId: r.acoId, outcome: r.reportedOutcome, ...(r.difference !== undefined ? { difference: r.difference } : {}), explanation: r.explanation })),
    ...(benchmark ? { benchmark } : {})
  }
}
