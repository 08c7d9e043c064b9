import { describe, expect, it } from "vitest"
import { dec, type SettlementTerms } from "@pbpsim/benchmark"
import { projectExperience, runContract, runPolicy, type ContractModel } from "@pbpsim/simulator"
import { cellOf, withCost } from "../../src/engine/realised.js"
import { flatHalf, makeModel, type ModelArgs } from "./model.js"

/** Half from the first dollar once a 2 % corridor is met; two-sided with a 2 % MLR when `lossRate` is given. */
const corridor = (extra: Partial<SettlementTerms> = {}): SettlementTerms => ({
  ...flatHalf,
  name: "50 % from the first dollar, 2 % corridor",
  msr: { kind: "fixed", rate: dec("0.02") },
  mlr: { kind: "fixed", rate: dec("0.02") },
  ...extra
})

const withTerms = (settlement: SettlementTerms, args: ModelArgs = {}): ContractModel =>
  makeModel({ ...args, schedule: [{ fromYear: 1, name: "test terms", settlement }] })

/** What the engine printed before: a $1 PMPM cut through the contract with its benchmark rounded to cents. */
const dollarStep = (model: ContractModel, year: number): string => {
  const realised = projectExperience(model)
  const base = runContract(model, realised)
  const cell = cellOf(realised, model.provider, year)
  const cut = runContract(model, withCost(realised, model.provider, year, cell.cost.sub(cell.memberMonths)))
  return cut.totals.providerNet.sub(base.totals.providerNet).div(cell.memberMonths).toFixed(6)
}

