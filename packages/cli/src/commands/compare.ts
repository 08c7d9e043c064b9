import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { load, provenanceOf, runPolicies, selectPolicies } from "../scenarioInput.js"
import { formatOption, outOption, scenarioArg, splitNames } from "../options.js"
import { comparisonView } from "../report/results.js"
import { renderComparison } from "../report/render.js"
import { writeOutput } from "../output.js"

const policiesOption = Options.text("policies").pipe(
  Options.optional,
  Options.withDescription("Comma-separated policies to compare, the first being the one differences are taken against (default: all, in file order)")
)

export const compare = Command.make("compare", { scenario: scenarioArg, policies: policiesOption, format: formatOption, out: outOption }, (args) =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario)
    const names = yield* selectPolicies(scenario, Option.match(args.policies, { onNone: () => [], onSome: splitNames }))
    const runs = yield* runPolicies(scenario, names)
    const view = comparisonView(provenanceOf(scenario), runs)
    yield* writeOutput(renderComparison(view, args.format, "compare"), Option.getOrUndefined(args.out))
  })
).pipe(
  Command.withDescription(
    "Run policies on the same projection and show them side by side per year, with differences against the first.\n" +
      "Example: pbpsim compare scenarios/issue-brief.yaml --policies trending,annual-rebase --format csv --out compare.csv"
  )
)
