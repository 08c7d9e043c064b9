import { formatFixed, ZERO } from "@pbpsim/benchmark"
import { MARKET_MONEY_FIELDS, type MarketMoneyField, type runMarket } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"
import type { Provenance } from "./comparisonView.js"
import type { MarketSimulationView } from "./marketSimulationView.js"

/**
 * The one view of a market run (`pbpsim market`, docs/market.md) every output format prints:
 * terminal tables, CSV, JSON, the Markdown memo and the HTML report's market section. The
 * engine's exact decimals are rendered once here as fixed-place strings, so every format shows
 * the same digits: money and PMPM to the cent (MONEY_PLACES), member months whole (as compare),
 * ratios, rates, risk scores, chances and expected counts of providers to RATIO_PLACES.
 */
export const MONEY_PLACES = 2
export const RATIO_PLACES = 6

const money = (d: Decimal): string => formatFixed(d, MONEY_PLACES)
const ratio = (d: Decimal): string => formatFixed(d, RATIO_PLACES)
const ratioOrNull = (d: Decimal | null | undefined): string | null => (d === null || d === undefined ? null : ratio(d))
const moneyOrNull = (d: Decimal | null | undefined): string | null => (d === null || d === undefined ? null : money(d))

// The engine's types, read off runMarket's signature (the package index exports the function).
type MarketRun = ReturnType<typeof runMarket>
type MarketPolicyRun = MarketRun["policies"][number]
type MarketProvider = MarketPolicyRun["providers"][number]
type MarketProviderYear = MarketProvider["years"][number]
type MarketYear = MarketPolicyRun["years"][number]
type MarketTotals = MarketPolicyRun["totals"]
type Dispersion = MarketYear["benchmarkDispersion"]

/** One provider's contract year under one policy (MarketProviderYear as strings). */
export interface ProviderYearView {
  readonly year: number
  readonly memberMonths: string
  readonly riskScore: string
  readonly benchmarkPmpm: string
  readonly benchmarkPerRisk: string
  readonly costPerRisk: string
  readonly benchmark: string
  readonly expenditure: string
  readonly counterfactual: string
  readonly sharedSavings: string
  readonly sharedLosses: string
  readonly providerNet: string
  readonly windfall: string
  readonly earned: string
  /** null when not measured (without `--incentive-power`). */
  readonly incentivePower: string | null
  readonly expectedNetRate: string
  readonly participation: string
}

/**
 * A provider's figures over the contract weighted by its chance of taking part, the share of
 * the market's money it makes: Σ over years of participation × figure; yearsIn = Σ participation.
 */
export interface ProviderExpectedView {
  readonly yearsIn: string
  readonly sharedSavings: string
  readonly sharedLosses: string
  readonly providerNet: string
  readonly earned: string
  readonly windfall: string
}

export interface ProviderView {
  readonly entity: string
  readonly name: string
  readonly peerGroup: string
  readonly peerCount: number
  readonly baselineRelative: string
  readonly years: ReadonlyArray<ProviderYearView>
  readonly expected: ProviderExpectedView
}

export interface DispersionView {
  readonly mean: string
  readonly cv: string
  readonly p10: string
  readonly p90: string
  readonly p90p10: string
}

export interface MarketYearView extends MarketTotalsView {
  readonly year: number
  readonly participants: string
  readonly leaving: string
  readonly participantsBaselineRelative: string | null
  readonly allBaselineRelative: string
  readonly benchmarkDispersion: DispersionView
  readonly costDispersion: DispersionView
  readonly equity: { readonly medianRisk: string; readonly highRisk: string | null; readonly lowRisk: string | null; readonly ratio: string | null }
}

/** The money fields of MarketTotals (and of each year), in the order tables print them. */
export const TOTAL_FIELDS = MARKET_MONEY_FIELDS
export type TotalField = MarketMoneyField
export type MarketTotalsView = Readonly<Record<TotalField, string>>

export interface MarketPolicyView {
  readonly policy: string
  readonly description: string
  readonly participation: string
  readonly providers: ReadonlyArray<ProviderView>
  readonly years: ReadonlyArray<MarketYearView>
  readonly totals: MarketTotalsView
  /** Windfall ÷ savings paid over the contract (the share of savings paid for cost the providers would not have spent anyway); null when nothing is paid. */
  readonly windfallShare: string | null
}

/** A policy's contract totals minus the first policy's (exact before rounding). */
export interface MarketDifferenceView {
  readonly policy: string
  readonly against: string
  readonly totals: MarketTotalsView
}

