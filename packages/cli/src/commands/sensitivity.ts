import { Command, Options } from "@effect/cli"
import { Option } from "effect"
import { formatOption, outOption, scenarioArg, setOption, splitNames, tableWidth, wideOption } from "../options.js"
import { lazily } from "./lazy.js"

const policyOption = Options.text("policy").pipe(
  Options.withAlias("p"),
  Options.optional,
  Options.withDescription("Policy whose inputs are varied (default: the scenario's first policy)")
)
const inputsOption = Options.text("inputs").pipe(
  Options.optional,
  Options.withDescription(
    "Comma-separated inputs to vary (default: every one the scenario has): trend, marketTrend, providerWeight, savingsRate, msr, mlr, savingsCap, riskCap, savings, discount"
  )
)

export const sensitivity = Command.make(
  "sensitivity",
  { scenario: scenarioArg, policy: policyOption, inputs: inputsOption, set: setOption, format: formatOption, wide: wideOption, out: outOption },
  (args) =>
    lazily(
      () => import("../actions/sensitivity.js"),
      (m) =>
        m.sensitivityAction({
          scenario: args.scenario,
          sets: args.set,
          policy: Option.getOrUndefined(args.policy),
          inputs: Option.match(args.inputs, { onNone: () => [], onSome: splitNames }),
          format: args.format,
          width: tableWidth(args.wide),
          out: Option.getOrUndefined(args.out)
        })
    )
).pipe(
  Command.withDescription(
    "Vary each input of one policy down and up by a stated step (trend ±0.5 point, provider weight ±0.1, sharing rate ±0.1, …),\n" +
      "rerun the exact contract and rank the inputs by their swing in provider net and payer cost over the contract.\n" +
      "Example: pbpsim sensitivity scenarios/issue-brief.yaml --policy trending --inputs trend,savingsRate --format markdown"
  )
)
