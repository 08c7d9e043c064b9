/**
 * Structural fuzzing of scenario files: shared by test/fuzz.test.ts (a few hundred cases per
 * run) and scripts/fuzz.ts (the long, seeded soak).
 *
 * A case is a bundled scenario or test fixture, parsed to plain data, mutated structurally (a
 * field dropped, duplicated or retyped; numbers made huge, negative or NaN-ish; text with
 * control characters; deep nesting; `__proto__` and long keys; lists grown past their limits)
 * and written back as YAML or JSON, then mutated as text (aliases and alias bombs, an alias to
 * no anchor, deep brackets, stray bytes). It runs through the library (decode → every policy
 * on the exact engine → a small simulation) and, for some cases, the command line (validate,
 * run, simulate). Each case is classified:
 *
 * - typed: a ScenarioError, UserError or InvalidArgument whose message is clean (no stack,
 *   no raw control characters, bounded lines);
 * - sane: a result whose money is finite and printed in fixed places;
 * - failure: anything else (an uncaught error, a defect, "internal error", a dirty message,
 *   a number that is not finite or not fixed-place, validate accepting what run refuses) or a
 *   case that runs longer than the timeout (it runs in a worker thread that is terminated).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { isMainThread, parentPort, Worker } from "node:worker_threads"
import fc from "fast-check"
import { parse, stringify } from "yaml"

export const ROOT = join(import.meta.dirname, "../..")

// ---------------------------------------------------------------- seeds

export interface Seed {
  readonly name: string
  readonly value: unknown
  /** CSV files next to it, by file name (a scenario with `experience: { csv }` reads one). */
  readonly csv: Readonly<Record<string, string>>
}

const SEED_DIRS = ["scenarios", "test/fixtures/cli", "packages/simulator/test/fixtures/scenario", "packages/simulator/test/fixtures/scenario/errors"]

/** The bundled scenarios and the scenario fixtures of the tests, parsed to plain data (numbers as JS numbers). */
export const loadSeeds = (): ReadonlyArray<Seed> =>
  SEED_DIRS.flatMap((dir) => {
    const files = readdirSync(join(ROOT, dir))
    const csv = Object.fromEntries(files.filter((f) => f.endsWith(".csv")).map((f) => [f, readFileSync(join(ROOT, dir, f), "utf8")]))
    return files
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .flatMap((f) => {
        try {
          return [{ name: `${dir}/${f}`, value: parse(readFileSync(join(ROOT, dir, f), "utf8")) as unknown, csv }]
        } catch {
          return [] // a fixture of YAML syntax errors: not a structure to mutate
        }
      })
  })

// ---------------------------------------------------------------- mutations

/** Values that stress a field: huge, tiny, negative, NaN-ish, wrong-typed, hostile text. */
const HOSTILE_VALUES: ReadonlyArray<unknown> = [
  1e400,
  -1e400,
  "1e400",
  "-1e400",
  Number.NaN,
  "NaN",
  ".nan",
  "Infinity",
  -0,
  0,
  -1,
  1e308,
  1e-400,
  "1e-999999999",
  "6e999999999",
  9007199254740993,
  2 ** 53,
  1e15,
  "123456789012345678901234567890.123456789",
  0.1 + 0.2,
  "0x1F",
  "1/0",
  "1/3",
  2147483647,
  1e6,
  50,
  51,
  1000,
  true,
  false,
  null,
  "",
  " ",
  "\u001b[31mred\u001b[0m",
  "nul\u0000byte",
  "bidi\u202eevil",
  "lone\ud800surrogate",
  "line\nbreak",
  "x".repeat(100_000),
  [],
  [1, 2, 3],
  {},
  { kind: "blend" },
  { __proto__: null, polluted: true },
  "__proto__",
  "2025",
  "mssp-variable"
]

const HOSTILE_KEYS: ReadonlyArray<string> = ["__proto__", "constructor", "prototype", "k".repeat(2_000), "\u001b[2J", "", "toString", "hasOwnProperty", "2025"]

