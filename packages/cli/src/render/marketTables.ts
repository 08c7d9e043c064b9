import { dec, formatFixed } from "@pbpsim/benchmark"
import { factorText, pct } from "./comparisonTables.js"
import type { MarketPolicyView, MarketView, MarketYearView, ProviderView, TotalField } from "./marketView.js"
import { grouped, left, right, type Table } from "./table.js"

/**
 * The market's tables as people read them (terminal and Markdown; CSV and JSON keep the view's
 * exact strings): money grouped in thousands, ratios (CV, P90/P10, baseline relative to peers)
 * to FACTOR_PLACES, shares as percentages, expected numbers of providers to 2 places.
 */

/** Expected providers (a sum of chances): 2 places ("3.85"; "4.00" when every chance is 0 or 1). */
export const providersText = (count: string): string => formatFixed(dec(count), 2)
const orDash = (text: string | null, show: (t: string) => string): string => (text === null ? "–" : show(text))

/** Money fields of the totals, as tables name them. */
export const TOTAL_LABELS: Readonly<Record<TotalField, string>> = {
  counterfactualSpending: "Counterfactual spending (no programme)",
  programmeSpending: "Payer spending with the programme",
  programmeCost: "Programme cost to the payer",
  savingsPaid: "Shared savings paid",
  lossesCollected: "Shared losses collected",
  earned: "Earned savings paid",
  windfall: "Windfall savings paid",
  costReduction: "Cost reduced by participants",
  nonParticipantSpending: "Non-participants' spending",
  forgoneReduction: "Reduction forgone by non-participants"
}

/** The contract's calendar years: "2025–2027", one year alone, or "" without years. */
export const yearsText = (p: MarketPolicyView): string => {
  const a = p.years[0]?.year
  const b = p.years[p.years.length - 1]?.year
  return a === undefined ? "" : a === b ? String(a) : `${a}–${b}`
}

export const firstYear = (p: MarketPolicyView): MarketYearView | undefined => p.years[0]
export const lastYear = (p: MarketPolicyView): MarketYearView | undefined => p.years[p.years.length - 1]

/** One policy, year by year: participation, what the payer pays, the savings split, convergence and selection. */
export const marketYearTable = (p: MarketPolicyView, show: (money: string) => string = grouped): Table => ({
  title: `Policy ${p.policy}${p.description ? `: ${p.description}` : ""} (participation ${p.participation})`,
  columns: [
    right("Year"),
    right("Participants"),
    right("Leaving"),
    right("Programme cost"),
    right("Savings paid"),
    right("Losses collected"),
    right("Earned"),
    right("Windfall"),
    right("Benchmark CV"),
    right("Benchmark P90/P10"),
    right("Cost CV"),
    right("Participants' baseline rel."),
    right("All baseline rel.")
  ],
  rows: p.years.map((y) => [
    String(y.year),
    providersText(y.participants),
    providersText(y.leaving),
    show(y.programmeCost),
    show(y.savingsPaid),
    show(y.lossesCollected),
    show(y.earned),
    show(y.windfall),
    factorText(y.benchmarkDispersion.cv),
    factorText(y.benchmarkDispersion.p90p10),
    factorText(y.costDispersion.cv),
    orDash(y.participantsBaselineRelative, factorText),
    factorText(y.allBaselineRelative)
  ]),
  footer: [["Total", "", "", show(p.totals.programmeCost), show(p.totals.savingsPaid), show(p.totals.lossesCollected), show(p.totals.earned), show(p.totals.windfall), "", "", "", "", ""]]
})

/** What the year table's columns mean, printed under it once. */
export const YEAR_TABLE_NOTE =
  "Participants: expected providers in the programme (Σ chances); leaving: since the year before (year 1: not joining). " +
  "Programme cost: payer spending with the programme − without it (negative: the programme saves). Earned + windfall = savings paid; " +
  "windfall is what the terms pay at the provider's counterfactual cost. CV: sd ÷ mean across providers of benchmark (cost) PMPM per unit of risk. " +
  "Baseline rel.: baseline ÷ peers' (below 1: cheaper), member-month weighted, of participants and of every provider."

