import { execFile } from "node:child_process"
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { formatFixed } from "@pbpsim/benchmark"
import { comparePolicies, loadScenarioFile, simulatePolicies, type SimulationSummary } from "@pbpsim/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

/**
 * The packages as a user gets them: `pnpm pack` the built benchmark and simulator, install the
 * two tarballs with npm into a fresh project outside the workspace, and run docs/api.md's
 * example with plain node. Its figures must be the engine's, and a simulation on two worker
 * threads (the installed package's dist/montecarlo/worker.js) must equal one on this thread.
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..")
const PNPM = ["-y", "pnpm@10.34.8"]
const SCENARIO = "scenarios/issue-brief.yaml"
const run = promisify(execFile)

/** Children get no test-runner or pnpm-script settings that could change how npm, pnpm or node behave. */
const childEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(NODE_OPTIONS|VITEST|npm_lifecycle_|npm_package_|npm_config_user_agent|PNPM_)/i.test(key))
  )

const exec = async (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> => {
  try {
    const { stdout } = await run(command, [...args], { cwd, env: childEnv(), maxBuffer: 64 * 1024 * 1024 })
    return stdout
  } catch (error) {
    const e = error as { message: string; stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`)
  }
}

/** The example of docs/api.md: the first js block after "## Example" (the doc holds the only copy). */
const docsExample = (): string => {
  const doc = readFileSync(join(repoRoot, "docs", "api.md"), "utf8")
  const section = doc.slice(doc.indexOf("\n## Example"))
  const block = /```js\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error("docs/api.md: no ```js block under ## Example")
  return block
}

/** Latest modification time of any file under a folder. */
const newestSource = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name)
    return Math.max(latest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }, 0)

const packageJson = (dir: string): { readonly name: string; readonly version: string; readonly dependencies?: Record<string, string> } =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))

/** Runs in the installed project: the same simulation on one and on two threads (2 blocks of 1,000, so both workers really run). */
const WORKER_CHECK = `
import { loadScenarioFile, simulatePolicies } from "@pbpsim/simulator"
const scenario = await loadScenarioFile(${JSON.stringify(SCENARIO)})
const one = await simulatePolicies(scenario, { trials: 2000, seed: "pack", workers: 1 })
const two = await simulatePolicies(scenario, { trials: 2000, seed: "pack", workers: 2 })
console.log(JSON.stringify({ one, two }))
`