type Op =
  | { readonly op: "drop"; readonly at: number }
  | { readonly op: "duplicate"; readonly at: number; readonly times: number }
  | { readonly op: "retype"; readonly at: number; readonly value: number }
  | { readonly op: "number"; readonly at: number; readonly value: number }
  | { readonly op: "key"; readonly at: number; readonly key: number }
  | { readonly op: "nest"; readonly at: number; readonly depth: number }
  | { readonly op: "swap"; readonly at: number; readonly other: number }
  | { readonly op: "grow"; readonly at: number; readonly times: number }
  | { readonly op: "policies"; readonly times: number }
  | { readonly op: "overlay"; readonly at: number; readonly value: number }
  | { readonly op: "scale"; readonly at: number; readonly factor: number }
  | { readonly op: "noop" }
  | { readonly op: "semantic"; readonly field: number; readonly value: number; readonly inOverlay: boolean }

type TextOp =
  | { readonly op: "none" }
  | { readonly op: "bomb" }
  | { readonly op: "undefinedAlias"; readonly at: number }
  | { readonly op: "anchor"; readonly at: number; readonly other: number }
  | { readonly op: "recursiveAlias" }
  | { readonly op: "brackets"; readonly depth: number }
  | { readonly op: "indent"; readonly depth: number }
  | { readonly op: "truncate"; readonly at: number }
  | { readonly op: "bytes"; readonly at: number; readonly byte: number }
  | { readonly op: "tag"; readonly at: number }
  | { readonly op: "documents" }

export interface CaseSpec {
  readonly seed: number
  readonly ops: ReadonlyArray<Op>
  readonly text: TextOp
  readonly format: "yaml" | "json"
  readonly csv: ReadonlyArray<{ readonly at: number; readonly value: number }>
  /** Also run the command line (validate, then run and simulate when valid). */
  readonly cli: boolean
}

/** A position in [0, 1), spread evenly (fast-check's doubles favour 0 and tiny values, which would always pick the first node). */
const unit = fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000)

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), at: unit }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("duplicate" as const), at: unit, times: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("retype" as const), at: unit, value: unit }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("number" as const), at: unit, value: unit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("key" as const), at: unit, key: unit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("nest" as const), at: unit, depth: fc.constantFrom(3, 40, 70, 300) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("swap" as const), at: unit, other: unit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("grow" as const), at: unit, times: fc.constantFrom(2, 20, 60) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("policies" as const), times: fc.constantFrom(2, 20, 150, 250) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("overlay" as const), at: unit, value: unit }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("scale" as const), at: unit, factor: fc.constantFrom(0, 0.5, 2, 10, 1000, -1, 1.0001, 1e6, 1e12) }) },
  { weight: 2, arbitrary: fc.constant({ op: "noop" as const }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant("semantic" as const), field: unit, value: unit, inOverlay: fc.boolean() }) }
)

/**
 * Values a field may well hold, or holds at its limits: they keep a scenario valid often
 * enough to reach the exact engine and the Monte Carlo with unusual terms (long contracts,
 * wild trends, tiny populations, large noise, every rebasing and settlement form).
 */
