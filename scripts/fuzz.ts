/**
 * The fuzzing soak: `pnpm fuzz [--cases N] [--seed S] [--workers W] [--timeout MS]`.
 *
 * Generates N structurally mutated scenario files (default 10,000) from the bundled scenarios
 * and the test fixtures, seeded (same seed, same cases), runs each through the library and a
 * fifth of them through the command line too (test/support/fuzz.ts), and prints how many ended
 * as each kind of typed error, as a sane result, or as a failure, with the slowest case. Every
 * failure is listed with its case index and spec; `--only I` reruns case I alone.
 * Exit code 1 when any case failed.
 */
import { availableParallelism } from "node:os"
import fc from "fast-check"
import { buildCase, caseArb, FuzzPool, loadSeeds, type CaseSpec, type Outcome } from "../test/support/fuzz.js"

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number ≥ 0, got ${process.argv[i + 1]}`)
    process.exit(2)
  }
  return value
}

const cases = option("cases", 10_000)
const seed = option("seed", 2026)
const workers = Math.max(1, option("workers", availableParallelism()))
const timeoutMs = option("timeout", 10_000)
const only = process.argv.includes("--only") ? option("only", 0) : undefined

const seeds = loadSeeds()
const specs: ReadonlyArray<CaseSpec> = fc.sample(caseArb(seeds, Number(process.env.FUZZ_CLI_SHARE ?? 0.2)), { seed, numRuns: cases })
const indices = only === undefined ? specs.map((_, i) => i) : [only]

const pool = new FuzzPool(workers, timeoutMs)
await pool.start()
const started = performance.now()
const counts = { sane: 0, failure: 0, typed: new Map<string, number>() }
const failures: Array<{ readonly index: number; readonly reason: string }> = []
let slowest = { ms: 0, index: -1 }
let done = 0
let next = 0

const record = (index: number, outcome: Outcome, ms: number) => {
  if (ms > slowest.ms) slowest = { ms, index }
  if (outcome.kind === "sane") counts.sane++
  else if (outcome.kind === "typed") counts.typed.set(outcome.error, (counts.typed.get(outcome.error) ?? 0) + 1)
  else {
    counts.failure++
    failures.push({ index, reason: outcome.reason })
  }
  done++
  if (process.stderr.isTTY && done % 100 === 0) process.stderr.write(`\r${done} / ${indices.length}`)
}

await Promise.all(
  Array.from({ length: workers }, async () => {
    while (next < indices.length) {
      const index = indices[next++]!
      const { outcome, ms } = await pool.run(specs[index]!)
      record(index, outcome, ms)
    }
  })
)
await pool.stop()
if (process.stderr.isTTY) process.stderr.write("\r")

const seconds = (performance.now() - started) / 1000
const typedTotal = [...counts.typed.values()].reduce((a, b) => a + b, 0)
console.log(`pbpsim fuzz: ${done.toLocaleString("en-US")} cases, seed ${seed}, ${workers} worker${workers === 1 ? "" : "s"}, ${seconds.toFixed(1)} s`)
console.log(`  typed errors   ${typedTotal.toLocaleString("en-US")}`)
for (const [kind, n] of [...counts.typed].sort((a, b) => b[1] - a[1])) console.log(`    ${kind.padEnd(16)} ${n.toLocaleString("en-US")}`)
console.log(`  sane results   ${counts.sane.toLocaleString("en-US")}`)
console.log(`  failures       ${counts.failure.toLocaleString("en-US")}`)
console.log(`  slowest case   ${slowest.ms.toFixed(0)} ms (case ${slowest.index}: ${slowest.index >= 0 ? buildCase(seeds, specs[slowest.index]!).name.slice(0, 160) : ""})`)
for (const f of failures.slice(0, 50)) {
  console.log(`\ncase ${f.index}: ${buildCase(seeds, specs[f.index]!).name.slice(0, 300)}\n  ${f.reason.split("\n").join("\n  ")}`)
}
if (failures.length > 50) console.log(`\n… and ${failures.length - 50} more failures`)
process.exit(counts.failure > 0 ? 1 : 0)
