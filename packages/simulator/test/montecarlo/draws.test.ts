import { describe, expect, it } from "vitest"
import { LAYERS, seedTrial, ZIGGURAT_TABLES } from "../../src/montecarlo/draws.js"
import { kernelMemory, normalsInto, type KernelBackend } from "../../src/montecarlo/kernelMemory.js"

/** `count` normals of trial `trial` of `seed`, drawn by `backend` (draws.ts fillNormals or kernel.wat normals). */
const normals = (backend: KernelBackend, seed: string, trial: number, count: number): Float64Array =>
  kernelMemory(backend, (memory) => {
    const into = memory.f64(count)
    seedTrial(seed, trial, memory.generator)
    normalsInto(memory, into)
    return Float64Array.from(into)
  })

describe("normalsInto", () => {
  it("draws the same bits in WebAssembly as in TypeScript, rejection paths included (400,000 draws take about 5,000 of them)", () => {
    expect(kernelMemory("wasm", (m) => m.backend)).toBe("wasm")
    for (const trial of [0, 1, 99]) {
      const wasm = normals("wasm", "same", trial, 400_000)
      const typescript = normals("typescript", "same", trial, 400_000)
      expect(wasm.every((x, i) => Object.is(x, typescript[i]))).toBe(true)
    }
  })
})

describe("the ziggurat's tables", () => {
  const [kn, wn, fn] = ZIGGURAT_TABLES as [Float64Array, Float64Array, Float64Array]
  it("close: built down from the base strip at R = 3.6541528853610088, the top layer has the same area as every other (4.92867323399e-3)", () => {
    // Layer 1 spans [0, x1] under the density's cap: its area x1·(1 − f(x1)) must be the common area.
    // wn holds x / 2^23 (values are 24-bit signed), fn holds f(x) = exp(−x²/2).
    const x1 = wn[1]! * 2 ** 23
    expect(Math.abs(x1 * (1 - fn[1]!) / 4.92867323399e-3 - 1)).toBeLessThan(1e-8)
    expect(LAYERS).toBe(256)
  })

  it("let 98.5 % of draws through without a rejection test (the mean of kn over 2^23)", () => {
    const fast = kn.reduce((a, b) => a + b, 0) / LAYERS / 2 ** 23
    expect(fast).toBeCloseTo(0.985, 3)
  })
})

describe.each(["wasm", "typescript"] as const)("normals drawn by %s", (backend) => {
  const sample = normals(backend, "normals", 0, 400_000)
  const sorted = Float64Array.from(sample).sort()
  const share = (test: (x: number) => boolean) => sample.reduce((n, x) => n + (test(x) ? 1 : 0), 0) / sample.length

  it("draws mean 0 and sd 1 (within 5 standard errors of 400,000 draws)", () => {
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length
    const sd = Math.sqrt(sample.reduce((a, b) => a + (b - mean) ** 2, 0) / (sample.length - 1))
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(sample.length))
    // sd of the sample sd ≈ 1/√(2n).
    expect(Math.abs(sd - 1)).toBeLessThan(5 / Math.sqrt(2 * sample.length))
  })

  it("puts the normal's mass where the normal table does, including both tails beyond the ziggurat's base strip", () => {
    // Φ(1.96) = 0.975, Φ(1) = 0.8413, Φ(3.6542) = 0.999871 (the base strip's edge R of 256 layers):
    // shares within 5 binomial standard errors.
    const within = (p: number, expected: number) => expect(Math.abs(p - expected)).toBeLessThan(5 * Math.sqrt((expected * (1 - expected)) / sample.length))
    within(share((x) => x > 1.96), 0.025)
    within(share((x) => x < -1.96), 0.025)
    within(share((x) => Math.abs(x) < 1), 0.6827)
    within(share((x) => x > 3.6542), 0.000129)
    within(share((x) => x < -3.6542), 0.000129)
  })

  it("has a Kolmogorov–Smirnov distance to the normal below the 1 % critical value", () => {
    // Φ by the Abramowitz–Stegun 7.1.26 erf approximation (error < 1.5e-7).
    const phi = (x: number) => {
      const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2))
      const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(x * x) / 2)
      return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf)
    }
    let d = 0
    sorted.forEach((x, i) => (d = Math.max(d, Math.abs(phi(x) - i / sorted.length), Math.abs(phi(x) - (i + 1) / sorted.length))))
    expect(d).toBeLessThan(1.63 / Math.sqrt(sorted.length))
  })

  it("gives the same draws for the same (seed, trial) and different ones for another trial", () => {
    const a = normals(backend, "s", 3, 10)
    const b = normals(backend, "s", 3, 10)
    const c = normals(backend, "s", 4, 10)
    expect(Array.from(b)).toEqual(Array.from(a))
    expect(Array.from(c)).not.toEqual(Array.from(a))
  })

  it("seeds each trial apart: the first draws of 20,000 consecutive trials are standard normal and uncorrelated trial to trial", () => {
    // Nearby seeds ("s:0", "s:1", …) must not give related streams: the first normal of each trial,
    // across trials, has mean 0, sd 1 and lag-1 correlation within 5 standard errors (1/√n) of 0.
    const n = 20_000
    const first = kernelMemory(backend, (memory) => {
      const two = memory.f64(2)
      return Float64Array.from({ length: n }, (_, t) => {
        seedTrial("s", t, memory.generator)
        normalsInto(memory, two)
        return two[0]!
      })
    })
    const mean = first.reduce((a, b) => a + b, 0) / n
    const sd = Math.sqrt(first.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1))
    let lag = 0
    for (let t = 1; t < n; t++) lag += (first[t]! - mean) * (first[t - 1]! - mean)
    const correlation = lag / (n - 1) / (sd * sd)
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n))
    expect(Math.abs(sd - 1)).toBeLessThan(5 / Math.sqrt(2 * n))
    expect(Math.abs(correlation)).toBeLessThan(5 / Math.sqrt(n))
  })
})
