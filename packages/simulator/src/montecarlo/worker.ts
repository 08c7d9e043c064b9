import { parentPort, workerData } from "node:worker_threads"
import { blockRunner } from "./blocks.js"
import type { SimulationPlan } from "./plan.js"

/**
 * Worker thread: runs the blocks the main thread hands it, one message per block (so the
 * fastest worker takes the most), and sends its accumulator state when told to finish.
 */
const { plan, seed, trials } = workerData as { plan: SimulationPlan; seed: string; trials: number }
const runner = blockRunner(plan, seed, trials)
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
