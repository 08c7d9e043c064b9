import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// Tests run the TypeScript sources; package exports point at the built JavaScript (dist/),
// which the worker threads of a simulation load.
const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@pbpsim\/benchmark\/compute$/, replacement: fileURLToPath(new URL("./packages/benchmark/src/compute/index.ts", import.meta.url)) },
      { find: /^@pbpsim\/benchmark$/, replacement: source("benchmark") },
      { find: /^@pbpsim\/simulator\/messageText$/, replacement: fileURLToPath(new URL("./packages/simulator/src/scenario/messageText.ts", import.meta.url)) },
      { find: /^@pbpsim\/simulator$/, replacement: source("simulator") },
      { find: /^@pbpsim\/cli$/, replacement: source("cli") }
    ]
  },
  test: {
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    // Test files in one worker share the modules they import instead of importing the sources
    // (Effect, decimal.js, every package) anew per file: 75 s of the suite's 200 s were imports.
    // The tests keep no module state between files (no mocks, no module-level mutation).
    isolate: false
  }
})
