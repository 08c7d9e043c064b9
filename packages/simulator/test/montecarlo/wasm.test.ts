import { fc, test } from "@fast-check/vitest"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { compileSimulation, type ContractModel } from "@pbpsim/simulator"
import { expFloat } from "../../src/montecarlo/expFloat.js"
import { drawTrial, kernelScratch, runTrial, type KernelScratch } from "../../src/montecarlo/kernel.js"
import { defaultBackend, kernelMemory } from "../../src/montecarlo/kernelMemory.js"
import { KERNEL_WASM } from "../../src/montecarlo/kernelWasm.js"
import { drawLength } from "../../src/montecarlo/plan.js"
import { arbitraryModel, arbitrarySegmentedModel } from "./arbitraryModel.js"
// @ts-expect-error: a plain .mjs build script, without declarations
import { wasmBytes } from "../../../../scripts/wasmBytes.mjs"

const same = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]))

/** Every array a trial writes, by name: what the two backends must agree on bit for bit. */
const trialArrays = (scratch: KernelScratch): ReadonlyArray<[string, Float64Array]> => [
  ["out", scratch.out],
  ...scratch.worlds.flatMap((w, i): Array<[string, Float64Array]> => [
    [`world ${i} cost`, w.cost],
    [`world ${i} risk`, w.risk],
    [`world ${i} pooled cost`, w.pooledCost],
    [`world ${i} pooled risk`, w.pooledRisk],
    [`world ${i} growth`, w.growth],
    ...(w.counterfactual ? [[`world ${i} counterfactual`, w.counterfactual] as [string, Float64Array]] : [])
  ])
]

const expectSameTrial = (models: ReadonlyArray<ContractModel>, seed: string, trials: number): void => {
  const plan = compileSimulation(models)
  const wasm = kernelScratch(plan, { backend: "wasm", keepCounterfactual: true })
  const typescript = kernelScratch(plan, { backend: "typescript", keepCounterfactual: true })
  expect([wasm.memory.backend, typescript.memory.backend]).toEqual(["wasm", "typescript"])
  for (let trial = 0; trial < trials; trial++) {
    drawTrial(wasm, seed, trial)
    drawTrial(typescript, seed, trial)
    expect(same(wasm.draws, typescript.draws)).toBe(true)
    runTrial(wasm)
    runTrial(typescript)
    const other = new Map(trialArrays(typescript))
    for (const [name, values] of trialArrays(wasm)) {
      if (!same(values, other.get(name)!)) throw new Error(`trial ${trial}: ${name} differs between the backends`)
    }
  }
}

describe("kernel.wat", () => {
  it("is what kernelWasm.ts carries: the committed bytes are the text compiled (run `node scripts/wasm.mjs` after editing it)", async () => {
    const text = readFileSync(new URL("../../src/montecarlo/kernel.wat", import.meta.url), "utf8")
    const bytes: Uint8Array = await wasmBytes(text)
    expect(Buffer.from(bytes).toString("base64")).toBe(KERNEL_WASM)
  })

  it("is the default backend where WebAssembly works, PBPSIM_KERNEL=typescript turns it off, and another value is refused", () => {
    const before = process.env["PBPSIM_KERNEL"]
    try {
      delete process.env["PBPSIM_KERNEL"]
      expect(defaultBackend()).toBe("wasm")
      process.env["PBPSIM_KERNEL"] = "typescript"
      expect(defaultBackend()).toBe("typescript")
      process.env["PBPSIM_KERNEL"] = "wasm"
      expect(defaultBackend()).toBe("wasm")
      process.env["PBPSIM_KERNEL"] = "ts"
      expect(() => defaultBackend()).toThrow('PBPSIM_KERNEL must be "wasm" or "typescript" (or unset), got "ts"')
    } finally {
      if (before === undefined) delete process.env["PBPSIM_KERNEL"]
      else process.env["PBPSIM_KERNEL"] = before
    }
  })
})