export interface MarketView extends Provenance {
  /** Whether each provider-year's incentive power was measured (true with `--incentive-power`). */
  readonly incentivePower: boolean
  readonly policies: ReadonlyArray<MarketPolicyView>
  readonly differences: ReadonlyArray<MarketDifferenceView>
  /** With `--simulate`: the programme's cost to the payer over trials, participation fixed by this run. */
  readonly simulation?: MarketSimulationView
}

const dispersionView = (d: Dispersion): DispersionView => ({ mean: money(d.mean), cv: ratio(d.cv), p10: money(d.p10), p90: money(d.p90), p90p10: ratio(d.p90p10) })

const providerYearView = (y: MarketProviderYear): ProviderYearView => ({
  year: y.year,
  memberMonths: formatFixed(y.memberMonths, 0),
  riskScore: ratio(y.riskScore),
  benchmarkPmpm: money(y.benchmarkPmpm),
  benchmarkPerRisk: money(y.benchmarkPerRisk),
  costPerRisk: money(y.costPerRisk),
  benchmark: money(y.benchmark),
  expenditure: money(y.expenditure),
  counterfactual: money(y.counterfactual),
  sharedSavings: money(y.sharedSavings),
  sharedLosses: money(y.sharedLosses),
  providerNet: money(y.providerNet),
  windfall: money(y.windfall),
  earned: money(y.earned),
  incentivePower: ratioOrNull(y.incentivePower),
  expectedNetRate: ratio(y.expectedNetRate),
  participation: ratio(y.participation)
})

const providerView = (p: MarketProvider): ProviderView => {
  const weighted = (pick: (y: MarketProviderYear) => Decimal): Decimal =>
    p.years.reduce((sum, y) => sum.add(y.participation.mul(pick(y))), ZERO)
  const yearsIn = p.years.reduce((sum, y) => sum.add(y.participation), ZERO)
  return {
    entity: p.entity,
    name: p.name,
    peerGroup: p.peerGroup,
    peerCount: p.peerCount,
    baselineRelative: ratio(p.baselineRelative),
    years: p.years.map(providerYearView),
    expected: {
      yearsIn: ratio(yearsIn),
      sharedSavings: money(weighted((y) => y.sharedSavings)),
      sharedLosses: money(weighted((y) => y.sharedLosses)),
      providerNet: money(weighted((y) => y.providerNet)),
      earned: money(weighted((y) => y.earned)),
      windfall: money(weighted((y) => y.windfall))
    }
  }
}

const totalsView = (t: MarketTotals): MarketTotalsView =>
  Object.fromEntries(TOTAL_FIELDS.map((f) => [f, money(t[f])])) as Record<TotalField, string>

const yearView = (y: MarketYear): MarketYearView => ({
  year: y.year,
  participants: ratio(y.participants),
  leaving: ratio(y.leaving),
  ...totalsView(y),
  participantsBaselineRelative: ratioOrNull(y.participantsBaselineRelative),
  allBaselineRelative: ratio(y.allBaselineRelative),
  benchmarkDispersion: dispersionView(y.benchmarkDispersion),
  costDispersion: dispersionView(y.costDispersion),
  equity: { medianRisk: ratio(y.equity.medianRisk), highRisk: moneyOrNull(y.equity.highRisk), lowRisk: moneyOrNull(y.equity.lowRisk), ratio: ratioOrNull(y.equity.ratio) }
})

export const marketPolicyView = (p: MarketPolicyRun): MarketPolicyView => ({
  policy: p.policy,
  description: p.description,
  participation: p.participation,
  providers: p.providers.map(providerView),
  years: p.years.map(yearView),
  totals: totalsView(p.totals),
  windfallShare: p.totals.savingsPaid.isZero() ? null : ratio(p.totals.windfall.div(p.totals.savingsPaid))
})

export const marketView = (provenance: Provenance, run: MarketRun, options: { readonly incentivePower: boolean }): MarketView => {
  const [first, ...others] = run.policies
  return {
    ...provenance,
    incentivePower: options.incentivePower,
    policies: run.policies.map(marketPolicyView),
    differences: first
      ? others.map((p) => ({
          policy: p.policy,
          against: first.policy,
          totals: Object.fromEntries(TOTAL_FIELDS.map((f) => [f, money(p.totals[f].sub(first.totals[f]))])) as Record<TotalField, string>
        }))
      : []
  }
}
