import { Command } from "@effect/cli"
import { scenarioArg } from "../options.js"
import { lazily } from "./lazy.js"

export const validate = Command.make("validate", { scenario: scenarioArg }, ({ scenario }) =>
  lazily(() => import("../actions/validate.js"), (m) => m.validateAction(scenario))
).pipe(
  Command.withDescription(
    "Check a scenario file: schema, semantic and plausibility checks, every policy overlay, and every policy run through\n" +
      "the exact engine and the Monte Carlo's checks; all problems are listed at once (file: field: expected …, got …),\n" +
      "unusual figures as warnings on standard error.\n" +
      "Example: pbpsim validate scenarios/issue-brief.yaml"
  )
)
