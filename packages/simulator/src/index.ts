/**
 * @pbpsim/simulator: scenario files, the exact contract-year engine and the Monte Carlo.
 * This file is the package's public API; every other module is internal. See docs/api.md.
 */

// Plain async functions (no Effect needed): load, run, compare, explain, simulate.
export {
  loadScenarioFile,
  parseScenario,
  runScenarioPolicy,
  comparePolicies,
  explainYear,
  simulatePolicies,
  toPlainRun,
  type ParseScenarioOptions,
  type YearExplanation,
  type SimulatePoliciesOptions,
  type PlainPolicyRun,
  type PlainYear,
  type PlainTotals,
  type PlainCliff,
  type PlainSegment
} from "./api.js"

// Scenarios: loading and checking (Effect / Either variants), errors, the schema.
export { loadScenario, decodeScenario, decodeScenarioDocument, type ReadCsv } from "./scenario/load.js"
export { ScenarioError, scenarioError, formatIssue, formatWarning, type ScenarioIssue, type ScenarioWarning } from "./scenario/errors.js"
export { onScenarioWarnings } from "./scenario/warnings.js"
export { loadScenarioWithOverrides, parseOverride, applyOverrides, overridesOf, showOverride, type Override } from "./scenario/overrides.js"
export { checkPolicyRuns, refusalIssue, runScenarioChecks, type PolicyRunCheck } from "./scenario/runChecks.js"
export { policyNames, resolvePolicy, type Scenario, type ScenarioPolicy } from "./scenario/resolve.js"
export {
  ScenarioSchema,
  SETTLEMENT_PRESETS,
  STOCHASTIC_DEFAULTS,
  OVERLAY_SECTIONS,
  type ScenarioDocument,
  type ScenarioBodyDocument,
  type ScenarioInput,
  type SettlementPreset
} from "./scenario/schema.js"
export { scenarioJsonSchema } from "./scenario/jsonSchema.js"

// The contract as the engine runs it (a scenario with one policy applied).
export type { ContractModel, ExperienceRecord, Rebasing, RebasingPolicy, SavingsCreditTerms, YearTerms, EntityProjection, StochasticAssumptions } from "./model.js"
export { settlementTermsName } from "./model.js"

// The exact engine.
export { runPolicy, type PolicyRun } from "./engine/run.js"
export { runContract, type ContractResult, type ContractYearResult, type ContractTotals, type PresentValue } from "./engine/contract.js"
export { projectExperience, pooledExperience, peersWithout, type RealisedExperience } from "./engine/realised.js"
export { incentivePower, type IncentivePower, type Cliff } from "./engine/incentive.js"

// Sensitivity: each input of a policy moved down and up, the contract rerun, inputs ranked by swing (docs/sensitivity.md).
export {
  sensitivity,
  isRefused,
  swingSize,
  SENSITIVITY_INPUTS,
  SENSITIVITY_INPUT_NAMES,
  type InputDefinition,
  type SensitivityInput,
  type SensitivityOptions,
  type SensitivityOutcome,
  type SensitivityRefusal,
  type SensitivityResult,
  type SensitivitySide,
  type SkippedInput
} from "./engine/sensitivity.js"

// Monte Carlo: one call, or compile / run (in shards) / merge.
export { simulate, simulatePlan, mergeStates, checkSimulationPlan, MAX_LOG_SD, type SimulateOptions, type Simulation } from "./montecarlo/simulate.js"
export { compileSimulation } from "./montecarlo/compile.js"
export type { SimulationPlan } from "./montecarlo/plan.js"
export { blockCount, BLOCK_TRIALS, MAX_TRIALS, maxWorkers, runCountProblems, shardBlocks, trialsInBlocks, type Shard } from "./montecarlo/blocks.js"
export type { AccumulatorState } from "./montecarlo/statistics.js"
export type { SimulationSummary, PolicyRowSummary, PairRowSummary, Distribution } from "./montecarlo/summary.js"
export { stateProblems, POLICY_METRICS, type PolicyMetric } from "./montecarlo/statistics.js"
export { AccumulatorStateSchema } from "./montecarlo/stateSchema.js"
export { GENERATOR } from "./montecarlo/draws.js"
export { RELATIVE_ACCURACY } from "./montecarlo/sketch.js"

// User text in messages: control characters escaped, clipped (what every scenario error shows).
export { clipText, escapeText, showText, MAX_SHOWN_TEXT } from "./scenario/messageText.js"
export { runMarket, runMarketPolicy, marketContracts, marketProblems, type MarketOptions, type MarketContracts } from "./market/run.js"
export { participationRule, describeRule, expectedNetRate, chanceIn, participationPath, type ParticipationRule } from "./market/participation.js"
export type { MarketRun, MarketPolicyRun, MarketProvider, MarketProviderYear, MarketYear, MarketTotals, Dispersion } from "./market/types.js"
export { MARKET_MONEY_FIELDS, type MarketMoneyField } from "./market/types.js"
export { simulateMarket, mergeMarketStates, marketSimulationLayout, marketStateProblems, type SimulateMarketOptions, type MarketSimulation, type MarketSimulationLayout, type MarketSimulationSummary, type MarketSimulationRow, type MarketSimulationPairRow } from "./market/simulate.js"
