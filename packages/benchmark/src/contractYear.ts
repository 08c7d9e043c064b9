import type { Decimal } from "decimal.js"
import type { ConvergenceCaps } from "./benchmarkTerms.js"
import { convergence } from "./blend.js"
import { ONE, ZERO } from "./decimal.js"
import { derive, explained, quantity, type Derivation, type Explained } from "./derivation.js"
import { invalid } from "./errors.js"
import { describeRounding, type Rounding } from "./rounding.js"
import { benchmarkChainExact, creditWithAdjustmentExact, type CreditRule } from "./compute/benchmark.js"
import { roundExact } from "./compute/rounding.js"
import { withEquityAddOn } from "./equity.js"

/**
 * A contract year's benchmark PMPM (docs/model.md §3), in this order:
 * blend → (+ savings credit) → × trend factor → × risk ratio → × (1 − discount) → (+ equity add-on) → round.
 * Only the last step rounds; every intermediate is exact.
 */

export interface ContractYearBenchmark {
  readonly providerBaseline: Decimal
  readonly peerBaseline: Decimal
  readonly adjustment: Decimal
  readonly blended: Decimal
  /** Savings credit added at a rebase (docs/model.md §4), 0 when none was given. */
  readonly savingsCredit: Decimal
  /** blended + savingsCredit: the figure the trend applies to. */
  readonly beforeTrend: Decimal
  readonly trendFactor: Decimal
  readonly trended: Decimal
  readonly riskRatio: Decimal
  readonly riskAdjusted: Decimal
  readonly discount: Decimal
  readonly discounted: Decimal
  /** Health equity add-on PMPM added after the discount (0 when none): ACO REACH's HEBA. */
  readonly equityAddOn: Decimal
  /** The rounded benchmark PMPM: round(discounted + equity add-on). */
  readonly benchmarkPmpm: Decimal
}

const passThrough = (rule: string, label: string, name: string, given: Explained<Decimal>): Derivation =>
  derive({
    rule,
    label,
    formula: `${name} as derived`,
    inputs: [],
    output: quantity(name, given.value, "pmpm"),
    steps: [given.derivation]
  })

/**
 * A contract year's benchmark PMPM from explained baselines, trend factor and risk ratio:
 * blend (convergence) → + savings credit → × trend → × risk → × (1 − discount) → round.
 */
