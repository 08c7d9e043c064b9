import { readFileSync } from "node:fs"
import { join } from "node:path"
import { compileSimulation, loadScenarioFile, policyNames, resolvePolicy } from "@pbpsim/simulator"
import { describe, expect, it } from "vitest"
import { benchScenarioFiles, BENCH_ENTITIES, BENCH_YEARS } from "../scripts/bench-scenario.js"
import { market } from "../scripts/benchMarket.js"
import { ROOT } from "./support/cli.js"

/**
 * scenarios/bench/market-1000.yaml is the bench's workload from the command line: the file must
 * compile to exactly the plan `pnpm bench` simulates (same entities, history, projection, the
 * three policies and every noise stream), and be what scripts/bench-scenario.ts writes.
 */
describe("scenarios/bench/market-1000.yaml", () => {
  it("compiles to the bench market's plan, array for array", async () => {
    const scenario = await loadScenarioFile(join(ROOT, "scenarios/bench/market-1000.yaml"))
    const fromFile = compileSimulation(policyNames(scenario).map((name) => resolvePolicy(scenario, name)))
    const fromBench = compileSimulation(market(BENCH_ENTITIES, BENCH_YEARS))
    expect(fromFile).toEqual(fromBench)
  }, 60_000)

  it("is what scripts/bench-scenario.ts writes", () => {
    const files = benchScenarioFiles()
    expect(readFileSync(join(ROOT, "scenarios/bench/market-1000.csv"), "utf8")).toBe(files.csv)
    expect(readFileSync(join(ROOT, "scenarios/bench/market-1000.yaml"), "utf8")).toBe(files.yaml)
  })
})
