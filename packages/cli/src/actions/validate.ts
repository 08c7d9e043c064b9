import { policyNames, resolvePolicy } from "@pbpsim/simulator"
import { Effect } from "effect"
import { writeOutput } from "../output.js"
import { load } from "../scenarioInput.js"

/** validate: decode the scenario and resolve every policy overlay (each is checked against the full schema too). */
export const validateAction = (file: string) =>
  Effect.gen(function* () {
    const loaded = yield* load(file)
    const models = policyNames(loaded).map((name) => resolvePolicy(loaded, name))
    const first = models[0]!
    yield* writeOutput(
      `${file}: valid. ${loaded.name}: provider ${first.provider}, ${first.years}-year contract from ${first.startYear}, ` +
        `${loaded.experience.length} experience row${loaded.experience.length === 1 ? "" : "s"}, policies ${models.map((m) => m.policyName).join(", ")}`,
      undefined
    )
  })
