import { Command } from "@effect/cli"
import { policyNames, resolvePolicy } from "@pbpsim/simulator"
import { Console, Effect } from "effect"
import { load } from "../scenarioInput.js"
import { scenarioArg } from "../options.js"

export const validate = Command.make("validate", { scenario: scenarioArg }, ({ scenario }) =>
  Effect.gen(function* () {
    const loaded = yield* load(scenario)
    // Resolving every policy checks each overlay against the full schema as well.
    const models = policyNames(loaded).map((name) => resolvePolicy(loaded, name))
    const first = models[0]!
    yield* Console.log(
      `${scenario}: valid. ${loaded.name}: provider ${first.provider}, ${first.years}-year contract from ${first.startYear}, ` +
        `${loaded.experience.length} experience row${loaded.experience.length === 1 ? "" : "s"}, policies ${models.map((m) => m.policyName).join(", ")}`
    )
  })
).pipe(
  Command.withDescription(
    "Check a scenario file: schema, semantic checks and every policy overlay; all problems are listed at once.\n" +
      "Example: pbpsim validate scenarios/issue-brief.yaml"
  )
)
