import { Command } from "@effect/cli"
import { scenarioArg } from "../options.js"
import { lazily } from "./lazy.js"

export const validate = Command.make("validate", { scenario: scenarioArg }, ({ scenario }) =>
  lazily(() => import("../actions/validate.js"), (m) => m.validateAction(scenario))
).pipe(
  Command.withDescription(
    "Check a scenario file: schema, semantic checks and every policy overlay; all problems are listed at once.\n" +
      "Example: pbpsim validate scenarios/issue-brief.yaml"
  )
)