/**
 * The policies side by side over the contract: the money totals with each policy's difference
 * from the first (as compare's Δ columns), then participation, convergence and the windfall share.
 */
export const marketTotalsTable = (view: MarketView, show: (money: string) => string = grouped): Table => {
  const [first, ...others] = view.policies
  const diffColumns = others.map((o) => right(`Δ ${o.policy}`))
  const blanks = others.map(() => "")
  const fromTo = (get: (y: MarketYearView) => string) => view.policies.map((p) => `${orDash(firstYear(p) ? get(firstYear(p)!) : null, (t) => t)} → ${orDash(lastYear(p) ? get(lastYear(p)!) : null, (t) => t)}`)
  return {
    title: `Contract totals by policy${others.length > 0 && first ? ` (Δ = policy − ${first.policy})` : ""}`,
    columns: [left("Measure"), ...view.policies.map((p) => right(p.policy)), ...diffColumns],
    rows: [
      ...(Object.keys(TOTAL_LABELS) as Array<TotalField>).map((f) => [
        TOTAL_LABELS[f],
        ...view.policies.map((p) => show(p.totals[f])),
        ...view.differences.map((d) => show(d.totals[f]))
      ]),
      ["Windfall share of savings paid", ...view.policies.map((p) => orDash(p.windfallShare, pct)), ...blanks],
      ["Years", ...view.policies.map((p) => yearsText(p)), ...blanks],
      ["Participants, first → last year", ...fromTo((y) => providersText(y.participants)), ...blanks],
      ["Benchmark CV, first → last year", ...fromTo((y) => factorText(y.benchmarkDispersion.cv)), ...blanks],
      ["Participants' baseline rel., first → last", ...fromTo((y) => orDash(y.participantsBaselineRelative, factorText)), ...blanks]
    ]
  }
}

/** Every provider entity of the run, in the first policy's order. */
const entities = (view: MarketView): ReadonlyArray<ProviderView> => view.policies[0]?.providers ?? []

const providerOf = (p: MarketPolicyView, entity: string): ProviderView | undefined => p.providers.find((x) => x.entity === entity)

/** Providers shown in the terminal and the memo; every one is in `--format csv`. */
export const TOP_PROVIDERS = 10

/** Providers ordered by their largest |expected provider net| under any policy, then by entity id. */
export const providersByNet = (view: MarketView): ReadonlyArray<ProviderView> => {
  const size = (entity: string) =>
    view.policies.reduce((best, p) => {
      const net = providerOf(p, entity)?.expected.providerNet
      return net === undefined ? best : dec(net).abs().gt(best) ? dec(net).abs() : best
    }, dec(0))
  const sized = entities(view).map((p) => ({ p, size: size(p.entity) }))
  return [...sized].sort((a, b) => b.size.cmp(a.size) || (a.p.entity < b.p.entity ? -1 : a.p.entity > b.p.entity ? 1 : 0)).map((s) => s.p)
}

/**
 * A compact per-provider summary: the TOP_PROVIDERS providers with the largest expected
 * provider net (in absolute value) under any policy, each policy's expected provider net,
 * windfall and years in the programme.
 */
export const marketProvidersTable = (view: MarketView, show: (money: string) => string = grouped): Table => {
  const all = providersByNet(view)
  const shown = all.slice(0, TOP_PROVIDERS)
  const which =
    shown.length === all.length
      ? `all ${all.length}`
      : `the ${shown.length} of ${all.length} with the largest |provider net| under any policy; every provider and year: --format csv`
  return {
    title: `Providers (${which}): expected figures over the contract, Σ chance of taking part × figure`,
    columns: [
      left("Provider"),
      left("Peer group"),
      right("Baseline rel."),
      ...view.policies.flatMap((p) => [right(`Net ${p.policy}`), right(`Windfall ${p.policy}`), right(`Years in ${p.policy}`)])
    ],
    rows: shown.map((x) => [
      x.entity,
      x.peerGroup,
      factorText(x.baselineRelative),
      ...view.policies.flatMap((p) => {
        const e = providerOf(p, x.entity)?.expected
        return e ? [show(e.providerNet), show(e.windfall), providersText(e.yearsIn)] : ["", "", ""]
      })
    ])
  }
}
