import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { projectExperience, runContract, type ContractModel } from "@pbpsim/simulator"
import { compileSimulation } from "@pbpsim/simulator"
import { dec, type ExperienceCell } from "@pbpsim/benchmark"
import { OUTCOME_CODE } from "@pbpsim/benchmark/compute"
import type { RealisedExperience } from "../../src/engine/realised.js"
import { kernelScratch, runTrial, type KernelScratch } from "../../src/montecarlo/kernel.js"
import { drawLength, FIELD_COUNT, F_OUTCOME, F_PROVIDER, F_SAVINGS, type SimulationPlan } from "../../src/montecarlo/plan.js"
import { arbitraryGuardedModel, arbitraryModel, arbitrarySegmentedModel } from "./arbitraryModel.js"
import { makeModel } from "../engine/model.js"

/** Relative agreement; money near zero (a gross that almost breaks even) is held to 1e-9 of the year's benchmark instead. */
const close = (got: number, exact: number, scale: number): boolean => Math.abs(got - exact) <= 1e-9 * Math.max(Math.abs(exact), Math.abs(scale), 1e-300)

/**
 * The cells a trial realised, as the exact engine's input: history as given, contract years as
 * the kernel drew them (each float read as its shortest decimal, within an ulp of the float).
 */
const realisedOfTrial = (scratch: KernelScratch, plan: SimulationPlan, p: number, model: ContractModel): RealisedExperience => {
  const world = scratch.worlds[plan.policies[p]!.world]!
  const T = world.plan.calendarYears
  const cells = new Map<string, Map<number, ExperienceCell>>()
  model.entities.forEach((entity, e) => {
    const years = new Map<number, ExperienceCell>()
    for (let t = 0; t < T; t++) {
      const i = e * T + t
      if (Number.isNaN(world.cost[i]!)) continue
      years.set(world.plan.firstYear + t, { cost: dec(world.cost[i]!), memberMonths: dec(world.memberMonths[i]!), riskScore: dec(world.risk[i]!) })
    }
    cells.set(entity, years)
  })
  if (!model.segments) return { cells, counterfactualPmpm: new Map() }
  // Segment rows follow the entity rows: segment → entity → year, as the exact engine reads them.
  const segments = new Map<string, Map<string, Map<number, ExperienceCell>>>()
  for (let r = world.plan.entityRows; r < world.plan.entities; r++) {
    const segment = world.plan.segmentOfRow[r]!
    const bySegment = segments.get(segment) ?? new Map<string, Map<number, ExperienceCell>>()
    segments.set(segment, bySegment)
    const years = new Map<number, ExperienceCell>()
    for (let t = 0; t < T; t++) {
      const i = r * T + t
      if (Number.isNaN(world.cost[i]!)) continue
      years.set(world.plan.firstYear + t, { cost: dec(world.cost[i]!), memberMonths: dec(world.memberMonths[i]!), riskScore: dec(world.risk[i]!) })
    }
    bySegment.set(model.entities[world.plan.entityOfRow[r]!]!, years)
  }
  return { cells, counterfactualPmpm: new Map(), segments }
}

/**
 * Run one trial of the kernel on draws `z` (all zero: the deterministic projection), then the
 * exact engine on what that trial realised, and hold every field the kernel reports to the
 * exact figure: 1e-9 relative (money near zero: 1e-9 of the year's benchmark), the settled outcome
 * (savings paid or not, loss owed or not) exactly.
 */
