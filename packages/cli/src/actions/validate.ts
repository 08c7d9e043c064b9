import { InvalidArgument } from "@pbpsim/benchmark"
import { checkSimulationPlan, compileSimulation, resolvePolicy, runPolicy, showText, type ContractModel, type Scenario } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import { writeOutput } from "../output.js"
import { load } from "../scenarioInput.js"


/**
 * What `run`, `compare` and `simulate` would refuse in a scenario that decodes: every policy run
 * through the exact engine (a rule the scenario breaks, such as a variable MSR below 500
 * assigned members), then the policies compiled together for the Monte Carlo and checked for
 * figures a float cannot hold and noise it cannot draw. One line per problem, naming the file
 * and the policy; every policy is tried, so all problems come at once.
 */
const ruleProblems = (scenario: Scenario): { readonly problems: ReadonlyArray<string>; readonly models: ReadonlyArray<ContractModel> } => {
  const problems: Array<string> = []
  const models: Array<ContractModel> = []
  scenario.policies.forEach((policy, index) => {
    try {
      const model = resolvePolicy(scenario, policy.name)
      runPolicy(model)
      models.push(model)
    } catch (error) {
      if (!(error instanceof InvalidArgument)) throw error
      problems.push(`${scenario.file}: policies[${index}] (${showText(policy.name)}): ${error.message}`)
    }
  })
  if (problems.length > 0) return { problems, models }
  try {
    checkSimulationPlan(compileSimulation(models))
  } catch (error) {
    if (!(error instanceof InvalidArgument)) throw error
    problems.push(`${scenario.file}: simulate: ${error.message}`)
  }
  return { problems, models }
}

/** validate: decode the scenario, resolve every policy overlay, and run every policy through the exact engine and the Monte Carlo's checks. */
export const validateAction = (file: string) =>
  Effect.gen(function* () {
    const loaded = yield* load(file)
    const { problems, models } = yield* Effect.try({ try: () => ruleProblems(loaded), catch: (e) => e }).pipe(Effect.orDie)
    if (problems.length > 0) return yield* Effect.fail(new UserError({ message: problems.join("\n") }))
    const first = models[0]!
    yield* writeOutput(
      `${file}: valid. ${loaded.name}: provider ${first.provider}, ${first.years}-year contract from ${first.startYear}, ` +
        `${loaded.experience.length} experience row${loaded.experience.length === 1 ? "" : "s"}, policies ${models.map((m) => m.policyName).join(", ")}`,
      undefined
    )
  })
