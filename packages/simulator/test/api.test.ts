import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { formatFixed, InvalidArgument } from "@pbpsim/benchmark"
import {
  comparePolicies,
  explainYear,
  loadScenario,
  loadScenarioFile,
  parseScenario,
  policyNames,
  resolvePolicy,
  runPolicy,
  runScenarioPolicy,
  ScenarioError,
  simulate,
  simulatePolicies,
  toPlainRun
} from "@pbpsim/simulator"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { parse } from "yaml"

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url))
const BRIEF = repo("scenarios/issue-brief.yaml")
const SEVERAL = repo("packages/simulator/test/fixtures/scenario/errors/several.yaml")

/** The rejection of a promise (fails the test when it resolves). */
const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("resolved, but it should reject")
}

describe("plain async API", () => {
  it("loadScenarioFile rejects with the ScenarioError itself, message and issues as the CLI prints them", async () => {
    const error = await rejection(loadScenarioFile(SEVERAL))
    expect(error).toBeInstanceOf(ScenarioError)
    const expected = Effect.runSync(Effect.flip(loadScenario(SEVERAL)))
    expect((error as ScenarioError).message).toBe(expected.message)
    expect((error as ScenarioError).issues).toEqual(expected.issues)
    expect((error as ScenarioError).message.split("\n").length).toBeGreaterThan(3)
  })

  it("parseScenario takes text or the parsed object, and gives the file's scenario", async () => {
    const text = readFileSync(BRIEF, "utf8")
    const fromFile = await loadScenarioFile(BRIEF)
    const fromText = await parseScenario(text, { file: BRIEF })
    const fromObject = await parseScenario(parse(text) as unknown)
    expect(fromText).toEqual(fromFile)
    expect(fromObject.file).toBe("scenario")
    expect({ ...fromObject, file: BRIEF }).toEqual(fromFile)
  })

  it("parseScenario lists every problem of an object, located by path", async () => {
    const error = await rejection(parseScenario({ name: "x", market: { entities: [] } }, { file: "memory.yaml" }))
    expect(error).toBeInstanceOf(ScenarioError)
    const lines = (error as ScenarioError).message.split("\n")
    expect(lines.length).toBeGreaterThan(3)
    for (const line of lines) expect(line).toMatch(/^memory\.yaml: \S.*: expected .*, got /)
  })

  it("runScenarioPolicy and comparePolicies give the engine's runs; unknown names reject all at once", async () => {
    const scenario = await loadScenarioFile(BRIEF)
    const runs = await comparePolicies(scenario)
    expect(runs.map((r) => r.model.policyName)).toEqual(policyNames(scenario))
    const direct = runPolicy(resolvePolicy(scenario, "annual-rebase"))
    expect(formatFixed((await runScenarioPolicy(scenario, "annual-rebase")).result.totals.providerNet, 30)).toBe(formatFixed(direct.result.totals.providerNet, 30))
    expect((await comparePolicies(scenario, ["glide-to-peer", "trending"])).map((r) => r.model.policyName)).toEqual(["glide-to-peer", "trending"])
    const error = await rejection(comparePolicies(scenario, ["nope", "trending", "other"]))
    expect(error).toBeInstanceOf(ScenarioError)
    expect((error as ScenarioError).issues.map((i) => i.actual)).toEqual(['"nope"', '"other"'])
    expect(await rejection(runScenarioPolicy(scenario, "nope"))).toBeInstanceOf(ScenarioError)
  })

  it("toPlainRun is one policy of `pbpsim compare --format json`", async () => {
    const runs = await comparePolicies(await loadScenarioFile(BRIEF))
    const golden = JSON.parse(readFileSync(repo("test/golden/issue-brief.json"), "utf8")) as { policies: ReadonlyArray<unknown> }
    expect(JSON.parse(JSON.stringify(runs.map(toPlainRun)))).toEqual(golden.policies)
  })

  it("explainYear takes a contract or a calendar year; a year outside the contract is an InvalidArgument", async () => {
    const scenario = await loadScenarioFile(BRIEF)
    const byIndex = await explainYear(scenario, "trending", 2)
    const byYear = await explainYear(scenario, "trending", 2026)
    expect(byIndex).toEqual(byYear)
    expect(byIndex.year).toBe(2026)
    expect(formatFixed(byIndex.benchmark.value.benchmarkPmpm, 2)).toBe("449.29")
    expect(byIndex.settlement.derivation.rule).toBe("settlement.settle")
    expect(byIndex.incentivePower.derivation.rule).toBe("incentive.power")
    const error = await rejection(explainYear(scenario, "trending", 2040))
    expect(error).toBeInstanceOf(InvalidArgument)
    expect((error as InvalidArgument).message).toContain("contract year 1–5 or a calendar year 2025–2029")
  })

  it("simulatePolicies gives the summary of simulate on the resolved models", async () => {
    const scenario = await loadScenarioFile(BRIEF)
    const summary = await simulatePolicies(scenario, { trials: 500, seed: 3, policies: ["annual-rebase", "trending"] })
    const models = ["annual-rebase", "trending"].map((n) => resolvePolicy(scenario, n))
    expect(summary).toEqual((await simulate(models, { trials: 500, seed: "3", workers: 1 })).summary)
    expect(summary.policies.map((p) => p.name)).toEqual(["annual-rebase", "trending"])
    expect(await rejection(simulatePolicies(scenario, { trials: 0 }))).toBeInstanceOf(RangeError)
  })
})