const SEMANTIC: ReadonlyArray<readonly [ReadonlyArray<string | number>, ReadonlyArray<unknown>]> = [
  [["contract", "years"], [1, 2, 10, 30, 50, 51]],
  [["contract", "startYear"], [1900, 2025, 2026, 2200]],
  [["benchmark", "rebasing"], [{ kind: "none" }, { kind: "annual" }, { kind: "periodic", every: 2, weights: ["1"] }, { kind: "rolling", weights: ["0.5", "0.5"] }, { kind: "partial", alpha: "0.3" }, { kind: "periodic", every: 1e15, weights: ["0.2", "0.8"] }]],
  [["benchmark", "trend"], [{ kind: "observed", source: "peers" }, { kind: "observed", source: "market" }, { kind: "fixed", rate: "-0.99" }, { kind: "fixed", rate: "10" }, { kind: "fixed", rate: "999999999" }, { kind: "blend", parts: [{ weight: "1/3", trend: { kind: "observed", source: "market" } }, { weight: "2/3", trend: { kind: "fixed", rate: "0.03" } }] }, { kind: "fixed", rate: "0.04", cap: "0.01", floor: "0.02" }]],
  [["benchmark", "glidePath"], [{ from: 0, to: 1 }, { constant: 0 }, { constant: "0.5" }, { providerWeights: [1, 0] }]],
  [["benchmark", "peerRefresh"], ["annual", "fixed", "with-rebase"]],
  [["benchmark", "rounding"], [{ places: 0, mode: "floor" }, { places: 12, mode: "half-even" }]],
  [["benchmark", "savingsCredit"], [{ share: "0.5", cap: "0.05" }, { share: 1, cap: "999999999" }, null]],
  [["benchmark", "discount"], ["0.5", "0.999999", ["0.1", "0.2"]]],
  [["benchmark", "risk"], [{ capUp: "0", capDown: "1" }, { capUp: "999999999" }]],
  [["settlement", "preset"], ["mssp-basic-a", "mssp-basic-c", "mssp-basic-e", "mssp-enhanced"]],
  [["settlement", "msr"], ["mssp-variable", { fixed: "0" }, { fixed: "1" }]],
  [["settlement", "mlr"], [null, { fixed: "0.02" }, "mssp-variable"]],
  [["settlement", "lossRate"], ["0.5", { bands: [{ from: 0, to: "0.05", share: "0.3" }, { from: "0.05", share: "0.6" }] }, { qualityLinked: { savingsRate: "0.75", min: "0.4", max: "0.75", failedQuality: "0.75" } }]],
  [["settlement", "savingsRate"], ["0", "1", { bands: [{ from: 0, to: "0.02", share: "0.5" }, { from: "0.02", share: "1" }] }]],
  [["settlement", "quality"], [{ score: "0", meetsStandard: false }, { score: "1", savingsMultiplier: "1000" }]],
  [["projection", "marketTrend"], ["-0.99", "0", "0.5", "10", "999999999", ["0.1"]]],
  [["projection", "default"], [{ savings: "0.99" }, { savings: "-100" }, { memberGrowth: "-0.999999" }, { memberGrowth: "100" }, { riskDrift: "50" }, { savings: { annual: "0.5" } }]],
  [["presentValue"], [{ rate: "0" }, { rate: "-0.99" }, { rate: "999999" }, null]],
  [["stochastic"], [{ marketTrendSd: 0 , memberCostSd: 0, savingsSd: 0, riskDriftSd: 0 }, { marketTrendSd: 1 }, { memberCostSd: 10 }, { savingsSd: 1 }, { riskDriftSd: 1 }, { marketTrendSd: 0.5, memberCostSd: 10, savingsSd: 1, riskDriftSd: 0.5 }, { memberCostSd: 1e-7 }, { memberCostSd: "1e400" }, { marketTrendSd: 50 }]],
  [["experience", 0, "memberMonths"], [1e-9, 0.001, 1, 12, 1e17]],
  [["experience", 0, "cost"], [0, 1e-9, 1e17, "999999999999999999.99"]],
  [["experience", 0, "riskScore"], [1e-9, 1e9]]
]

const textOpArb: fc.Arbitrary<TextOp> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ op: "none" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "bomb" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("undefinedAlias" as const), at: unit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("anchor" as const), at: unit, other: unit }) },
  { weight: 1, arbitrary: fc.constant({ op: "recursiveAlias" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("brackets" as const), depth: fc.constantFrom(50, 150, 5_000, 60_000) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("indent" as const), depth: fc.constantFrom(100, 500, 3_000) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), at: unit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("bytes" as const), at: unit, byte: fc.constantFrom(0x00, 0x1b, 0x7f, 0x80, 0xc3, 0xff, 0xfe) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("tag" as const), at: unit }) },
  { weight: 1, arbitrary: fc.constant({ op: "documents" as const }) }
)

/**
 * A case to generate: which seed (the bundled scenarios three times as often as the fixtures,
 * most of which are broken on purpose), which mutations, which format, whether the command
 * line runs too.
 */
export const caseArb = (seeds: ReadonlyArray<Seed>, cliShare = 0.2): fc.Arbitrary<CaseSpec> => {
  const bundled = seeds.flatMap((s, i) => (s.name.startsWith("scenarios/") ? [i] : []))
  return fc.record({
    seed: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...bundled) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: seeds.length - 1 }) }),
    ops: fc.array(opArb, { minLength: 1, maxLength: 3 }),
    text: textOpArb,
    format: fc.constantFrom("yaml" as const, "yaml" as const, "json" as const),
    csv: fc.array(fc.record({ at: unit, value: unit }), { maxLength: 2 }),
    cli: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((u) => u < cliShare)
  })
}

type Path = ReadonlyArray<string | number>

const isObject = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && !Array.isArray(u)

/** Every path in the tree, root first. */
const pathsOf = (value: unknown): ReadonlyArray<Path> => {
  const out: Array<Path> = []
  const walk = (u: unknown, path: Path) => {
    out.push(path)
    if (path.length > 12) return
    if (Array.isArray(u)) u.forEach((v, i) => walk(v, [...path, i]))
    else if (isObject(u)) for (const k of Object.keys(u)) walk(u[k], [...path, k])
  }
  walk(value, [])
  return out
}