describe("expFloat", () => {
  // The layout runs twice, first on plain arrays to measure: only the second has the module's exports.
  const wasmExp = kernelMemory("wasm", (memory) => memory.exports?.exp)!
  const edges = [0, -0, 1, -1, 1e-300, -1e-300, 5e-324, 0.5, 707.99, -707.99, 708, -708, 709.7, -745.1, 1000, -1000, Infinity, -Infinity, NaN]

  it("is within 2.5 ulp of the true e^x over the range noise can reach, and exactly 1 at 0", () => {
    // Math.exp (V8's fdlibm port) is within 1 ulp; 2.5 ulp of it bounds expFloat's own error.
    let worst = 0
    for (let i = 0; i <= 200_000; i++) {
      const x = -700 + (1400 * i) / 200_000
      const y = Math.exp(x)
      worst = Math.max(worst, Math.abs(expFloat(x) - y) / y)
    }
    for (let i = -50_000; i <= 50_000; i++) {
      const x = i / 20_000
      worst = Math.max(worst, Math.abs(expFloat(x) - Math.exp(x)) / Math.exp(x))
    }
    expect(worst).toBeLessThan(2.5 * Number.EPSILON)
    expect(expFloat(0)).toBe(1)
    expect(expFloat(-0)).toBe(1)
  })

  it("hands |x| ≥ 708, infinities and NaN to Math.exp", () => {
    for (const x of [708, -708, 709.7, -745.1, 1000, -1000, Infinity, -Infinity, NaN]) expect(Object.is(expFloat(x), Math.exp(x))).toBe(true)
  })

  test.prop([fc.double({ min: -750, max: 750 })], { numRuns: 2000 })("gives the same bits as the WebAssembly kernel's exp", (x) => {
    expect(Object.is(wasmExp(x), expFloat(x))).toBe(true)
  })

  it("gives the same bits as the WebAssembly kernel's exp at the edges", () => {
    for (const x of edges) expect(Object.is(wasmExp(x), expFloat(x))).toBe(true)
  })
})

describe("the WebAssembly and TypeScript backends", () => {
  const NOISE = { marketTrendSd: 0.02, memberCostSd: 1.7, savingsSd: 0.05, riskDriftSd: 0.01 }

  test.prop([arbitraryModel, fc.string({ maxLength: 6 })], { numRuns: 60 })(
    "draw and realise the same bits, every policy figure, cell, pool and growth, over 20 trials with every noise stream on",
    (model, seed) => expectSameTrial([{ ...model, stochastic: NOISE }], seed, 20)
  )

  test.prop([arbitraryModel], { numRuns: 30 })(
    "agree bit for bit when contract years are given as actual experience (no draw, no drift in those cells)",
    (model) => {
      const actual = model.experience
        .filter((r) => r.year === model.startYear - 1 && r.entity !== model.provider)
        .flatMap((r) => [0, 1].map((k) => ({ ...r, year: model.startYear + k, cost: r.cost.mul(1.05) })))
      expectSameTrial([{ ...model, experience: [...model.experience, ...actual], stochastic: NOISE }], "actual", 10)
    }
  )

  test.prop([arbitrarySegmentedModel], { numRuns: 20 })("agree bit for bit on a segmented benchmark's rows", (model) =>
    expectSameTrial([{ ...model, stochastic: NOISE }], "segments", 10)
  )

  test.prop([arbitraryModel], { numRuns: 30 })(
    "agree bit for bit with some streams off and with large shocks (a pair of exponentials beyond |x| ≥ 708 takes the lane-by-lane path)",
    (model) => {
      expectSameTrial([{ ...model, stochastic: { marketTrendSd: 0, memberCostSd: 0, savingsSd: 0.1, riskDriftSd: 0 } }], "off", 5)
      // Savings noise of 1: achieved savings often pass the 99 % ceiling, so the cap binds in both forms.
      expectSameTrial([{ ...model, stochastic: { ...NOISE, savingsSd: 1 } }], "ceiling", 5)
      const plan = compileSimulation([{ ...model, stochastic: NOISE }])
      const wild = new Float64Array(drawLength(plan)).map((_, i) => (i % 7 === 0 ? 900 : i % 5 === 0 ? -900 : (i % 11) - 5))
      const wasm = kernelScratch(plan, { backend: "wasm" })
      const typescript = kernelScratch(plan, { backend: "typescript" })
      runTrial(wasm, wild)
      runTrial(typescript, wild)
      const other = new Map(trialArrays(typescript))
      for (const [name, values] of trialArrays(wasm)) expect([name, same(values, other.get(name)!)]).toEqual([name, true])
    }
  )
})
