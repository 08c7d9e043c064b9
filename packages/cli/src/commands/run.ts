import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { load, provenanceOf, runPolicies, selectPolicies } from "../scenarioInput.js"
import { formatOption, outOption, scenarioArg } from "../options.js"
import { comparisonView } from "../report/results.js"
import { renderComparison } from "../report/render.js"
import { writeOutput } from "../output.js"

const policyOption = Options.text("policy").pipe(
  Options.withAlias("p"),
  Options.optional,
  Options.withDescription("Policy to run (default: the scenario's first policy)")
)

export const run = Command.make("run", { scenario: scenarioArg, policy: policyOption, format: formatOption, out: outOption }, (args) =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario)
    const names = yield* selectPolicies(scenario, Option.toArray(args.policy))
    const runs = yield* runPolicies(scenario, names.slice(0, 1))
    const view = comparisonView(provenanceOf(scenario), runs)
    yield* writeOutput(renderComparison(view, args.format, "run"), Option.getOrUndefined(args.out))
  })
).pipe(
  Command.withDescription(
    "Project one policy year by year: benchmark build-up, actual cost, settlement, incentive power.\n" +
      "Example: pbpsim run scenarios/ratchet.yaml --policy annual-rebase --format markdown"
  )
)
