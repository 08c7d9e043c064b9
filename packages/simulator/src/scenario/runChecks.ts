import { InvalidArgument } from "@pbpsim/benchmark"
import { Effect } from "effect"
import { projectExperience } from "../engine/realised.js"
import { runContract } from "../engine/contract.js"
import type { ContractModel } from "../model.js"
import { compileSimulation } from "../montecarlo/compile.js"
import { checkSimulationPlan } from "../montecarlo/simulate.js"
import { observedSpecs } from "./coverage.js"
import { type PathSegment, type ScenarioError, type ScenarioIssue, formatPath, scenarioError } from "./errors.js"
import { showText } from "./messageText.js"
import { isMapping } from "./overlay.js"
import { resolvePolicy, type Scenario, type ScenarioPolicy } from "./resolve.js"
import type { ScenarioBodyDocument } from "./schema.js"

/**
 * What `run`, `compare` and `simulate` would refuse in a scenario that loaded: every policy run
 * through the exact engine, then all of them compiled for the Monte Carlo and checked for
 * figures a float cannot hold and noise it cannot draw. A rule's refusal (InvalidArgument:
 * rule, field, message) becomes a scenario issue at the field that causes it (`settlement.msr`
 * for a variable MSR below its 500 members, `benchmark.trend` for an observed trend without the
 * history it compares), naming the policies it happens in; under `policies[i].overlay` when
 * that policy's overlay wrote the field. Every policy is tried, so all problems come at once.
 * Anything but an InvalidArgument is a bug and is thrown.
 */

/** An engine refusal placed in a policy's scenario body. */
interface Placed {
  readonly path: ReadonlyArray<PathSegment>
  readonly expected: string
  readonly actual: string
  /** Said after "expected …, got …": how to fix it. */
  readonly hint?: string
}

/** The policy's history: each entity's experience years. */
const historyOf = (policy: ScenarioPolicy): ReadonlyMap<string, ReadonlySet<number>> => {
  const years = new Map<string, Set<number>>()
  for (const row of policy.experience) {
    const set = years.get(row.entity) ?? new Set<number>()
    set.add(row.year)
    years.set(row.entity, set)
  }
  return years
}

/** At most `max` items, then how many more. */
const listed = (items: ReadonlyArray<string>, separator: string, max = 10): string =>
  items.length > max ? `${items.slice(0, max).join(separator)} and ${items.length - max} more` : items.join(separator)

/**
 * The trend that carries growth year `year`: the historical trend for the baseline years (when
 * the scenario sets one), the contract trend after them; inside it, the observed part of
 * `source` when one is asked for (a blend's part), else the trend itself.
 */
const trendPath = (body: ScenarioBodyDocument, year: number, source?: "peers" | "market"): ReadonlyArray<PathSegment> => {
  const last = body.contract.baseline.years[body.contract.baseline.years.length - 1] ?? body.contract.startYear - 1
  const candidates: Array<{ readonly path: ReadonlyArray<PathSegment>; readonly trend: ScenarioBodyDocument["benchmark"]["trend"] }> = []
  const historical = body.benchmark.historicalTrend
  if (historical !== undefined && year <= last) candidates.push({ path: ["benchmark", "historicalTrend"], trend: historical })
  candidates.push({ path: ["benchmark", "trend"], trend: body.benchmark.trend })
  if (historical !== undefined && year > last) candidates.push({ path: ["benchmark", "historicalTrend"], trend: historical })
  body.schedule?.forEach((entry, i) => {
    if (entry.benchmark?.trend !== undefined) candidates.push({ path: ["schedule", i, "benchmark", "trend"], trend: entry.benchmark.trend })
  })
  if (source === undefined) return candidates[0]!.path
  for (const { path, trend } of candidates) {
    const observed = observedSpecs(path, trend).filter((spec) => spec.source === source)
    if (observed.length > 0) return observed[0]!.path
  }
  return candidates[0]!.path
}

