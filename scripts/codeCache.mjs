// Run by scripts/build.mjs after bundling: records V8's code cache for the bundled CLI
// (packages/cli/dist/bundle/pbpsim.cjs.cache, read by packages/cli/bin/loadBundle.js). It loads
// the bundle as the bin does, runs the common commands on bundled scenarios in this one process
// (their output discarded by the build), so that what they compile is in the cache, and writes the
// cache through a temporary file. Commands not run here still work; they compile as they go.
import { renameSync, rmSync, writeFileSync } from "node:fs"
import { CODE_CACHE, loadBundle } from "../packages/cli/bin/loadBundle.js"

rmSync(CODE_CACHE, { force: true })
const cli = loadBundle()
if (cli === undefined) throw new Error("codeCache: packages/cli/dist/bundle/pbpsim.cjs is missing: bundle first")
const commands = [
  ["validate", "scenarios/issue-brief.yaml"],
  ["run", "scenarios/issue-brief.yaml"],
  ["compare", "scenarios/issue-brief.yaml"],
  ["compare", "scenarios/issue-brief.yaml", "--format", "json"],
  ["simulate", "scenarios/issue-brief.yaml", "--trials", "1000", "--workers", "1", "-q"],
  ["simulate", "scenarios/bench/market-1000.yaml", "--trials", "1", "--workers", "1", "-q"]
]
for (const args of commands) {
  const code = await cli.runCli(args)
  if (code !== 0) throw new Error(`codeCache: pbpsim ${args.join(" ")} exited ${code}`)
}
writeFileSync(`${CODE_CACHE}.tmp`, cli.script.createCachedData())
renameSync(`${CODE_CACHE}.tmp`, CODE_CACHE)