const compareWithExact = (models: ReadonlyArray<ContractModel>, z?: Float64Array): void => {
  const plan = compileSimulation(models)
  const scratch = kernelScratch(plan)
  runTrial(scratch, z ?? new Float64Array(drawLength(plan)))
  models.forEach((model, p) => {
    const exact = runContract(model, z ? realisedOfTrial(scratch, plan, p, model) : projectExperience(model))
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
        ["payerNet", s.payerNet.toNumber(), B],
        ["expenditure", s.expenditure.toNumber(), B]
      ]
      fields.forEach(([name, exactValue, scale], f) => {
        const got = scratch.out[o + f]!
        if (!close(got, exactValue, scale)) throw new Error(`${model.policyName} year ${k + 1} ${name}: kernel ${got}, exact ${exactValue}`)
      })
      // The settled outcome, paid or not: the float code of the exact engine's words.
      if (scratch.out[o + F_OUTCOME] !== OUTCOME_CODE[s.settled]) {
        throw new Error(`${model.policyName} year ${k + 1} outcome: kernel ${scratch.out[o + F_OUTCOME]}, exact ${s.settled} (${OUTCOME_CODE[s.settled]})`)
      }
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

  const NOISE = { marketTrendSd: 0.02, memberCostSd: 1.7, savingsSd: 0.01, riskDriftSd: 0.01 }
  const standardNormals = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4096, maxLength: 4096 })

  test.prop([arbitraryModel, standardNormals], { numRuns: 150 })(
    "with every noise stream on, the float kernel equals the exact engine run on the trial's realised cells, every field",
    (model, normals) => {
      const noisy = { ...model, stochastic: NOISE }
      const plan = compileSimulation([noisy])
      const z = new Float64Array(drawLength(plan)).map((_, i) => normals[i % normals.length]!)
      compareWithExact([noisy], z)
    }
  )

  test.prop([arbitrarySegmentedModel], { numRuns: 100 })(
    "with the benchmark per segment and zero noise, the float kernel equals the exact engine",
    (model) => {
      compareWithExact([model])
    }
  )

  test.prop([arbitrarySegmentedModel, standardNormals], { numRuns: 60 })(
    "with the benchmark per segment and every noise stream on, the float kernel equals the exact engine on the trial's cells",
    (model, normals) => {
      const noisy = { ...model, stochastic: NOISE }
      const plan = compileSimulation([noisy])
      const z = new Float64Array(drawLength(plan)).map((_, i) => normals[i % normals.length]!)
      compareWithExact([noisy], z)
    }
  )

  test.prop([arbitraryGuardedModel, standardNormals], { numRuns: 100 })(
    "with the loss guardrail, the float kernel equals the exact engine, outcome included, with and without noise",
    (model, normals) => {
      compareWithExact([model])
      const noisy = { ...model, stochastic: NOISE }
      const plan = compileSimulation([noisy])
      compareWithExact([noisy], new Float64Array(drawLength(plan)).map((_, i) => normals[i % normals.length]!))
    }
  )

  test.prop([arbitraryModel, standardNormals, fc.integer({ min: 50, max: 150 })], { numRuns: 60 })(
    "a contract year given as actual experience is the same in every trial, and the kernel still equals the exact engine",
    (model, normals, percent) => {
      // The provider's first contract year given as its base year's rows with cost scaled: no draw may move it.
      const scale = dec(percent).div(100)
      const actual = model.experience
        .filter((r) => r.entity === model.provider && r.year === model.startYear - 1)
        .map((r) => ({ ...r, year: model.startYear, cost: r.cost.mul(scale) }))
      const given = { ...model, experience: [...model.experience, ...actual], stochastic: NOISE }
      const plan = compileSimulation([given])
      const z = new Float64Array(drawLength(plan)).map((_, i) => normals[i % normals.length]!)
      const scratch = kernelScratch(plan)
      runTrial(scratch, z)
      const world = scratch.worlds[0]!
      const e = given.entities.indexOf(given.provider)
      const cost = actual.reduce((acc, r) => acc + r.cost.toNumber(), 0)
      expect(Math.abs(world.cost[e * world.plan.calendarYears + world.plan.startIndex]! - cost)).toBeLessThanOrEqual(1e-9 * cost)
      compareWithExact([given], z)
    }
  )

  test.prop([arbitraryModel, arbitraryModel], { numRuns: 60 })(
    "policies compiled together give the same figures as each compiled alone (shared worlds and pools do not leak)",
    (a, b) => {
      const second = { ...b, entities: a.entities, peers: b.peers.filter((p) => a.entities.includes(p)).length > 0 ? b.peers.filter((p) => a.entities.includes(p)) : a.peers, experience: a.experience, projection: a.projection, terms: b.terms.map((t, i) => ({ ...t, settlement: (a.terms[i] ?? a.terms[a.terms.length - 1]!).settlement })), policyName: "second" }
      compareWithExact([a, second])
    }
  )

  it("reports savings that qualify but are not paid, as the exact engine settles them", () => {
    // makeModel with 10 % savings: year 1 gross 5,990,400 of 50,918,400 qualifies; failing the quality standard pays nothing.
    const base = makeModel({ providerSavings: ["0.1", "0.1", "0.1", "0.1"] })
    const failed: ContractModel = { ...base, terms: base.terms.map((t) => ({ ...t, quality: { ...t.quality, meetsStandard: false } })) }
    const plan = compileSimulation([base, failed])
    const scratch = kernelScratch(plan)
    runTrial(scratch, new Float64Array(drawLength(plan)))
    expect(scratch.out[F_OUTCOME]).toBe(OUTCOME_CODE["savings paid"])
    expect(scratch.out[plan.years * FIELD_COUNT + F_OUTCOME]).toBe(OUTCOME_CODE["savings not paid"])
    expect(runContract(failed, projectExperience(failed)).years[0]!.settlement.value.settled).toBe("savings not paid")
    compareWithExact([base, failed])
  })

  it("recoups advance investment payments and shares below the MSR at the reduced rate, as the exact engine does", () => {
    // engine/contract.test.ts works the same contract by hand: provider nets 3,200, 2,000,000, 2,354,177.6, 3,369,055.104.
    const base = makeModel({ providerSavings: ["-0.1", "0.1", "0.1", "0.1"] })
    const advances: ContractModel = { ...base, terms: base.terms.map((t, i) => ({ ...t, advanceInvestment: dec(i < 2 ? "2000000" : "0") })) }
    const plan = compileSimulation([advances])
    const scratch = kernelScratch(plan)
    runTrial(scratch, new Float64Array(drawLength(plan)))
    const providerNets = [0, 1, 2, 3].map((k) => scratch.out[k * FIELD_COUNT + F_PROVIDER]!)
    ;[3200, 2_000_000, 2_354_177.6, 3_369_055.104].forEach((net, k) => expect(Math.abs(providerNets[k]! - net)).toBeLessThan(1e-6))
    // 1.96 % savings under a 2 % MSR, shared at half of 50 % (425.605(h)): 998,400 × 25 % = 249,600 paid.
    const terms = { ...base.terms[0]!.settlement, msr: { kind: "fixed" as const, rate: dec("0.02") }, mlr: { kind: "fixed" as const, rate: dec("0.02") }, reducedBelowMsr: { factor: dec("0.5"), minAssigned: dec(5_000) } }
    const reduced = makeModel({ years: 1, schedule: [{ fromYear: 1, name: "reduced", settlement: terms }] })
    const reducedPlan = compileSimulation([reduced])
    const reducedScratch = kernelScratch(reducedPlan)
    runTrial(reducedScratch, new Float64Array(drawLength(reducedPlan)))
    expect(reducedScratch.out[F_SAVINGS]).toBeCloseTo(249_600, 6)
    expect(reducedScratch.out[F_OUTCOME]).toBe(OUTCOME_CODE["savings paid"])
    compareWithExact([advances, reduced])
  })

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
