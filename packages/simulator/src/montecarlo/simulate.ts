import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import type { ContractModel } from "../model.js"
import { blockRunner, shardBlocks, trialsInBlocks, zeroNoiseOutput, type Shard } from "./blocks.js"
import { compileSimulation } from "./compile.js"
import type { SimulationPlan } from "./plan.js"
import { accumulatorState, emptyAccumulator, mergeState, summarize, type AccumulatorState, type SimulationSummary } from "./statistics.js"

export interface SimulateOptions {
  readonly seed: string
  /** Trials of the whole run (a shard runs its share of them). */
  readonly trials: number
  readonly workers: number
  readonly shard?: Shard
  /** Called after each block with trials done and trials to do (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void
}

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
  return new Worker(workerEntry, { workerData: data })
}

/** Hand blocks to workers one at a time; collect each worker's state at the end. */
const inWorkers = (plan: SimulationPlan, options: SimulateOptions, blocks: ReadonlyArray<number>, total: number): Promise<ReadonlyArray<AccumulatorState>> => {
  let next = 0
  let done = 0
  const count = Math.min(options.workers, blocks.length)
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<AccumulatorState>((resolve, reject) => {
          const worker = spawn({ plan, seed: options.seed, trials: options.trials })
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
}

/**
 * Run a compiled plan: all blocks, or a shard's. One worker runs on this thread; more run as
 * worker threads. Statistics merge exactly, so the result is the same for any worker count.
 */
export const simulatePlan = async (plan: SimulationPlan, options: SimulateOptions): Promise<Simulation> => {
  if (!Number.isInteger(options.trials) || options.trials < 1) throw new RangeError(`trials must be a whole number ≥ 1, got ${options.trials}`)
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${options.workers}`)
  const range = shardBlocks(options.trials, options.shard)
  const blocks = Array.from({ length: range.end - range.first }, (_, i) => range.first + i)
  const total = trialsInBlocks(options.trials, range.first, range.end)
  let states: ReadonlyArray<AccumulatorState>
  if (options.workers === 1 || blocks.length <= 1) {
    const runner = blockRunner(plan, options.seed, options.trials)
    let done = 0
    for (const block of blocks) {
      runner.run(block)
      done += trialsInBlocks(options.trials, block, block + 1)
      options.onProgress?.(done, total)
    }
    states = [runner.state()]
  } else states = await inWorkers(plan, options, blocks, total)
  const state = mergeStates(plan, states)
  return { plan, blocks: range, state: state.state, summary: state.summary }
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
