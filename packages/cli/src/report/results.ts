import { dec, formatFixed } from "@pbpsim/benchmark"
import type { ContractResult, PolicyRun } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"

/**
 * The one view of results every output format prints (terminal table, CSV, Markdown, JSON,
 * HTML report): exact decimals rendered once, as fixed-place strings, so that every format
 * shows the same digits. Money and PMPM in cents; rates and weights to 6 places.
 */
export const money = (d: Decimal): string => formatFixed(d, 2)
export const rate = (d: Decimal): string => formatFixed(d, 6)

export interface YearRow {
  readonly contractYear: number
  readonly year: number
  readonly providerWeight: string
  readonly rebased: boolean
  readonly providerReferenceYears: ReadonlyArray<number>
  readonly peerReferenceYears: ReadonlyArray<number>
  readonly providerBaseline: string
  readonly peerBaseline: string
  readonly blended: string
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
  readonly outcome: string
  readonly sharedSavings: string
  readonly sharedLosses: string
  readonly providerNet: string
  readonly payerNet: string
  readonly incentivePower: string
}

export interface Totals {
  readonly benchmark: string
  readonly expenditure: string
  readonly gross: string
  readonly sharedSavings: string
  readonly sharedLosses: string
  readonly providerNet: string
  readonly payerNet: string
  readonly presentValue?: { readonly rate: string; readonly providerNet: string; readonly payerNet: string }
}

export interface PolicyView {
  readonly name: string
  readonly description: string
  readonly settlementTerms: string
  readonly years: ReadonlyArray<YearRow>
  readonly totals: Totals
}

const totalsOf = (r: ContractResult): Totals => ({
  benchmark: money(r.totals.benchmark),
  expenditure: money(r.totals.expenditure),
  gross: money(r.totals.gross),
  sharedSavings: money(r.totals.sharedSavings),
  sharedLosses: money(r.totals.sharedLosses),
  providerNet: money(r.totals.providerNet),
  payerNet: money(r.totals.payerNet),
  ...(r.presentValue
    ? { presentValue: { rate: rate(r.presentValue.rate), providerNet: money(r.presentValue.providerNet), payerNet: money(r.presentValue.payerNet) } }
    : {})
})

export const policyView = (run: PolicyRun): PolicyView => ({
  name: run.result.policyName,
  description: run.result.policyDescription,
  settlementTerms: run.model.settlement.name,
  years: run.result.years.map((y, i) => {
    const b = y.benchmark.value
    const s = y.settlement.value
    return {
      contractYear: y.contractYear,
      year: y.year,
      providerWeight: rate(y.providerWeight),
      rebased: y.rebased,
      providerReferenceYears: y.reference.providerYears,
      peerReferenceYears: y.reference.peerYears,
      providerBaseline: money(b.providerBaseline),
      peerBaseline: money(b.peerBaseline),
      blended: money(b.blended),
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
      outcome: s.outcome,
      sharedSavings: money(s.sharedSavings),
      sharedLosses: money(s.sharedLosses),
      providerNet: money(s.providerNet),
      payerNet: money(s.payerNet),
      incentivePower: rate(run.incentivePower[i]!.value)
    }
  }),
  totals: totalsOf(run.result)
})

/** Year-by-year difference of one policy against the first (the baseline policy), exact before rounding. */
export interface DifferenceView {
  readonly policy: string
  readonly against: string
  readonly years: ReadonlyArray<{ readonly year: number; readonly benchmarkPmpm: string; readonly providerNet: string; readonly payerNet: string }>
  /** Over the calendar years both policies cover. */
  readonly totals: { readonly providerNet: string; readonly payerNet: string }
}

export const differenceView = (run: PolicyRun, against: PolicyRun): DifferenceView => {
  // Policies may differ in contract length: compare the calendar years both cover.
  const pairs = run.result.years.flatMap((y) => {
    const a = against.result.years.find((x) => x.year === y.year)
    return a ? [{ y, a }] : []
  })
  const net = (pick: (s: ContractResult["years"][number]) => Decimal, side: "y" | "a") =>
    pairs.reduce((acc, p) => acc.add(pick(p[side])), dec(0))
  const providerNet = (r: ContractResult["years"][number]) => r.settlement.value.providerNet
  const payerNet = (r: ContractResult["years"][number]) => r.settlement.value.payerNet
  return {
    policy: run.result.policyName,
    against: against.result.policyName,
    years: pairs.map(({ y, a }) => ({
      year: y.year,
      benchmarkPmpm: money(y.benchmark.value.benchmarkPmpm.sub(a.benchmark.value.benchmarkPmpm)),
      providerNet: money(y.settlement.value.providerNet.sub(a.settlement.value.providerNet)),
      payerNet: money(y.settlement.value.payerNet.sub(a.settlement.value.payerNet))
    })),
    totals: {
      providerNet: money(net(providerNet, "y").sub(net(providerNet, "a"))),
      payerNet: money(net(payerNet, "y").sub(net(payerNet, "a")))
    }
  }
}

export interface Provenance {
  readonly engine: { readonly name: "pbpsim"; readonly version: string }
  readonly scenario: { readonly name: string; readonly file: string; readonly sha256: string }
}

export interface ComparisonView extends Provenance {
  readonly provider: string
  readonly policies: ReadonlyArray<PolicyView>
  readonly differences: ReadonlyArray<DifferenceView>
}

export const comparisonView = (provenance: Provenance, runs: ReadonlyArray<PolicyRun>): ComparisonView => {
  const first = runs[0]
  return {
    ...provenance,
    provider: first?.result.provider ?? "",
    policies: runs.map(policyView),
    differences: first ? runs.slice(1).map((r) => differenceView(r, first)) : []
  }
}
