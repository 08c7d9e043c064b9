import { Command } from "@effect/cli"
import { Option } from "effect"
import { outOption, scenarioArg } from "../options.js"
import { lazily } from "./lazy.js"

export const whatif = Command.make("whatif", { scenario: scenarioArg, out: outOption }, (args) =>
  lazily(() => import("../actions/whatif.js"), (m) => m.writeWhatIf({ scenario: args.scenario, out: Option.getOrUndefined(args.out) }))
).pipe(
  Command.withDescription(
    "Write one self-contained HTML page that carries the engine and the scenario: sliders for the glide path, trend, rebasing, corridor, sharing rates, savings plan, risk cap and terms by year recompute the contract in the browser (no network), beside the scenario's own policies; \"Save as scenario\" downloads the edit as YAML.\n" +
      "Example: pbpsim whatif scenarios/issue-brief.yaml --out whatif.html"
  )
)
