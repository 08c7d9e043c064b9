// pnpm build (also run by `pnpm install` through the root `prepare` script):
// 1. tsc emits JavaScript, declarations and source maps for every package (dist/), the form a
//    library user imports; the typecheck and the emit are one step.
// 2. esbuild bundles the CLI from those packages into packages/cli/dist/bundle/: one CommonJS
//    script for the `pbpsim` bin (pbpsim.cjs) and one ES module for the Monte Carlo worker threads
//    (worker.js). Bundling with tree shaking is what makes start-up fast: importing the `effect`
//    barrel alone costs ~0.8 s of module loading, the bundle carries only what pbpsim uses.
// 3. The what-if page's browser bundles. 4. V8's code cache for pbpsim.cjs (scripts/codeCache.mjs).
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, rmSync } from "node:fs"
import { join, relative } from "node:path"
import { build } from "esbuild"

// tsc -b never deletes output whose source was removed or renamed; a packed package would carry it.
const pruneStale = (pkg) => {
  const dist = join("packages", pkg, "dist")
  if (!existsSync(dist)) return
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = join(entry.parentPath ?? entry.path, entry.name)
    const stem = relative(dist, file).replace(/(\.d)?\.(js|ts)(\.map)?$/, "")
    if (stem === relative(dist, file) || stem.startsWith("bundle/")) continue
    if (!existsSync(join("packages", pkg, "src", `${stem}.ts`))) rmSync(file)
  }
}
for (const pkg of ["benchmark", "simulator", "cli"]) pruneStale(pkg)

const tsc = spawnSync("node_modules/.bin/tsc", ["-b", "packages/cli"], { stdio: "inherit" })
if (tsc.status !== 0) {
  console.error("build: tsc failed (see above)")
  process.exit(tsc.status ?? 1)
}

const outdir = "packages/cli/dist/bundle"
rmSync(outdir, { recursive: true, force: true })
// What both Node bundles share.
const forNode = { bundle: true, platform: "node", target: "node20", minify: true, keepNames: true, sourcemap: true, logLevel: "warning" }
// The CLI as one CommonJS script, which bin/pbpsim.js compiles through V8's code cache (step 4):
// Node 20 keeps no compile cache for ES modules, and compiling the bundle's JavaScript was
// 0.12–0.18 s of a command that reads a scenario. import.meta.url (simulate's worker and whatif's browser bundles are
// found beside the bundle) becomes the script's own URL. vega-canvas's Node build awaits an
// optional `canvas` at its top level, which a script cannot; `canvas` is not installed, so its
// browser build (DOM canvas or none) is the same function.
await build({
  stdin: {
    contents: `export { runCli } from "./dist/cli.js"\n`,
    resolveDir: "packages/cli",
    sourcefile: "pbpsim-entry.js"
  },
  outfile: join(outdir, "pbpsim.cjs"),
  ...forNode,
  format: "cjs",
  // Pure ASCII: one non-ASCII character makes Node read the whole 2 MB as a two-byte string (twice
  // the time); the dependencies' licence comments go to pbpsim.cjs.LEGAL.txt beside it.
  charset: "ascii",
  legalComments: "external",
  define: { "import.meta.url": "__pbpsimUrl" },
  banner: { js: "var __pbpsimUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    {
      name: "vega-canvas-without-top-level-await",
      setup(b) {
        b.onResolve({ filter: /^vega-canvas$/ }, async (a) => {
          if (a.pluginData === "vega-canvas") return undefined
          const node = await b.resolve(a.path, { kind: a.kind, resolveDir: a.resolveDir, pluginData: "vega-canvas" })
          return { path: node.path.replace(/vega-canvas\.node\.js$/, "vega-canvas.browser.js") }
        })
      }
    }
  ]
})
// The Monte Carlo's worker threads, started from the file beside the bundle ("./worker.js").
await build({
  entryPoints: { worker: "packages/simulator/dist/montecarlo/worker.js" },
  outdir,
  ...forNode,
  format: "esm",
  // Some CommonJS dependencies call require() for Node built-ins; ESM output needs one.
  banner: { js: "import { createRequire as __pbpsimRequire } from 'node:module'; const require = __pbpsimRequire(import.meta.url);" }
})

// 3. The what-if page's engine (`pbpsim whatif`, docs/whatif.md): the simulator's browser entry with
//    decimal.js, @pbpsim/benchmark, Effect and yaml, bundled for the browser as one script that sets
//    the global PbpsimEngine; `whatif` inlines it (and the page's script) into the page. The
//    engine's modules that import node:* (file reading, the Monte Carlo's workers) are never
//    called by the entry: node:path gets the entry's POSIX helpers (CSV paths), every other
//    node:* module a stub.
const browserEngine = {
  entryPoints: ["packages/simulator/dist/browser.js"],
  outfile: join(outdir, "whatif-engine.js"),
  bundle: true,
  format: "iife",
  globalName: "PbpsimEngine",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  // simulate.js reads import.meta.url at load; the entry never reaches it and the bundle drops it.
  logOverride: { "empty-import-meta": "silent" },
  plugins: [
    {
      name: "node-stubs",
      setup(b) {
        const entry = join(process.cwd(), "packages/simulator/dist/browser.js")
        b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: "node-stub" }))
        // csv-parse's Node build needs Node's Buffer; the same version's browser build carries its own.
        b.onResolve({ filter: /^csv-parse\/sync$/ }, async (a) => {
          if (a.pluginData === "csv-parse") return undefined
          const node = await b.resolve(a.path, { kind: a.kind, resolveDir: a.resolveDir, pluginData: "csv-parse" })
          return { path: node.path.replace(/[\\/]lib[\\/]sync\.js$/, "/dist/esm/sync.js") }
        })
        b.onLoad({ filter: /.*/, namespace: "node-stub" }, (a) =>
          a.path === "node:path"
            ? { contents: `import { nodePath } from ${JSON.stringify(entry)}; export const join = (...p) => nodePath.join(...p), dirname = (p) => nodePath.dirname(p), isAbsolute = (p) => nodePath.isAbsolute(p)`, resolveDir: process.cwd() }
            : { contents: `module.exports = {}`, loader: "js" }
        )
      }
    }
  ]
}
await build(browserEngine)
// The page's own script (controls, charts, tables), plain browser JavaScript.
await build({ entryPoints: ["packages/cli/src/render/whatif/ui.js"], outfile: join(outdir, "whatif-ui.js"), bundle: true, format: "iife", platform: "browser", target: "es2022", minify: true, legalComments: "none", logLevel: "warning" })

// 4. V8's code cache for the bundled CLI (scripts/codeCache.mjs, read by packages/cli/bin/loadBundle.js),
// recorded in a child process whose output (the commands it runs) is not the build's.
const recorded = spawnSync(process.execPath, ["scripts/codeCache.mjs"], { stdio: ["ignore", "ignore", "inherit"] })
if (recorded.status !== 0) {
  console.error("build: recording the code cache failed (see above); pbpsim works without it, only slower to start")
  process.exit(recorded.status ?? 1)
}
