import { dec } from "../decimal.js"
import { invalid } from "../errors.js"
import type { CorridorRate, ReducedBelowMsr, SettlementTerms } from "./terms.js"

/** MSSP participation options since July 2019 (42 CFR 425.600, 425.605, 425.610). */
export type MsspTrack = "basic-a" | "basic-b" | "basic-c" | "basic-d" | "basic-e" | "enhanced"

/** Every MSSP track, BASIC A–E then ENHANCED. */
export const MSSP_TRACKS: ReadonlyArray<MsspTrack> = ["basic-a", "basic-b", "basic-c", "basic-d", "basic-e", "enhanced"]

/**
 * The symmetric MSR/MLR a two-sided preset elects when the caller does not say:
 * 1.0 %, the most common election among PY2023 two-sided ACOs (80 of the 302 two-sided
 * rows of the PY2023 PUF print MinSavPerc 1.00 %; 0 %, 0.5 %, 1.5 %, 2 % and the variable
 * table are the other choices of 425.605(b)(2)(i) and 425.610(b)(1)).
 */
export const MSSP_DEFAULT_TWO_SIDED_CORRIDOR: CorridorRate = { kind: "fixed", rate: dec("0.01") }

/** The fixed symmetric elections 425.605(b)(2)(i)(A)–(B) allows (the variable table is the other choice). */
export const MSSP_FIXED_CORRIDOR_ELECTIONS = [dec(0), dec("0.005"), dec("0.01"), dec("0.015"), dec("0.02")] as const

/** 2 % Medicare sequestration, applied to shared savings before the cap (docs/model.md §9.8–§9.9, verified on CMS PUF data). */
export const MSSP_SEQUESTRATION = dec("0.02")

/**
 * 42 CFR 425.605(h): a BASIC track ACO in an agreement period from 2024 that is low revenue and has
 * at least 5,000 assigned beneficiaries shares savings below its MSR at one-half the final sharing
 * rate. Not part of the presets: whether the ACO is low revenue and when its agreement began are
 * facts about the ACO the terms assert by carrying this.
 */
export const MSSP_REDUCED_SHARED_SAVINGS: ReducedBelowMsr = { factor: dec("0.5"), minAssigned: dec(5000) }

const TRACK_NAMES: Record<MsspTrack, string> = {
  "basic-a": "MSSP BASIC Level A",
  "basic-b": "MSSP BASIC Level B",
  "basic-c": "MSSP BASIC Level C",
  "basic-d": "MSSP BASIC Level D",
  "basic-e": "MSSP BASIC Level E",
  enhanced: "MSSP ENHANCED"
}

/** BASIC C–E loss limits (425.605(d)(1)(iii)–(v)(D)): the lesser of a share of ACO participant FFS revenue and of the benchmark. */
const BASIC_LOSS_LIMITS = {
  "basic-c": { shareOfRevenue: dec("0.02"), shareOfBenchmark: dec("0.01") },
  "basic-d": { shareOfRevenue: dec("0.04"), shareOfBenchmark: dec("0.02") },
  // Level E: 8 % of revenue (414.1415(c)(3)(i)(A)), capped at the expenditure-based standard + 1 pp = 4 % of benchmark.
  "basic-e": { shareOfRevenue: dec("0.08"), shareOfBenchmark: dec("0.04") }
} as const

/** Corridor elections of an MSSP track (two-sided tracks default to a symmetric 1 %). */
export interface MsspTrackOptions {
  readonly msr?: CorridorRate
  readonly mlr?: CorridorRate
}

/**
 * Settlement terms of an MSSP track (docs/model.md §9.7–§9.8):
 * - BASIC A/B: one-sided, 40 % sharing, cap 10 % of benchmark, variable MSR by assigned members.
 * - BASIC C/D/E: 50 %, cap 10 %, losses at 30 % limited to min(% revenue, % benchmark).
 * - ENHANCED: 75 %, cap 20 %, loss rate 1 − 0.75 × quality bounded [40 %, 75 %] (75 % when
 *   quality fails), loss limit 15 % of benchmark.
 * All share from the first dollar and sequester 2 % of savings before the cap. Two-sided
 * tracks default to the symmetric election MSSP_DEFAULT_TWO_SIDED_CORRIDOR (1 %); `mlr`
 * defaults to `msr` when only `msr` is given (the elections are symmetric).
 */
