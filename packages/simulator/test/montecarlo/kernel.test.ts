import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { projectExperience, runContract, type ContractModel } from "@pbpsim/simulator"
import { compileSimulation, drawLength, FIELD_COUNT, F_OUTCOME, kernelScratch, roundTo, runTrial } from "../../src/montecarlo/index.js"
import { arbitraryModel } from "./arbitraryModel.js"
import { makeModel } from "../engine/model.js"

/** Relative agreement; money near zero (a gross that almost breaks even) is held to 1e-9 of the year's benchmark instead. */
const close = (got: number, exact: number, scale: number): boolean => Math.abs(got - exact) <= 1e-9 * Math.max(Math.abs(exact), Math.abs(scale), 1e-300)

const compareWithExact = (models: ReadonlyArray<ContractModel>): void => {
  const plan = compileSimulation(models)
  const scratch = kernelScratch(plan)
  runTrial(scratch, new Float64Array(drawLength(plan)))
  models.forEach((model, p) => {
    const exact = runContract(model, projectExperience(model))
    exact.years.forEach((y, k) => {
      const o = (p * plan.years + k) * FIELD_COUNT
      const s = y.settlement.value
      const B = s.benchmark.toNumber()
      const fields: ReadonlyArray<[string, number, number]> = [
        ["benchmarkPmpm", y.benchmark.value.benchmarkPmpm.toNumber(), y.benchmark.value.benchmarkPmpm.toNumber()],
        ["actualPmpm", y.actualPmpm.toNumber(), y.actualPmpm.toNumber()],
        ["sharedSavings", s.sharedSavings.toNumber(), B],
        ["sharedLosses", s.sharedLosses.toNumber(), B],
        ["providerNet", s.providerNet.toNumber(), B],
        ["payerNet", s.payerNet.toNumber(), B]
      ]
      fields.forEach(([name, exactValue, scale], f) => {
        const got = scratch.out[o + f]!
        if (!close(got, exactValue, scale)) throw new Error(`${model.policyName} year ${k + 1} ${name}: kernel ${got}, exact ${exactValue}`)
      })
      const outcome = s.outcome === "savings" ? 1 : s.outcome === "loss" ? -1 : 0
      expect(scratch.out[o + F_OUTCOME]).toBe(outcome)
    })
  })
}

describe("runTrial", () => {
  test.prop([arbitraryModel], { numRuns: 300 })(
    "with zero noise, the float kernel equals the exact engine to 1e-9 relative on every benchmark and settlement figure",
    (model) => {
      compareWithExact([model])
    }
  )

  test.prop([arbitraryModel, arbitraryModel], { numRuns: 60 })(
    "policies compiled together give the same figures as each compiled alone (shared worlds and pools do not leak)",
    (a, b) => {
      const second = { ...b, entities: a.entities, peers: b.peers.filter((p) => a.entities.includes(p)).length > 0 ? b.peers.filter((p) => a.entities.includes(p)) : a.peers, experience: a.experience, projection: a.projection, settlement: a.settlement, policyName: "second" }
      compareWithExact([a, second])
    }
  )

  it("with zero draws, year 1 of the engine test model is 50/50 of the baselines trended one year: $450.84", () => {
    // makeModel: provider $400 and peer $450 PMPM in 2023 and 2024, weights 0.5/0.5, 4 % trend.
    // Provider baseline 0.5 × 400 × 1.04 + 0.5 × 400 = 408; peer 0.5 × 450 × 1.04 + 0.5 × 450 = 459;
    // blend 433.50, × 1.04 = 450.84.
    const model = makeModel({ providerWeight: "0.5" })
    const plan = compileSimulation([model])
    const scratch = kernelScratch(plan)
    runTrial(scratch, new Float64Array(drawLength(plan)))
    expect(scratch.out[0]).toBe(450.84)
  })
})

describe("roundTo", () => {
  it("rounds ties the way decimal.js does, in every mode", () => {
    // 2.345 is 2.34499999999999997... as a float: decimal semantics still call it a tie.
    expect(roundTo(2.345, 2, 0)).toBe(2.35) // half-up
    expect(roundTo(2.345, 2, 1)).toBe(2.34) // half-even
    expect(roundTo(2.355, 2, 1)).toBe(2.36)
    expect(roundTo(2.345, 2, 2)).toBe(2.34) // half-down
    expect(roundTo(-2.345, 2, 0)).toBe(-2.35)
    expect(roundTo(2.341, 2, 3)).toBe(2.35) // up
    expect(roundTo(-2.349, 2, 4)).toBe(-2.34) // down
    expect(roundTo(-2.341, 2, 5)).toBe(-2.34) // ceil
    expect(roundTo(-2.341, 2, 6)).toBe(-2.35) // floor
    expect(roundTo(0.1 + 0.2, 1, 3)).toBe(0.3) // 0.30000000000000004 is 0.3, not rounded up to 0.4
  })
})
