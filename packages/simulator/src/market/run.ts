import { ONE, settle, sum, ZERO, showCount } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { runContract, type ContractYearResult } from "../engine/contract.js"
import { incentivePower } from "../engine/incentive.js"
import { cellOf, peersWithout, pooledExperience, projectExperience, type RealisedExperience } from "../engine/realised.js"
import type { ContractModel } from "../model.js"
import { scenarioError, toScenarioIssue, type ScenarioIssue } from "../scenario/errors.js"
import { showActual } from "../scenario/numerals.js"
import { policyNames, resolvePolicy, segmentsOf, unknownPolicyIssue, type Scenario, type ScenarioPolicy } from "../scenario/resolve.js"
import { dispersion, equityOf, weightedMean } from "./measures.js"
import { describeRule, expectedNetRate, participationPath, participationRule, type ParticipationRule } from "./participation.js"
import { MARKET_MONEY_FIELDS, type MarketMoneyField, type MarketPolicyRun, type MarketProvider, type MarketProviderYear, type MarketRun, type MarketTotals, type MarketYear } from "./types.js"

/** Options of runMarket. */
export interface MarketOptions {
  /** Policies to run, in this order (default: every policy, in file order). */
  readonly policies?: ReadonlyArray<string>
  /** Providers to run (default: the scenario's market.providers, else every entity). */
  readonly providers?: ReadonlyArray<string>
  /** Measure each provider-year's incentive power (its slope; default false: it triples the time of a large market). */
  readonly incentivePower?: boolean
}

/** The market's peer groups under one policy: group name → members in file order (one array per group, so pools are shared). */
const peerGroupsOf = (policy: ScenarioPolicy): { readonly groupOf: ReadonlyMap<string, string>; readonly members: ReadonlyMap<string, ReadonlyArray<string>> } => {
  const groupOf = new Map<string, string>()
  const members = new Map<string, Array<string>>()
  for (const e of policy.body.market.entities) {
    const group = e.peerGroup ?? ""
    groupOf.set(e.id, group)
    const list = members.get(group) ?? []
    list.push(e.id)
    members.set(group, list)
  }
  return { groupOf, members }
}

/** What makes a market run impossible, all at once: unknown names, a provider alone in its peer group, an entity read without its baseline years. */
const marketIssues = (scenario: Scenario, names: ReadonlyArray<string>, options: MarketOptions): ReadonlyArray<ScenarioIssue> => {
  const issues: Array<ScenarioIssue> = []
  const known = policyNames(scenario)
  for (const name of names) if (!known.includes(name)) issues.push(unknownPolicyIssue(scenario, name))
  const entities = scenario.base.market.entities.map((e) => e.id)
  // Sets, not lists: a market of 50,000 entities checks each of them.
  const isEntity = new Set(entities)
  const flag = (expected: string, actual: string): ScenarioIssue => ({ file: scenario.file, path: "--providers", expected, actual, message: `expected ${expected}, got ${actual}` })
  if (options.providers !== undefined && options.providers.length === 0) issues.push(flag("at least one entity id", "none"))
  const seen = new Set<string>()
  for (const p of options.providers ?? []) {
    if (seen.has(p)) issues.push(flag("each provider once", `${showActual(p)} again`))
    seen.add(p)
    if (!isEntity.has(p)) {
      const expected = `entities of the market (${showCount(entities.length)}: ${entities.slice(0, 8).join(", ")}${entities.length > 8 ? ", …" : ""})`
      issues.push({ file: scenario.file, path: "--providers", expected, actual: showActual(p), message: `expected one of the ${expected}, got ${showActual(p)}` })
    }
  }
  if (issues.length > 0) return issues
  for (const name of names) issues.push(...policyIssues(scenario, scenario.policies.find((p) => p.name === name)!, options))
  // Policies that keep the base market report its problem once.
  const once = new Set<string>()
  return issues.filter((i) => !once.has(i.message + i.path) && once.add(i.message + i.path))
}

/**
 * One policy's market problems. A provider needs another entity in its peer group (unless it is its
 * own peer). Every entity a market run reads (the providers and everyone in their peer groups) needs
 * experience in each baseline year and in the year before the contract (what it is projected from);
 * `validate` checks this only for contract.provider and contract.peers.
 */
