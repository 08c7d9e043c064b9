import { availableParallelism } from "node:os"
import { drawTrial, kernelScratch, runTrial } from "./kernel.js"
import { drawLength, type SimulationPlan } from "./plan.js"
import { accumulatorState, emptyAccumulator, foldBlock, recordTrial, type Accumulator, type AccumulatorState } from "./statistics.js"
import { showCount } from "@pbpsim/benchmark"

/**
 * Trials run in fixed blocks of BLOCK_TRIALS by trial index: block b holds trials
 * [b·BLOCK_TRIALS, (b + 1)·BLOCK_TRIALS). A block is the unit handed to a worker or a shard, so
 * every split of a run is a union of the same blocks and gives the same statistics.
 */
export const BLOCK_TRIALS = 1000

/** Shard `index` of `count`: a contiguous share of a run's blocks. */
export interface Shard {
  /** 1-based. */
  readonly index: number
  readonly count: number
}

/** Blocks of BLOCK_TRIALS a run of `trials` makes; a run splits into at most this many shards. */
export const blockCount = (trials: number): number => Math.ceil(trials / BLOCK_TRIALS)

/** The blocks shard i of n runs: a contiguous share of the run's blocks. */
export const shardBlocks = (trials: number, shard: Shard | undefined): { readonly first: number; readonly end: number } => {
  const blocks = blockCount(trials)
  if (!shard) return { first: 0, end: blocks }
  return { first: Math.floor(((shard.index - 1) * blocks) / shard.count), end: Math.floor((shard.index * blocks) / shard.count) }
}

export const trialsInBlocks = (trials: number, first: number, end: number): number =>
  Math.max(0, Math.min(trials, end * BLOCK_TRIALS) - first * BLOCK_TRIALS)

/**
 * Most trials of a run (all its shards together): 10,000,000, i.e. 10,000 blocks. Memory does
 * not grow with trials, time does: 10 million trials of the bench's 1,000-entity market take
 * about 2 hours on one core (0.66 ms a trial), of issue-brief.yaml about 3 minutes. And more
 * buys nothing: at 10 million trials the sampling error of a mean (sd/√n) is 0.03 % of the sd,
 * below the quantile sketch's 0.1 % accuracy.
 */
export const MAX_TRIALS = 10_000_000

/**
 * Most worker threads: twice the CPUs this machine offers (os.availableParallelism()). Each
 * worker holds its own copy of the compiled plan, kernel scratch and statistics (tens of MB for
 * a large market), and threads beyond the cores only wait for them: 999 workers would hold 999
 * copies to go no faster.
 */
export const maxWorkers = (): number => 2 * Math.max(1, availableParallelism())

/**
 * What is wrong with a run's counts, in words, one problem per entry (empty: fine). `names`
 * says how to call the options (`--trials` on the command line, `trials` in the library).
 */
export const runCountProblems = (
  counts: { readonly trials: number; readonly workers: number; readonly shard?: Shard | undefined },
  names: { readonly trials: string; readonly workers: string; readonly shard: string } = { trials: "trials", workers: "workers", shard: "shard" }
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const { trials, workers, shard } = counts
  const cpus = Math.max(1, availableParallelism())
  const trialsOk = Number.isSafeInteger(trials) && trials >= 1 && trials <= MAX_TRIALS
  if (!trialsOk) {
    problems.push(
      `${names.trials} must be a whole number from 1 to ${showCount(MAX_TRIALS)}, got ${trials}` +
        (Number.isFinite(trials) && trials > MAX_TRIALS
          ? ` (${showCount(MAX_TRIALS)} trials are ${showCount(blockCount(MAX_TRIALS))} blocks of ${showCount(BLOCK_TRIALS)}; beyond, a run takes hours and its sampling error is already below the quantiles' 0.1 % accuracy)`
          : "")
    )
  }
  if (!(Number.isSafeInteger(workers) && workers >= 1 && workers <= maxWorkers())) {
    problems.push(
      `${names.workers} must be a whole number from 1 to ${maxWorkers()}, got ${workers}` +
        (Number.isFinite(workers) && workers > maxWorkers()
          ? ` (twice the ${cpus} CPU${cpus === 1 ? "" : "s"} of this machine: each worker holds its own copy of the plan and statistics, and threads beyond the cores only wait for them)`
          : "")
    )
  }
  if (shard !== undefined) {
    if (!(Number.isSafeInteger(shard.index) && Number.isSafeInteger(shard.count) && shard.index >= 1 && shard.index <= shard.count)) {
      problems.push(`${names.shard} must be i/n with whole numbers 1 ≤ i ≤ n, got ${shard.index}/${shard.count}`)
    } else if (trialsOk && blockCount(trials) < shard.count) {
      problems.push(
        `${names.shard} ${shard.index}/${shard.count}: ${trials} trials make ${blockCount(trials)} block${blockCount(trials) === 1 ? "" : "s"} of ${showCount(BLOCK_TRIALS)}, fewer than ${shard.count} shards`
      )
    }
  }
  return problems
}

/** Runs blocks of one plan on this thread; a worker holds one, and so does a single-threaded run. */
export interface BlockRunner {
  readonly accumulator: Accumulator
  readonly run: (block: number) => void
  readonly state: () => AccumulatorState
}

/** The zero-noise trial: the exact engine's figures in floats, used to centre the sums. */
export const zeroNoiseOutput = (plan: SimulationPlan): Float64Array => {
  const scratch = kernelScratch(plan)
  runTrial(scratch, new Float64Array(drawLength(plan)))
  return Float64Array.from(scratch.out)
}

export const blockRunner = (plan: SimulationPlan, seed: string, trials: number): BlockRunner => {
  const scratch = kernelScratch(plan)
  const accumulator = emptyAccumulator(plan, zeroNoiseOutput(plan))
  return {
    accumulator,
    run: (block) => {
      const end = Math.min(trials, (block + 1) * BLOCK_TRIALS)
      for (let trial = block * BLOCK_TRIALS; trial < end; trial++) {
        drawTrial(scratch, seed, trial)
        runTrial(scratch)
        recordTrial(accumulator, scratch.out)
      }
      foldBlock(accumulator)
    },
    state: () => accumulatorState(accumulator)
  }
}