const pick = <A>(list: ReadonlyArray<A>, u: number): A => list[Math.min(list.length - 1, Math.floor(u * list.length))]!

const getAt = (root: unknown, path: Path): unknown => path.reduce<unknown>((u, k) => (u !== null && typeof u === "object" ? (u as Record<string, unknown>)[k] : undefined), root)

const define = (into: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true })

/** The tree with the value at `path` replaced (or removed when `value` is DROP); copies along the path only. */
const DROP = Symbol("drop")
const setAt = (root: unknown, path: Path, value: unknown): unknown => {
  if (path.length === 0) return value === DROP ? null : value
  const [head, ...rest] = path
  if (Array.isArray(root)) {
    const copy = [...root]
    if (rest.length === 0 && value === DROP) copy.splice(head as number, 1)
    else copy[head as number] = setAt(copy[head as number], rest, value)
    return copy
  }
  if (isObject(root)) {
    const copy: Record<string, unknown> = {}
    for (const k of Object.keys(root)) if (!(rest.length === 0 && value === DROP && k === head)) define(copy, k, root[k])
    if (!(rest.length === 0 && value === DROP)) define(copy, String(head), setAt(root[String(head)], rest, value))
    return copy
  }
  // Nothing here yet: a path into an overlay that did not mention the section.
  return root === undefined && value !== DROP ? setAt({}, path, value) : root
}

/** The "policies" mutation's most copies × experience rows (see there). */
const POLICY_ROWS_BUDGET = 50_000

const applyOp = (root: unknown, op: Op, experienceRows: number): unknown => {
  const paths = pathsOf(root)
  switch (op.op) {
    case "drop":
      return setAt(root, pick(paths.slice(1), op.at) ?? [], DROP)
    case "duplicate": {
      const lists = paths.filter((p) => Array.isArray(getAt(root, p)) && (getAt(root, p) as ReadonlyArray<unknown>).length > 0)
      if (lists.length === 0) return root
      const path = pick(lists, op.at)
      const list = getAt(root, path) as ReadonlyArray<unknown>
      return setAt(root, path, [...list, ...Array.from({ length: op.times }, () => list[0])])
    }
    case "retype":
      return setAt(root, pick(paths, op.at), pick(HOSTILE_VALUES, op.value))
    case "number": {
      const numbers = paths.filter((p) => {
        const v = getAt(root, p)
        return typeof v === "number" || (typeof v === "string" && /^-?\d/.test(v))
      })
      if (numbers.length === 0) return root
      return setAt(root, pick(numbers, op.at), pick(HOSTILE_VALUES.slice(0, 30), op.value))
    }
    case "key": {
      const maps = paths.filter((p) => isObject(getAt(root, p)))
      if (maps.length === 0) return root
      const path = pick(maps, op.at)
      const map = getAt(root, path) as Record<string, unknown>
      const copy: Record<string, unknown> = {}
      for (const k of Object.keys(map)) define(copy, k, map[k])
      define(copy, pick(HOSTILE_KEYS, op.key), pick(HOSTILE_VALUES, op.at))
      return setAt(root, path, copy)
    }
    case "nest": {
      const path = pick(paths.slice(1), op.at) ?? []
      let v = getAt(root, path)
      for (let i = 0; i < op.depth; i++) v = i % 2 === 0 ? [v] : { x: v }
      return setAt(root, path, v)
    }
    case "swap": {
      const a = pick(paths.slice(1), op.at) ?? []
      const b = pick(paths.slice(1), op.other) ?? []
      return setAt(root, a, getAt(root, b))
    }
    case "grow": {
      const lists = paths.filter((p) => Array.isArray(getAt(root, p)) && (getAt(root, p) as ReadonlyArray<unknown>).length > 0)
      if (lists.length === 0) return root
      const path = pick(lists, op.at)
      const list = getAt(root, path) as ReadonlyArray<unknown>
      return setAt(root, path, Array.from({ length: list.length * op.times }, (_, i) => list[i % list.length]))
    }
    case "policies": {
      const policies = getAt(root, ["policies"])
      if (!Array.isArray(policies) || policies.length === 0) return root
      // Many policies on a large market is slow by right, not stuck: validate runs each through the
      // exact engine (150 on the 453-ACO market take about 10 s, simulate as long again), so copies
      // are capped at POLICY_ROWS_BUDGET experience rows' worth of work.
      const times = Math.max(policies.length, Math.min(op.times, Math.floor(POLICY_ROWS_BUDGET / Math.max(1, experienceRows))))
      return setAt(
        root,
        ["policies"],
        Array.from({ length: times }, (_, i) => ({ ...(policies[i % policies.length] as object), name: `p${i}` }))
      )
    }
    case "noop":
      return root
    case "semantic": {
      const [path, values] = pick(SEMANTIC, op.field)
      const value = pick(values, op.value)
      const policies = getAt(root, ["policies"])
      if (op.inOverlay && Array.isArray(policies) && policies.length > 0 && typeof path[0] === "string" && path[0] !== "experience") {
        const overlay = isObject(getAt(root, ["policies", 0, "overlay"])) ? (getAt(root, ["policies", 0, "overlay"]) as Record<string, unknown>) : {}
        return setAt(root, ["policies", 0, "overlay"], setAt(overlay, path, value))
      }
      return getAt(root, path.slice(0, -1)) === undefined ? root : setAt(root, path, value)
    }
    case "scale": {
      const numbers = paths.filter((p) => {
        const v = getAt(root, p)
        return (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v))
      })
      if (numbers.length === 0) return root
      const path = pick(numbers, op.at)
      const v = getAt(root, path)
      const scaled = Number(v) * op.factor
      return setAt(root, path, typeof v === "string" ? String(scaled) : scaled)
    }
    case "overlay": {
      const policies = getAt(root, ["policies"])
      if (!Array.isArray(policies) || policies.length === 0) return root
      const sections = paths.filter((p) => p.length >= 1 && p.length <= 3 && p[0] !== "policies" && p[0] !== "name")
      if (sections.length === 0) return root
      const target = pick(sections, op.at)
      const overlay: Record<string, unknown> = {}
      let cursor = overlay
      target.forEach((k, i) => {
        const next = i === target.length - 1 ? pick(HOSTILE_VALUES, op.value) : {}
        define(cursor, String(k), next)
        if (isObject(next)) cursor = next
      })
      return setAt(root, ["policies", 0, "overlay"], overlay)
    }
  }
}

