import { dec, InvalidArgument, max, min, ONE, ZERO } from "@pbpsim/benchmark"
import { Decimal } from "decimal.js"
import { Either } from "effect"
import type { PathSegment } from "../scenario/errors.js"
import { formatPath } from "../scenario/errors.js"
import { decodeScenarioDocument, MAX_CSV_BYTES, readTextFile, type ReadCsv } from "../scenario/load.js"
import { setIn } from "../scenario/overrides.js"
import { resolvePolicy, unknownPolicyIssue, type Scenario } from "../scenario/resolve.js"
import { scenarioError } from "../scenario/errors.js"
import type { ScenarioBodyDocument, TrendPolicyDocument, TrendSpecDocument } from "../scenario/schema.js"
import { settlementTerms } from "../scenario/terms.js"
import { runPolicy, type PolicyRun } from "./run.js"

/**
 * One-at-a-time sensitivity of a policy's contract totals (docs/sensitivity.md): each input is
 * moved down and up by a stated step, the changed scenario is decoded and checked like a file
 * (a variation the rules refuse is reported for that input), run by the exact engine, and the
 * inputs are ranked by how far they move provider net and payer cost over the contract.
 */

/** Contract totals a variation is judged by (exact). */
export interface SensitivityOutcome {
  /** Σ shared savings − shared losses (+ advances) over the contract: totals.providerNet. */
  readonly providerNet: Decimal
  /** What the payer spends over the contract: expenditure + provider net (as simulate's paired differences). */
  readonly payerCost: Decimal
}

/** A variation the scenario's rules refuse (its value outside a field's range, a corridor a preset does not allow). */
export interface SensitivityRefusal {
  readonly refused: string
}

export type SensitivitySide = SensitivityOutcome | SensitivityRefusal

export const isRefused = (side: SensitivitySide): side is SensitivityRefusal => "refused" in side

/** One input varied down and up. */
export interface SensitivityInput {
  /** Its name in --inputs: trend, marketTrend, providerWeight, … */
  readonly input: string
  /** What it is, in words. */
  readonly label: string
  /** The fields moved (paths in the policy's scenario). */
  readonly paths: ReadonlyArray<string>
  /** The step: each field moves by −step (low) and +step (high), clamped where the field is bounded. */
  readonly step: Decimal
  /** The step in words ("±0.005 each year"). */
  readonly change: string
  readonly low: SensitivitySide
  readonly high: SensitivitySide
  /** high − low of each total (a refused side counts as the base): positive when raising the input raises it. */
  readonly swing: SensitivityOutcome
}

/** An input the scenario does not have, and why. */
export interface SkippedInput {
  readonly input: string
  readonly label: string
  readonly reason: string
}

export interface SensitivityResult {
  readonly policy: string
  readonly base: SensitivityOutcome
  /** Sorted by the larger of |swing.providerNet| and |swing.payerCost|, largest first (ties in INPUTS order). */
  readonly inputs: ReadonlyArray<SensitivityInput>
  readonly skipped: ReadonlyArray<SkippedInput>
}

export interface SensitivityOptions {
  /** Inputs to vary, by name (default: every input of SENSITIVITY_INPUTS the scenario has). */
  readonly inputs?: ReadonlyArray<string>
  /** Reads an experience CSV (default: from the file system, once per file for all variations). */
  readonly readCsv?: ReadCsv
}

// ---------------------------------------------------------------- inputs

/** A field to move: where it is in the policy's scenario, its value, and its bounds. */
interface Target {
  readonly path: ReadonlyArray<PathSegment>
  readonly value: Decimal
  readonly min?: Decimal
  readonly max?: Decimal
  /** The document value for a moved decimal (default the decimal itself; `{ fixed }` for a corridor). */
  readonly wrap?: (d: Decimal) => unknown
}

/** The fields an input moves in a body, or why it does not apply. `body` is the body to vary (an implicit value made explicit). */
type Targets = Either.Either<{ readonly body: ScenarioBodyDocument; readonly targets: ReadonlyArray<Target> }, string>

export interface InputDefinition {
  readonly input: string
  readonly label: string
  readonly step: Decimal
  readonly change: string
  readonly targets: (body: ScenarioBodyDocument) => Targets
}

const RATE_POINT = dec("0.005")
const SHARE = { min: ZERO, max: ONE }

type Schedule = NonNullable<ScenarioBodyDocument["schedule"]>

const scheduleOf = (body: ScenarioBodyDocument): Schedule => body.schedule ?? ([] as unknown as Schedule)

const found = (body: ScenarioBodyDocument, targets: ReadonlyArray<Target>, none: string): Targets =>
  targets.length > 0 ? Either.right({ body, targets }) : Either.left(none)

