/**
 * pnpm bench: throughput and memory of the Monte Carlo kernel on a fixed workload.
 * Not a test: it prints the figures recorded under "Performance" in docs/monte-carlo.md.
 *
 * Workload: a market of 1,000 entities (provider + 999 peers, 2022–2024 history), a 5-year
 * contract, 3 policies (trending, annual rebasing, rolling rebase with a glide to peer), every
 * noise stream on, 10,000 trials: first from the command line, whole process
 * (scenarios/bench/market-1000.yaml, the same market, built bin; also with the TypeScript backend
 * and with one trial, the fixed part), then the kernel alone (WebAssembly and TypeScript), with 1
 * and 2 workers; then the workload with entities, years and trials doubled; then 100,000 trials
 * of scenarios/issue-brief.yaml; then validate, run and market on generated markets of 1,000 to 50,000
 * entities (`pnpm bench --markets` runs that part alone).
 * "Entity-year-policy evaluations" = trials × entities × contract years × policies.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { resourceUsage } from "node:process"
import { compileSimulation, loadScenario, policyNames, resolvePolicy, simulatePlan } from "@pbpsim/simulator"
import { market } from "./benchMarket.js"
import { Effect } from "effect"

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`

// `pnpm bench --markets`: the large-market timings alone (validate, run, market), without the Monte Carlo.
if (process.argv.includes("--markets")) {
  await largeMarkets()
  process.exit(0)
}

interface Timing {
  readonly seconds: number
  readonly peakRss: number
  readonly heapAfter: number
}

const timed = async (run: () => Promise<unknown>): Promise<Timing> => {
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20)
  const started = process.hrtime.bigint()
  await run()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  return { seconds, peakRss, heapAfter: process.memoryUsage().heapUsed }
}

const line = (label: string, t: Timing, evaluations: number, workers: number) =>
  console.log(
    `${label.padEnd(44)} ${t.seconds.toFixed(2).padStart(7)} s  ${(evaluations / t.seconds / 1e6).toFixed(1).padStart(6)} M eval/s  ` +
      `${(evaluations / t.seconds / 1e6 / workers).toFixed(1).padStart(6)} M eval/s/worker  peak RSS ${mib(t.peakRss)}`
  )

const workload = async (label: string, entities: number, years: number, trials: number, workers: number) => {
  const models = market(entities, years)
  const compileStart = process.hrtime.bigint()
  const plan = compileSimulation(models)
  const compileSeconds = Number(process.hrtime.bigint() - compileStart) / 1e9
  const t = await timed(() => simulatePlan(plan, { seed: "bench", trials, workers }))
  line(`${label} (compile ${compileSeconds.toFixed(1)} s)`, t, trials * entities * years * models.length, workers)
  return t
}

console.log(`pbpsim bench — Node ${process.version}, ${(await import("node:os")).cpus().length} cores\n`)

// Generators, each measured in its own process so that neither inherits the other's call sites.
for (const name of ["alea", "xor4096"] as const) {
  const code = `
    const seedrandom = require("seedrandom")
    const gen = seedrandom.${name}
    let acc = 0
    for (let i = 0; i < 20000; i++) acc += gen("warm:" + i).int32()
    let t = process.hrtime.bigint()
    for (let i = 0; i < 20000; i++) acc += gen("bench:" + i).int32()
    const seedUs = Number(process.hrtime.bigint() - t) / 20000 / 1e3
    const r = gen("bench")
    for (let i = 0; i < 1e6; i++) acc += r.int32()
    t = process.hrtime.bigint()
    for (let i = 0; i < 1e7; i++) acc += r.int32()
    const drawNs = Number(process.hrtime.bigint() - t) / 1e7
    console.log("generator ${name.padEnd(8)} seed " + seedUs.toFixed(2) + " µs, " + drawNs.toFixed(2) + " ns per 32-bit draw" + (acc === 0.5 ? "!" : ""))
  `
  process.stdout.write(execFileSync(process.execPath, ["-e", code], { encoding: "utf8" }))
}
console.log()

// The same workload from the command line, whole process (start-up, loading and checking the
// scenario, compiling, trials, the report), with the built bin: what a user waits for. One trial
// shows the fixed part; PBPSIM_KERNEL=typescript the plain TypeScript backend (kernelMemory.ts).
const wholeProcess = (workers: number, trials = 10_000, env: Record<string, string> = {}): number => {
  const runs: Array<number> = []
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint()
    execFileSync(process.execPath, ["packages/cli/bin/pbpsim.js", "simulate", "scenarios/bench/market-1000.yaml", "--trials", `${trials}`, "--workers", `${workers}`, "-q"], {
      stdio: "ignore",
      env: { ...process.env, ...env }
    })
    runs.push(Number(process.hrtime.bigint() - started) / 1e9)
  }
  return Math.min(...runs)
}
const evaluations = 10_000 * 1_000 * 5 * 3
const wholeLine = (label: string, seconds: number, evaluated: number) =>
  console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  ${evaluated > 0 ? `${(evaluated / seconds / 1e6).toFixed(1).padStart(6)} M eval/s ` : ""}(best of 3)`)
for (const workers of [1, 2]) {
  wholeLine(`whole process: pbpsim simulate scenarios/bench/market-1000.yaml --trials 10000 --workers ${workers}`, wholeProcess(workers), evaluations)
}
wholeLine("whole process, the same with PBPSIM_KERNEL=typescript, 1 worker", wholeProcess(1, 10_000, { PBPSIM_KERNEL: "typescript" }), evaluations)
wholeLine("whole process, --trials 1 (the fixed part: start-up, loading, checks, compiling, report)", wholeProcess(1, 1), 0)
{
  const started = process.hrtime.bigint()
  const scenario = await Effect.runPromise(loadScenario("scenarios/bench/market-1000.yaml"))
  const loaded = process.hrtime.bigint()
  const plan = compileSimulation(policyNames(scenario).map((n) => resolvePolicy(scenario, n)))
  const compiled = process.hrtime.bigint()
  console.log(`  of which loading and checking the scenario ${(Number(loaded - started) / 1e9).toFixed(2)} s, compiling ${(Number(compiled - loaded) / 1e9).toFixed(2)} s (in this process, warm)`)
  const t = await timed(() => simulatePlan(plan, { seed: "bench", trials: 10_000, workers: 1 }))
  line("kernel only: the same plan's 10,000 trials, 1 worker", t, evaluations, 1)
  process.env["PBPSIM_KERNEL"] = "typescript"
  const plain = await timed(() => simulatePlan(plan, { seed: "bench", trials: 10_000, workers: 1 }))
  delete process.env["PBPSIM_KERNEL"]
  line("kernel only, TypeScript backend", plain, evaluations, 1)
}
console.log()

await workload("1,000 entities × 5 years × 3 policies, 10,000 trials, 1 worker", 1_000, 5, 10_000, 1)
await workload("1,000 entities × 5 years × 3 policies, 10,000 trials, 2 workers", 1_000, 5, 10_000, 2)
console.log("\ndoubling (1 worker):")
await workload("2,000 entities", 2_000, 5, 10_000, 1)
await workload("10 years", 1_000, 10, 10_000, 1)
await workload("20,000 trials", 1_000, 5, 20_000, 1)
await workload("40,000 trials (memory flat in trials?)", 1_000, 5, 40_000, 1)

const scenario = await Effect.runPromise(loadScenario("scenarios/issue-brief.yaml"))
const brief = policyNames(scenario).map((n) => resolvePolicy(scenario, n))
const briefPlan = compileSimulation(brief)
console.log()
for (const workers of [1, 2]) {
  const t = await timed(() => simulatePlan(briefPlan, { seed: "bench", trials: 100_000, workers }))
  line(`issue-brief.yaml, 100,000 trials, ${workers} worker${workers > 1 ? "s" : ""}`, t, 100_000 * 3 * 5 * brief.length, workers)
}
// Large markets from the command line: validate and run (the exact engine, incentive power included)
// on markets of 5,000 to 50,000 entities written as a scenario and its CSV; time should grow linearly.
// Then the market view (every entity as the provider against the rest, no incentive power) on 1,000 and 5,000.
async function largeMarkets(): Promise<void> {
  console.log("\nlarge markets, whole process (validate, then run with incentive power; market: every entity a provider), 1 policy, 5 years:")
  const dir = mkdtempSync(join(tmpdir(), "pbpsim-bench-market-"))
  try {
    for (const n of [1_000, 5_000, 10_000, 20_000, 50_000]) {
      const [model] = market(n, 5)
      writeFileSync(join(dir, "m.csv"), ["entity,year,memberMonths,cost,riskScore", ...model!.experience.map((r) => `${r.entity},${r.year},${r.memberMonths.toFixed()},${r.cost.toFixed(2)},${r.riskScore.toFixed()}`)].join("\n") + "\n")
      writeFileSync(
        join(dir, "m.yaml"),
        [
          `name: market of ${n}`,
          "market:",
          "  entities:",
          ...model!.entities.map((id) => `    - { id: ${id} }`),
          "experience: { csv: m.csv }",
          `contract: { provider: ${model!.provider}, peers: [${model!.peers.join(", ")}], startYear: 2025, years: 5, baseline: { years: [2022, 2023, 2024], weights: ["0.1", "0.3", "0.6"] } }`,
          'benchmark: { glidePath: { constant: "0.7" }, trend: { kind: observed, source: peers }, historicalTrend: { kind: observed, source: market } }',
          'settlement: { msr: { fixed: "0.02" }, savingsRate: "0.5" }',
          'projection: { marketTrend: "0.04" }',
          "policies: [{ name: a }]",
          ""
        ].join("\n")
      )
      const seconds = (command: string) => {
        const started = process.hrtime.bigint()
        execFileSync(process.execPath, ["packages/cli/bin/pbpsim.js", command, join(dir, "m.yaml")], { stdio: "ignore" })
        return Number(process.hrtime.bigint() - started) / 1e9
      }
      const marketView = n <= 5_000 ? `   market ${seconds("market").toFixed(2).padStart(6)} s` : ""
      console.log(`${`${n.toLocaleString("en-US")} entities`.padEnd(20)} validate ${seconds("validate").toFixed(2).padStart(6)} s   run ${seconds("run").toFixed(2).padStart(6)} s${marketView}`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
await largeMarkets()

console.log(`\nmax RSS of the whole bench process: ${mib(resourceUsage().maxRSS * 1024)}`)