export const msspTrack = (track: MsspTrack, options?: MsspTrackOptions): SettlementTerms => {
  const rule = "settlement.mssp-track"
  if (!MSSP_TRACKS.includes(track)) throw invalid(rule, "track", `must be one of ${MSSP_TRACKS.join(", ")} (got ${String(track)})`)
  const name = TRACK_NAMES[track]
  const common = { name, sharingBasis: "first-dollar" as const, sequestration: MSSP_SEQUESTRATION }
  if (track === "basic-a" || track === "basic-b") {
    if (options?.mlr) throw invalid(rule, "mlr", `${name} is one-sided: it has no minimum loss rate`)
    return {
      ...common,
      msr: options?.msr ?? { kind: "mssp-variable" },
      savingsRate: { kind: "flat", rate: dec("0.40") },
      savingsCap: dec("0.10")
    }
  }
  const msr = options?.msr ?? options?.mlr ?? MSSP_DEFAULT_TWO_SIDED_CORRIDOR
  const mlr = options?.mlr ?? msr
  if (track === "enhanced") {
    return {
      ...common,
      msr,
      mlr,
      savingsRate: { kind: "flat", rate: dec("0.75") },
      savingsCap: dec("0.20"),
      lossRate: { kind: "quality-linked", savingsRate: dec("0.75"), min: dec("0.40"), max: dec("0.75"), failedQuality: dec("0.75") },
      lossLimit: { shareOfBenchmark: dec("0.15") }
    }
  }
  return {
    ...common,
    msr,
    mlr,
    savingsRate: { kind: "flat", rate: dec("0.50") },
    savingsCap: dec("0.10"),
    lossRate: { kind: "flat", rate: dec("0.30") },
    lossLimit: BASIC_LOSS_LIMITS[track]
  }
}

/** ACO REACH risk arrangements (docs/model.md §9.10). */
export type ReachOption = "global" | "professional"

const band = (from: string, to: string | undefined, share: string) => ({ from: dec(from), ...(to === undefined ? {} : { to: dec(to) }), share: dec(share) })

/**
 * REACH risk corridors PY2023–2025 as marginal bands on the gap (share of the benchmark the ACO
 * keeps), the same bands for savings and losses, from the first dollar with no MSR/MLR:
 * Global < 25 % → 100 %, 25–35 % → 50 %, 35–50 % → 25 %, > 50 % → 10 %;
 * Professional < 5 % → 50 %, 5–10 % → 35 %, 10–15 % → 15 %, > 15 % → 5 %.
 * The benchmark discount, quality withhold and sequestration are not part of these terms
 * (the discount belongs to the benchmark; sequestration 0 here).
 */
export const reachTerms = (option: ReachOption): SettlementTerms => {
  if (option !== "global" && option !== "professional") throw invalid("settlement.reach", "option", `must be "global" or "professional" (got ${String(option)})`)
  const bands =
    option === "global"
      ? [band("0", "0.25", "1"), band("0.25", "0.35", "0.5"), band("0.35", "0.5", "0.25"), band("0.5", undefined, "0.1")]
      : [band("0", "0.05", "0.5"), band("0.05", "0.1", "0.35"), band("0.1", "0.15", "0.15"), band("0.15", undefined, "0.05")]
  return {
    name: option === "global" ? "ACO REACH Global" : "ACO REACH Professional",
    msr: { kind: "fixed", rate: dec(0) },
    mlr: { kind: "fixed", rate: dec(0) },
    sharingBasis: "first-dollar",
    savingsRate: { kind: "bands", bands },
    sequestration: dec(0),
    lossRate: { kind: "bands", bands }
  }
}