/** The fixed rates of a trend: a fixed rate, every year of a schedule, the fixed and schedule parts of a blend. */
const trendRates = (trend: TrendSpecDocument | TrendPolicyDocument, at: ReadonlyArray<PathSegment>): ReadonlyArray<Target> => {
  switch (trend.kind) {
    case "fixed":
      return [{ path: [...at, "rate"], value: trend.rate }]
    case "schedule":
      return Object.entries(trend.rates).map(([year, rate]) => ({ path: [...at, "rates", year], value: rate }))
    case "blend":
      return trend.parts.flatMap((part, i) => trendRates(part.trend, [...at, "parts", i, "trend"]))
    case "observed":
      return []
  }
}

/** One decimal or one per contract year. */
const perYearTargets = (value: Decimal | ReadonlyArray<Decimal>, at: ReadonlyArray<PathSegment>, bounds: { min?: Decimal; max?: Decimal } = {}): ReadonlyArray<Target> =>
  Decimal.isDecimal(value) ? [{ path: at, value, ...bounds }] : (value as ReadonlyArray<Decimal>).map((v, i) => ({ path: [...at, i], value: v, ...bounds }))

/** Settlement terms in force at the base (a preset's included); undefined when they do not resolve. */
const baseTerms = (body: ScenarioBodyDocument) => Either.getOrUndefined(settlementTerms(body.settlement))

/** The body with one field set (the prepared form of an implicit value). */
const withValue = (body: ScenarioBodyDocument, path: ReadonlyArray<PathSegment>, value: unknown): ScenarioBodyDocument =>
  Either.getOrThrow(setIn(body, path, value)) as ScenarioBodyDocument

const corridor = (which: "msr" | "mlr") => (body: ScenarioBodyDocument): Targets => {
  const terms = baseTerms(body)
  const rate = terms?.[which]
  const written = body.settlement[which]
  const scheduled = scheduleOf(body).flatMap((entry, i): ReadonlyArray<Target> => {
    const c = entry.settlement?.[which]
    return c !== undefined && c !== null && typeof c === "object" ? [{ path: ["schedule", i, "settlement", which, "fixed"], value: c.fixed, ...SHARE }] : []
  })
  if (rate === undefined || rate.kind !== "fixed") {
    const why = rate === undefined ? (which === "mlr" ? "one-sided terms: no minimum loss rate" : "no minimum savings rate") : `${which} is mssp-variable: a table by assigned beneficiaries, not one rate`
    return found(body, scheduled, why)
  }
  const own: Target =
    written !== undefined && written !== null && typeof written === "object"
      ? { path: ["settlement", which, "fixed"], value: written.fixed, ...SHARE }
      : { path: ["settlement", which], value: rate.rate, ...SHARE, wrap: (d) => ({ fixed: d }) }
  return found(body, [own, ...scheduled], "")
}

/**
 * The inputs varied by default, in this order, with their steps: rates by half a percentage
 * point, weights and sharing rates by a tenth, the savings cap by 2 points, the risk cap and
 * the provider's savings and the discount by 1 point.
 */
