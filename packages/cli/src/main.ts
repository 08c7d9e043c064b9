import { runCli } from "./cli.js"

// The `pbpsim` executable: the process's arguments and streams, its exit code.
process.exitCode = await runCli(process.argv.slice(2))