const policyIssues = (scenario: Scenario, policy: ScenarioPolicy, options: MarketOptions): ReadonlyArray<ScenarioIssue> => {
  const issues: Array<ScenarioIssue> = []
  const { market, contract } = policy.body
  const { groupOf, members } = peerGroupsOf(policy)
  const providers = new Set(options.providers ?? market.providers ?? market.entities.map((e) => e.id))
  if (!(market.peersIncludeProvider ?? false)) {
    market.entities.forEach((e, i) => {
      if (!providers.has(e.id) || members.get(groupOf.get(e.id)!)!.length >= 2) return
      issues.push(
        toScenarioIssue(scenario.file, {
          path: ["market", "entities", i, "peerGroup"],
          expected: `a peer group with another entity: ${e.id} runs as a provider in \`pbpsim market\`, against the rest of its group`,
          actual: e.peerGroup === undefined ? "none (the market's one group, which holds only it)" : `${showActual(e.peerGroup)}, which holds only ${e.id}`
        })
      )
    })
  }
  const needed = [...new Set([...contract.baseline.years, contract.startYear - 1])].sort((a, b) => a - b)
  const has = new Set(policy.experience.map((r) => `${r.entity}\u0000${r.year}`))
  const read = new Set([...new Set([...providers].map((p) => groupOf.get(p) ?? ""))].flatMap((g) => members.get(g) ?? []))
  for (const entity of read) {
    const missing = needed.filter((y) => !has.has(`${entity}\u0000${y}`))
    if (missing.length === 0) continue
    const expected = `rows of ${entity} in ${needed.join(", ")} (the baseline years and the year before the contract: in \`pbpsim market\` every entity of a provider's peer group is read)`
    issues.push({ file: scenario.file, path: "experience", expected, actual: `none in ${missing.join(", ")}`, message: `expected ${expected}, got none in ${missing.join(", ")}` })
  }
  return issues
}

/**
 * Problems `pbpsim market` would refuse, for every policy, without running it: a provider alone in
 * its peer group, an entity read without its baseline years. `validate` reports them when a
 * scenario uses the market view's fields (participation, market.providers, a peerGroup).
 */
export const marketProblems = (scenario: Scenario): ReadonlyArray<ScenarioIssue> => marketIssues(scenario, policyNames(scenario), {})

/** A provider's contract under one policy: the policy's model with this provider and its peer group. */
const providerModel = (base: ContractModel, entity: string, peers: ReadonlyArray<string>, includeSelf: boolean): ContractModel => ({
  ...base,
  provider: entity,
  peers,
  peerIncludesProvider: includeSelf,
  ...(base.segments ? { segments: segmentsOf(base.experience, entity) } : {})
})

/** The shared savings the year's terms would pay on the same benchmark had the provider cost its counterfactual. */
const windfallOf = (model: ContractModel, index: number, year: ContractYearResult, counterfactual: Decimal): Decimal => {
  const paid = year.settlement.value.sharedSavings
  if (paid.isZero()) return ZERO
  const atCounterfactual = settle(model.terms[index]!.settlement, { ...year.settlementInput, expenditure: counterfactual }).value.sharedSavings
  return atCounterfactual.lt(paid) ? atCounterfactual : paid
}

/** What every provider of a policy looks up: display names and the contract years each entity has actual experience in (by id, not a scan per provider). */
interface MarketLookups {
  readonly names: ReadonlyMap<string, string>
  readonly actualYears: ReadonlyMap<string, ReadonlySet<number>>
}

const lookupsOf = (policy: ScenarioPolicy, startYear: number): MarketLookups => {
  const actualYears = new Map<string, Set<number>>()
  for (const r of policy.experience) {
    if (r.year < startYear) continue
    const years = actualYears.get(r.entity) ?? new Set<number>()
    years.add(r.year)
    actualYears.set(r.entity, years)
  }
  return { names: new Map(policy.body.market.entities.map((e) => [e.id, e.name ?? e.id])), actualYears }
}

const NO_YEARS: ReadonlySet<number> = new Set()

