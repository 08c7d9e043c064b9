export { runCli } from "./cli.js"
export { processIo, type CliIo } from "./io.js"
export { ENGINE_VERSION } from "./version.js"
