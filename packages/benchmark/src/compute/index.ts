/**
 * @pbpsim/benchmark/compute: the arithmetic of each rule the Monte Carlo kernel needs, in an
 * exact (decimal.js) and a float form side by side. The exact rules (blend.ts, contractYear.ts,
 * settle.ts, …) compute with the exact forms and add the derivations; the kernel runs the float
 * forms; one table of hand-derived cases runs against both (test/compute.test.ts).
 */
export { convergenceExact, convergenceAdjustmentFloat, type ConvergenceArithmetic } from "./convergence.js"
export { riskRatioExact, riskRatioFloat } from "./risk.js"
export { benchmarkChainExact, benchmarkChainFloat, creditWithAdjustmentExact, creditWithAdjustmentFloat, CREDIT_ADD, CREDIT_HIGHER, type CreditRule } from "./benchmark.js"
export { roundExact, roundFloat, roundingModeCode, TIE_TOLERANCE, unreachable } from "./rounding.js"
export { bandSharesExact, bandShareFloat } from "./bands.js"
export {
  advanceRecoupmentExact,
  advanceRecoupmentFloat,
  corridorExact,
  corridorFloat,
  reducedSavingsExact,
  grossFloat,
  sharedSavingsExact,
  sharedSavingsFloat,
  sharedLossesExact,
  sharedLossesFloat,
  OUTCOME_CODE,
  lossGuardrailExact,
  type GuardrailApplied,
  settledOutcomeExact,
  type SettledOutcome,
  settleFloat,
  SETTLED_GROSS,
  SETTLED_OUTCOME,
  SETTLED_SAVINGS,
  SETTLED_LOSSES,
  SETTLED_LENGTH,
  type Outcome,
  type SettlementYearFloat
} from "./settlement.js"
export { savingsCreditExact, savingsCreditFloat, restateRiskExact, restateRiskFloat, partialRebaseExact, partialRebaseFloat } from "./rebase.js"
export { guardRateExact, guardRateFloat, trendFactorExact, trendFactorFloat, moveFloat } from "./trend.js"
export { baselineYearExact, baselineYearFloat } from "./baseline.js"
export {
  equityAddOnExact,
  equityAddOnFloat,
  regionalOffsetFactorExact,
  regionalOffsetFactorFloat,
  offsetRegionalAdjustmentExact,
  offsetRegionalAdjustmentFloat,
  OFFSET_AFTER_CAP,
  OFFSET_BEFORE_CAP,
  codingAdjustedExact,
  codingMultiplierFloat,
  partialRiskRatioExact,
  partialRiskRatioFloat,
  effectiveRiskRatioExact,
  effectiveRiskRatioFloat,
  weightedPercentileExact,
  weightedPercentileFloat,
  type CodingAdjustment,
  type CodingStage,
  type OffsetOrder,
  type OffsetRegionalArithmetic,
  type EffectiveRiskRatioArithmetic,
  type PercentileArithmetic
} from "./equity.js"
