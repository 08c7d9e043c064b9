import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { invalid } from "@pbpsim/benchmark"
import type { ContractModel } from "../model.js"
import { blockRunner, runCountProblems, shardBlocks, trialsInBlocks, zeroNoiseOutput, type Shard } from "./blocks.js"
import { compileSimulation } from "./compile.js"
import { FIELD_COUNT, YEAR_FIELDS, type SimulationPlan } from "./plan.js"
import { accumulatorState, emptyAccumulator, type AccumulatorState } from "./statistics.js"
import { mergeState, summarize, type SimulationSummary } from "./summary.js"

/** Options of simulate and simulatePlan. */
export interface SimulateOptions {
  readonly seed: string
  /** Trials of the whole run (a shard runs its share of them). */
  readonly trials: number
  readonly workers: number
  readonly shard?: Shard
  /** Called after each block with trials done and trials to do (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void
}

/** A Monte Carlo run: its plan, the blocks it covered, the mergeable state and the summary. */
export interface Simulation {
  readonly plan: SimulationPlan
  /** Blocks this run covered: [first, end). */
  readonly blocks: { readonly first: number; readonly end: number }
  /** Mergeable statistics (what a shard writes). */
  readonly state: AccumulatorState
  readonly summary: SimulationSummary
}

// Workers always run built JavaScript: beside this module once built (dist/, or the CLI's
// bundle), or the package's dist/ when this module runs from its TypeScript source (tests).
const workerEntry = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/montecarlo/worker.js", import.meta.url)
  : new URL("./worker.js", import.meta.url)

const spawn = (data: object): Worker => {
  if (!existsSync(workerEntry)) {
    throw new Error(`simulation worker ${fileURLToPath(workerEntry)} is missing: build the packages first (pnpm build)`)
  }
  // A worker inherits the parent's node options; --input-type (a script given with -e) is refused for a worker's file.
  return new Worker(workerEntry, { workerData: data, execArgv: process.execArgv.filter((arg) => !arg.startsWith("--input-type")) })
}

/**
 * Hand blocks to workers one at a time; collect each worker's state at the end. If one fails, all stop.
 * `extra` joins the worker's data: `{ market }` makes the worker run the market view's blocks
 * (market/simulateBlocks.ts) instead of the policies' statistics (worker.ts).
 */
export const inWorkers = (
  plan: SimulationPlan,
  options: SimulateOptions,
  blocks: ReadonlyArray<number>,
  total: number,
  extra: object = {}
): Promise<ReadonlyArray<AccumulatorState>> => {
  let next = 0
  let done = 0
  const count = Math.min(options.workers, blocks.length)
  const workers: Array<Worker> = []
  const all = Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<AccumulatorState>((resolve, reject) => {
          const worker = spawn({ ...extra, plan, seed: options.seed, trials: options.trials })
          workers.push(worker)
          const give = () => {
            const block = blocks[next++]
            worker.postMessage(block === undefined ? { finish: true } : { block })
          }
          worker.on("message", (message: { ready?: true; done?: number; state?: AccumulatorState }) => {
            if (message.state) {
              resolve(message.state)
              void worker.terminate()
              return
            }
            if (message.done !== undefined) {
              done += trialsInBlocks(options.trials, message.done, message.done + 1)
              options.onProgress?.(done, total)
            }
            give()
          })
          worker.once("error", reject)
          worker.once("exit", (code) => {
            if (code !== 0) reject(new Error(`simulation worker exited with code ${code}`))
          })
        })
    )
  )
  return all.catch((error: unknown) => {
    for (const worker of workers) void worker.terminate()
    throw error
  })
}

/**
 * Largest log-scale sd of one entity-year's cost (or of its risk score): √(k·marketTrendSd² +
 * (memberCostSd ÷ √members)²) in contract year k. At 3 the mean-preserving lognormal already
 * puts the median near 1 % of the mean, and beyond a handful of trials decide every statistic
 * (at 30 a draw overflows a float). Real scenarios are near 0.05: the default 1.7 ÷ √members
 * reaches 3 only below a third of a member (about 4 member months).
 */
export const MAX_LOG_SD = 3
/**
 * Largest zero-noise figure the float kernel takes (dollars or PMPM): 1e20, a hundred million
 * times a whole country's yearly health spending. Beyond it the scenario's growth has run away
 * (a trend of 1,000 % a year over 30 years), and with noise on top sums of squares would overflow.
 */
export const MAX_FLOAT_FIGURE = 1e20

const YEAR_FIELD_WORDS: Readonly<Record<(typeof YEAR_FIELDS)[number], string>> = {
  benchmarkPmpm: "benchmark PMPM",
  actualPmpm: "actual PMPM",
  sharedSavings: "shared savings",
  sharedLosses: "shared losses",
  providerNet: "provider net",
  payerNet: "payer net",
  expenditure: "expenditure",
  outcome: "outcome"
}

const shown = (x: number): string => (Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : String(Number(x.toFixed(4))))

/**
 * Refuses, with the input that causes it, a plan whose statistics would not be finite numbers:
 * a zero-noise figure that is not finite or beyond MAX_FLOAT_FIGURE (runaway growth), or noise
 * whose log-scale sd exceeds MAX_LOG_SD for some entity-year (an sd so large that exp
 * overflows, or a population so small that any sd is). Throws InvalidArgument naming the
 * policy, year and figure, or the entity, year and the stochastic fields.
 */
