import type { Decimal } from "decimal.js"

/**
 * The negotiated terms that turn baselines into a contract year's benchmark (docs/model.md §3).
 * Types only: the rules that apply them live in blend.ts, trend.ts and risk.ts.
 */

/**
 * Where a year's growth rate g_t comes from. `t` is the calendar year grown INTO
 * (g_2026 takes 2025 dollars to 2026 dollars).
 * - fixed: the same rate every year.
 * - schedule: a rate per calendar year (a year missing from the schedule is an error).
 * - observed: the realised risk-adjusted PMPM growth of the peer group or the whole market,
 *   supplied by the engine as a series.
 * - blend: a weighted sum of other specs (weights in [0,1] summing to 1), e.g. MSSP's
 *   2/3 two-way national-regional + 1/3 ACPT.
 */
export type TrendSpec =
  | { readonly kind: "fixed"; readonly rate: Decimal }
  | { readonly kind: "schedule"; readonly rates: ReadonlyMap<number, Decimal> }
  | { readonly kind: "observed"; readonly source: "peers" | "market" }
  | { readonly kind: "blend"; readonly parts: ReadonlyArray<{ readonly weight: Decimal; readonly trend: TrendSpec }> }

/**
 * A trend spec with its per-year guard rails, applied in this order: deduction
 * (`g − d`, "market trend − 0.5 %"), then cap and floor on the resulting rate.
 */
export interface TrendPolicy {
  readonly spec: TrendSpec
  readonly deduction?: Decimal
  readonly cap?: Decimal
  readonly floor?: Decimal
}

/** Realised growth series the engine hands to `observed` specs: calendar year → rate. */
export interface ObservedGrowth {
  readonly peers: ReadonlyMap<number, Decimal>
  readonly market: ReadonlyMap<number, Decimal>
}

/**
 * Limits on the convergence adjustment adj = (1 − λ)(B_R − B_P), as shares of the peer
 * figure B_R (MSSP 2024+: up 5 %, down 1.5 %; or no negative adjustment at all).
 */
export interface ConvergenceCaps {
  readonly up?: Decimal
  readonly down?: Decimal
  /**
   * Offset factor in [0, 1] on a negative adjustment after the caps: adj × (1 − offset)
   * (MSSP, 42 CFR 425.656(c): from the share of dually eligible beneficiaries and the risk score).
   */
  readonly negativeOffset?: Decimal
  readonly noNegative: boolean
}

/** Limits on the risk ratio RS_k / RS_base (MSSP 2019–2023: +3 %, no floor). Shares: 0.03 = ratio ≤ 1.03. */
export interface RiskCaps {
  readonly up?: Decimal
  readonly down?: Decimal
}