const runProvider = (
  lookups: MarketLookups,
  model: ContractModel,
  realised: RealisedExperience,
  peerGroup: string,
  measurePower: boolean,
  rule: ParticipationRule
): MarketProvider => {
  const result = runContract(model, realised)
  const power = measurePower ? incentivePower(model, realised, result, { cliffs: false }) : undefined
  const cf = realised.counterfactualPmpm.get(model.provider)!
  const plan = model.projection.get(model.provider)!
  const actualYears = lookups.actualYears.get(model.provider) ?? NO_YEARS
  const money = result.years.map((y) => ({ providerNet: y.settlement.value.providerNet, benchmark: y.settlement.value.benchmark }))
  const rates = result.years.map((_, k) => expectedNetRate(rule, money, k))
  const chances = participationPath(rule, rates)
  // Relative to its peer group as pooled, whatever peer figure the policy uses (a percentile target is not the region).
  const lastBaseline = model.baselineYears[model.baselineYears.length - 1]!
  const riskAdjusted = (c: { readonly cost: Decimal; readonly memberMonths: Decimal; readonly riskScore: Decimal }) => c.cost.div(c.memberMonths).div(c.riskScore)
  const baselineRelative = riskAdjusted(cellOf(realised, model.provider, lastBaseline)).div(riskAdjusted(pooledExperience(realised, model.peers, lastBaseline)))
  const years = result.years.map((y, k): MarketProviderYear => {
    const s = y.settlement.value
    // A year that happened: what it would have cost without the programme is its cost before the savings plan,
    // not the projection from before the contract (that gap is the trend's error, not the programme's effect).
    const counterfactual = actualYears.has(y.year) ? s.expenditure.div(ONE.sub(plan.savings[k] ?? ZERO)) : cf[k]!.mul(y.memberMonths)
    const windfall = windfallOf(model, k, y, counterfactual)
    return {
      year: y.year,
      memberMonths: y.memberMonths,
      riskScore: y.riskScore,
      benchmarkPmpm: y.benchmark.value.benchmarkPmpm,
      benchmarkPerRisk: y.benchmark.value.benchmarkPmpm.div(y.riskScore),
      costPerRisk: y.actualPmpm.div(y.riskScore),
      benchmark: s.benchmark,
      expenditure: s.expenditure,
      counterfactual,
      sharedSavings: s.sharedSavings,
      sharedLosses: s.sharedLosses,
      providerNet: s.providerNet,
      windfall,
      earned: s.sharedSavings.sub(windfall),
      ...(power ? { incentivePower: power[k]!.value } : {}),
      expectedNetRate: rates[k]!,
      participation: chances[k]!
    }
  })
  return {
    entity: model.provider,
    name: lookups.names.get(model.provider) ?? model.provider,
    peerGroup,
    peerCount: model.peers.length,
    baselineRelative,
    years
  }
}

/** The market's year k (0-based) from its providers' years. */
const marketYear = (providers: ReadonlyArray<MarketProvider>, k: number): MarketYear => {
  const at = providers.map((p) => ({ p: p.years[k]!.participation, y: p.years[k]!, before: k === 0 ? undefined : p.years[k - 1]!.participation, rel: p.baselineRelative }))
  const weighted = (pick: (x: (typeof at)[number]) => Decimal) => sum(at.map(pick))
  const counterfactualSpending = weighted((x) => x.y.counterfactual)
  const programmeSpending = weighted((x) => x.p.mul(x.y.expenditure.add(x.y.providerNet)).add(ONE.sub(x.p).mul(x.y.counterfactual)))
  return {
    year: at[0]!.y.year,
    participants: weighted((x) => x.p),
    leaving: weighted((x) => (x.before === undefined ? ONE.sub(x.p) : x.before.sub(x.p))),
    counterfactualSpending,
    programmeSpending,
    programmeCost: programmeSpending.sub(counterfactualSpending),
    savingsPaid: weighted((x) => x.p.mul(x.y.sharedSavings)),
    lossesCollected: weighted((x) => x.p.mul(x.y.sharedLosses)),
    earned: weighted((x) => x.p.mul(x.y.earned)),
    windfall: weighted((x) => x.p.mul(x.y.windfall)),
    costReduction: weighted((x) => x.p.mul(x.y.counterfactual.sub(x.y.expenditure))),
    nonParticipantSpending: weighted((x) => ONE.sub(x.p).mul(x.y.counterfactual)),
    forgoneReduction: weighted((x) => ONE.sub(x.p).mul(x.y.counterfactual.sub(x.y.expenditure))),
    participantsBaselineRelative: weightedMean(at.map((x) => ({ value: x.rel, weight: x.p.mul(x.y.memberMonths) }))),
    allBaselineRelative: weightedMean(at.map((x) => ({ value: x.rel, weight: x.y.memberMonths })))!,
    benchmarkDispersion: dispersion(at.map((x) => x.y.benchmarkPerRisk)),
    costDispersion: dispersion(at.map((x) => x.y.costPerRisk)),
    equity: equityOf(at.map((x) => ({ risk: x.y.riskScore, value: x.y.benchmarkPerRisk })))
  }
}

