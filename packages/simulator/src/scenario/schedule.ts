import { InvalidArgument, type SettlementTerms, type TrendPolicy, ZERO } from "@pbpsim/benchmark"
import { regionalOffsetFactorExact } from "@pbpsim/benchmark/compute"
import type { Decimal } from "decimal.js"
import { Either } from "effect"
import type { YearTerms } from "../model.js"
import type { LocatedIssue } from "./errors.js"
import type { ScenarioBodyDocument, SettlementDocument } from "./schema.js"
import { expandPerYear, resolveQuality, settlementTerms, toTrendPolicy } from "./terms.js"

/**
 * Terms by contract year (docs/terms-by-year.md): the base benchmark and settlement terms,
 * then each schedule entry from its `fromYear` on, every field it gives replacing the one in
 * force. The same merge serves the engine (yearTerms) and the checks (settlementInForce).
 */

type ScheduleDocument = NonNullable<ScenarioBodyDocument["schedule"]>
type YearBenchmarkDocument = NonNullable<ScheduleDocument[number]["benchmark"]>

/** The MSSP offset factor clamp(dualShare + riskScore − 1, 0, 1) (42 CFR 425.656(c)). */
const offsetFactor = (offset: { readonly dualShare: Decimal; readonly riskScore: Decimal }): Decimal => regionalOffsetFactorExact(offset.dualShare, offset.riskScore).factor
type ScheduleEntryDocument = ScheduleDocument[number]

/** Name shown for the terms of an entry. */
export const entryName = (entry: ScheduleEntryDocument): string => entry.name ?? `from year ${entry.fromYear}`

export const BASE_TERMS_NAME = "base terms"

/**
 * The year's inputs a settlement carries (not terms), and reduced shared savings, which belongs to
 * the agreement (low revenue, a 2024+ start) rather than to a level: they stay when an entry
 * switches preset.
 */
const SETTLEMENT_INPUTS = ["quality", "participantRevenue", "assignedBeneficiaries", "advanceInvestment", "reducedBelowMsr"] as const

/**
 * Settlement document in force once `entries` (in order) have applied over `base`. Each field
 * an entry gives replaces the one in force; an entry with a `preset` starts its terms afresh
 * from that preset (earlier terms do not outlive it; the year's inputs do). Terms changed
 * without a name of their own take the entry's name, so a report never prints the old name
 * over new terms.
 */
export const mergeSettlement = (base: SettlementDocument, entries: ReadonlyArray<ScheduleEntryDocument>): SettlementDocument =>
  entries.reduce<SettlementDocument>((terms, entry) => {
    const change = entry.settlement
    if (!change) return terms
    const kept: Record<string, unknown> =
      change.preset === undefined ? { ...terms } : Object.fromEntries(SETTLEMENT_INPUTS.filter((key) => key in terms).map((key) => [key, terms[key]]))
    const merged: Record<string, unknown> = { ...kept, ...change }
    // A preset brings its own name; other changes take the entry's name, or say they changed the old terms.
    if (change.name === undefined && change.preset === undefined) {
      if (entry.name !== undefined) merged["name"] = entry.name
      else if (terms.name !== undefined) merged["name"] = `${terms.name}, changed from year ${entry.fromYear}`
    }
    return merged as SettlementDocument
  }, base)

/** The entries in force in contract year k (those with fromYear ≤ k), in file order. */
const entriesUpTo = (schedule: ScheduleDocument | null | undefined, k: number): ReadonlyArray<ScheduleEntryDocument> =>
  (schedule ?? []).filter((entry) => entry.fromYear <= k)

/**
 * Settlement terms in force from each schedule entry on (index i: base plus entries 0..i), for
 * the checks: issues carry paths relative to `settlement`.
 */
export const settlementInForce = (
  base: SettlementDocument,
  schedule: ScheduleDocument
): ReadonlyArray<{ readonly document: SettlementDocument; readonly terms: Either.Either<SettlementTerms, ReadonlyArray<LocatedIssue>> }> =>
  schedule.map((_, i) => {
    const document = mergeSettlement(base, schedule.slice(0, i + 1))
    return { document, terms: settlementTerms(document) }
  })

