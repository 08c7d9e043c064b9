import { marketProblems, runScenarioChecks, scenarioError, type Scenario } from "@pbpsim/simulator"
import { Effect } from "effect"
import { Io } from "../io.js"
import { writeOutput } from "../output.js"
import { load } from "../scenarioInput.js"
import { printWarnings, withWarningsPrinted } from "../warnings.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * validate: decode the scenario and check it (schema, cross-checks, plausibility), then run
 * every policy through the exact engine and compile them for the Monte Carlo, so what `run`,
 * `compare` or `simulate` would refuse is reported here, every problem at once as a
 * `file: field: expected …, got …` line naming its policies. Warnings (unusual figures) go to
 * standard error and are counted in the verdict.
 */
export const validateAction = (file: string) =>
  Effect.gen(function* () {
    const io = yield* Io
    let warnings = 0
    const print = printWarnings(io)
    const loaded = yield* load(file).pipe(
      withWarningsPrinted((found) => {
        warnings += found.length
        print(found)
      })
    )
    const models = yield* runScenarioChecks(loaded)
    if (usesMarketView(loaded)) {
      const problems = marketProblems(loaded)
      if (problems.length > 0) return yield* Effect.fail(scenarioError(problems))
    }
    const first = models[0]!
    const verdict = warnings === 0 ? "valid" : `valid, ${showCount(warnings)} warning${warnings === 1 ? "" : "s"}`
    yield* writeOutput(
      `${file}: ${verdict}. ${loaded.name}: provider ${first.provider}, ${first.years}-year contract from ${first.startYear}, ` +
        `${loaded.experience.length} experience row${loaded.experience.length === 1 ? "" : "s"}, policies ${models.map((m) => m.policyName).join(", ")}`,
      undefined
    )
  })

/** A scenario written for `pbpsim market`: it has a participation rule, a providers list or a peer group. */
const usesMarketView = (scenario: Scenario): boolean =>
  scenario.document.participation !== undefined ||
  scenario.document.market.providers !== undefined ||
  scenario.document.market.entities.some((e) => e.peerGroup !== undefined) ||
  scenario.policies.some((p) => p.body.participation !== undefined)
