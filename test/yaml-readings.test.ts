import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { decodeScenario, loadScenario, onScenarioWarnings, type ScenarioWarning } from "@pbpsim/simulator"
import { Effect, Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { stringify, type ToStringOptions } from "yaml"
import { Numeral } from "../packages/simulator/src/scenario/numerals.js"
import { parseScenarioText } from "../packages/simulator/src/scenario/parse.js"
import { plainDocumentValue } from "../packages/simulator/src/scenario/plainYaml.js"
import { ROOT } from "./support/cli.js"

/**
 * A scenario file is read first by js-yaml when it is a plain document (plainYaml.ts) and by
 * the `yaml` library otherwise, or when the scenario has anything to report (load.ts). Whenever
 * js-yaml reads a text, `yaml` must accept it and give the same value: numbers as written
 * (source and value), strings, nulls, booleans, keys and their order.
 */

/** A value as comparable data: Numerals by source and value (−0 and NaN kept apart), objects as ordered entries. */
const canonical = (u: unknown): unknown => {
  if (u instanceof Numeral) return `#${u.source}|${Object.is(u.value, -0) ? "-0" : String(u.value)}`
  if (Array.isArray(u)) return u.map(canonical)
  if (u !== null && typeof u === "object") return Object.entries(u).map(([k, v]) => [k, canonical(v)])
  return typeof u === "string" ? `s:${u}` : u
}

const byYaml = (text: string): unknown => {
  const parsed = parseScenarioText(text, "t.yaml")
  return Either.isRight(parsed) ? canonical(parsed.right.value) : `refused: ${parsed.left.map((i) => i.message).join("; ")}`
}

/** js-yaml's reading, or undefined when it leaves the text to `yaml`. */
const byJsYaml = (text: string): unknown => {
  const plain = plainDocumentValue(text)
  return plain === undefined ? undefined : canonical(plain.value)
}

const TRICKY_TEXT = [
  "", " ", "a b", "x: y", "a #b", "- a", "? q", "'q'", '"q"', "1", "-1", "+1", "0", "-0", "007", "1.", ".5", "1e3", "1E-3", "1e400", "0x1F", "0o17", "0b1",
  "1_000", ".inf", "-.Inf", ".NaN", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "yes", "no", "on", "2025-01-01", "12:30",
  "line\nbreak", "tab\there", "  lead", "trail  ", "é", "😀", "\\", "{a}", "[a]", "a,b", "*a", "&a", "!t", "%d", "@", "`", "|", ">", "it's", 'a"b'
]
const key = fc.oneof(fc.constantFrom("name", "__proto__", "2025", "1", "1.0", "true", "null", "", "a b", "x: y", "-", "k"), fc.string({ maxLength: 6 }))
const scalar = fc.oneof(fc.constantFrom(...TRICKY_TEXT), fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null))
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 5 }),
  map: fc.dictionary(key, tie("node"), { maxKeys: 5 })
})).node
const style = fc.record({
  collectionStyle: fc.constantFrom("any", "block", "flow"),
  defaultStringType: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_FOLDED", "BLOCK_LITERAL"),
  defaultKeyType: fc.constantFrom(null, "PLAIN", "QUOTE_DOUBLE"),
  lineWidth: fc.constantFrom(0, 20, 80),
  indent: fc.integer({ min: 1, max: 4 }),
  indentSeq: fc.boolean()
})

