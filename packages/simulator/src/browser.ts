/**
 * The engine as the what-if page runs it in a browser (`pbpsim whatif`, docs/whatif.md).
 * scripts/build.mjs bundles this module with esbuild for the browser (an IIFE exposing the
 * global `PbpsimEngine`), from the same sources the CLI runs: the scenario is parsed and
 * decoded by `decodeScenario` / `decodeScenarioDocument`, each policy resolved by
 * `resolvePolicy`, run by `runPolicy` and printed by `toPlainRun`, so every figure the page
 * shows is the string `pbpsim compare --format json` prints for the same inputs.
 *
 * Nothing here touches Node: the scenario text and its experience CSV arrive as strings (the
 * CSV through the `readCsv` hook of the decoder). The modules that do import `node:*` (file
 * reading in scenario/load.ts, the Monte Carlo's workers) are only reached by code this entry
 * never calls; the bundle maps `node:*` to stubs that throw if called.
 */
import { Decimal } from "decimal.js"
import { formatFixed, InvalidArgument } from "@pbpsim/benchmark"
import { Either } from "effect"
import { parseDocument } from "yaml"
import { toPlainRun, type PlainPolicyRun } from "./api.js"
import { runContract } from "./engine/contract.js"
import type { IncentivePower } from "./engine/incentive.js"
import { projectExperience } from "./engine/realised.js"
import { runPolicy, type PolicyRun } from "./engine/run.js"
import type { ContractModel } from "./model.js"
import { parseExperienceCsv } from "./scenario/csv.js"
import type { ScenarioIssue } from "./scenario/errors.js"
import { decodeScenario, decodeScenarioDocument, type ReadCsv } from "./scenario/load.js"
import { withoutNumerals } from "./scenario/numerals.js"
import { deepMerge, isMapping } from "./scenario/overlay.js"
import { parseScenarioText } from "./scenario/parse.js"
import { policyNames, resolvePolicy, type Scenario } from "./scenario/resolve.js"
import { refusalIssue } from "./scenario/runChecks.js"
import type { CorridorRate, LossRate, SavingsRate } from "@pbpsim/benchmark"

/** What the page carries: the scenario file's text and the text of every experience CSV it names, keyed by the path the decoder asks for. */
export interface WhatIfInput {
  /** Name of the scenario file (shown in messages; a relative CSV path resolves against its folder). */
  readonly file: string
  readonly text: string
  readonly csv: Readonly<Record<string, string>>
}

/** One problem with an edit: where (a field path of the scenario) and what. */
export interface WhatIfIssue {
  readonly path: string
  readonly message: string
}

/**
 * A policy's results as `compare --format json` prints them (without `incentivePower` and
 * `incentiveCliffs` when run without incentive power), plus the payer's cost (expenditure + provider net) per year and in total. */
export interface WhatIfRun extends PlainPolicyRun {
  readonly payerCost: ReadonlyArray<string>
  readonly payerCostTotal: string
}

export type WhatIfResult = { readonly ok: true; readonly run: WhatIfRun } | { readonly ok: false; readonly issues: ReadonlyArray<WhatIfIssue> }

/** A corridor or sharing rate as the controls show it: a single rate they can edit, or a form they cannot (bands, MSSP's variable table…). */
export type RateControl = { readonly kind: "rate"; readonly rate: string } | { readonly kind: "variable" } | { readonly kind: "other"; readonly describe: string } | { readonly kind: "none" }

/** One schedule entry as the controls show it: its λ and settlement rates in force from its year. */
export interface ScheduleControl {
  readonly index: number
  readonly fromYear: number
  readonly name: string
  readonly providerWeight: string
  /** Whether the entry itself gives providerWeight (otherwise the glide path's λ of that year is shown). */
  readonly ownWeight: boolean
  readonly msr: RateControl
  readonly mlr: RateControl
  readonly savingsRate: RateControl
  readonly lossRate: RateControl
}

/** The starting values of every control for one policy: the figures its run uses. */
export interface Controls {
  readonly policy: string
  readonly startYear: number
  readonly years: number
  readonly provider: string
  /** Glide path λ per contract year (exact decimal text). */
  readonly providerWeights: ReadonlyArray<string>
  /** A peer weight by side is in force in every year: λ has no effect. */
  readonly weightsBySide: boolean
  readonly trend:
    | { readonly kind: "fixed"; readonly rate: string }
    | { readonly kind: "schedule"; readonly rates: ReadonlyArray<{ readonly year: string; readonly rate: string }> }
    | { readonly kind: "other"; readonly describe: string }
  /** Whether historicalTrend is absent, so the trend also brings baseline years forward. */
  readonly trendIsHistorical: boolean
  readonly rebasing: { readonly kind: string; readonly every: number; readonly weights: string; readonly alpha: string }
  readonly msr: RateControl
  readonly mlr: RateControl
  readonly savingsRate: RateControl
  readonly lossRate: RateControl
  /** The provider's savings level below its counterfactual per contract year. */
  readonly savings: ReadonlyArray<string>
  /** benchmark.risk.capUp: text, or null for no cap. */
  readonly capUp: string | null
  readonly schedule: ReadonlyArray<ScheduleControl>
  /** The policy's schedule entries as written (plain data), which an edit of an entry starts from. */
  readonly rawSchedule: ReadonlyArray<unknown>
}

