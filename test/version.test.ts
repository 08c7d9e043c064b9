import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { ENGINE_VERSION } from "../packages/cli/src/version.js"

describe("ENGINE_VERSION", () => {
  it("is the version of every workspace package, so JSON provenance names the code that ran", () => {
    for (const pkg of ["package.json", "packages/benchmark/package.json", "packages/simulator/package.json", "packages/cli/package.json"]) {
      const version = (JSON.parse(readFileSync(new URL(`../${pkg}`, import.meta.url), "utf8")) as { version: string }).version
      expect(version, pkg).toBe(ENGINE_VERSION)
    }
  })
})
