import { existsSync, readFileSync } from "node:fs"
import { basename, dirname, join, posix, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import type { Scenario, ScenarioError } from "@pbpsim/simulator"
import { Effect } from "effect"
import { UserError } from "../errors.js"
import type { Io } from "../io.js"
import { writeOutput } from "../output.js"
import { provenanceOf } from "../provenance.js"
import { policyView } from "../render/comparisonView.js"
import { whatIfPage } from "../render/whatif/page.js"
import { load, runPolicies } from "../scenarioInput.js"

/**
 * `pbpsim whatif <scenario> --out page.html` (docs/whatif.md): one self-contained HTML page that
 * recomputes the contract in the browser as its controls move. The page carries the engine
 * bundled for the browser (scripts/build.mjs: dist/bundle/whatif-engine.js), its own script
 * (whatif-ui.js) and the scenario's text with the text of its experience CSV(s).
 */

const BUNDLES = ["whatif-engine.js", "whatif-ui.js"] as const

/** The folder holding the browser bundles: beside the bundled bin, or the package's dist/bundle when run from dist/ or src/. */
const bundleFolder = (): string | undefined => {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [here, join(here, "../bundle"), join(here, "../../dist/bundle")]
  return candidates.find((folder) => BUNDLES.every((b) => existsSync(join(folder, b))))
}

/** The experience CSVs the scenario names (its own and its policies' overlays'), as written in the file. */
const csvPaths = (scenario: Scenario): ReadonlyArray<string> => {
  const csvOf = (experience: unknown): ReadonlyArray<string> =>
    experience !== null && typeof experience === "object" && !Array.isArray(experience) && typeof (experience as { csv?: unknown }).csv === "string"
      ? [(experience as { csv: string }).csv]
      : []
  const document = scenario.document as { readonly experience?: unknown; readonly policies?: ReadonlyArray<{ readonly overlay?: { readonly experience?: unknown } }> }
  return [...new Set([...csvOf(document.experience), ...(document.policies ?? []).flatMap((p) => csvOf(p.overlay?.experience))])]
}

export interface WhatIfArgs {
  readonly scenario: string
  readonly out: string | undefined
}

/** The page as HTML text. */
export const whatIfHtml = (path: string): Effect.Effect<string, UserError | ScenarioError> =>
  Effect.gen(function* () {
    const scenario = yield* load(path)
    const runs = yield* runPolicies(scenario, scenario.policies.map((p) => p.name))
    const folder = bundleFolder()
    if (folder === undefined) {
      return yield* Effect.fail(
        new UserError({ message: `whatif: the page's browser bundles (${BUNDLES.join(", ")}) are missing from @pbpsim/cli's dist/bundle; build them with npx -y pnpm@10.34.8 build` })
      )
    }
    // The page names the scenario by its file name; CSV paths resolve against that name's folder as the decoder resolves them.
    const file = basename(path)
    const csv: Record<string, string> = {}
    for (const written of csvPaths(scenario)) {
      const key = posix.isAbsolute(written) ? written : posix.join(posix.dirname(file), written)
      csv[key] = yield* Effect.try({
        try: () => readFileSync(resolve(dirname(path), written), "utf8"),
        catch: (e) => new UserError({ message: `${path}: cannot read the experience CSV ${written} (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
      })
    }
    const provenance = provenanceOf(scenario)
    return whatIfPage({
      file,
      name: scenario.name,
      description: scenario.description,
      text: readFileSync(path, "utf8"),
      csv,
      engine: provenance.engine,
      sha256: provenance.scenario.sha256,
      expected: runs.map(policyView),
      engineScript: readFileSync(join(folder, "whatif-engine.js"), "utf8"),
      uiScript: readFileSync(join(folder, "whatif-ui.js"), "utf8")
    })
  })

/** `--out` is required: an HTML page on a terminal helps nobody. */
export const writeWhatIf = (args: WhatIfArgs): Effect.Effect<void, UserError | ScenarioError, Io> =>
  args.out === undefined
    ? Effect.fail(new UserError({ message: `whatif: --out is required (the page is one HTML file), e.g. pbpsim whatif ${args.scenario} --out whatif.html` }))
    : Effect.flatMap(whatIfHtml(args.scenario), (html) => writeOutput(html, args.out))