const scenarioTexts = (): ReadonlyArray<string> =>
  readdirSync(join(ROOT, "scenarios"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => readFileSync(join(ROOT, "scenarios", f), "utf8"))
    .filter((text) => text.length < 20_000)

/** Whether js-yaml reads `text`; when it does, its value must be `yaml`'s. */
const readAlike = (text: string): boolean => {
  const fast = byJsYaml(text)
  if (fast === undefined) return false
  expect(fast).toEqual(byYaml(text))
  return true
}

// YAML_RUNS=40000 for a longer comparison.
const RUNS = Number(process.env.YAML_RUNS ?? 300)

describe("plainDocumentValue", () => {
  it("gives, for every generated document it reads, the value `yaml` gives", () => {
    let read = 0
    fc.assert(
      fc.property(value, style, (v, options) => {
        if (readAlike(stringify(v, null, options as ToStringOptions))) read++
      }),
      { numRuns: RUNS }
    )
    // Not vacuous: most generated documents are plain.
    expect(read).toBeGreaterThan(150)
  })

  it("reads no mutated scenario file that `yaml` refuses or reads otherwise", () => {
    // 700,000 such mutations agreed while the lenient layouts below were being found; this run repeats a few hundred.
    const piece = fc.constantFrom(":", ": ", " ", "  ", "-", "- ", "[", "]", "{", "}", ",", "#", "'", '"', "\n", "\n  ", "\t", "?", "? ", "|", ">", "0", "1e3", "~", "null", "true", "a: 1\n", "\n- ", "\n:", " #", "&a ", "*a", "!x ", "---", "...", "\r\n", "\r", "\ufeff", "x:y", ": -")
    const edit = fc.record({ at: fc.nat(), cut: fc.integer({ min: 0, max: 4 }), insert: fc.array(piece, { maxLength: 3 }) })
    let read = 0
    fc.assert(
      fc.property(fc.constantFrom(...scenarioTexts()), fc.array(edit, { minLength: 1, maxLength: 3 }), (original, edits) => {
        let text = original
        for (const e of edits) {
          const at = e.at % (text.length + 1)
          text = text.slice(0, at) + e.insert.join("") + text.slice(at + e.cut)
        }
        if (readAlike(text)) read++
      }),
      { numRuns: RUNS }
    )
    expect(read).toBeGreaterThan(60)
  })

  it("leaves to `yaml` the layouts js-yaml reads differently or where `yaml` refuses them", () => {
    const lenient = [
      "market:\n  entities\n:    - { id: G }\n", // a line opening with `:` (an empty key)
      "x:\n  - : a\n", // an empty key in a list item
      "\ufeff: - a\n", // the same after a byte-order mark
      "? a\n: 1\n", // an explicit key
      "a: 1\n\t# a tab\n", // a tab anywhere
      "# a comment\ra: 1\n", // a carriage return alone
      "a: 1\n\ufeffb: 2\n", // a byte-order mark after the start
      "a: 1\n...\nb: 2\n", // a document marker
      "a: [\n  1\n]\n", // a flow collection over several lines
      "a: |1-\n  lead\n", // a block scalar's indentation indicator
      "a: &x 1\nb: *x\n", // anchors and aliases
      "a: !!str 1\n", // tags
      "%YAML 1.2\n---\na: 1\n", // directives
      "a: 1\n---\nb: 2\n", // several documents
      "", // no document
      "null: 1\n~: 2\n", // two keys that are one object key
      "? [a, b]\n: 1\n" // a list as a key
    ]
    for (const text of lenient) expect(plainDocumentValue(text), JSON.stringify(text)).toBeUndefined()
  })

  it("resolves scalars and keys as `yaml` does", () => {
    const text = "a: 1e400\nb: -0\nc: 0o17\nd: .5\ne: 1_000\nf: yes\ng: ~\nh: 2025-01-01\n~: 1\n0x10: 2\n1.0: 3\n"
    // By hand: 1e400 is a float that is not finite, -0 an int, 0o17 = 15; 1_000, yes and dates are text (YAML 1.2 core);
    // the key ~ is "", 0x10 is "16", 1.0 is "1" (and integer-like keys come first, as JavaScript orders them).
    expect(byJsYaml(text)).toEqual([
      ["1", "#3|3"],
      ["16", "#2|2"],
      ["a", "#1e400|Infinity"],
      ["b", "#-0|-0"],
      ["c", "#0o17|15"],
      ["d", "#.5|0.5"],
      ["e", "s:1_000"],
      ["f", "s:yes"],
      ["g", null],
      ["h", "s:2025-01-01"],
      ["", "#1|1"]
    ])
    expect(byYaml(text)).toEqual(byJsYaml(text))
  })
})

describe("loadScenario", () => {
  it("reads the bundled scenarios through js-yaml to the scenario `yaml`'s reading gives", async () => {
    for (const file of ["scenarios/issue-brief.yaml", "scenarios/bench/market-1000.yaml"]) {
      const text = readFileSync(join(ROOT, file), "utf8")
      expect(plainDocumentValue(text)).toBeDefined()
      expect(byJsYaml(text)).toEqual(byYaml(text))
      const scenario = await Effect.runPromise(loadScenario(join(ROOT, file)))
      expect(scenario.policies.length).toBeGreaterThan(0)
    }
  })

  it("decodes a plain document with a warning once, and places the warning on `yaml`'s line", async () => {
    const text = [
      "name: Small",
      "market:",
      "  entities: [{ id: A }, { id: B }]",
      "experience: { csv: data.csv }",
      'contract: { provider: A, peers: [A, B], startYear: 2025, years: 2, baseline: { years: [2024], weights: ["1"] } }',
      "benchmark:",
      '  trend: { kind: fixed, rate: "0.2" }',
      "settlement: { preset: mssp-enhanced }",
      'projection: { marketTrend: "0.05" }',
      "policies: [{ name: trending }]",
      ""
    ].join("\n")
    const csv = ["entity,year,memberMonths,cost", "A,2024,120000,48000000.00", "B,2024,240000,103200000.00"].join("\n")
    expect(plainDocumentValue(text)).toBeDefined()
    // A trend of 20 % a year is a warning (docs/scenario-reference.md, plausibility): the scenario loads, its CSV read once.
    let reads = 0
    const decoded = decodeScenario(text, "small.yaml", () => {
      reads++
      return csv
    })
    expect(Either.isRight(decoded)).toBe(true)
    expect(reads).toBe(1)
    const folder = mkdtempSync(join(tmpdir(), "pbpsim-yaml-readings-"))
    writeFileSync(join(folder, "small.yaml"), text)
    writeFileSync(join(folder, "data.csv"), csv)
    const warnings: Array<ScenarioWarning> = []
    await Effect.runPromise(loadScenario(join(folder, "small.yaml")).pipe(onScenarioWarnings((found) => warnings.push(...found))))
    // The rate is on line 7 of the text above.
    expect(warnings.map((w) => [w.path, w.line])).toEqual([["benchmark.trend.rate", 7]])
  })

  it("reports a plain document's issues with `yaml`'s lines", async () => {
    // A plain document that js-yaml reads: its issue (an unknown field) still names the line, which only `yaml`'s reading gives.
    const text = readFileSync(join(ROOT, "scenarios/issue-brief.yaml"), "utf8").replace("contract:\n", "contract:\n  colour: blue\n")
    expect(plainDocumentValue(text)).toBeDefined()
    const lines = text.split("\n")
    const line = lines.indexOf("  colour: blue") + 1
    const decoded = decodeScenario(text, "issue-brief.yaml")
    if (Either.isRight(decoded)) throw new Error("an unknown field was accepted")
    expect(decoded.left.issues.map((i) => i.line)).toContain(line)
  })
})
