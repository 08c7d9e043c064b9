import { formatFixed, invalid, type ContractYearBenchmark, type Explained, type Settlement } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { Cause, Effect, Either, Exit, Option } from "effect"
import type { IncentivePower } from "./engine/incentive.js"
import { runPolicy, type PolicyRun } from "./engine/run.js"
import { simulate } from "./montecarlo/simulate.js"
import type { SimulationSummary } from "./montecarlo/summary.js"
import { scenarioError } from "./scenario/errors.js"
import { decodeScenario, decodeScenarioDocument, loadScenario, type ReadCsv } from "./scenario/load.js"
import { policyNames, resolvePolicy, unknownPolicyIssue, type Scenario } from "./scenario/resolve.js"
import { settlementTermsName } from "./model.js"

/**
 * Plain async functions for callers who do not use Effect: each returns a Promise that
 * resolves to the result or rejects with the library's own error, never a FiberFailure:
 * - ScenarioError: everything wrong with a scenario (or an unknown policy name), all at once;
 *   `message` is what `pbpsim` prints, one `file: path: expected …, got …` line per issue, and
 *   `issues` holds the same as data.
 * - InvalidArgument (from @pbpsim/benchmark): a rule refused its inputs (a variable MSR below
 *   500 assigned members, say); `rule`, `field` and `message` say which and why.
 * - RangeError: a bad trial or worker count.
 * The Effect-returning functions they wrap (loadScenario, decodeScenario, …) stay public.
 */

/** Runs an Effect (or Either) to a Promise that rejects with the typed failure itself. */
const toPromise = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.failureOption(exit.cause)
  throw Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
}

/** Reads and checks a scenario file (YAML or JSON) and the experience CSV it names. Rejects with a ScenarioError listing every problem. */
export const loadScenarioFile = (path: string): Promise<Scenario> => toPromise(loadScenario(path))

/** Options of parseScenario. */
export interface ParseScenarioOptions {
  /**
   * Names the scenario in error messages and anchors a relative `experience: { csv: … }`
   * path (against its folder). Default `"scenario"`: CSV paths resolve against the working directory.
   */
  readonly file?: string
  /** Reads an experience CSV given its resolved path (default: from the file system); may throw. */
  readonly readCsv?: ReadCsv
}

/**
 * Checks a scenario held in memory: YAML or JSON text, or the object such a file parses to
 * (numbers as JS numbers, decimal strings or Decimals; give amounts that need more than 15
 * significant digits as strings). Rejects with a ScenarioError listing every problem.
 */
export const parseScenario = async (document: unknown, options: ParseScenarioOptions = {}): Promise<Scenario> => {
  const file = options.file ?? "scenario"
  const decoded =
    typeof document === "string" ? decodeScenario(document, file, options.readCsv) : decodeScenarioDocument(document, file, options.readCsv)
  if (Either.isLeft(decoded)) throw decoded.left
  return decoded.right
}

/** The policy names given, checked against the scenario (all of its policies when none are given). */
const selectPolicies = (scenario: Scenario, names: ReadonlyArray<string> | undefined): ReadonlyArray<string> => {
  if (names === undefined || names.length === 0) return policyNames(scenario)
  const known = policyNames(scenario)
  const unknown = names.filter((n) => !known.includes(n))
  if (unknown.length > 0) throw scenarioError(unknown.map((n) => unknownPolicyIssue(scenario, n)))
  return names
}

/** Resolves one policy of a scenario and runs it with the exact engine (the async, by-name form of `runPolicy`). */
export const runScenarioPolicy = async (scenario: Scenario, policy: string): Promise<PolicyRun> => runPolicy(resolvePolicy(scenario, policy))

/**
 * Runs policies of a scenario with the exact engine, in the order given (default: every
 * policy, in file order). Unknown names reject with one ScenarioError naming them all.
 */
export const comparePolicies = async (scenario: Scenario, policies?: ReadonlyArray<string>): Promise<ReadonlyArray<PolicyRun>> =>
  selectPolicies(scenario, policies).map((name) => runPolicy(resolvePolicy(scenario, name)))

/** One contract year of a policy with the derivation of each figure (what `pbpsim explain` prints). */
export interface YearExplanation {
  readonly policy: string
  /** 1-based contract year. */
  readonly contractYear: number
  readonly year: number
  readonly benchmark: Explained<ContractYearBenchmark>
  readonly settlement: Explained<Settlement>
  /** The slope in year t's cost and the cliffs within reach (docs/model.md §7). */
  readonly incentivePower: IncentivePower
}

/**
 * How one year's benchmark, settlement and incentive power were derived. `year` is a contract
 * year (1, 2, …) or a calendar year (2026). Turn a derivation into JSON with derivationToJson
 * or walk it with flatten / findStep (@pbpsim/benchmark).
 */
