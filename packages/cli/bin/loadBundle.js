// Loads the bundled CLI (dist/bundle/pbpsim.cjs, one CommonJS script written by `pnpm build`)
// through V8's code cache (pbpsim.cjs.cache, recorded by the build with scripts/codeCache.mjs):
// with it V8 skips parsing and compiling what a command runs, about 0.2 s of a short command on
// Node 20, which keeps no compile cache for ES modules. A cache from another Node version is
// rejected by V8, and the script then compiles as it would without one.
import { readFileSync } from "node:fs"
import Module, { createRequire } from "node:module"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import vm from "node:vm"

export const BUNDLE = fileURLToPath(new URL("../dist/bundle/pbpsim.cjs", import.meta.url))
export const CODE_CACHE = `${BUNDLE}.cache`

/** The bundle's exports ({ runCli }) and its compiled script (whose code cache the build records); undefined when not built. */
export const loadBundle = () => {
  let source
  try {
    source = readFileSync(BUNDLE, "utf8")
  } catch (e) {
    if (e?.code === "ENOENT") return undefined
    throw e
  }
  let cachedData
  try {
    cachedData = readFileSync(CODE_CACHE)
  } catch {
    // Not recorded yet: compile as usual.
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER
  })
  const module = { exports: {} }
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE))
  return { runCli: module.exports.runCli, script }
}