const WHAT_IF = "what-if"

const text = (d: Decimal): string => d.toFixed()

const corridor = (rate: CorridorRate | undefined): RateControl =>
  rate === undefined ? { kind: "none" } : rate.kind === "fixed" ? { kind: "rate", rate: text(rate.rate) } : { kind: "variable" }

const sharing = (rate: SavingsRate | LossRate | undefined): RateControl =>
  rate === undefined
    ? { kind: "none" }
    : rate.kind === "flat"
      ? { kind: "rate", rate: text(rate.rate) }
      : { kind: "other", describe: rate.kind === "bands" ? `${rate.bands.length} marginal bands` : "quality-linked (MSSP ENHANCED)" }

const describeTrend = (trend: unknown): string => (isMapping(trend) ? `${String(trend["kind"])} trend` : "trend")

/** The issue's field path without the what-if policy's prefix: the path of the scenario field the edit wrote. */
const toWhatIfIssue = (issue: ScenarioIssue): WhatIfIssue => {
  const path = issue.path.replace(/^policies\[\d+\]\.overlay\.?/, "")
  return { path, message: issue.message }
}

const withPayerCost = (run: PlainPolicyRun): WhatIfRun => {
  const payerCost = run.years.map((y) => new Decimal(y.expenditure).add(y.providerNet))
  const total = payerCost.reduce((a, b) => a.add(b), new Decimal(0))
  return { ...run, payerCost: payerCost.map((d) => formatFixed(d, 2)), payerCostTotal: formatFixed(total, 2) }
}

/** Stands in for incentive power when it is not computed; the fields it feeds are removed from the plain run. */
const NOT_COMPUTED: IncentivePower = { value: new Decimal(0), derivation: { rule: "incentive.power", description: "not computed", formula: "", inputs: {}, steps: [] } as unknown as IncentivePower["derivation"], cliffs: [] }

/**
 * runPolicy, or without incentive power: incentive power re-runs the contract once per year and
 * probes the corridor edges, which is most of a run's time; nothing else depends on it.
 */
const runModel = (model: ContractModel, incentive: boolean): PolicyRun => {
  if (incentive) return runPolicy(model)
  const result = runContract(model, projectExperience(model))
  return { model, result, incentivePower: result.years.map(() => NOT_COMPUTED) }
}

const plain = (run: PolicyRun, incentive: boolean): PlainPolicyRun => {
  const full = toPlainRun(run)
  if (incentive) return full
  return { ...full, years: full.years.map(({ incentivePower: _power, incentiveCliffs: _cliffs, ...year }) => year as PlainPolicyRun["years"][number]) }
}

/** Runs one policy with the exact engine; a rule that refuses the inputs becomes an issue at its field. */
const runOne = (scenario: Scenario, name: string, incentive: boolean): WhatIfResult => {
  try {
    return { ok: true, run: withPayerCost(plain(runModel(resolvePolicy(scenario, name), incentive), incentive)) }
  } catch (error) {
    if (error instanceof InvalidArgument) return { ok: false, issues: [toWhatIfIssue(refusalIssue(scenario, name, error))] }
    if (error instanceof Error && "_tag" in error && error._tag === "ScenarioError") {
      return { ok: false, issues: (error as unknown as { issues: ReadonlyArray<ScenarioIssue> }).issues.map(toWhatIfIssue) }
    }
    throw error
  }
}

/** A what-if session over one scenario: decode it once, then run edits of its policies. */
export interface WhatIfSession {
  readonly file: string
  readonly name: string
  readonly description: string
  readonly policies: ReadonlyArray<string>
  /** The scenario's own policies (with incentive power or without), each run once and kept. */
  runs(incentive: boolean): ReadonlyArray<WhatIfResult>
  controls(policy: string): Controls
  /** The what-if: `policy` with `patch` laid over its overlay (deep-merged as overlays are), decoded, checked and run. */
  run(policy: string, patch: unknown, incentive: boolean): WhatIfResult
  /** The what-if's overlay: the base policy's overlay with the patch merged over it. */
  overlay(policy: string, patch: unknown): unknown
  /** The scenario file with the what-if added as a last policy `name` (comments kept, an experience CSV inlined), as YAML. */
  yaml(policy: string, patch: unknown, name?: string): string
}

