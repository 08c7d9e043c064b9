import { fillNormals, trialGenerator } from "./draws.js"
import { kernelScratch, runTrial } from "./kernel.js"
import { drawLength, type SimulationPlan } from "./plan.js"
import { accumulatorState, emptyAccumulator, foldBlock, recordTrial, type Accumulator, type AccumulatorState } from "./statistics.js"

/**
 * Trials run in fixed blocks of BLOCK_TRIALS by trial index: block b holds trials
 * [b·BLOCK_TRIALS, (b + 1)·BLOCK_TRIALS). A block is the unit handed to a worker or a shard, so
 * every split of a run is a union of the same blocks and gives the same statistics.
 */
export const BLOCK_TRIALS = 1000

export interface Shard {
  /** 1-based. */
  readonly index: number
  readonly count: number
}

export const blockCount = (trials: number): number => Math.ceil(trials / BLOCK_TRIALS)

/** The blocks shard i of n runs: a contiguous share of the run's blocks. */
export const shardBlocks = (trials: number, shard: Shard | undefined): { readonly first: number; readonly end: number } => {
  const blocks = blockCount(trials)
  if (!shard) return { first: 0, end: blocks }
  return { first: Math.floor(((shard.index - 1) * blocks) / shard.count), end: Math.floor((shard.index * blocks) / shard.count) }
}

export const trialsInBlocks = (trials: number, first: number, end: number): number =>
  Math.max(0, Math.min(trials, end * BLOCK_TRIALS) - first * BLOCK_TRIALS)

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
  const z = new Float64Array(drawLength(plan))
  const accumulator = emptyAccumulator(plan, zeroNoiseOutput(plan))
  return {
    accumulator,
    run: (block) => {
      const end = Math.min(trials, (block + 1) * BLOCK_TRIALS)
      for (let trial = block * BLOCK_TRIALS; trial < end; trial++) {
        fillNormals(trialGenerator(seed, trial), z)
        runTrial(scratch, z)
        recordTrial(accumulator, scratch.out)
      }
      foldBlock(accumulator)
    },
    state: () => accumulatorState(accumulator)
  }
}
