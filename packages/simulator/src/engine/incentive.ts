import { derive, explained, quantity, type Explained } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import type { ContractModel } from "../model.js"
import { runContract, type ContractResult } from "./contract.js"
import { cellOf, withCost, type RealisedExperience } from "./realised.js"

/**
 * Incentive power of contract year t (docs/model.md §7): the change in the provider's total net
 * over the whole contract when year t's actual cost falls by $1 PMPM, per dollar of cost cut.
 * Found by re-running the exact engine, so every rule (rebasing, corridors, caps, observed
 * trend that includes the provider) is accounted for. Trending without a corridor gives the
 * sharing rate; rebasing gives less, because today's saving lowers tomorrow's benchmark.
 */
export const incentivePower = (
  model: ContractModel,
  realised: RealisedExperience,
  base: ContractResult
): ReadonlyArray<Explained<Decimal>> =>
  base.years.map((y) => {
    const cell = cellOf(realised, model.provider, y.year)
    const cut = cell.memberMonths // $1 PMPM over the year's member months
    const probe = runContract(model, withCost(realised, model.provider, y.year, cell.cost.sub(cut)))
    const change = probe.totals.providerNet.sub(base.totals.providerNet)
    const power = change.div(cut)
    return explained(
      power,
      derive({
        rule: "incentive.power",
        label: `Incentive power of ${y.year}`,
        formula: "Δ provider net over the contract ÷ (MM_t × $1)",
        inputs: [
          quantity("cost cut ($1 PMPM × member months)", cut, "money"),
          quantity("provider net, base", base.totals.providerNet, "money"),
          quantity("provider net, cost cut", probe.totals.providerNet, "money")
        ],
        output: quantity("incentive power", power, "rate"),
        source: "docs/model.md §7; Douven, McGuire & McWilliams, Health Affairs 2015"
      })
    )
  })