export type OpenResult = { readonly ok: true; readonly session: WhatIfSession } | { readonly ok: false; readonly issues: ReadonlyArray<WhatIfIssue> }

/** Opens a scenario: decoded exactly as `pbpsim` decodes the file (numbers as written, the CSV through the same parser). */
export const open = (input: WhatIfInput): OpenResult => {
  const readCsv: ReadCsv = (path) => {
    const csv = input.csv[path]
    if (csv === undefined) throw new Error(`the page carries no CSV ${path}`)
    return csv
  }
  const decoded = decodeScenario(input.text, input.file, readCsv)
  if (Either.isLeft(decoded)) return { ok: false, issues: decoded.left.issues.map(toWhatIfIssue) }
  const scenario = decoded.right
  const parsed = parseScenarioText(input.text, input.file)
  if (Either.isLeft(parsed)) return { ok: false, issues: parsed.left.map(toWhatIfIssue) }
  const raw = parsed.right.value as Readonly<Record<string, unknown>>
  const { policies: rawPolicies, ...rawBody } = raw
  const policyList = rawPolicies as ReadonlyArray<Readonly<Record<string, unknown>>>
  const names = policyNames(scenario)
  const overlayOf = (policy: string): unknown => {
    const index = names.indexOf(policy)
    if (index < 0) throw new Error(`no policy named ${policy}`)
    return policyList[index]?.["overlay"] ?? {}
  }
  const whatIfOverlay = (policy: string, patch: unknown): unknown => deepMerge(overlayOf(policy), patch ?? {})

  const controls = (policy: string): Controls => {
    const model = resolvePolicy(scenario, policy)
    const body = scenario.policies[names.indexOf(policy)]!.body
    const effective = withoutNumerals(deepMerge(rawBody, overlayOf(policy))) as Record<string, any>
    const benchmark = (effective["benchmark"] ?? {}) as Record<string, any>
    const trend = benchmark["trend"]
    const rebasing = (benchmark["rebasing"] ?? { kind: "none" }) as Record<string, any>
    // The base terms before any schedule entry: resolve the policy as if it had no schedule.
    const baseModel = resolveWithoutSchedule(scenario, policy)
    const base = baseModel.terms[0]!.settlement
    const rawSchedule = (Array.isArray(effective["schedule"]) ? effective["schedule"] : []) as ReadonlyArray<Record<string, any>>
    const schedule = rawSchedule.map((entry, index): ScheduleControl => {
      const fromYear = Number(entry["fromYear"])
      const terms = model.terms[fromYear - 1]!
      return {
        index,
        fromYear,
        name: String(entry["name"] ?? `from year ${fromYear}`),
        providerWeight: text(terms.providerWeight ?? model.glidePath[fromYear - 1]!),
        ownWeight: isMapping(entry["benchmark"]) && entry["benchmark"]["providerWeight"] !== undefined,
        msr: corridor(terms.settlement.msr),
        mlr: corridor(terms.settlement.mlr),
        savingsRate: sharing(terms.settlement.savingsRate),
        lossRate: sharing(terms.settlement.lossRate)
      }
    })
    const weights = rebasing["weights"] ?? effective["contract"]?.["baseline"]?.["weights"] ?? ["1"]
    return {
      policy,
      startYear: model.startYear,
      years: model.years,
      provider: model.provider,
      providerWeights: model.glidePath.map(text),
      weightsBySide: model.terms.every((t) => t.peerWeightBySide !== undefined),
      trend:
        isMapping(trend) && trend["kind"] === "fixed"
          ? { kind: "fixed", rate: String(trend["rate"]) }
          : isMapping(trend) && trend["kind"] === "schedule" && isMapping(trend["rates"])
            ? { kind: "schedule", rates: Object.entries(trend["rates"]).map(([year, rate]) => ({ year, rate: String(rate) })) }
            : { kind: "other", describe: describeTrend(trend) },
      trendIsHistorical: body.benchmark.historicalTrend === undefined,
      rebasing: {
        kind: String(rebasing["kind"] ?? "none"),
        every: Number(rebasing["every"] ?? Math.min(3, model.years)),
        weights: (weights as ReadonlyArray<unknown>).map(String).join(", "),
        alpha: String(rebasing["alpha"] ?? "0.5")
      },
      msr: corridor(base.msr),
      mlr: corridor(base.mlr),
      savingsRate: sharing(base.savingsRate),
      lossRate: sharing(base.lossRate),
      savings: model.projection.get(model.provider)!.savings.map(text),
      capUp: body.benchmark.risk?.capUp === undefined || body.benchmark.risk.capUp === null ? null : text(body.benchmark.risk.capUp),
      schedule,
      rawSchedule
    }
  }

  const run = (policy: string, patch: unknown, incentive: boolean): WhatIfResult => {
    // The base and the what-if alone: the other policies' overlays need not be decoded again.
    const document = { ...rawBody, policies: [{ name: WHAT_IF, description: `${policy}, edited in the what-if page`, overlay: whatIfOverlay(policy, patch) }] }
    const edited = decodeScenarioDocument(document, input.file, readCsv)
    if (Either.isLeft(edited)) return { ok: false, issues: edited.left.issues.map(toWhatIfIssue) }
    return runOne(edited.right, WHAT_IF, incentive)
  }
  const cached = new Map<boolean, ReadonlyArray<WhatIfResult>>()
  const runs = (incentive: boolean): ReadonlyArray<WhatIfResult> => {
    const done = cached.get(incentive) ?? names.map((name) => runOne(scenario, name, incentive))
    cached.set(incentive, done)
    return done
  }

  const yaml = (policy: string, patch: unknown, name = WHAT_IF): string => {
    const doc = parseDocument(input.text, { uniqueKeys: true, resolveKnownTags: false })
    let unique = name
    for (let i = 2; names.includes(unique); i++) unique = `${name}-${i}`
    inlineCsv(doc, ["experience"], input.file, readCsv)
    const items = doc.get("policies", true) as { items?: ReadonlyArray<unknown> } | undefined
    for (let i = 0; i < (items?.items?.length ?? 0); i++) inlineCsv(doc, ["policies", i, "overlay", "experience"], input.file, readCsv)
    const overlay = withoutNumerals(whatIfOverlay(policy, patch))
    doc.addIn(["policies"], doc.createNode({ name: unique, description: `The policy ${policy} with the changes made in the what-if page (pbpsim whatif)`, overlay }, { flow: false }))
    return doc.toString({ lineWidth: 0 })
  }

  return {
    ok: true,
    session: {
      file: input.file,
      name: scenario.name,
      description: scenario.description,
      policies: names,
      runs,
      controls,
      run,
      overlay: (policy, patch) => withoutNumerals(whatIfOverlay(policy, patch)),
      yaml
    }
  }
}