export const SENSITIVITY_INPUTS: ReadonlyArray<InputDefinition> = [
  {
    input: "trend",
    label: "Benchmark trend rate (0.005 = 0.5 percentage point)",
    step: RATE_POINT,
    change: "±0.005 each year",
    targets: (body) =>
      found(
        body,
        [
          ...trendRates(body.benchmark.trend, ["benchmark", "trend"]),
          ...scheduleOf(body).flatMap((entry, i) => (entry.benchmark?.trend ? trendRates(entry.benchmark.trend, ["schedule", i, "benchmark", "trend"]) : []))
        ],
        `the trend is observed (${body.benchmark.trend.kind === "observed" ? body.benchmark.trend.source : "realised"} growth): no rate to vary`
      )
  },
  {
    input: "marketTrend",
    label: "Market cost trend of the projection (0.005 = 0.5 percentage point)",
    step: RATE_POINT,
    change: "±0.005 each year",
    targets: (body) => found(body, perYearTargets(body.projection.marketTrend, ["projection", "marketTrend"]), "no market trend")
  },
  {
    input: "providerWeight",
    label: "Provider weight λ (glide path)",
    step: dec("0.1"),
    change: "±0.1 each year, in [0, 1]",
    targets: (body) => {
      const g = body.benchmark.glidePath
      const at = ["benchmark", "glidePath"]
      const own: ReadonlyArray<Target> =
        "providerWeights" in g
          ? g.providerWeights.map((w, i) => ({ path: [...at, "providerWeights", i], value: w, ...SHARE }))
          : "constant" in g
            ? [{ path: [...at, "constant"], value: g.constant, ...SHARE }]
            : [
                { path: [...at, "from"], value: g.from, ...SHARE },
                { path: [...at, "to"], value: g.to, ...SHARE }
              ]
      const scheduled = scheduleOf(body).flatMap((entry, i): ReadonlyArray<Target> =>
        entry.benchmark?.providerWeight ? [{ path: ["schedule", i, "benchmark", "providerWeight"], value: entry.benchmark.providerWeight, ...SHARE }] : []
      )
      return found(body, [...own, ...scheduled], "no glide path")
    }
  },
  {
    input: "savingsRate",
    label: "Shared savings rate",
    step: dec("0.1"),
    change: "±0.1, in [0, 1]",
    targets: (body) => {
      const rate = baseTerms(body)?.savingsRate
      const scheduled = scheduleOf(body).flatMap((entry, i): ReadonlyArray<Target> => {
        const s = entry.settlement?.savingsRate
        return Decimal.isDecimal(s) ? [{ path: ["schedule", i, "settlement", "savingsRate"], value: s, ...SHARE }] : []
      })
      if (rate === undefined || rate.kind !== "flat") return found(body, scheduled, "the sharing rate is in bands, not one rate")
      return found(body, [{ path: ["settlement", "savingsRate"], value: rate.rate, ...SHARE }, ...scheduled], "")
    }
  },
  { input: "msr", label: "Minimum savings rate (MSR, share of the benchmark)", step: RATE_POINT, change: "±0.005, in [0, 1]", targets: corridor("msr") },
  { input: "mlr", label: "Minimum loss rate (MLR, share of the benchmark)", step: RATE_POINT, change: "±0.005, in [0, 1]", targets: corridor("mlr") },
  {
    input: "savingsCap",
    label: "Savings cap (share of the benchmark)",
    step: dec("0.02"),
    change: "±0.02, ≥ 0",
    targets: (body) => {
      const cap = baseTerms(body)?.savingsCap
      return cap === undefined ? Either.left("uncapped savings") : found(body, [{ path: ["settlement", "savingsCap"], value: cap, min: ZERO }], "")
    }
  },
  {
    input: "riskCap",
    label: "Risk ratio cap (capUp)",
    step: dec("0.01"),
    change: "±0.01, ≥ 0",
    targets: (body) => {
      const capUp = body.benchmark.risk.capUp
      const own: ReadonlyArray<Target> = capUp ? [{ path: ["benchmark", "risk", "capUp"], value: capUp, min: ZERO }] : []
      const scheduled = scheduleOf(body).flatMap((entry, i): ReadonlyArray<Target> => {
        const c = entry.benchmark?.risk?.capUp
        return c ? [{ path: ["schedule", i, "benchmark", "risk", "capUp"], value: c, min: ZERO }] : []
      })
      return found(body, [...own, ...scheduled], "no cap on the risk ratio (benchmark.risk.capUp)")
    }
  },
  {
    input: "savings",
    label: "Provider's planned savings (share below counterfactual cost)",
    step: dec("0.01"),
    change: "±0.01 each year",
    targets: (body) => {
      const provider = body.contract.provider
      const own = body.projection.entities?.[provider]?.savings
      const fallback = body.projection.default?.savings
      const savings = own ?? fallback
      if (savings === undefined) return Either.left(`no planned savings for the provider ${provider} (projection.entities or projection.default)`)
      const at: ReadonlyArray<PathSegment> = ["projection", "entities", provider, "savings"]
      // Savings from the default become the provider's own, so the peers' plans stay as they are.
      const prepared = own === undefined ? withValue(body, at, savings) : body
      const targets: ReadonlyArray<Target> = Decimal.isDecimal(savings)
        ? [{ path: at, value: savings }]
        : Array.isArray(savings)
          ? (savings as ReadonlyArray<Decimal>).map((v, i) => ({ path: [...at, i], value: v }))
          : [{ path: [...at, "annual"], value: (savings as { readonly annual: Decimal }).annual }]
      return found(prepared, targets, "")
    }
  },
  {
    input: "discount",
    label: "Benchmark discount (share of the benchmark)",
    step: dec("0.01"),
    change: "±0.01 each year",
    targets: (body) => {
      const own = perYearTargets(body.benchmark.discount, ["benchmark", "discount"])
      const scheduled = scheduleOf(body).flatMap((entry, i): ReadonlyArray<Target> =>
        entry.benchmark?.discount ? [{ path: ["schedule", i, "benchmark", "discount"], value: entry.benchmark.discount }] : []
      )
      const all = [...own, ...scheduled]
      return all.every((t) => t.value.isZero()) ? Either.left("no discount (benchmark.discount is 0)") : found(body, all, "")
    }
  }
]

/** The input names --inputs accepts, in default order. */
export const SENSITIVITY_INPUT_NAMES: ReadonlyArray<string> = SENSITIVITY_INPUTS.map((d) => d.input)

