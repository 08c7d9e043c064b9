import type { ContractModel } from "../model.js"
import { runContract, type ContractResult } from "./contract.js"
import { incentivePower, type IncentivePower } from "./incentive.js"
import { projectExperience } from "./realised.js"

/** One policy run by the exact engine: the model, the year-by-year result, and each year's incentive power. */
export interface PolicyRun {
  readonly model: ContractModel
  readonly result: ContractResult
  /** Per contract year, in order: the slope in year t's cost and the cliffs within reach. */
  readonly incentivePower: ReadonlyArray<IncentivePower>
}

/** Project the market, run the contract, and measure the incentive power of each year. */
export const runPolicy = (model: ContractModel): PolicyRun => {
  const realised = projectExperience(model)
  const result = runContract(model, realised)
  return { model, result, incentivePower: incentivePower(model, realised, result) }
}