describe("incentivePower", () => {
  it("is the sharing rate after sequestration under trending, with no cliff in reach", () => {
    // Year 1: B = 408 × 1.04 = 424.32, actual 416 × 0.95 = 395.20: a 6.86 % gap, far above the 2 % MSR (its edge
    // is at 0.98 × 424.32 = 415.83 PMPM, $20.63 away). Shared = 0.5 × 0.98 × gap ≤ 10 % × B: each $1 cut pays 0.49.
    const model = withTerms(corridor({ sequestration: dec("0.02"), savingsCap: dec("0.1") }), { providerSavings: ["0.05", "0.05", "0.05", "0.05"] })
    const run = runPolicy(model)
    expect(run.incentivePower.map((p) => p.value.toFixed(12))).toEqual(Array(4).fill("0.490000000000"))
    expect(run.incentivePower.map((p) => p.cliffs.length)).toEqual([0, 0, 0, 0])
  })

  it("is zero where the savings cap binds: a cut earns nothing more", () => {
    // 0.5 × 29.12 × 120,000 = 1,747,200 > 1 % × 50,918,400 = 509,184: the cap pays, whatever the cut.
    const run = runPolicy(withTerms(corridor({ savingsCap: dec("0.01") }), { providerSavings: ["0.05", "0.05", "0.05", "0.05"] }))
    expect(run.incentivePower.map((p) => p.value.toFixed(12))).toEqual(Array(4).fill("0.000000000000"))
  })

  it("gives the ratchet's slope exactly, not the cent steps of next year's benchmark (0.331125, not 0.335)", () => {
    // Annual rebasing, λ = 0.35, trend −3.5 %: a $1 cut in year t lowers year t+1's provider baseline by $1, its
    // benchmark by 0.35 × 0.965 = 0.33775 on the same member months, each dollar shared at 0.5 (flat, no corridor):
    // 0.5 − 0.5 × 0.33775 = 0.331125 for t < 4; 0.5 in the last year, which nothing follows.
    const model = makeModel({ rebasing: { kind: "annual" }, providerWeight: "0.35", trend: "-0.035", providerSavings: ["0.05", "0.05", "0.05", "0.05"] })
    const run = runPolicy(model)
    expect(run.incentivePower.map((p) => p.value.toFixed(12))).toEqual(["0.331125000000", "0.331125000000", "0.331125000000", "0.500000000000"])
    // A $1 step through the rounded benchmark moves year t+1's benchmark by 0.33 or 0.34, never 0.33775.
    const steps = [2025, 2026, 2027].map((year) => dollarStep(model, year))
    expect(steps).toContain("0.335000")
    for (const s of steps) expect(["0.335000", "0.330000"]).toContain(s)
  })

  it("marks the year's own MSR within reach as a cliff instead of folding it into the slope", () => {
    // Year 1: B = 424.32, actual 416.00 (no savings): a 1.96 % gap, inside the 2 % corridor, so a small cut earns
    // nothing (slope 0). The edge is at 0.98 × 424.32 = 415.8336 PMPM, $0.1664 below the actual cost; crossing it
    // pays 0.5 × 0.02 × 424.32 × 120,000 = 509,184.00 at once. (A $1 step printed (0.5 × 9.32 × 120,000) ÷ 120,000 = 4.66.)
    const model = withTerms(corridor())
    const run = runPolicy(model)
    const year1 = run.incentivePower[0]!
    expect(year1.value.toFixed(12)).toBe("0.000000000000")
    expect(year1.cliffs).toHaveLength(1)
    const cliff = year1.cliffs[0]!
    expect({ threshold: cliff.threshold, year: cliff.year }).toEqual({ threshold: "MSR", year: 2025 })
    expect(cliff.costPmpm.toFixed(12)).toBe("415.833600000000")
    expect(cliff.distancePmpm.toFixed(12)).toBe("-0.166400000000")
    expect(cliff.jump.toFixed(2)).toBe("509184.00")
    expect(dollarStep(model, 2025)).toBe("4.660000")
    expect(year1.derivation.steps.map((s) => s.rule)).toEqual(["incentive.cliff"])
  })

  it("marks a later year's MSR that a cut pushes out of reach under rebasing, with the savings lost", () => {
    // Annual rebasing, λ = 1: B_2026 = 1.04 × actual 2025 PMPM. Actual 2025 = 416 × 0.95 = 395.20, actual 2026 =
    // 432.64 × 0.93 = 402.3552. 2026 qualifies iff 402.3552 ≤ 0.98 × 1.04 × a_2025, i.e. a_2025 ≥ 402.3552 ÷ 1.0192
    // = 394.7755102040816…, $0.4244897959… below the actual cost. Below it 2026's savings, 0.5 × 0.02 × B_2026 ×
    // 120,000 = 1,200 × 402.3552 ÷ 0.98 = 492,679.8367…, are lost. The slope: 0.5 − 0.5 × 1.04 = −0.02.
    const run = runPolicy(withTerms(corridor(), { rebasing: { kind: "annual" }, providerSavings: ["0.05", "0.07", "0", "0"] }))
    const year1 = run.incentivePower[0]!
    expect(year1.value.toFixed(12)).toBe("-0.020000000000")
    expect(year1.cliffs.map((c) => [c.threshold, c.year, c.costPmpm.toFixed(9), c.distancePmpm.toFixed(9), c.jump.toFixed(2)])).toEqual([
      ["MSR", 2026, "394.775510204", "-0.424489796", "-492679.84"]
    ])
    // 2026's own edge: 0.98 × 411.008 = 402.78784, $0.43264 above its actual cost; falling through it pays
    // 0.5 × 0.02 × 411.008 × 120,000 = 493,209.60.
    expect(run.incentivePower[1]!.cliffs.map((c) => [c.threshold, c.year, c.costPmpm.toFixed(9), c.distancePmpm.toFixed(9), c.jump.toFixed(2)])).toEqual([
      ["MSR", 2026, "402.787840000", "0.432640000", "493209.60"]
    ])
  })

  it("marks the MLR a rise would cross, with the loss it would owe", () => {
    // Market trend 8 %: actual 2025 = 432.00 against B = 424.32, a 1.81 % loss inside the 2 % MLR. The edge is at
    // 1.02 × 424.32 = 432.8064 PMPM, $0.8064 above; owed beyond it: 0.5 × 0.02 × 424.32 × 120,000 = 509,184.00,
    // so falling through the edge gains that much.
    const run = runPolicy(withTerms(corridor({ lossRate: { kind: "flat", rate: dec("0.5") } }), { marketTrend: "0.08" }))
    expect(run.incentivePower[0]!.value.toFixed(12)).toBe("0.000000000000")
    expect(run.incentivePower[0]!.cliffs.map((c) => [c.threshold, c.year, c.costPmpm.toFixed(9), c.distancePmpm.toFixed(9), c.jump.toFixed(2)])).toEqual([
      ["MLR", 2025, "432.806400000", "0.806400000", "509184.00"]
    ])
  })

  it("reports no cliff where sharing starts beyond the corridor: nothing jumps at the edge", () => {
    // The same year as above the MSR test's, shared beyond the corridor: at the edge the basis is 0, so the net is continuous.
    const run = runPolicy(withTerms(corridor({ sharingBasis: "beyond-corridor" })))
    expect(run.incentivePower[0]!.cliffs).toEqual([])
  })

  it("reports no cliff beyond $1 PMPM of the actual cost", () => {
    // Actual 416 × 0.997 = 414.752: the edge at 415.8336 is $1.0816 above.
    const run = runPolicy(withTerms(corridor(), { providerSavings: ["0.003", "0", "0", "0"] }))
    expect(run.incentivePower[0]!.value.toFixed(12)).toBe("0.500000000000")
    expect(run.incentivePower[0]!.cliffs).toEqual([])
  })

  it("measures the slope on the unrounded benchmark, whatever the contract rounds it to", () => {
    // Rounded to whole dollars, a $1 step would see next year's benchmark move by $1 or $2, not $1.04.
    const model = makeModel({ rebasing: { kind: "annual" }, providerSavings: ["0.05", "0.05", "0.05", "0.05"] })
    const dollars = runPolicy({ ...model, rounding: { places: 0, mode: "half-up" } })
    expect(dollars.incentivePower.map((p) => p.value.toFixed(12))).toEqual(["-0.020000000000", "-0.020000000000", "-0.020000000000", "0.500000000000"])
  })
})
