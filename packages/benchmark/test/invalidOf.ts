import { InvalidArgument } from "@pbpsim/benchmark"

/** Runs a rule expected to reject its arguments and returns the InvalidArgument it raised (anything else fails the test). */
export const invalidOf = (run: () => unknown): InvalidArgument => {
  try {
    run()
  } catch (e) {
    if (e instanceof InvalidArgument) return e
    throw e
  }
  throw new Error("expected an InvalidArgument")
}
