import { InvalidArgument } from "@pbpsim/benchmark"
import { checkSimulationPlan, compileSimulation, policyNames, resolvePolicy, runPolicy, type ContractModel, type Scenario } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import { writeOutput } from "../output.js"
import { load } from "../scenarioInput.js"

/** A policy name for a message: control characters escaped, clipped. */
const shown = (text: string): string => {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  return escaped.length > 80 ? `${escaped.slice(0, 79)}…` : escaped
}

/**
 * What `run`, `compare` and `simulate` would refuse in a scenario that decodes: every policy run
 * through the exact engine (a rule the scenario breaks, such as a variable MSR below 500
 * assigned members), then the policies compiled together for the Monte Carlo and checked for
 * figures a float cannot hold and noise it cannot draw. One line per problem, naming the file
 * and the policy; every policy is tried, so all problems come at once.
 */
const ruleProblems = (scenario: Scenario): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const models: Array<ContractModel> = []
  scenario.policies.forEach((policy, index) => {
    try {
      const model = resolvePolicy(scenario, policy.name)
      runPolicy(model)
      models.push(model)
    } catch (error) {
      if (!(error instanceof InvalidArgument)) throw error
      problems.push(`${scenario.file}: policies[${index}] (${shown(policy.name)}): ${error.message}`)
    }
  })
  if (problems.length > 0) return problems
  try {
    checkSimulationPlan(compileSimulation(models))
  } catch (error) {
    if (!(error instanceof InvalidArgument)) throw error
    problems.push(`${scenario.file}: simulate: ${error.message}`)
  }
  return problems
}

/** validate: decode the scenario, resolve every policy overlay, and run every policy through the exact engine and the Monte Carlo's checks. */
export const validateAction = (file: string) =>
  Effect.gen(function* () {
    const loaded = yield* load(file)
    const problems = yield* Effect.try({ try: () => ruleProblems(loaded), catch: (e) => e }).pipe(Effect.orDie)
    if (problems.length > 0) return yield* Effect.fail(new UserError({ message: problems.join("\n") }))
    const models = policyNames(loaded).map((name) => resolvePolicy(loaded, name))
    const first = models[0]!
    yield* writeOutput(
      `${file}: valid. ${loaded.name}: provider ${first.provider}, ${first.years}-year contract from ${first.startYear}, ` +
        `${loaded.experience.length} experience row${loaded.experience.length === 1 ? "" : "s"}, policies ${models.map((m) => m.policyName).join(", ")}`,
      undefined
    )
  })