/** "400 assigned members in 2025, 404 in 2026": the provider's members (member months ÷ 12) below `minimum`, as the engine projects them. */
const membersBelow = (model: ContractModel, minimum: number): string | undefined => {
  let cells
  try {
    cells = projectExperience(model).cells.get(model.provider)
  } catch {
    return undefined
  }
  const below = Array.from({ length: model.years }, (_, k) => model.startYear + k).flatMap((year) => {
    const members = cells?.get(year)?.memberMonths.div(12)
    return members !== undefined && members.lt(minimum) ? [{ year, members: members.toDecimalPlaces(2).toFixed() }] : []
  })
  if (below.length === 0) return undefined
  const shown = below.slice(0, 5).map((b, i) => (i === 0 ? `${b.members} assigned members in ${b.year}` : `${b.members} in ${b.year}`))
  return `${shown.join(", ")}${below.length > 5 ? ` and ${below.length - 5} more years` : ""}`
}

/** Where the variable corridor is written: the settlement's msr or mlr, a schedule entry's, else the preset that implies it. */
const variableCorridorPath = (body: ScenarioBodyDocument): { readonly path: ReadonlyArray<PathSegment>; readonly from: string } => {
  const { settlement } = body
  if (settlement.msr === "mssp-variable") return { path: ["settlement", "msr"], from: "" }
  if (settlement.mlr === "mssp-variable") return { path: ["settlement", "mlr"], from: "" }
  const index = body.schedule?.findIndex((entry) => entry.settlement?.msr === "mssp-variable" || entry.settlement?.mlr === "mssp-variable") ?? -1
  if (index >= 0) {
    const which = body.schedule![index]!.settlement!.msr === "mssp-variable" ? "msr" : "mlr"
    return { path: ["schedule", index, "settlement", which], from: "" }
  }
  // Not written: the preset's (or, by hand-built terms, the settlement's).
  return settlement.preset === undefined ? { path: ["settlement", "msr"], from: "" } : { path: ["settlement", "preset"], from: ` (the ${settlement.preset} preset's MSR is the table)` }
}

/** `rule: field rest` → rest. */
const detail = (error: InvalidArgument): string => {
  const prefix = `${error.rule}: ${error.field} `
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
}

/** Any other refusal: at `path`, in the rule's own words. */
const refused = (path: ReadonlyArray<PathSegment>, error: InvalidArgument): Placed => ({
  path,
  expected: `what the rule ${error.rule} accepts`,
  actual: `${error.field} ${detail(error)}`
})

const OBSERVED = /^observed\.(peers|market)\[(\d+)\]$/
const SCHEDULED = /^spec((?:\.parts\[\d+\])*)\.rates\[(\d+)\]$/
const ANNUAL = /^rate for (\d+)$/

