import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { dec } from "@pbpsim/benchmark"
import { projectExperience, runContract, runPolicy } from "@pbpsim/simulator"
import { makeModel } from "./model.js"

const rate = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => (n / 1000).toFixed(3))
const savingsPath = fc.array(rate(-50, 150), { minLength: 4, maxLength: 4 })
const rebasing = fc.constantFrom({ kind: "none" } as const, { kind: "annual" } as const, { kind: "rolling", weights: [dec("0.5"), dec("0.5")] } as const, { kind: "partial", alpha: dec("0.5") } as const)

describe("runContract properties", () => {
  test.prop([savingsPath, rate(0, 1000), rate(200, 600).map((x) => String(Number(x) * 1000))], { numRuns: 40 })(
    "zero trend and no rebasing keep the benchmark flat whatever the provider does",
    (savings, weight, providerPmpm) => {
      const model = makeModel({ trend: "0", marketTrend: "0.03", providerSavings: savings, providerWeight: weight, providerPmpm })
      const pmpms = runContract(model, projectExperience(model)).years.map((y) => y.benchmark.value.benchmarkPmpm.toFixed(2))
      expect(new Set(pmpms).size).toBe(1)
    }
  )

  test.prop([savingsPath, savingsPath, rate(0, 1000)], { numRuns: 40 })(
    "under rebasing none the benchmark does not depend on the provider's realised cost (peers exclude the provider, fixed trend)",
    (a, b, weight) => {
      const benchmarks = (savings: ReadonlyArray<string>) => {
        const model = makeModel({ providerSavings: savings, providerWeight: weight })
        return runContract(model, projectExperience(model)).years.map((y) => y.benchmark.value.benchmarkPmpm.toFixed(2))
      }
      expect(benchmarks(a)).toEqual(benchmarks(b))
    }
  )

  test.prop([savingsPath, rebasing, rate(0, 1000)], { numRuns: 25 })(
    "identical input gives identical output",
    (savings, rebase, weight) => {
      const once = () => JSON.stringify(runPolicy(makeModel({ providerSavings: savings, rebasing: rebase, providerWeight: weight })), (_, v) =>
        typeof v === "object" && v !== null && "d" in v && "e" in v && "s" in v ? `D${String(v)}` : v instanceof Map ? [...v] : v
      )
      expect(once()).toBe(once())
    }
  )

  test.prop([savingsPath, rebasing, fc.integer({ min: 1, max: 50 })], { numRuns: 25 })(
    "scaling every cost by c scales every settlement money output by c (benchmarks to the cent)",
    (savings, rebase, c) => {
      const run = (scale: string) => {
        const model = makeModel({ providerSavings: savings, rebasing: rebase, providerWeight: "0.5", costScale: scale })
        return runContract(model, projectExperience(model))
      }
      const base = run("1")
      const scaled = run(String(c))
      base.years.forEach((y, i) => {
        const s = scaled.years[i]!
        // Rounding to cents happens once per benchmark: scaled benchmarks agree within half a cent × (c + 1).
        expect(s.benchmark.value.benchmarkPmpm.sub(y.benchmark.value.benchmarkPmpm.mul(c)).abs().lte(dec("0.005").mul(c + 1))).toBe(true)
        expect(s.benchmark.value.blended.sub(y.benchmark.value.blended.mul(c)).abs().lte(dec("1e-25"))).toBe(true)
      })
    }
  )
})
