import { parentPort, workerData } from "node:worker_threads"
import { marketBlockRunner, type MarketPlan } from "../market/simulateBlocks.js"
import { blockRunner } from "./blocks.js"
import type { SimulationPlan } from "./plan.js"

/**
 * Worker thread: runs the blocks the main thread hands it, one message per block (so the
 * fastest worker takes the most), and sends its accumulator state when told to finish.
 * Two kinds of run: the policies' statistics (simulate), or, when the data carries `market`,
 * the market view's payer cost (market/simulate.ts simulateMarket) on the same kernel.
 */
const { plan, seed, trials, market } = workerData as { plan: SimulationPlan; seed: string; trials: number; market?: MarketPlan }
const runner = market === undefined ? blockRunner(plan, seed, trials) : marketBlockRunner(plan, market, seed, trials)
const port = parentPort!
port.on("message", (message: { readonly block: number } | { readonly finish: true }) => {
  if ("block" in message) {
    runner.run(message.block)
    port.postMessage({ done: message.block })
  } else {
    port.postMessage({ state: runner.state() })
    port.close()
  }
})
port.postMessage({ ready: true })