/** The field of a policy's scenario an engine refusal comes from, with what it expected and what the scenario holds. */
export const placeRefusal = (policy: ScenarioPolicy, model: ContractModel, error: InvalidArgument): Placed => {
  const { body } = policy
  const { rule, field } = error
  const baseYear = model.startYear - 1

  if (rule === "projection" && field.startsWith("experience for ")) {
    const history = historyOf(policy)
    const missing = model.entities.filter((entity) => !(history.get(entity)?.has(baseYear) ?? false))
    return {
      path: ["experience"],
      expected: `experience for every market entity in ${baseYear}, the year before the contract starts (each entity's projection starts from it)`,
      actual: `none for ${missing.length > 0 ? listed(missing, ", ") : field.slice("experience for ".length)}`
    }
  }

  if (rule === "experience") {
    const at = field.lastIndexOf(" ")
    const entity = field.slice(0, at)
    const year = Number(field.slice(at + 1))
    const rebasing = body.benchmark.rebasing
    if (year < model.startYear && (rebasing.kind === "periodic" || rebasing.kind === "rolling")) {
      return {
        path: ["benchmark", "rebasing", "weights"],
        expected: `weights reaching back only to years with experience (a rebase takes the latest ${rebasing.weights.length} realised years)`,
        actual: `a rebase that needs ${entity} in ${year}, which has no experience`,
        hint: "add the year's experience or give fewer weights"
      }
    }
    return { path: ["experience"], expected: `experience for ${entity} in ${year} (the policy's rebasing or peer refresh reads it)`, actual: "none" }
  }

  const observed = rule === "trend.observed" ? OBSERVED.exec(field) : null
  if (observed !== null) {
    const source = observed[1] as "peers" | "market"
    const year = Number(observed[2])
    const history = historyOf(policy)
    const members = source === "peers" ? model.peers : model.entities
    const absent = members.flatMap((entity) => {
      const missing = [year - 1, year].filter((y) => y < model.startYear && !(history.get(entity)?.has(y) ?? false))
      return missing.length > 0 ? [`${entity} in ${missing.join(", ")}`] : []
    })
    return {
      path: trendPath(body, year, source),
      expected: `experience for every ${source === "peers" ? "peer" : "market entity"} in ${year - 1} and ${year} (the observed ${source} growth of ${year} compares the two)`,
      actual: absent.length > 0 ? `none for ${listed(absent, "; ")}` : `no realised ${source} growth for ${year}`
    }
  }

  const scheduled = rule === "trend.schedule" ? SCHEDULED.exec(field) : null
  if (scheduled !== null) {
    const year = Number(scheduled[2])
    const parts = [...scheduled[1]!.matchAll(/\[(\d+)\]/g)].flatMap((m) => ["parts", Number(m[1]), "trend"])
    return { path: [...trendPath(body, year), ...parts, "rates"], expected: `a rate for ${year}`, actual: "none" }
  }

  if (rule === "settlement.msr.mssp-variable") {
    const { path, from } = variableCorridorPath(body)
    return {
      path,
      expected: `at least 500 assigned members (member months ÷ 12) in every contract year, where MSSP's variable MSR table starts${from}`,
      actual: membersBelow(model, 500) ?? detail(error),
      hint: 'give a fixed MSR ({ fixed: "0.02" }) for a smaller provider'
    }
  }

  if (rule === "benchmark.contractYear") {
    const paths: Readonly<Record<string, ReadonlyArray<PathSegment>>> = {
      discount: ["benchmark", "discount"],
      trendFactor: ["benchmark", "trend"],
      riskRatio: ["benchmark", "risk"],
      "rounding.places": ["benchmark", "rounding", "places"],
      savingsCredit: ["benchmark", "savingsCredit"]
    }
    return refused(paths[field] ?? ["benchmark"], error)
  }

  const annual = rule === "trend.annualRate" ? ANNUAL.exec(field) : null
  if (annual !== null) return refused(trendPath(body, Number(annual[1])), error)
  if (rule.startsWith("trend.")) return refused(["benchmark", "trend"], error)
  if (rule === "settlement.settle" && field.startsWith("terms.")) return refused(["settlement", ...field.slice("terms.".length).split(".")], error)
  if (rule === "settlement.settle" && field === "benchmark") return refused(["benchmark"], error)
  if (rule.startsWith("settlement.")) return refused(["settlement"], error)
  if (rule === "glidePath") return refused(["benchmark", "glidePath"], error)
  if (rule === "rebasing" || rule.startsWith("rebase.")) return refused(["benchmark", "rebasing"], error)
  if (rule === "quality") return refused(["settlement", "quality"], error)
  return refused([], error)
}

/** A Monte Carlo refusal (checkSimulationPlan, compileSimulation) as an issue: at the stochastic field it names, the projection for a runaway figure. */
const simulationIssue = (file: string, error: InvalidArgument): ScenarioIssue => {
  const path = error.rule === "noise" && error.field.startsWith("stochastic") ? error.field : error.rule === "float range" ? "projection" : ""
  const expected = "a plan the Monte Carlo can simulate"
  return { file, path, expected, actual: error.message, message: `the Monte Carlo cannot simulate it: ${error.message}` }
}

/** Whether the overlay writes `path` (or a value above it, which replaces everything below). */
const overlayWrites = (overlay: unknown, path: ReadonlyArray<PathSegment>): boolean => {
  let node = overlay
  for (const [depth, segment] of path.entries()) {
    if (Array.isArray(node)) return depth > 0
    if (!isMapping(node)) return depth > 0
    if (typeof segment !== "string" || !Object.hasOwn(node, segment)) return false
    node = node[segment]
  }
  return path.length > 0
}

const MAX_NAMED_POLICIES = 10

/** "policy trending", "policies trending, annual-rebase", "every policy". */
const whichPolicies = (names: ReadonlyArray<string>, total: number): string => {
  if (names.length === total && total > 1) return "every policy"
  const shown = names.slice(0, MAX_NAMED_POLICIES).map((n) => showText(n, 40))
  const more = names.length > MAX_NAMED_POLICIES ? ` and ${names.length - MAX_NAMED_POLICIES} more` : ""
  return `${names.length === 1 ? "policy" : "policies"} ${shown.join(", ")}${more}`
}