const lines = (text: string) => text.split("\n")

/** Text mutations: what only YAML text can hold (aliases, tags, several documents) or break (brackets, bytes). */
const applyTextOp = (text: string, op: TextOp): string | Buffer => {
  const rows = lines(text)
  const valueLines = rows.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[A-Za-z$_][\w$]*: \S/.test(l))
  switch (op.op) {
    case "none":
      return text
    case "bomb":
      return `bomb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `bomb${i + 1}: &b${i + 1} [${Array(10).fill(`*b${i}`).join(", ")}]`).join("\n")}\n${text}`
    case "undefinedAlias": {
      if (valueLines.length === 0) return `${text}\nx: *nowhere\n`
      const [line, i] = pick(valueLines, op.at)
      rows[i] = line.replace(/: .*$/, ": *nowhere")
      return rows.join("\n")
    }
    case "anchor": {
      if (valueLines.length < 2) return text
      const [a, i] = pick(valueLines, op.at)
      const [b, j] = pick(valueLines, op.other)
      if (i === j) return text
      rows[i] = a.replace(/: /, ": &shared ")
      rows[j] = b.replace(/: .*$/, ": *shared")
      return i < j ? rows.join("\n") : rows.join("\n") // an alias before its anchor is an undefined alias too
    }
    case "recursiveAlias":
      return text.replace(/^market:/m, "market: &m\n  loop: *m\n  alsoMarket:")
    case "brackets":
      return `deep: ${"[".repeat(op.depth)}${"]".repeat(op.depth)}\n${text}`
    case "indent":
      return `${text}\ndeep:\n${Array.from({ length: Math.min(op.depth, 60) }, (_, i) => `${" ".repeat(i * Math.ceil(op.depth / 60))}k${i}:`).join("\n")} 1\n`
    case "truncate":
      return text.slice(0, Math.floor(op.at * text.length))
    case "bytes": {
      const bytes = Buffer.from(text, "utf8")
      const at = Math.floor(op.at * bytes.length)
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([op.byte]), bytes.subarray(at)])
    }
    case "tag": {
      if (valueLines.length === 0) return text
      const [line, i] = pick(valueLines, op.at)
      rows[i] = line.replace(/: /, ": !!binary ")
      return rows.join("\n")
    }
    case "documents":
      return `${text}\n---\nname: second document\n`
  }
}