/** Each contract year's terms (length = contract years). The scenario was checked when loaded. */
export const yearTerms = (body: ScenarioBodyDocument): ReadonlyArray<YearTerms> => {
  const years = body.contract.years
  const baseDiscount = expandPerYear(body.benchmark.discount, years)
  // The settlement in force after the first n entries (n = how many are in force), merged and resolved once.
  const resolved = new Map<number, { readonly document: SettlementDocument; readonly terms: SettlementTerms }>()
  // One TrendPolicy per trend written, so years under the same trend share it (the kernel compiles each once).
  const trends = new Map<object, TrendPolicy>()
  const trendOf = (doc: ScenarioBodyDocument["benchmark"]["trend"]): TrendPolicy => {
    const known = trends.get(doc)
    if (known) return known
    const policy = toTrendPolicy(doc)
    trends.set(doc, policy)
    return policy
  }
  const settlementOf = (inForce: ReadonlyArray<ScheduleEntryDocument>): { readonly document: SettlementDocument; readonly terms: SettlementTerms } => {
    const key = inForce.length
    const known = resolved.get(key)
    if (known) return known
    const document = mergeSettlement(body.settlement, inForce)
    const terms = Either.getOrElse(settlementTerms(document), (issues) => {
      // Loading checked these terms; reaching this means the scenario was built by hand.
      throw new InvalidArgument({ rule: "scenario.settlement", field: "settlement", message: issues.map((i) => i.expected).join("; ") })
    })
    resolved.set(key, { document, terms })
    return { document, terms }
  }
  return Array.from({ length: years }, (_, index): YearTerms => {
    const k = index + 1
    const inForce = entriesUpTo(body.schedule, k)
    const last = inForce[inForce.length - 1]
    const benchmark = {
      trend: body.benchmark.trend,
      convergenceCaps: body.benchmark.convergenceCaps,
      risk: body.benchmark.risk,
      equityAddOn: body.benchmark.equityAddOn as YearBenchmarkDocument["equityAddOn"],
      lossGuardrail: body.benchmark.lossGuardrail as YearBenchmarkDocument["lossGuardrail"],
      peerWeightBySide: body.benchmark.peerWeightBySide as YearBenchmarkDocument["peerWeightBySide"]
    }
    let providerWeight: Decimal | undefined
    let discount = baseDiscount[index] ?? ZERO
    for (const entry of inForce) {
      const b = entry.benchmark
      if (b?.trend !== undefined) benchmark.trend = b.trend
      if (b?.convergenceCaps !== undefined) benchmark.convergenceCaps = b.convergenceCaps
      if (b?.risk !== undefined) benchmark.risk = b.risk
      if (b?.equityAddOn !== undefined) benchmark.equityAddOn = b.equityAddOn
      if (b?.lossGuardrail !== undefined) benchmark.lossGuardrail = b.lossGuardrail
      if (b?.peerWeightBySide !== undefined) benchmark.peerWeightBySide = b.peerWeightBySide
      if (b?.providerWeight !== undefined) providerWeight = b.providerWeight
      if (b?.discount !== undefined) discount = b.discount
    }
    // The year's settlement inputs are the merged document's: the same replace rule, kept through a preset.
    const { document, terms: settlement } = settlementOf(inForce)
    const { quality, participantRevenue: revenue, assignedBeneficiaries: assigned, advanceInvestment: advances } = document
    const caps = benchmark.convergenceCaps
    const risk = benchmark.risk
    const addOn = benchmark.equityAddOn
    const yearQuality = expandPerYear(quality, years)[index]
    const yearRevenue = revenue === undefined ? undefined : expandPerYear(revenue, years)[index]
    const yearAssigned = assigned === undefined ? undefined : expandPerYear(assigned, years)[index]
    const yearAdvance = advances === undefined ? undefined : expandPerYear(advances, years)[index]
    const sided = benchmark.peerWeightBySide
    if (!yearQuality) throw new InvalidArgument({ rule: "scenario.settlement", field: "quality", message: `has no entry for contract year ${k}` })
    return {
      name: last ? entryName(last) : BASE_TERMS_NAME,
      fromYear: last ? last.fromYear : 1,
      trend: trendOf(benchmark.trend),
      ...(benchmark.lossGuardrail ? { guardrailTrend: trendOf(benchmark.lossGuardrail.trend) } : {}),
      convergenceCaps: {
        ...(caps.up ? { up: caps.up } : {}),
        ...(caps.down ? { down: caps.down } : {}),
        ...(caps.negativeOffset ? { negativeOffset: offsetFactor(caps.negativeOffset) } : {}),
        noNegative: caps.noNegative
      },
      riskCaps: {
        ...(risk.capUp ? { up: risk.demographicChange ? risk.capUp.add(risk.demographicChange) : risk.capUp } : {}),
        ...(risk.capDown ? { down: risk.capDown } : {})
      },
      ...(risk.capUp && risk.demographicChange != null ? { riskCapAggregateTrigger: true } : {}),
      ...(risk.codingIntensity === undefined ? {} : { codingIntensity: risk.codingIntensity }),
      ...(risk.weight === undefined ? {} : { riskWeight: risk.weight }),
      ...(addOn ? { equityAddOn: addOn } : {}),
      ...(providerWeight === undefined ? {} : { providerWeight }),
      discount,
      settlement,
      ...(yearRevenue === undefined ? {} : { revenue: yearRevenue }),
      ...(yearAssigned === undefined ? {} : { assignedBeneficiaries: yearAssigned }),
      ...(yearAdvance === undefined ? {} : { advanceInvestment: yearAdvance }),
      ...(sided ? { peerWeightBySide: { belowPeers: sided.belowPeers, abovePeers: sided.abovePeers } } : {}),
      quality: resolveQuality(yearQuality)
    }
  })
}