/** The policy resolved with its schedule removed: the base settlement terms its schedule entries start from. */
const resolveWithoutSchedule = (scenario: Scenario, policy: string) => {
  const index = scenario.policies.findIndex((p) => p.name === policy)
  const p = scenario.policies[index]!
  const { schedule: _schedule, ...body } = p.body
  return resolvePolicy({ ...scenario, policies: [{ ...p, body }] }, policy)
}

/** Replaces `experience: { csv: … }` at `at` by the CSV's rows, inline (exact decimal text), so the saved file needs no other file. */
const inlineCsv = (doc: ReturnType<typeof parseDocument>, at: ReadonlyArray<string | number>, file: string, readCsv: ReadCsv): void => {
  const node = doc.getIn(at) as unknown
  const csv = node !== null && typeof node === "object" && "get" in node ? (node as { get: (k: string) => unknown }).get("csv") : undefined
  if (typeof csv !== "string") return
  const path = joinPath(dirnameOf(file), csv)
  const rows = parseExperienceCsv(readCsv(path), path)
  if (Either.isLeft(rows)) throw new Error(`cannot inline ${path}: ${rows.left.map((i) => i.message).join("; ")}`)
  const plain = rows.right.map(({ row }) => ({
    entity: row.entity,
    ...(row.group === undefined ? {} : { group: row.group }),
    ...(row.segment === undefined ? {} : { segment: row.segment }),
    year: row.year,
    memberMonths: text(row.memberMonths),
    cost: text(row.cost),
    riskScore: text(row.riskScore)
  }))
  const list = doc.createNode(plain)
  for (const item of (list as unknown as { items: Array<{ flow: boolean }> }).items) item.flow = true
  doc.setIn(at, list)
}

// POSIX path helpers, as node:path computes the CSV path the decoder asks for (the page has no node:path).
const dirnameOf = (file: string): string => {
  const i = file.lastIndexOf("/")
  return i < 0 ? "." : i === 0 ? "/" : file.slice(0, i)
}

const joinPath = (...parts: ReadonlyArray<string>): string => {
  const joined = parts.filter((p) => p.length > 0).join("/")
  const absolute = joined.startsWith("/")
  const out: Array<string> = []
  for (const segment of joined.split("/")) {
    if (segment === "" || segment === ".") continue
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop()
      else if (!absolute) out.push("..")
    } else out.push(segment)
  }
  const path = (absolute ? "/" : "") + out.join("/")
  return path === "" ? "." : path
}

/** What scenario/load.ts needs of node:path (resolving a CSV path), for the bundle's stub of node:path. */
export const nodePath = { join: joinPath, dirname: dirnameOf, isAbsolute: (path: string): boolean => path.startsWith("/") }