const mutateCsv = (text: string, edits: CaseSpec["csv"]): string => {
  let rows = text.split("\n")
  for (const edit of edits) {
    const i = Math.floor(edit.at * rows.length)
    const cells = (rows[i] ?? "").split(",")
    const c = Math.floor(edit.value * 7) % Math.max(1, cells.length)
    const value = String(pick(HOSTILE_VALUES.filter((v) => typeof v === "string" || typeof v === "number"), edit.value))
    if (edit.value < 0.1) rows = [...rows.slice(0, i), ...rows.slice(i + 1)]
    else if (edit.value < 0.2) rows[i] = `${rows[i] ?? ""},extra`
    else if (edit.value < 0.25) rows[i] = `"unclosed,${rows[i] ?? ""}`
    else {
      cells[c] = value.includes(",") || value.includes("\n") ? `"${value.replaceAll('"', '""')}"` : value
      rows[i] = cells.join(",")
    }
  }
  return rows.join("\n")
}

export interface BuiltCase {
  readonly name: string
  readonly file: string
  readonly text: string | Buffer
  readonly csv: Readonly<Record<string, string>>
}

/** The files of a case, from its spec: deterministic, so a seed and an index reproduce it. */
export const buildCase = (seeds: ReadonlyArray<Seed>, spec: CaseSpec): BuiltCase => {
  const seed = seeds[spec.seed % seeds.length]!
  let value = seed.value
  const experienceRows = Object.values(seed.csv).reduce((n, body) => n + body.split("\n").length, 0)
  for (const op of spec.ops) value = applyOp(value, op, experienceRows)
  const text = spec.format === "json" ? (JSON.stringify(value, null, 1) ?? "null") : stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 })
  const mutated = spec.format === "json" && spec.text.op !== "bytes" && spec.text.op !== "truncate" && spec.text.op !== "brackets" ? text : applyTextOp(text, spec.text)
  const csv = Object.fromEntries(Object.entries(seed.csv).map(([name, body]) => [name, spec.csv.length > 0 ? mutateCsv(body, spec.csv) : body]))
  const file = `${basename(seed.name).replace(/\.(ya?ml|json)$/, "")}.${spec.format}`
  return { name: `${seed.name} ${JSON.stringify(spec.ops)} ${JSON.stringify(spec.text)}`, file, text: mutated, csv }
}

// ---------------------------------------------------------------- classification

export type TypedKind = "ScenarioError" | "UserError" | "InvalidArgument"

export type Outcome =
  | { readonly kind: "typed"; readonly error: TypedKind; readonly message: string }
  | { readonly kind: "sane" }
  | { readonly kind: "failure"; readonly reason: string }

const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m

/** What is wrong with an error message users would see, or undefined when it is clean. */
export const messageProblem = (message: string): string | undefined => {
  if (message.trim() === "") return "an empty message"
  if (STACK_LINE.test(message)) return "a stack trace in the message"
  if (/internal error/i.test(message)) return '"internal error"'
  if (RAW_CONTROL.test(message)) return `a raw control character in the message (${JSON.stringify(RAW_CONTROL.exec(message)?.[0])})`
  const all = message.split("\n")
  if (all.length > 102) return `${all.length} lines`
  // Lines are clipped at 600 characters (MAX_ISSUE_LINE, docs/cli.md), with 20 to spare as before.
  const long = all.find((l) => l.length > 620)
  if (long !== undefined) return `a line of ${long.length} characters`
  return undefined
}

const FIXED = /^-?\d+(\.\d+)?$/
// Keys whose values are names, not figures (a name may be any text, "Infinity" included): terms.settlement names the settlement terms, segment a segment.
const TEXT_KEYS = new Set(["settlement", "segment", "name", "description", "a", "b", "file", "seed", "provider", "settlementTerms", "label", "version", "sha256", "generator", "policyName", "policyDescription", "scenarioName", "outcome", "title", "policy"])
const NUMERIC_LOOKING = /^[-+]?(\d|\.\d)|^[-+]?(NaN|Infinity)$/

