/**
 * @pbpsim/benchmark: the exact financial rules of population-based payment contracts
 * (decimal.js, no I/O). This file is the package's public API; every other module is internal.
 * Every rule returns an `Explained` value (the value and how it was derived) and throws
 * `InvalidArgument` for inputs it cannot honestly compute with. See docs/api.md.
 */

// Decimals: the 40-digit context every rule computes in, and the few helpers a caller needs.
export { Dec, dec, ZERO, ONE, sum, min, max, type DecimalInput } from "./decimal.js"

// Rounding and money as text.
export { CENTS, DOLLARS, ROUNDING_MODES, round, formatFixed, describeRounding, type Rounding, type RoundingMode } from "./rounding.js"
export { groupThousands, showCount } from "./thousands.js"

// Errors.
export { InvalidArgument, invalid } from "./errors.js"

// Derivations: how every figure was made.
export {
  derive,
  explained,
  quantity,
  flatten,
  findStep,
  derivationToJson,
  displayText,
  exactText,
  DISPLAY_PLACES,
  type Derivation,
  type DerivationJson,
  type DeriveArgs,
  type Explained,
  type Quantity,
  type RoundingNote,
  type Unit
} from "./derivation.js"

// Negotiated benchmark terms (types).
export type { TrendSpec, TrendPolicy, ObservedGrowth, ConvergenceCaps, RiskCaps } from "./benchmarkTerms.js"

// Experience roll-ups.
export { cellSums, pmpm, pooledCell, pooledCellOfSums, rollUp, peerRollUp, type ExperienceCell, type PoolSums, type RollUp } from "./experience.js"

// Historical baselines.
export { weightedBaseline, weightedBaselineValue, type BaselineYearInput } from "./baseline.js"

// Convergence (provider/peer blend).
export { convergence, type Blended } from "./blend.js"

// Trend.
export { annualTrendRate, trendFactor, fixedTrend, scheduleTrend, observedTrend, blendTrend, type TrendGuardRails } from "./trend.js"

// Risk adjustment.
export { riskRatio, msspRiskCap2024, MSSP_RISK_MARGIN } from "./risk.js"

// A contract year's benchmark.
export { contractYearBenchmark, type ContractYearBenchmark } from "./contractYear.js"

// Settlement: terms, corridors and the settle rule.
export type { CorridorRate, Band, SavingsRate, LossRate, LossLimit, ReducedBelowMsr, SettlementTerms } from "./settlement/terms.js"
export { settle, type AdvanceSettlement, type GuardrailSettlement, type Settlement, type SettlementInput } from "./settlement/settle.js"
export { flatLossRate } from "./settlement/lossRate.js"
export {
  healthEquityAdjustedScore,
  healthEquityBonus,
  msspQualityStandard,
  HEALTH_EQUITY_MAX_BONUS,
  HEALTH_EQUITY_MIN_UNDERSERVED,
  MSSP_QUALITY_STANDARD_PERCENTILE,
  type HealthEquityInput,
  type QualityStandard,
  type QualityStandardInput,
  type QualityStandardPath,
  type QualityStandardTest
} from "./settlement/quality.js"
export { corridorRate, msspMsr, MSSP_MSR_TABLE, type MsrTableRow } from "./settlement/msr.js"

// Presets: MSSP tracks and ACO REACH.
export {
  msspTrack,
  reachTerms,
  MSSP_TRACKS,
  MSSP_SEQUESTRATION,
  MSSP_REDUCED_SHARED_SAVINGS,
  MSSP_DEFAULT_TWO_SIDED_CORRIDOR,
  MSSP_FIXED_CORRIDOR_ELECTIONS,
  type MsspTrack,
  type MsspTrackOptions,
  type ReachOption
} from "./settlement/tracks.js"

// MSSP public use file reconciliation.
export { PUF_REQUIRED_COLUMNS, missingPufColumns, detectPufLayout, type PufLayout, type PufLayoutId, type PufTrack, type MissingPufColumn } from "./mssp/pufLayout.js"
export { reconcilePufRow, reconcilePufRowIn, reconcilePufRows, type PufOutcome, type PufMsrBasis, type PufPath, type PufGapKind, type PufRowReconciliation } from "./mssp/pufReconcile.js"
export { summarizePufReconciliation, type PufPathSummary, type PufReconciliationMiss, type PufReconciliationSummary } from "./mssp/pufSummary.js"
export {
  checkPufBenchmarkRow,
  pufBenchmarkColumns,
  summarizePufBenchmark,
  agreementStart,
  PUF_BENCHMARK_CHECKS,
  PUF_BENCHMARK_LIMITS,
  type EnrollmentType,
  type PufBenchmarkCheckId,
  type PufBenchmarkCheckSpec,
  type PufBenchmarkCheckSummary,
  type PufBenchmarkColumns,
  type PufBenchmarkRowCheck,
  type PufBenchmarkStatus,
  type PufBenchmarkSummary,
  type PufRowBenchmark
} from "./mssp/pufBenchmark.js"
export type { PufRuleCheck } from "./mssp/pufChecks.js"

// A year's settlement terms in the float form the Monte Carlo kernel settles with (its arithmetic: @pbpsim/benchmark/compute).
export { settlementYearFloat } from "./settlement/float.js"

// Checks the rules and scenario validation share: problems as data (path, expected, got).
export {
  bandOrderProblems,
  lossRateBoundProblems,
  problemError,
  qualityInputProblems,
  trendRailProblems,
  weightSumProblems,
  WEIGHT_SUM_TOLERANCE,
  type RuleProblem
} from "./checks.js"

// Benchmark-side equity rules: flat-dollar add-on (REACH HEBA), MSSP regional offset, coding intensity, partial risk, peer percentile.
export {
  healthEquityAddOn,
  withEquityAddOn,
  REACH_HEBA_PY2023,
  msspRegionalOffsetFactor,
  msspRegionalOffset,
  MSSP_REGIONAL_CAPS,
  codingIntensityAdjustment,
  partialRiskRatio,
  effectiveRiskRatio,
  weightedPercentile
} from "./equity.js"
export type { CodingAdjustment, CodingStage, OffsetOrder } from "./compute/equity.js"
