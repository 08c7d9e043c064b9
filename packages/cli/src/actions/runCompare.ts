import type { ScenarioError } from "@pbpsim/simulator"
import { Effect } from "effect"
import type { UserError } from "../errors.js"
import type { Io } from "../io.js"
import type { Format } from "../options.js"
import { writeOutput } from "../output.js"
import { provenanceOf } from "../provenance.js"
import { renderComparison } from "../render/comparisonFormats.js"
import { comparisonView } from "../render/comparisonView.js"
import { load, runPolicies, selectPolicies } from "../scenarioInput.js"

/** run and compare: load, pick policies, run them exactly, render the one results view, write it. */
export const reportPolicies = (args: {
  readonly scenario: string
  /** `--set path=value` overrides, applied before the scenario is decoded. */
  readonly sets?: ReadonlyArray<string>
  readonly requested: ReadonlyArray<string>
  readonly kind: "run" | "compare"
  readonly format: Format
  /** Widest terminal table (TABLE_WIDTH, or unbounded with --wide). */
  readonly width: number
  readonly out: string | undefined
}): Effect.Effect<void, UserError | ScenarioError, Io> =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario, args.sets)
    const names = yield* selectPolicies(scenario, args.requested)
    const runs = yield* runPolicies(scenario, args.kind === "run" ? names.slice(0, 1) : names)
    yield* writeOutput(renderComparison(comparisonView(provenanceOf(scenario), runs), args.format, args.kind, args.width), args.out)
  })
