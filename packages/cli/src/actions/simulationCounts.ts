import { runCountProblems, type Shard } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "../errors.js"

/**
 * The Monte Carlo's counts as the user gives them (`--trials`, `--workers`, `--shard`), checked
 * with the same messages for `simulate` and `market --simulate`.
 */

/** `--shard i/n` read: 1 ≤ i ≤ n. */
export const parseShard = (text: string): Effect.Effect<Shard, UserError> => {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  return match && index >= 1 && count >= 1 && index <= count
    ? Effect.succeed({ index, count })
    : Effect.fail(new UserError({ message: `--shard: expected i/n with 1 ≤ i ≤ n (like 1/2), got "${text}"` }))
}

/** --trials, --workers and --shard within the limits (MAX_TRIALS, twice the CPUs), every problem at once. */
export const checkCounts = (args: { readonly trials: number; readonly workers: number; readonly shard?: Shard | undefined }): Effect.Effect<void, UserError> => {
  const problems = runCountProblems(args, { trials: "--trials", workers: "--workers", shard: "--shard" })
  return problems.length > 0 ? Effect.fail(new UserError({ message: problems.join("\n") })) : Effect.void
}

/** merge re-reads the scenario file as it is: a shard of an overridden scenario could not be merged. */
export const SET_WITH_SHARD =
  "--set cannot be used with --shard: pbpsim merge re-reads the scenario file as it is, without the overrides (write the changes into a copy of the file instead)"

/** A shard's state is a file for merge. */
export const SHARD_NEEDS_OUT = "--shard needs --out FILE: a shard's state is a JSON file for pbpsim merge"
