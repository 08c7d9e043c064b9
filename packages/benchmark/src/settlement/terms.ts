import type { Decimal } from "decimal.js"

/**
 * The terms a year is settled under (docs/model.md §6; MSSP §9.7–§9.9, REACH §9.10, commercial §9.11).
 * One shape expresses MSSP's tracks, REACH's corridors and commercial tiered contracts.
 * Rates are decimals (0.02 = 2 %); shares of the benchmark are of the total benchmark B.
 */

/** Minimum savings / loss rate: a fixed share of B, or MSSP's variable table by assigned members. */
export type CorridorRate =
  | { readonly kind: "fixed"; readonly rate: Decimal }
  | { readonly kind: "mssp-variable" }

/**
 * A marginal band on the gap as a share of B (like tax brackets): the part of the gap
 * between `from` and `to` is shared at `share`. `to` absent means no upper end.
 * Commercial: 0–2 % → 0, 2–5 % → 50 %, > 5 % → 75 %; REACH Global: < 25 % → 100 %, …
 */
export interface Band {
  readonly from: Decimal
  readonly to?: Decimal
  readonly share: Decimal
}

/** Share of the shared basis the provider keeps on savings: one rate or marginal bands. */
export type SavingsRate =
  | { readonly kind: "flat"; readonly rate: Decimal }
  | { readonly kind: "bands"; readonly bands: ReadonlyArray<Band> }

/** Share of the shared basis the provider pays on losses. */
export type LossRate =
  | { readonly kind: "flat"; readonly rate: Decimal }
  /** MSSP ENHANCED: 1 − savingsRate × qualityScore, bounded to [min, max]; `failedQuality` when the quality standard is not met. */
  | { readonly kind: "quality-linked"; readonly savingsRate: Decimal; readonly min: Decimal; readonly max: Decimal; readonly failedQuality: Decimal }
  | { readonly kind: "bands"; readonly bands: ReadonlyArray<Band> }

/** Loss limit: the lesser of the shares given (MSSP BASIC: % of ACO participant revenue vs % of benchmark). */
export interface LossLimit {
  readonly shareOfBenchmark?: Decimal
  readonly shareOfRevenue?: Decimal
}

/**
 * MSSP's reduced shared savings (42 CFR 425.605(h), BASIC track, agreement periods from 2024, low
 * revenue ACOs): a year whose spending is below the benchmark but not by the MSR still shares
 * savings, at `factor` × the final sharing rate (one-half), when the year has at least
 * `minAssigned` assigned beneficiaries (5,000) and the quality standard or its alternative is met.
 * Giving the term asserts the agreement conditions (low revenue, 2024+ start) the scenario cannot.
 */
export interface ReducedBelowMsr {
  readonly factor: Decimal
  readonly minAssigned: Decimal
}

/** Everything settle() needs to know about a contract's sharing terms. */
export interface SettlementTerms {
  /** Name shown in reports: "MSSP ENHANCED", "AQC-style tiered". */
  readonly name: string
  readonly msr: CorridorRate
  /** Absent: one-sided (no shared losses). */
  readonly mlr?: CorridorRate
  /** MSSP shares from the first dollar once the corridor is met; many commercial contracts only share the gap beyond it. */
  readonly sharingBasis: "first-dollar" | "beyond-corridor"
  readonly savingsRate: SavingsRate
  /** Savings cap as a share of B (MSSP BASIC 10 %, ENHANCED 20 %); absent = uncapped. */
  readonly savingsCap?: Decimal
  /** Sequestration applied to savings before the cap (MSSP 2 %); 0 for none. */
  readonly sequestration: Decimal
  readonly lossRate?: LossRate
  readonly lossLimit?: LossLimit
  /** Savings below the MSR shared at a reduced rate (MSSP 425.605(h)); absent: nothing below the MSR. First-dollar terms only. */
  readonly reducedBelowMsr?: ReducedBelowMsr
}