export const explainYear = async (scenario: Scenario, policy: string, year: number): Promise<YearExplanation> => {
  const run = runPolicy(resolvePolicy(scenario, policy))
  const years = run.result.years
  const index = year >= 1 && year <= years.length ? year - 1 : years.findIndex((y) => y.year === year)
  const y = years[index]
  if (y === undefined) {
    throw invalid(
      "explainYear",
      "year",
      `must be a contract year 1–${years.length} or a calendar year ${years[0]?.year}–${years[years.length - 1]?.year}, got ${year}`
    )
  }
  return {
    policy: run.result.policyName,
    contractYear: y.contractYear,
    year: y.year,
    benchmark: y.benchmark,
    settlement: y.settlement,
    incentivePower: run.incentivePower[index]!
  }
}

/** Options of simulatePolicies. */
export interface SimulatePoliciesOptions {
  /** Trials of the run (≥ 1). Trials run in blocks of 1,000 (BLOCK_TRIALS); a block is the unit a worker takes. */
  readonly trials: number
  /** Seed of the draws (any text; default "1", as `pbpsim simulate`). Trial t draws from "<seed>:<t>" only. */
  readonly seed?: string | number
  /** Threads (default 1). Any count gives the same summary; more than 1 only helps above 1,000 trials. */
  readonly workers?: number
  /** Policies to simulate, on common random numbers, in this order (default: every policy of the scenario; the first is the one the others are compared with). */
  readonly policies?: ReadonlyArray<string>
  /** Called after each block with trials done and trials to do. */
  readonly onProgress?: (done: number, total: number) => void
}

/**
 * Monte Carlo: simulates policies of a scenario on the same draws and returns the summary
 * (per policy, contract year and whole contract; each later policy against the first). Worker threads run the
 * package's built dist/montecarlo/worker.js. For shards and their merge, use compileSimulation,
 * simulatePlan and mergeStates.
 */
export const simulatePolicies = async (scenario: Scenario, options: SimulatePoliciesOptions): Promise<SimulationSummary> => {
  const models = selectPolicies(scenario, options.policies).map((name) => resolvePolicy(scenario, name))
  const simulation = await simulate(models, {
    trials: options.trials,
    seed: String(options.seed ?? "1"),
    workers: options.workers ?? 1,
    ...(options.onProgress ? { onProgress: options.onProgress } : {})
  })
  return simulation.summary
}

// ---------------------------------------------------------------- plain data

/** One contract year as plain data: money and PMPM to cents, rates and factors to 6 places, as `pbpsim compare --format json`. */
export interface PlainYear {
  readonly contractYear: number
  readonly year: number
  readonly providerWeight: string
  readonly rebased: boolean
  /** The terms in force: the schedule entry's name (or "base terms"), from which contract year, and the settlement terms' name. */
  readonly terms: { readonly name: string; readonly fromYear: number; readonly settlement: string }
  readonly providerReferenceYears: ReadonlyArray<number>
  readonly peerReferenceYears: ReadonlyArray<number>
  readonly providerBaseline: string
  readonly peerBaseline: string
  readonly blended: string
  /** Prior savings credit PMPM as applied this year (0.00 when none or when a higher convergence adjustment won). */
  readonly savingsCredit: string
  /** Health equity add-on PMPM after the discount (0.00 when none). */
  readonly equityAddOn: string
  readonly trendFactor: string
  readonly riskRatio: string
  readonly benchmarkPmpm: string
  readonly actualPmpm: string
  readonly memberMonths: string
  readonly benchmarkTotal: string
  readonly expenditure: string
  readonly gross: string
  readonly savingsRate: string
  readonly msr: string
  /** What the year settled as: "savings paid", "savings not paid", "loss owed", "loss not owed", "none" or "guardrail: neither" (MSSP's loss guardrail). */
  readonly outcome: Settlement["settled"]
  readonly sharedSavings: string
  readonly sharedLosses: string
  readonly providerNet: string
  readonly payerNet: string
  /** Provider net over the contract per $1 of this year's cost cut: the exact slope, 6 places. */
  readonly incentivePower: string
  /** Corridor edges whose crossing makes provider net jump, within ±$1 PMPM of this year's actual cost, nearest first. */
  readonly incentiveCliffs: ReadonlyArray<PlainCliff>
  /** MSSP's loss guardrail, when the scenario gives it: the recalculated benchmark (total) and what it did ("none", "reduced" or "neither"). */
  readonly guardrail?: { readonly benchmarkTotal: string; readonly applied: "none" | "reduced" | "neither" }
  /** Per segment, when the benchmark is computed per segment (benchmark.bySegment). */
  readonly segments?: ReadonlyArray<PlainSegment>
}

/** One segment's part of a contract year, as plain data. */
export interface PlainSegment {
  readonly segment: string
  readonly memberMonths: string
  readonly riskScore: string
  readonly providerBaseline: string
  readonly peerBaseline: string
  readonly blended: string
  readonly trendFactor: string
  readonly riskRatio: string
  readonly benchmarkPmpm: string
  readonly actualPmpm: string
}