// ---------------------------------------------------------------- running

const outcomeOf = (run: PolicyRun): SensitivityOutcome => ({
  providerNet: run.result.totals.providerNet,
  payerCost: run.result.totals.expenditure.add(run.result.totals.providerNet)
})

/** The body with every target moved by sign × step (clamped to its bounds). */
const moved = (body: ScenarioBodyDocument, targets: ReadonlyArray<Target>, step: Decimal): ScenarioBodyDocument =>
  targets.reduce<ScenarioBodyDocument>((b, t) => {
    const shifted = t.value.add(step)
    const bounded = min(max(shifted, t.min ?? shifted), t.max ?? shifted)
    return withValue(b, t.path, t.wrap ? t.wrap(bounded) : bounded)
  }, body)

/** Reads each CSV once for all the variations. */
const cachedReader = (read: ReadCsv): ReadCsv => {
  const cache = new Map<string, string>()
  return (path) => {
    const hit = cache.get(path)
    if (hit !== undefined) return hit
    const text = read(path)
    cache.set(path, text)
    return text
  }
}

/**
 * Runs the policy on a changed body: decoded and checked as a file whose base is the body and
 * whose one policy changes nothing; what the checks or the rules refuse comes back as a refusal.
 */
const runVariant = (scenario: Scenario, policy: string, body: ScenarioBodyDocument, readCsv: ReadCsv): SensitivitySide => {
  const decoded = decodeScenarioDocument({ ...body, policies: [{ name: policy, overlay: {} }] }, scenario.file, readCsv)
  if (Either.isLeft(decoded)) return { refused: decoded.left.issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; ") }
  try {
    return outcomeOf(runPolicy(resolvePolicy(decoded.right, policy)))
  } catch (error) {
    if (error instanceof InvalidArgument) return { refused: error.message }
    throw error
  }
}

const orBase = (side: SensitivitySide, base: SensitivityOutcome): SensitivityOutcome => (isRefused(side) ? base : side)

/** The larger absolute swing: what the inputs are ranked by. */
export const swingSize = (swing: SensitivityOutcome): Decimal => max(swing.providerNet.abs(), swing.payerCost.abs())

/**
 * Varies each input of one policy down and up by its step and reruns the exact contract.
 * Throws a ScenarioError for an unknown policy or input name; a variation the scenario's
 * checks or rules refuse is a refused side of that input, not an error.
 */
export const sensitivity = (scenario: Scenario, policy: string, options: SensitivityOptions = {}): SensitivityResult => {
  const chosen = scenario.policies.find((p) => p.name === policy)
  if (chosen === undefined) throw scenarioError([unknownPolicyIssue(scenario, policy)])
  const requested = options.inputs ?? []
  const unknown = requested.filter((name) => !SENSITIVITY_INPUT_NAMES.includes(name))
  if (unknown.length > 0) {
    const expected = `inputs among ${SENSITIVITY_INPUT_NAMES.join(", ")}`
    const actual = unknown.map((n) => JSON.stringify(n)).join(", ")
    throw scenarioError([{ file: scenario.file, path: "--inputs", expected, actual, message: `expected ${expected}, got ${actual}` }])
  }
  const definitions = requested.length === 0 ? SENSITIVITY_INPUTS : SENSITIVITY_INPUTS.filter((d) => requested.includes(d.input))
  const base = outcomeOf(runPolicy(resolvePolicy(scenario, policy)))
  const readCsv = cachedReader(options.readCsv ?? ((path) => readTextFile(path, MAX_CSV_BYTES, "an experience CSV")))
  const inputs: Array<SensitivityInput> = []
  const skipped: Array<SkippedInput> = []
  for (const d of definitions) {
    const found = d.targets(chosen.body)
    if (Either.isLeft(found)) {
      skipped.push({ input: d.input, label: d.label, reason: found.left })
      continue
    }
    const { body, targets } = found.right
    const low = runVariant(scenario, policy, moved(body, targets, d.step.neg()), readCsv)
    const high = runVariant(scenario, policy, moved(body, targets, d.step), readCsv)
    const lo = orBase(low, base)
    const hi = orBase(high, base)
    inputs.push({
      input: d.input,
      label: d.label,
      paths: targets.map((t) => formatPath(t.path)),
      step: d.step,
      change: d.change,
      low,
      high,
      swing: { providerNet: hi.providerNet.sub(lo.providerNet), payerCost: hi.payerCost.sub(lo.payerCost) }
    })
  }
  // Stable: equal swings keep the default order.
  const ranked = inputs
    .map((input, index) => ({ input, index }))
    .sort((a, b) => swingSize(b.input.swing).comparedTo(swingSize(a.input.swing)) || a.index - b.index)
    .map((x) => x.input)
  return { policy, base, inputs: ranked, skipped }
}
