import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// Tests run the TypeScript sources; package exports point at the built JavaScript (dist/),
// which the worker threads of a simulation load.
const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    alias: {
      "@pbpsim/benchmark": source("benchmark"),
      "@pbpsim/simulator": source("simulator"),
      "@pbpsim/cli": source("cli")
    }
  },
  test: {
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 60_000
  }
})