export const checkSimulationPlan = (plan: SimulationPlan): void => {
  const out = zeroNoiseOutput(plan)
  plan.policies.forEach((p, i) => {
    for (let k = 0; k < p.years; k++) {
      for (let f = 0; f < FIELD_COUNT; f++) {
        const v = out[(i * plan.years + k) * FIELD_COUNT + f]!
        if (!(Math.abs(v) <= MAX_FLOAT_FIGURE)) {
          throw invalid(
            "float range",
            `policy ${p.name}, ${p.startYear + k}, ${YEAR_FIELD_WORDS[YEAR_FIELDS[f]!]}`,
            `is ${Number.isNaN(v) ? "not a number" : shown(v)} before any noise, beyond the ${shown(MAX_FLOAT_FIGURE)} the float Monte Carlo takes: check the scenario's growth (projection.marketTrend, memberGrowth, benchmark.trend) and amounts`
          )
        }
      }
    }
  })
  plan.worlds.forEach((w, index) => {
    const policies = plan.policies.filter((p) => p.world === index).map((p) => p.name)
    const of = `of polic${policies.length === 1 ? "y" : "ies"} ${policies.join(", ")}`
    if (!(w.savingsSd <= 1)) {
      throw invalid("noise", "stochastic.savingsSd", `${of} is ${shown(w.savingsSd)}: achieved savings vary by at most 1 (100 % of cost) in sd`)
    }
    for (let e = 0; e < w.entities; e++) {
      const entity = plan.entities[w.drawRow[e]!] ?? `#${e}`
      for (let k = 0; k < w.years; k++) {
        const i = e * w.years + k
        const entitySd = w.memberCostSd * w.memberScale[i]!
        const costSd = Math.sqrt((k + 1) * w.marketTrendSd * w.marketTrendSd + (w.memberCostSd > 0 ? entitySd * entitySd : 0))
        const riskSd = w.riskDriftSd * Math.sqrt(k + 1)
        const year = w.firstYear + w.startIndex + k
        if (!(costSd <= MAX_LOG_SD)) {
          const members = w.memberMonths[i]! / 12
          throw invalid(
            "noise",
            "stochastic",
            `${of}: the cost of ${entity} in ${year} would vary with a log-scale sd of ${shown(costSd)} (marketTrendSd ${shown(w.marketTrendSd)} over ${k + 1} year${k === 0 ? "" : "s"}, memberCostSd ${shown(w.memberCostSd)} ÷ √${shown(members)} members), above the ${MAX_LOG_SD} the Monte Carlo allows: the draws would overflow or leave a few trials deciding every statistic`
          )
        }
        if (!(riskSd <= MAX_LOG_SD)) {
          throw invalid(
            "noise",
            "stochastic.riskDriftSd",
            `${of} is ${shown(w.riskDriftSd)}: by ${year} the risk score of ${entity} would vary with a log-scale sd of ${shown(riskSd)}, above the ${MAX_LOG_SD} the Monte Carlo allows`
          )
        }
      }
    }
  })
}

/**
 * Run a compiled plan: all blocks, or a shard's. One worker runs on this thread; more run as
 * worker threads. Statistics merge exactly, so the result is the same for any worker count.
 */
export const simulatePlan = async (plan: SimulationPlan, options: SimulateOptions): Promise<Simulation> => {
  const problems = runCountProblems(options)
  if (problems.length > 0) throw new RangeError(problems.join("; "))
  checkSimulationPlan(plan)
  const range = shardBlocks(options.trials, options.shard)
  const blocks = Array.from({ length: range.end - range.first }, (_, i) => range.first + i)
  const total = trialsInBlocks(options.trials, range.first, range.end)
  if (options.workers === 1 || blocks.length <= 1) {
    // One thread ran every block: its statistics are already the merged ones (mergeStates of its
    // one state gives the same summary and state, bit for bit: the 1-versus-2-worker tests hold them
    // equal), so the state is not read back in.
    const runner = blockRunner(plan, options.seed, options.trials)
    const state = blocksHere(runner, blocks, options)
    return { plan, blocks: range, state, summary: summarize(runner.accumulator) }
  }
  const merged = mergeStates(plan, await inWorkers(plan, options, blocks, total))
  return { plan, blocks: range, state: merged.state, summary: merged.summary }
}

/** Run `blocks` on this thread with `runner`, reporting progress after each; the state of them all. */
export const blocksHere = (
  runner: { readonly run: (block: number) => void; readonly state: () => AccumulatorState },
  blocks: ReadonlyArray<number>,
  options: Pick<SimulateOptions, "trials" | "onProgress">
): AccumulatorState => {
  const total = blocks.reduce((sum, block) => sum + trialsInBlocks(options.trials, block, block + 1), 0)
  let done = 0
  for (const block of blocks) {
    runner.run(block)
    done += trialsInBlocks(options.trials, block, block + 1)
    options.onProgress?.(done, total)
  }
  return runner.state()
}

/** Merge states of one plan (workers' or shards') into one state and its summary. */
export const mergeStates = (plan: SimulationPlan, states: ReadonlyArray<AccumulatorState>): { state: AccumulatorState; summary: SimulationSummary } => {
  const acc = emptyAccumulator(plan, zeroNoiseOutput(plan))
  for (const s of states) mergeState(acc, s)
  const summary = summarize(acc)
  return { state: accumulatorState(acc), summary }
}

/** The library call: compile the policies' models and simulate them on common random numbers. */
export const simulate = (models: ReadonlyArray<ContractModel>, options: SimulateOptions): Promise<Simulation> =>
  simulatePlan(compileSimulation(models), options)
