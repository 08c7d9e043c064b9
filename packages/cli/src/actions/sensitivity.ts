import { InvalidArgument } from "@pbpsim/benchmark"
import { refusalIssue, scenarioError, sensitivity, type ScenarioError, type SensitivityResult } from "@pbpsim/simulator"
import { Effect } from "effect"
import type { UserError } from "../errors.js"
import type { Io } from "../io.js"
import type { Format } from "../options.js"
import { writeOutput } from "../output.js"
import { provenanceOf } from "../provenance.js"
import { renderSensitivity, sensitivityView } from "../render/sensitivity.js"
import { load, selectPolicies } from "../scenarioInput.js"

/**
 * sensitivity: load (with --set), pick the policy (default: the first), vary each input down
 * and up with the exact engine, rank by swing, render, write. An unknown input name or a base
 * run the rules refuse is reported as compare reports it; a refused variation is part of the result.
 */
export const sensitivityAction = (args: {
  readonly scenario: string
  readonly sets: ReadonlyArray<string>
  readonly policy: string | undefined
  readonly inputs: ReadonlyArray<string>
  readonly format: Format
  readonly width: number
  readonly out: string | undefined
}): Effect.Effect<void, UserError | ScenarioError, Io> =>
  Effect.gen(function* () {
    const scenario = yield* load(args.scenario, args.sets)
    const [policy] = yield* selectPolicies(scenario, args.policy === undefined ? [] : [args.policy])
    const result = yield* Effect.try({
      try: (): SensitivityResult => sensitivity(scenario, policy!, { inputs: args.inputs }),
      catch: (e) => {
        if (e instanceof InvalidArgument) return scenarioError([refusalIssue(scenario, policy!, e)])
        if (e instanceof Error && "_tag" in e && e._tag === "ScenarioError") return e as unknown as ScenarioError
        throw e
      }
    })
    yield* writeOutput(renderSensitivity(sensitivityView(provenanceOf(scenario), result), args.format, args.width), args.out)
  })
