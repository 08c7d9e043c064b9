// pnpm bench:cli — start-up cost of the pbpsim command against bare Node on the same machine,
// in the same run: median wall time of RUNS runs of each command (after one warm-up run each,
// so the file cache is warm for all alike). Not a test: figures to read, for docs and notes.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"

const RUNS = Number(process.env.RUNS ?? 9)
const BIN = "node_modules/.bin/pbpsim"
if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run npx -y pnpm@10.34.8 install first`)
  process.exit(1)
}

const commands = [
  { label: "node -e 0", cmd: process.execPath, args: ["-e", "0"] },
  { label: "pbpsim --help", cmd: BIN, args: ["--help"] },
  { label: "pbpsim --version", cmd: BIN, args: ["--version"] },
  { label: "pbpsim validate scenarios/issue-brief.yaml", cmd: BIN, args: ["validate", "scenarios/issue-brief.yaml"] },
  { label: "pbpsim compare scenarios/issue-brief.yaml", cmd: BIN, args: ["compare", "scenarios/issue-brief.yaml"] }
]

const wall = (c) => {
  const start = process.hrtime.bigint()
  const r = spawnSync(c.cmd, c.args, { stdio: ["ignore", "ignore", "pipe"] })
  if (r.status !== 0) throw new Error(`${c.label} exited ${r.status}: ${r.stderr}`)
  return Number(process.hrtime.bigint() - start) / 1e9
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

for (const c of commands) wall(c)
// Interleave the commands run by run, so a busy spell on the machine hits all of them alike.
const times = commands.map(() => [])
for (let i = 0; i < RUNS; i++) commands.forEach((c, k) => times[k].push(wall(c)))

const base = median(times[0])
console.log(`pbpsim start-up, median of ${RUNS} runs (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})`)
console.log("")
console.log("| command | median wall time | × node -e 0 |")
console.log("|---|---:|---:|")
commands.forEach((c, k) => {
  const m = median(times[k])
  console.log(`| \`${c.label}\` | ${m.toFixed(3)} s | ${(m / base).toFixed(1)} |`)
})
const compare = median(times[commands.length - 1])
console.log("")
console.log(`Goal: compare within 6 × bare Node start-up: ${(compare / base).toFixed(1)} × — ${compare <= 6 * base ? "met" : "NOT met"}`)