/** What running a scenario's policies found: issues (empty when every policy runs and the Monte Carlo takes them all) and the models that ran. */
export interface PolicyRunCheck {
  readonly issues: ReadonlyArray<ScenarioIssue>
  readonly models: ReadonlyArray<ContractModel>
}

interface Refusal {
  readonly index: number
  readonly name: string
  readonly overlay: unknown
  readonly placed: Placed
}

const messageOf = (placed: Placed, who: string): string =>
  `expected ${placed.expected}, got ${placed.actual}${placed.hint === undefined ? "" : `; ${placed.hint}`} (${who})`

/**
 * One policy's refusal as the issue validate reports for it (for a command that runs one policy
 * and meets an InvalidArgument: the same line as validate's, for that policy).
 */
export const refusalIssue = (scenario: Scenario, policyName: string, error: InvalidArgument): ScenarioIssue => {
  const index = scenario.policies.findIndex((p) => p.name === policyName)
  const policy = scenario.policies[index]
  let model: ContractModel | undefined
  try {
    model = policy === undefined ? undefined : resolvePolicy(scenario, policyName)
  } catch {
    model = undefined
  }
  const placed = policy === undefined || model === undefined ? refused([], error) : placeRefusal(policy, model, error)
  const overlay = (scenario.document.policies[index] as { readonly overlay?: unknown } | undefined)?.overlay
  return toIssues(scenario.file, [{ index, name: policyName, overlay, placed }], scenario.policies.length)[0]!
}

/** Refusals as issues: one per field and finding, naming its policies; under the policy's overlay when the overlay wrote the field. */
const toIssues = (file: string, refusals: ReadonlyArray<Refusal>, total: number): ReadonlyArray<ScenarioIssue> => {
  const groups = new Map<string, { placed: Placed; path: string; names: Array<string> }>()
  for (const { index, name, overlay, placed } of refusals) {
    const own = overlayWrites(overlay, placed.path)
    const path = formatPath(own ? ["policies", index, "overlay", ...placed.path] : placed.path)
    const key = own ? `${path}\u0000${index}` : `${path}\u0000${placed.expected}\u0000${placed.actual}\u0000${placed.hint ?? ""}`
    const group = groups.get(key) ?? { placed, path, names: [] }
    group.names.push(name)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ placed, path, names }) => ({
    file,
    path,
    expected: placed.expected,
    actual: placed.actual,
    message: messageOf(placed, whichPolicies(names, total))
  }))
}

/**
 * Runs every policy of a loaded scenario through the exact engine and, when all of them run,
 * compiles them together for the Monte Carlo and checks the plan; returns what was refused as
 * scenario issues, and the models resolved.
 */
export const checkPolicyRuns = (scenario: Scenario): PolicyRunCheck => {
  const refusals: Array<Refusal> = []
  const models: Array<ContractModel> = []
  const overlays = scenario.document.policies.map((p) => (p as { readonly overlay?: unknown }).overlay)
  scenario.policies.forEach((policy, index) => {
    let model: ContractModel | undefined
    try {
      model = resolvePolicy(scenario, policy.name)
      // The contract as compare runs it; its incentive-power probes move one year's cost by 10⁻¹² PMPM
      // within a reachable range and refuse nothing the run itself does not, so they are not repeated here.
      runContract(model, projectExperience(model))
      models.push(model)
    } catch (error) {
      if (!(error instanceof InvalidArgument)) throw error
      const placed = model === undefined ? refused([], error) : placeRefusal(policy, model, error)
      refusals.push({ index, name: policy.name, overlay: overlays[index], placed })
    }
  })
  if (refusals.length > 0) return { issues: toIssues(scenario.file, refusals, scenario.policies.length), models }
  try {
    // Every model has just run through the exact engine above: compile without running them again.
    checkSimulationPlan(compileSimulation(models, { exactRunDone: true }))
  } catch (error) {
    if (!(error instanceof InvalidArgument)) throw error
    return { issues: [simulationIssue(scenario.file, error)], models }
  }
  return { issues: [], models }
}

/** checkPolicyRuns as an Effect: the models, or a ScenarioError listing every refusal (what `pbpsim validate` reports). */
export const runScenarioChecks = (scenario: Scenario): Effect.Effect<ReadonlyArray<ContractModel>, ScenarioError> =>
  Effect.suspend(() => {
    const { issues, models } = checkPolicyRuns(scenario)
    return issues.length > 0 ? Effect.fail(scenarioError(issues)) : Effect.succeed(models)
  })