describe("packed packages, installed with npm outside the workspace", () => {
  let tmp = ""
  let project = ""
  let example = ""

  beforeAll(async () => {
    const built = ["index.js", ".tsbuildinfo"].flatMap((f) => [`benchmark/dist/${f}`, `simulator/dist/${f}`])
    const missing = [...built, "simulator/dist/montecarlo/worker.js"].filter((f) => !existsSync(join(repoRoot, "packages", f)))
    if (missing.length > 0) {
      throw new Error(`packages/${missing.join(", packages/")} missing: build first (node scripts/build.mjs, or npx -y pnpm@10.34.8 install)`)
    }
    // tsc -b touches dist/.tsbuildinfo whenever it checks newer sources: a source newer than it was never built.
    const stale = ["benchmark", "simulator"].filter((pkg) => {
      const dir = join(repoRoot, "packages", pkg)
      return newestSource(join(dir, "src")) > statSync(join(dir, "dist", ".tsbuildinfo")).mtimeMs
    })
    if (stale.length > 0) throw new Error(`packages/${stale.join(", packages/")}: src is newer than dist: rebuild first (node scripts/build.mjs)`)
    tmp = mkdtempSync(join(tmpdir(), "pbpsim-pack-"))
    const tarballs = join(tmp, "tarballs")
    project = join(tmp, "project")
    mkdirSync(tarballs)
    mkdirSync(join(project, "scenarios"), { recursive: true })
    // One after the other: two cold npx runs of the same pnpm would race on npx's cache.
    const spec: Record<string, string> = {}
    for (const pkg of ["benchmark", "simulator"]) {
      const dir = join(repoRoot, "packages", pkg)
      await exec("npx", [...PNPM, "pack", "--pack-destination", tarballs], dir)
      const { name, version } = packageJson(dir)
      const file = join(tarballs, `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`)
      if (!existsSync(file)) throw new Error(`pnpm pack wrote no ${file}`)
      spec[name] = `file:${file}`
    }
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify(
        {
          name: "pbpsim-pack-check",
          private: true,
          type: "module",
          dependencies: spec,
          // The packed simulator depends on @pbpsim/benchmark by version: take it from the tarball, not the registry.
          overrides: { "@pbpsim/benchmark": spec["@pbpsim/benchmark"] }
        },
        null,
        2
      )
    )
    await exec("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], project)
    cpSync(join(repoRoot, SCENARIO), join(project, SCENARIO))
    example = docsExample()
    writeFileSync(join(project, "compare.mjs"), example)
  }, 180_000)

  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true })
  })

  it("rewrites workspace:* to the version and installs real copies, one benchmark", () => {
    const benchmark = join(project, "node_modules", "@pbpsim", "benchmark")
    const simulator = join(project, "node_modules", "@pbpsim", "simulator")
    const version = packageJson(join(repoRoot, "packages", "benchmark")).version
    expect(packageJson(join(repoRoot, "packages", "simulator")).dependencies?.["@pbpsim/benchmark"]).toBe("workspace:*")
    expect(packageJson(simulator).dependencies?.["@pbpsim/benchmark"]).toBe(version)
    for (const dir of [benchmark, simulator]) {
      expect(lstatSync(dir).isSymbolicLink()).toBe(false)
      expect(realpathSync(dir).startsWith(realpathSync(project) + sep)).toBe(true)
    }
    expect(existsSync(join(simulator, "node_modules", "@pbpsim", "benchmark"))).toBe(false)
    expect(existsSync(join(simulator, "dist", "montecarlo", "worker.js"))).toBe(true)
  })

  it("runs the docs/api.md example with plain node: the engine's exact totals, the simulation's figures", async () => {
    const stdout = await exec(process.execPath, ["compare.mjs"], project)
    const lines = stdout.trim().split("\n")

    const scenario = await loadScenarioFile(join(repoRoot, SCENARIO))
    const runs = await comparePolicies(scenario)
    const summary = await simulatePolicies(scenario, { trials: 1000, seed: "1" })
    const golden = JSON.parse(readFileSync(join(repoRoot, "test", "golden", "issue-brief.json"), "utf8")) as {
      policies: ReadonlyArray<{ name: string; totals: { providerNet: string; payerNet: string } }>
    }

    expect(lines[0]).toBe(`${scenario.name}: policies ${scenario.policies.map((p) => p.name).join(", ")}`)
    expect(runs.map((r) => r.model.policyName)).toEqual(golden.policies.map((p) => p.name))
    const exact = runs.map((r) => {
      const g = golden.policies.find((p) => p.name === r.model.policyName)!
      expect(formatFixed(r.result.totals.providerNet, 2)).toBe(g.totals.providerNet)
      expect(formatFixed(r.result.totals.payerNet, 2)).toBe(g.totals.payerNet)
      return `${r.model.policyName}: provider net ${g.totals.providerNet}, payer net ${g.totals.payerNet}`
    })
    const simulated = summary.policies.map((p) => {
      const net = p.contract.providerNet
      return `${p.name}: simulated provider net mean ${net.mean.toFixed(2)}, p5 ${net.p5.toFixed(2)}, p95 ${net.p95.toFixed(2)}`
    })
    expect(lines.slice(1)).toEqual([...exact, ...simulated])
  }, 60_000)

  it("simulates on worker threads from the installed package: two workers give the one-thread summary", async () => {
    const stdout = await exec(process.execPath, ["--input-type=module", "-e", WORKER_CHECK], project)
    const { one, two } = JSON.parse(stdout) as { one: SimulationSummary; two: SimulationSummary }
    expect(two).toEqual(one)
    const scenario = await loadScenarioFile(join(repoRoot, SCENARIO))
    const here = await simulatePolicies(scenario, { trials: 2000, seed: "pack", workers: 1 })
    expect(one).toEqual(JSON.parse(JSON.stringify(here)))
  }, 60_000)
})
