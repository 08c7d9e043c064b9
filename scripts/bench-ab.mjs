// node scripts/bench-ab.mjs A_DIR B_DIR [--runs N] [--sets S] [-- pbpsim arguments]
// Two builds of the pbpsim command timed in turn, whole process: one run of A, one of B, and so on,
// N runs each per set (default 5), S sets (default 1) a minute apart; each set prints the best and the
// median of each build. The development machine is a shared VM whose speed changes by phases of tens of
// seconds, so only builds timed in turn compare. A build directory is a copy of packages/cli's bin/ and
// dist/bundle/ (`mkdir -p X/dist && cp -r packages/cli/bin X/ && cp -r packages/cli/dist/bundle X/dist/`).
// Default arguments: the bench workload, simulate scenarios/bench/market-1000.yaml --trials 10000 --workers 1.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"

const argv = process.argv.slice(2)
const split = argv.indexOf("--")
const own = split < 0 ? argv : argv.slice(0, split)
const pbpsimArgs = split < 0 ? ["simulate", "scenarios/bench/market-1000.yaml", "--trials", "10000", "--workers", "1"] : argv.slice(split + 1)
const option = (name, fallback) => {
  const i = own.indexOf(name)
  const value = i < 0 ? fallback : Number(own[i + 1])
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a whole number ≥ 1, got ${own[i + 1]}`)
  return value
}
const builds = own.filter((a, i) => !a.startsWith("--") && !own[i - 1]?.startsWith("--"))
if (builds.length !== 2) {
  console.error("usage: node scripts/bench-ab.mjs A_DIR B_DIR [--runs N] [--sets S] [-- pbpsim arguments]")
  process.exit(2)
}
for (const dir of builds)
  if (!existsSync(join(dir, "bin", "pbpsim.js"))) {
    console.error(`${dir}: no bin/pbpsim.js (copy packages/cli's bin/ and dist/bundle/ there)`)
    process.exit(2)
  }
const runs = option("--runs", 5)
const sets = option("--sets", 1)

const seconds = (dir) => {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [join(dir, "bin", "pbpsim.js"), ...pbpsimArgs], { stdio: ["ignore", "ignore", "pipe"] })
  if (r.status !== 0) throw new Error(`${dir}: pbpsim ${pbpsimArgs.join(" ")} exited ${r.status}: ${r.stderr}`)
  return Number(process.hrtime.bigint() - start) / 1e9
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

console.log(`pbpsim ${pbpsimArgs.join(" ")}: ${runs} runs of each build per set, in turn`)
for (let set = 1; set <= sets; set++) {
  if (set > 1) await sleep(60_000)
  const times = builds.map(() => [])
  for (let i = 0; i < runs; i++) builds.forEach((dir, b) => times[b].push(seconds(dir)))
  builds.forEach((dir, b) => console.log(`set ${set}  ${dir.padEnd(24)} best ${Math.min(...times[b]).toFixed(2)} s  median ${median(times[b]).toFixed(2)} s`))
}