/** The first number that is not finite, or numeric text that is not fixed-place, in a JSON-like value. */
export const numberProblem = (value: unknown, path = "", depth = 0): string | undefined => {
  if (depth > 40) return undefined
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} is ${value}`
  if (typeof value === "string") return NUMERIC_LOOKING.test(value) && !FIXED.test(value) ? `${path} is "${value.slice(0, 40)}", not fixed-place` : undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = numberProblem(value[i], `${path}[${i}]`, depth + 1)
      if (p) return p
    }
    return undefined
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (TEXT_KEYS.has(k)) continue
      const p = numberProblem(v, `${path}.${k}`, depth + 1)
      if (p) return p
    }
  }
  return undefined
}

const tagOf = (e: unknown): string | undefined => (e !== null && typeof e === "object" && "_tag" in e ? String((e as { _tag: unknown })._tag) : undefined)

/** Runs one built case through the library and (if asked) the command line; never throws. */
export const runCase = async (built: BuiltCase, cli: boolean, dir: string): Promise<Outcome> => {
  const lib = await import("../../packages/simulator/src/index.js")
  const { runCli } = await import("../../packages/cli/src/cli.js")
  const typed = (e: unknown): Outcome => {
    const tag = tagOf(e)
    const message = e instanceof Error ? e.message : String(e)
    if (tag === "ScenarioError" || tag === "InvalidArgument" || tag === "UserError") {
      const problem = messageProblem(message)
      return problem === undefined ? { kind: "typed", error: tag, message } : { kind: "failure", reason: `${tag} with ${problem}: ${JSON.stringify(message.slice(0, 300))}` }
    }
    return { kind: "failure", reason: `uncaught ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 500) + (e instanceof Error && e.stack ? `\n${e.stack.split("\n").slice(1, 6).join("\n")}` : "") }
  }
  // The library: decode, every policy through the exact engine, a small simulation.
  let library: Outcome
  try {
    const text = typeof built.text === "string" ? built.text : new TextDecoder("utf-8", { fatal: false }).decode(built.text)
    const readCsv = (path: string): string => {
      const body = built.csv[basename(path)]
      if (body === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`)
      return body
    }
    const decoded = lib.decodeScenario(text, built.file, readCsv)
    if (decoded._tag === "Left") library = typed(decoded.left)
    else {
      const scenario = decoded.right
      const models = scenario.policies.map((p) => lib.resolvePolicy(scenario, p.name))
      let outcome: Outcome = { kind: "sane" }
      // Policies that differ only in name (the "policies" mutation repeats them) give identical runs: run each once.
      const seen = new Set<string>()
      const distinct = scenario.document.policies.flatMap((p, i) => {
        const key = JSON.stringify((p as { readonly overlay?: unknown }).overlay ?? null, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))
        if (seen.has(key)) return []
        seen.add(key)
        return [models[i]!]
      })
      for (const model of distinct) {
        const run = lib.runPolicy(model)
        const problem = numberProblem(lib.toPlainRun(run))
        if (problem !== undefined) {
          outcome = { kind: "failure", reason: `exact run of ${model.policyName}: ${problem}` }
          break
        }
      }
      if (outcome.kind === "sane") {
        const sim = await lib.simulate(models.slice(0, 5), { seed: "fuzz", trials: 40, workers: 1 })
        const problem = numberProblem(sim.summary)
        if (problem !== undefined) outcome = { kind: "failure", reason: `simulation: ${problem}` }
      }
      library = outcome
    }
  } catch (e) {
    library = typed(e)
  }
  if (!cli || library.kind === "failure") return library
  // The command line: validate; when valid, run and a small simulate must succeed too.
  const path = join(dir, built.file)
  writeFileSync(path, built.text)
  for (const [name, body] of Object.entries(built.csv)) writeFileSync(join(dir, name), body)
  const call = async (...args: ReadonlyArray<string>) => {
    let out = ""
    let err = ""
    const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t), color: false, columns: 80 })
    return { code, out, err }
  }
  const cliOutcome = (r: { code: number; out: string; err: string }, what: string): Outcome | undefined => {
    if (r.code === 0) return undefined
    if (r.code !== 1) return { kind: "failure", reason: `${what}: exit ${r.code}` }
    const problem = messageProblem(r.err)
    return problem === undefined ? { kind: "typed", error: "UserError", message: r.err } : { kind: "failure", reason: `${what} with ${problem}: ${JSON.stringify(r.err.slice(0, 300))}` }
  }
  const validated = await call("validate", path)
  const refused = cliOutcome(validated, "validate")
  if (refused !== undefined) return refused.kind === "failure" || library.kind !== "typed" ? refused : library
  for (const args of [["run", path, "-f", "json"], ["simulate", path, "-n", "50", "-q", "-f", "json"]] as const) {
    const r = await call(...args)
    if (r.code !== 0) {
      const o = cliOutcome(r, args[0])
      return o?.kind === "failure" ? o : { kind: "failure", reason: `validate accepts the file but ${args[0]} refuses it: ${JSON.stringify(r.err.slice(0, 300))}` }
    }
    try {
      const problem = numberProblem(JSON.parse(r.out))
      if (problem !== undefined) return { kind: "failure", reason: `${args[0]} output: ${problem}` }
    } catch {
      return { kind: "failure", reason: `${args[0]} printed output that is not JSON` }
    }
  }
  return library.kind === "typed" ? { kind: "failure", reason: `the library refuses what validate, run and simulate accept: ${library.message.slice(0, 300)}` } : library
}

// ---------------------------------------------------------------- the worker pool

interface Job {
  readonly id: number
  readonly spec: CaseSpec
}
interface Result {
  readonly id: number
  readonly outcome: Outcome
  readonly ms: number
}

/** The worker side: build each case from its spec, run it, answer. */
export const serve = (): void => {
  if (isMainThread || parentPort === null) throw new Error("serve runs in a worker thread")
  const port = parentPort
  const seeds = loadSeeds()
  const dir = mkdtempSync(join(tmpdir(), "pbpsim-fuzz-"))
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }))
  port.on("message", (job: Job) => {
    const started = performance.now()
    void (async () => {
      let outcome: Outcome
      try {
        outcome = await runCase(buildCase(seeds, job.spec), job.spec.cli, dir)
      } catch (e) {
        outcome = { kind: "failure", reason: `the harness failed: ${e instanceof Error ? e.stack : String(e)}` }
      }
      port.postMessage({ id: job.id, outcome, ms: performance.now() - started } satisfies Result)
    })()
  })
  port.postMessage({ ready: true })
}

/**
 * Worker threads that run cases with a time limit each: a case still running after `timeoutMs`
 * is a hang; its worker is terminated and replaced. Cases run from TypeScript sources (tsx).
 */
export class FuzzPool {
  private readonly idle: Array<Worker> = []
  private readonly waiting: Array<(w: Worker) => void> = []
  private nextId = 0

  constructor(
    private readonly size: number,
    private readonly timeoutMs: number
  ) {}

  private spawn(): Promise<Worker> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL("./fuzzWorker.mjs", import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 3072 } })
      const onMessage = (m: { ready?: boolean }) => {
        if (m.ready) {
          worker.off("message", onMessage)
          resolve(worker)
        }
      }
      worker.on("message", onMessage)
      worker.once("error", reject)
    })
  }

  async start(): Promise<void> {
    const workers = await Promise.all(Array.from({ length: this.size }, () => this.spawn()))
    this.idle.push(...workers)
  }

  private take(): Promise<Worker> {
    const w = this.idle.pop()
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve))
  }

  private give(w: Worker): void {
    const next = this.waiting.shift()
    if (next) next(w)
    else this.idle.push(w)
  }

  /** Runs one case; the outcome and how long it took (a hang reports the timeout). */
  async run(spec: CaseSpec): Promise<{ outcome: Outcome; ms: number }> {
    const worker = await this.take()
    const id = this.nextId++
    return new Promise((resolve) => {
      let settled = false
      const finish = (result: { outcome: Outcome; ms: number }, healthy: boolean) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        worker.off("message", onMessage)
        worker.off("error", onError)
        if (healthy) this.give(worker)
        else {
          void worker.terminate()
          void this.spawn().then((w) => this.give(w))
        }
        resolve(result)
      }
      const onMessage = (m: Result) => {
        if (m.id === id) finish({ outcome: m.outcome, ms: m.ms }, true)
      }
      const onError = (e: Error) => finish({ outcome: { kind: "failure", reason: `the worker died: ${e.message}` }, ms: 0 }, false)
      const timer = setTimeout(() => finish({ outcome: { kind: "failure", reason: `hang: still running after ${this.timeoutMs} ms` }, ms: this.timeoutMs }, false), this.timeoutMs)
      worker.on("message", onMessage)
      worker.once("error", onError)
      worker.postMessage({ id, spec } satisfies Job)
    })
  }

  async stop(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()))
  }
}