const totalsOf = (years: ReadonlyArray<MarketYear>): MarketTotals =>
  Object.fromEntries(MARKET_MONEY_FIELDS.map((f) => [f, sum(years.map((y) => y[f]))])) as Record<MarketMoneyField, Decimal>

/** A policy's contracts over the market: the policy, its participation rule, the one projection, and a model per provider. */
export interface MarketContracts {
  readonly policy: ScenarioPolicy
  readonly rule: ParticipationRule
  readonly realised: RealisedExperience
  readonly models: ReadonlyArray<ContractModel>
  readonly peerGroups: ReadonlyArray<string>
}

/**
 * Every provider's contract under one policy, its peers the rest of its peer group (or the whole
 * group with market.peersIncludeProvider), all reading one projection of the market. What runMarket
 * runs exactly and the market's Monte Carlo compiles.
 */
export const marketContracts = (scenario: Scenario, name: string, options: MarketOptions = {}): MarketContracts => {
  const policy = scenario.policies.find((p) => p.name === name)
  if (policy === undefined) throw scenarioError([unknownPolicyIssue(scenario, name)])
  const base = resolvePolicy(scenario, name)
  const { groupOf, members } = peerGroupsOf(policy)
  const includeSelf = policy.body.market.peersIncludeProvider ?? false
  // One projection of every entity (and every segment when segmented), read by every provider's contract.
  const segments = base.segments ? [...new Set(base.experience.flatMap((r) => (r.segment === undefined ? [] : [r.segment])))] : undefined
  const realised = projectExperience({ ...base, peers: base.entities, ...(segments ? { segments } : {}) })
  const chosen = options.providers ?? policy.body.market.providers ?? base.entities
  const models = chosen.map((entity) => {
    const group = members.get(groupOf.get(entity)!)!
    return providerModel(base, entity, includeSelf ? group : peersWithout(group, entity), includeSelf)
  })
  return { policy, rule: participationRule(policy.body), realised, models, peerGroups: chosen.map((e) => groupOf.get(e)!) }
}

/** One policy over the whole market: every provider against the rest of its peer group, on one projection. */
export const runMarketPolicy = (scenario: Scenario, name: string, options: MarketOptions = {}): MarketPolicyRun => {
  const { policy, rule, realised, models, peerGroups } = marketContracts(scenario, name, options)
  const lookups = lookupsOf(policy, models[0]!.startYear)
  const providers = models.map((model, i) => runProvider(lookups, model, realised, peerGroups[i]!, options.incentivePower === true, rule))
  const years = models[0]!.terms.map((_, k) => marketYear(providers, k))
  return { policy: name, description: policy.description, participation: describeRule(rule), providers, years, totals: totalsOf(years) }
}

/**
 * The market view (docs/market.md): each policy run for every provider of the market as the
 * contracting provider, its peers the rest of its peer group, on one projection; who takes part
 * by the policy's participation rule; what the programme costs the payer, earned vs windfall;
 * the dispersion of benchmarks and costs. Throws ScenarioError for unknown policies or providers,
 * a provider alone in its peer group and an entity read without its baseline years, all at once.
 */
export const runMarket = (scenario: Scenario, options: MarketOptions = {}): MarketRun => {
  const names = options.policies && options.policies.length > 0 ? options.policies : policyNames(scenario)
  const issues = marketIssues(scenario, names, options)
  if (issues.length > 0) throw scenarioError(issues)
  return { scenario: scenario.name, policies: names.map((name) => runMarketPolicy(scenario, name, options)) }
}
