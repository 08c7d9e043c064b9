export { Numeral, isNumeral, parseDecimal, parseWeight, parseInteger, showActual } from "./numerals.js"
export { type ScenarioIssue, ScenarioError, scenarioError, formatIssue, formatPath } from "./errors.js"
export {
  ScenarioSchema,
  ScenarioBody,
  SETTLEMENT_PRESETS,
  STOCHASTIC_DEFAULTS,
  OVERLAY_SECTIONS,
  type ScenarioDocument,
  type ScenarioBodyDocument,
  type ScenarioInput,
  type SettlementPreset
} from "./schema.js"
export { parseScenarioText, type ParsedScenarioText } from "./parse.js"
export { parseExperienceCsv, CSV_REQUIRED_COLUMNS, CSV_OPTIONAL_COLUMNS, type ExperienceEntry, type ExperienceOrigin } from "./csv.js"
export { deepMerge } from "./overlay.js"
export {
  type Scenario,
  type ScenarioPolicy,
  resolvePolicy,
  policyNames,
  settlementTerms,
  expandGlidePath,
  savingsLevels,
  expandPerYear,
  toTrendPolicy
} from "./resolve.js"
export { decodeScenario, loadScenario, type ReadCsv } from "./load.js"
export { scenarioJsonSchema } from "./jsonSchema.js"
