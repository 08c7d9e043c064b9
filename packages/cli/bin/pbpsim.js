#!/usr/bin/env node
// The pbpsim command: the bundled CLI, loaded through V8's code cache (loadBundle.js).
import { loadBundle } from "./loadBundle.js"

const cli = loadBundle()
if (cli === undefined) {
  process.stderr.write("pbpsim is not built yet: run `npx -y pnpm@10.34.8 build` in the repository first\n")
  process.exitCode = 1
} else {
  process.exitCode = await cli.runCli(process.argv.slice(2))
}
