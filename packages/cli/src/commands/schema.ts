import { Command } from "@effect/cli"
import { scenarioJsonSchema } from "@pbpsim/simulator"
import { Effect, Option } from "effect"
import { outOption } from "../options.js"
import { writeOutput } from "../output.js"

export const schema = Command.make("schema", { out: outOption }, ({ out }) =>
  Effect.suspend(() => writeOutput(JSON.stringify(scenarioJsonSchema(), null, 2), Option.getOrUndefined(out)))
).pipe(
  Command.withDescription(
    "Write the JSON Schema of scenario files (from the same definition the decoder uses), for editor autocompletion.\n" +
      "Example: pbpsim schema --out schema/scenario.schema.json"
  )
)
