import { dec, fixedTrend, type SettlementTerms } from "@pbpsim/benchmark"
import type { ContractModel, ExperienceRecord, Rebasing, YearTerms } from "@pbpsim/simulator"
import type { Decimal } from "decimal.js"

/** One-sided, flat 50 % from the first dollar, no corridor, cap or sequestration: settlement = 0.5 × gross when gross > 0. */
export const flatHalf: SettlementTerms = {
  name: "flat 50 %, two-sided, no corridor",
  msr: { kind: "fixed", rate: dec(0) },
  mlr: { kind: "fixed", rate: dec(0) },
  sharingBasis: "first-dollar",
  savingsRate: { kind: "flat", rate: dec("0.5") },
  sequestration: dec(0),
  lossRate: { kind: "flat", rate: dec("0.5") }
}

export interface ModelArgs {
  readonly years?: number
  readonly rebasing?: Rebasing
  readonly trend?: string
  readonly marketTrend?: string
  readonly providerSavings?: ReadonlyArray<string>
  readonly providerWeight?: string
  readonly peerIncludesProvider?: boolean
  readonly memberGrowth?: string
  readonly riskDrift?: string
  readonly providerPmpm?: string
  readonly peerPmpm?: string
  readonly costScale?: string
  readonly savingsCredit?: { share: string; cap: string; years?: number; withRegional?: "add" | "higher" }
  /** Terms by contract year: each entry's fields replace the base terms from its contract year on. */
  readonly schedule?: ReadonlyArray<{ readonly fromYear: number; readonly name: string } & Partial<Omit<YearTerms, "name" | "fromYear">>>
}

const row = (entity: string, year: number, memberMonths: string, pmpm: Decimal): ExperienceRecord => ({
  entity,
  year,
  memberMonths: dec(memberMonths),
  cost: pmpm.mul(memberMonths),
  riskScore: dec(1)
})

/** A provider P and one peer Q with two baseline years (2023, 2024), contract from 2025. */
export const makeModel = (args: ModelArgs = {}): ContractModel => {
  const years = args.years ?? 4
  const scale = dec(args.costScale ?? "1")
  const p = dec(args.providerPmpm ?? "400").mul(scale)
  const q = dec(args.peerPmpm ?? "450").mul(scale)
  const zero = dec(0)
  const trend = fixedTrend(args.trend ?? "0.04")
  const savings = (list: ReadonlyArray<string> | undefined) => Array.from({ length: years }, (_, k) => dec(list?.[k] ?? "0"))
  return {
    scenarioName: "engine test",
    policyName: args.rebasing?.kind ?? "none",
    policyDescription: "",
    entities: ["P", "Q"],
    provider: "P",
    peers: args.peerIncludesProvider ? ["P", "Q"] : ["Q"],
    peerIncludesProvider: args.peerIncludesProvider ?? false,
    experience: [row("P", 2023, "120000", p), row("P", 2024, "120000", p), row("Q", 2023, "240000", q), row("Q", 2024, "240000", q)],
    startYear: 2025,
    years,
    baselineYears: [2023, 2024],
    baselineWeights: [dec("0.5"), dec("0.5")],
    historicalTrend: fixedTrend(args.trend ?? "0.04"),
    glidePath: Array.from({ length: years }, () => dec(args.providerWeight ?? "1")),
    terms: Array.from({ length: years }, (_, i): YearTerms => {
      const base: YearTerms = {
        name: "base terms",
        fromYear: 1,
        trend,
        convergenceCaps: { noNegative: false },
        riskCaps: {},
        discount: zero,
        settlement: flatHalf,
        quality: { score: dec(1), savingsMultiplier: dec(1), meetsStandard: true }
      }
      return (args.schedule ?? []).filter((e) => e.fromYear <= i + 1).reduce<YearTerms>((terms, entry) => ({ ...terms, ...entry }), base)
    }),
    rounding: { places: 2, mode: "half-up" },
    peerRefresh: "with-rebase",
    rebasing: {
      rebasing: args.rebasing ?? { kind: "none" },
      glidePathOnRebase: "continue",
      ...(args.savingsCredit
        ? {
            savingsCredit: {
              share: dec(args.savingsCredit.share),
              cap: dec(args.savingsCredit.cap),
              ...(args.savingsCredit.years === undefined ? {} : { years: args.savingsCredit.years }),
              withRegional: args.savingsCredit.withRegional ?? "add"
            }
          }
        : {})
    },
    marketTrend: Array.from({ length: years }, () => dec(args.marketTrend ?? "0.04")),
    projection: new Map([
      ["P", { savings: savings(args.providerSavings), memberGrowth: dec(args.memberGrowth ?? "0"), riskDrift: dec(args.riskDrift ?? "0") }],
      ["Q", { savings: savings(undefined), memberGrowth: zero, riskDrift: zero }]
    ]),
    stochastic: { marketTrendSd: 0, memberCostSd: 0, savingsSd: 0, riskDriftSd: 0 }
  }
}