export const contractYearBenchmark = (args: {
  readonly providerBaseline: Explained<Decimal>
  readonly peerBaseline: Explained<Decimal>
  readonly providerWeight: Decimal
  /** Where λ came from, for the derivation (a glide path, a schedule entry, peer weights by side). */
  readonly providerWeightSource?: string
  readonly caps: ConvergenceCaps
  /** What the convergence caps are shares of; the peer baseline unless given (MSSP: national per capita). */
  readonly capBasis?: Decimal
  /** Prior savings credit added to the blended baseline before trend (docs/model.md §4, 42 CFR 425.658). */
  readonly savingsCredit?: Explained<Decimal>
  /** add: the credit stacks on the convergence adjustment; higher: a positive credit replaces it when higher (MSSP 2024+). Default add. */
  readonly creditRule?: CreditRule
  readonly trendFactor: Explained<Decimal>
  readonly riskRatio: Explained<Decimal>
  readonly discount: Decimal
  /** Dollars PMPM added after the discount, neither trended, risk-adjusted nor discounted (ACO REACH HEBA). */
  readonly equityAddOn?: Explained<Decimal>
  readonly rounding: Rounding
}): Explained<ContractYearBenchmark> => {
  const rule = "benchmark.contractYear"
  const factor = args.trendFactor.value
  const ratio = args.riskRatio.value
  const { discount, rounding } = args
  if (!factor.isFinite() || !factor.gt(ZERO)) throw invalid(rule, "trendFactor", "must be positive")
  if (!ratio.isFinite() || !ratio.gt(ZERO)) throw invalid(rule, "riskRatio", "must be positive")
  if (!discount.isFinite() || discount.lte(ONE.neg()) || discount.gte(ONE))
    throw invalid(rule, "discount", `must be above −1 and below 1, got ${discount.toFixed()}`)
  if (!Number.isInteger(rounding.places) || rounding.places < 0)
    throw invalid(rule, "rounding.places", `must be a whole number ≥ 0, got ${rounding.places}`)
  const givenCredit = args.savingsCredit?.value ?? ZERO
  if (!givenCredit.isFinite() || givenCredit.isNegative()) throw invalid(rule, "savingsCredit", "must be a finite, non-negative PMPM")
  const creditRule = args.creditRule ?? "add"

  const blend = convergence({
    providerBaseline: args.providerBaseline.value,
    peerBaseline: args.peerBaseline.value,
    providerWeight: args.providerWeight,
    caps: args.caps,
    ...(args.capBasis !== undefined ? { capBasis: args.capBasis } : {})
  })
  const combined = creditWithAdjustmentExact(blend.value.adjustment, givenCredit, creditRule)
  const credit = combined.credit
  const blended = args.providerBaseline.value.add(combined.adjustment)
  const { beforeTrend, trended, riskAdjusted, discounted } = benchmarkChainExact(blended, credit, factor, ratio, discount)
  const addOn = args.equityAddOn?.value ?? ZERO
  if (!addOn.isFinite()) throw invalid(rule, "equityAddOn", "must be a finite PMPM")
  const beforeRounding = discounted.add(addOn)
  const benchmarkPmpm = roundExact(beforeRounding, rounding)

  const steps: Array<Derivation> = [
    passThrough("benchmark.providerBaseline", "Provider baseline", "provider baseline B_P", args.providerBaseline),
    passThrough("benchmark.peerBaseline", "Peer baseline", "peer baseline B_R", args.peerBaseline),
    blend.derivation
  ]
  if (args.savingsCredit !== undefined && creditRule === "add")
    steps.push(
      derive({
        rule: "benchmark.savingsCredit",
        label: "Blended baseline plus savings credit",
        formula: "blended + credit",
        inputs: [quantity("blended baseline", blended, "pmpm"), quantity("savings credit", credit, "pmpm")],
        output: quantity("baseline before trend", beforeTrend, "pmpm"),
        source: "42 CFR 425.658 (prior savings adjustment); docs/model.md §4",
        steps: [args.savingsCredit.derivation]
      })
    )
  else if (args.savingsCredit !== undefined)
    steps.push(
      derive({
        rule: "benchmark.savingsCredit",
        label: "Higher of the convergence adjustment and the savings credit",
        formula: "credit > 0 ? B_P + max(adj, credit) : B_P + adj",
        inputs: [
          quantity("provider baseline", args.providerBaseline.value, "pmpm"),
          quantity("convergence adjustment", blend.value.adjustment, "pmpm"),
          quantity("savings credit", givenCredit, "pmpm")
        ],
        output: quantity("baseline before trend", beforeTrend, "pmpm"),
        source: "42 CFR 425.652(a)(8) as amended for 2024+ (the higher of a positive regional adjustment and the prior savings adjustment); docs/model.md §4",
        notes: [
          !givenCredit.gt(ZERO)
            ? "no positive credit: the convergence adjustment stands"
            : combined.replaced
              ? "the credit is higher: it replaces the convergence adjustment"
              : "the convergence adjustment is higher: the credit is not applied"
        ],
        steps: [args.savingsCredit.derivation]
      })
    )
  steps.push(
    derive({
      rule: "benchmark.trend",
      label: "Trended benchmark",
      formula: "trended = baseline × F",
      inputs: [quantity("baseline before trend", beforeTrend, "pmpm"), quantity("trend factor", factor, "factor")],
      output: quantity("trended benchmark", trended, "pmpm"),
      steps: [args.trendFactor.derivation]
    }),
    derive({
      rule: "benchmark.risk",
      label: "Risk-adjusted benchmark",
      formula: "risk-adjusted = trended × risk ratio",
      inputs: [quantity("trended benchmark", trended, "pmpm"), quantity("risk ratio", ratio, "factor")],
      output: quantity("risk-adjusted benchmark", riskAdjusted, "pmpm"),
      steps: [args.riskRatio.derivation]
    }),
    derive({
      rule: "benchmark.discount",
      label: "Discounted benchmark",
      formula: "discounted = risk-adjusted × (1 − discount)",
      inputs: [quantity("risk-adjusted benchmark", riskAdjusted, "pmpm"), quantity("discount", discount, "rate")],
      output: quantity("discounted benchmark", discounted, "pmpm"),
      source: "ACO REACH Global discount (3.5 % → 4 % in PY2025); docs/model.md §3.4",
      notes: discount.isZero() ? ["no discount"] : discount.isNegative() ? ["a negative discount: a premium on the benchmark"] : []
    }),
    ...(args.equityAddOn === undefined ? [] : [withEquityAddOn({ discounted, addOn: args.equityAddOn }).derivation]),
    derive({
      rule: "benchmark.rounding",
      label: "Benchmark PMPM",
      formula: `round(${args.equityAddOn === undefined ? "discounted" : "discounted + add-on"}, ${describeRounding(rounding)})`,
      inputs: [quantity(args.equityAddOn === undefined ? "discounted benchmark" : "benchmark before rounding", beforeRounding, "pmpm")],
      output: quantity("benchmark PMPM", benchmarkPmpm, "pmpm"),
      rounded: { from: beforeRounding, rounding },
      notes: [`rounded to ${describeRounding(rounding)}; every earlier step is exact`]
    })
  )
  return explained(
    {
      providerBaseline: args.providerBaseline.value,
      peerBaseline: args.peerBaseline.value,
      adjustment: combined.adjustment,
      blended,
      savingsCredit: credit,
      beforeTrend,
      trendFactor: factor,
      trended,
      riskRatio: ratio,
      riskAdjusted,
      discount,
      discounted,
      equityAddOn: addOn,
      benchmarkPmpm
    },
    derive({
      rule,
      label: "Contract-year benchmark PMPM",
      formula: `round((${creditRule === "higher" && args.savingsCredit !== undefined ? "B_P + max(adj, credit)" : "B_P + adj + credit"}) × F × risk ratio × (1 − discount)${args.equityAddOn === undefined ? "" : " + add-on"})`,
      inputs: [
        quantity("provider weight λ", args.providerWeight, "weight"),
        quantity("blended baseline", blended, "pmpm"),
        ...(args.savingsCredit !== undefined ? [quantity("savings credit", credit, "pmpm")] : []),
        quantity("trend factor", factor, "factor"),
        quantity("risk ratio", ratio, "factor"),
        quantity("discount", discount, "rate"),
        ...(args.equityAddOn !== undefined ? [quantity("equity add-on", addOn, "pmpm")] : [])
      ],
      output: quantity("benchmark PMPM", benchmarkPmpm, "pmpm"),
      rounded: { from: beforeRounding, rounding },
      source: "docs/model.md §3 (blend, trend, risk, discount, rounding)",
      ...(args.providerWeightSource === undefined ? {} : { notes: [`provider weight λ: ${args.providerWeightSource}`] }),
      steps
    })
  )
}
