import { dec, formatFixed } from "@pbpsim/benchmark"
import { toPlainRun, type ContractResult, type PlainPolicyRun, type PlainTotals, type PlainYear, type PolicyRun } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"

/**
 * The one view of results every output format prints (terminal table, CSV, Markdown, JSON,
 * HTML report): exact decimals rendered once, as fixed-place strings, so that every format
 * shows the same digits. Money and PMPM in cents; rates and weights to 6 places.
 */
export const money = (d: Decimal): string => formatFixed(d, 2)
export const rate = (d: Decimal): string => formatFixed(d, 6)

/** One policy's results as fixed-place strings: the library's plain form (toPlainRun), which `compare --format json` prints. */
export type PolicyView = PlainPolicyRun
export type YearRow = PlainYear
export type Totals = PlainTotals

export const policyView = (run: PolicyRun): PolicyView => toPlainRun(run)

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
  /** `overrides`: the `--set path=value` the file was read with (absent when read as it is); sha256 is the file's. */
  readonly scenario: { readonly name: string; readonly file: string; readonly sha256: string; readonly overrides?: ReadonlyArray<string> }
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
