import { Command } from "@effect/cli"
import { Effect, Option } from "effect"
import { outOption } from "../options.js"
import { writeOutput } from "../output.js"
import { lazily } from "./lazy.js"

export const schema = Command.make("schema", { out: outOption }, ({ out }) =>
  lazily(
    () => import("@pbpsim/simulator"),
    (m) => Effect.suspend(() => writeOutput(JSON.stringify(m.scenarioJsonSchema(), null, 2), Option.getOrUndefined(out)))
  )
).pipe(
  Command.withDescription(
    "Write the JSON Schema of scenario files (from the same definition the decoder uses), for editor autocompletion.\n" +
      "Example: pbpsim schema --out schema/scenario.schema.json"
  )
)
