// pnpm build (also run by `pnpm install` through the root `prepare` script):
// 1. tsc emits JavaScript, declarations and source maps for every package (dist/), the form a
//    library user imports; the typecheck and the emit are one step.
// 2. esbuild bundles the CLI from those packages into packages/cli/dist/bundle/: one entry for
//    the `pbpsim` bin, one for the Monte Carlo worker threads, and a chunk per lazily loaded
//    command. Bundling with tree shaking is what makes start-up fast: importing the `effect`
//    barrel alone costs ~0.8 s of module loading, the bundle carries only what pbpsim uses.
import { spawnSync } from "node:child_process"
import { rmSync } from "node:fs"
import { build } from "esbuild"

const tsc = spawnSync("node_modules/.bin/tsc", ["-b", "packages/cli"], { stdio: "inherit" })
if (tsc.status !== 0) {
  console.error("build: tsc failed (see above)")
  process.exit(tsc.status ?? 1)
}

const outdir = "packages/cli/dist/bundle"
rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: {
    pbpsim: "packages/cli/dist/main.js",
    // simulate.js spawns "./worker.js" beside itself, i.e. beside the chunk that holds it.
    worker: "packages/simulator/dist/montecarlo/worker.js"
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  keepNames: true,
  sourcemap: true,
  chunkNames: "[name]-[hash]",
  logLevel: "warning",
  // Some CommonJS dependencies call require() for Node built-ins; ESM output needs one.
  banner: { js: "import { createRequire as __pbpsimRequire } from 'node:module'; const require = __pbpsimRequire(import.meta.url);" }
})
