import { Effect } from "effect"

/**
 * Load a command's implementation only when that command runs: `--help` and the light
 * commands never pay for the charting or Monte Carlo code (each is its own bundle chunk).
 */
export const lazily = <M, A, E, R>(load: () => Promise<M>, use: (module: M) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.promise(load), use)