/** A cliff in provider net within reach of a year's cost (docs/model.md §7), as plain data. */
export interface PlainCliff {
  /** The corridor edge: the minimum savings rate or minimum loss rate of `year`. */
  readonly threshold: "MSR" | "MLR"
  /** Calendar year whose edge it is (the year itself, or a later one whose benchmark moves with this year's cost). */
  readonly year: number
  /** This year's cost PMPM at which the edge falls, to cents. */
  readonly costPmpm: string
  /** costPmpm − actual PMPM, to cents: negative when a cut reaches it. */
  readonly distancePmpm: string
  /** Change in provider net over the contract as cost falls through the edge, to cents. */
  readonly jump: string
}

/** Contract totals as plain data (money to cents). */
export interface PlainTotals {
  readonly benchmark: string
  readonly expenditure: string
  readonly gross: string
  readonly sharedSavings: string
  readonly sharedLosses: string
  readonly providerNet: string
  readonly payerNet: string
  readonly presentValue?: { readonly rate: string; readonly providerNet: string; readonly payerNet: string }
}

/** A policy run as JSON-ready plain data: the shape of one policy in `pbpsim compare --format json`. */
export interface PlainPolicyRun {
  readonly name: string
  readonly description: string
  readonly settlementTerms: string
  readonly years: ReadonlyArray<PlainYear>
  readonly totals: PlainTotals
}

const money = (d: Decimal): string => formatFixed(d, 2)
const rate = (d: Decimal): string => formatFixed(d, 6)

/**
 * A policy run as plain data: every figure a fixed-place string rounded half-up once from the
 * exact value (money and PMPM 2 places, rates, weights and factors 6, member months 0).
 */
export const toPlainRun = (run: PolicyRun): PlainPolicyRun => {
  const t = run.result.totals
  const pv = run.result.presentValue
  return {
    name: run.result.policyName,
    description: run.result.policyDescription,
    settlementTerms: settlementTermsName(run.model),
    years: run.result.years.map((y, i) => {
      const b = y.benchmark.value
      const s = y.settlement.value
      return {
        contractYear: y.contractYear,
        year: y.year,
        providerWeight: rate(y.providerWeight),
        rebased: y.rebased,
        terms: y.terms,
        providerReferenceYears: y.reference.providerYears,
        peerReferenceYears: y.reference.peerYears,
        providerBaseline: money(b.providerBaseline),
        peerBaseline: money(b.peerBaseline),
        blended: money(b.blended),
        savingsCredit: money(b.savingsCredit),
        equityAddOn: money(b.equityAddOn),
        trendFactor: rate(b.trendFactor),
        riskRatio: rate(b.riskRatio),
        benchmarkPmpm: money(b.benchmarkPmpm),
        actualPmpm: money(y.actualPmpm),
        memberMonths: formatFixed(y.memberMonths, 0),
        benchmarkTotal: money(s.benchmark),
        expenditure: money(s.expenditure),
        gross: money(s.gross),
        savingsRate: rate(s.savingsRate),
        msr: rate(s.msr),
        outcome: s.settled,
        sharedSavings: money(s.sharedSavings),
        sharedLosses: money(s.sharedLosses),
        providerNet: money(s.providerNet),
        payerNet: money(s.payerNet),
        incentivePower: rate(run.incentivePower[i]!.value),
        ...(s.guardrail ? { guardrail: { benchmarkTotal: money(s.guardrail.benchmark), applied: s.guardrail.applied } } : {}),
        ...(y.segments
          ? {
              segments: y.segments.map((part) => ({
                segment: part.segment,
                memberMonths: formatFixed(part.memberMonths, 0),
                riskScore: rate(part.riskScore),
                providerBaseline: money(part.benchmark.value.providerBaseline),
                peerBaseline: money(part.benchmark.value.peerBaseline),
                blended: money(part.benchmark.value.blended),
                trendFactor: rate(part.benchmark.value.trendFactor),
                riskRatio: rate(part.benchmark.value.riskRatio),
                benchmarkPmpm: money(part.benchmark.value.benchmarkPmpm),
                actualPmpm: money(part.actualPmpm)
              }))
            }
          : {}),
        incentiveCliffs: run.incentivePower[i]!.cliffs.map((c) => ({
          threshold: c.threshold,
          year: c.year,
          costPmpm: money(c.costPmpm),
          distancePmpm: money(c.distancePmpm),
          jump: money(c.jump)
        }))
      }
    }),
    totals: {
      benchmark: money(t.benchmark),
      expenditure: money(t.expenditure),
      gross: money(t.gross),
      sharedSavings: money(t.sharedSavings),
      sharedLosses: money(t.sharedLosses),
      providerNet: money(t.providerNet),
      payerNet: money(t.payerNet),
      ...(pv ? { presentValue: { rate: rate(pv.rate), providerNet: money(pv.providerNet), payerNet: money(pv.payerNet) } } : {})
    }
  }
}
