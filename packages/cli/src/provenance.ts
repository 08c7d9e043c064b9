import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { overridesOf, showOverride, type Scenario } from "@pbpsim/simulator"
import type { Provenance } from "./render/comparisonView.js"
import { ENGINE_VERSION } from "./version.js"

/**
 * Scenario hash for provenance: the scenario file's bytes and, when experience comes from a
 * CSV, that file's bytes too, so a JSON result names exactly the inputs that produced it.
 */
const scenarioHash = (scenario: Scenario): string => {
  const hash = createHash("sha256").update(readFileSync(scenario.file))
  const experience = scenario.document.experience
  if (!Array.isArray(experience) && typeof experience === "object" && experience !== null && "csv" in experience) {
    hash.update(readFileSync(resolve(dirname(scenario.file), String((experience as { csv: string }).csv))))
  }
  return hash.digest("hex")
}

/** Engine and scenario; a scenario read with `--set` lists its overrides (path=value, in order) beside the file's hash. */
export const provenanceOf = (scenario: Scenario): Provenance => {
  const overrides = overridesOf(scenario).map(showOverride)
  return {
    engine: { name: "pbpsim", version: ENGINE_VERSION },
    scenario: { name: scenario.name, file: scenario.file, sha256: scenarioHash(scenario), ...(overrides.length > 0 ? { overrides } : {}) }
  }
}
