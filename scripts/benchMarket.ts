import { dec, fixedTrend, observedTrend } from "@pbpsim/benchmark"
import type { ContractModel, ExperienceRecord, YearTerms } from "@pbpsim/simulator"
import seedrandom from "seedrandom"

/** The bench's synthetic market: provider E0000 and its peers, 2022–2024 history, three policies. */
export const market = (entities: number, years: number): ReadonlyArray<ContractModel> => {
  const rng = seedrandom("bench-market")
  const names = Array.from({ length: entities }, (_, i) => `E${String(i).padStart(4, "0")}`)
  const experience: Array<ExperienceRecord> = names.flatMap((entity) => {
    const members = 2_000 + Math.floor(rng() * 30_000)
    const pmpm = 350 + rng() * 200
    const risk = 0.85 + rng() * 0.3
    return [2022, 2023, 2024].map((year, h) => ({
      entity,
      year,
      memberMonths: dec(members * 12),
      cost: dec(((pmpm * 1.04 ** h) * members * 12).toFixed(2)),
      riskScore: dec(risk.toFixed(4))
    }))
  })
  const yearTerms: YearTerms = {
    name: "base terms",
    fromYear: 1,
    trend: observedTrend("peers"),
    convergenceCaps: { up: dec("0.05"), down: dec("0.015"), noNegative: false },
    riskCaps: { up: dec("0.03") },
    discount: dec(0),
    settlement: {
      name: "MSSP-like two-sided",
      msr: { kind: "mssp-variable" },
      mlr: { kind: "fixed", rate: dec("0.02") },
      sharingBasis: "first-dollar",
      savingsRate: { kind: "flat", rate: dec("0.75") },
      savingsCap: dec("0.2"),
      sequestration: dec("0.02"),
      lossRate: { kind: "quality-linked", savingsRate: dec("0.75"), min: dec("0.4"), max: dec("0.75"), failedQuality: dec("0.75") },
      lossLimit: { shareOfBenchmark: dec("0.15") }
    },
    quality: { score: dec("0.9"), savingsMultiplier: dec(1), meetsStandard: true }
  }
  const base: ContractModel = {
    scenarioName: `bench market ${entities}×${years}`,
    policyName: "trending",
    policyDescription: "",
    entities: names,
    provider: names[0]!,
    peers: names.slice(1),
    peerIncludesProvider: false,
    experience,
    startYear: 2025,
    years,
    baselineYears: [2022, 2023, 2024],
    baselineWeights: [dec("0.1"), dec("0.3"), dec("0.6")],
    historicalTrend: observedTrend("market"),
    glidePath: Array.from({ length: years }, () => dec("0.7")),
    terms: Array.from({ length: years }, () => yearTerms),
    rounding: { places: 2, mode: "half-up" },
    peerRefresh: "with-rebase",
    rebasing: { rebasing: { kind: "none" }, glidePathOnRebase: "continue" },
    marketTrend: Array.from({ length: years }, () => dec("0.04")),
    projection: new Map(names.map((n, i) => [n, { savings: Array.from({ length: years }, () => dec(i === 0 ? "0.02" : "0")), memberGrowth: dec("0.01"), riskDrift: dec("0.005") }])),
    stochastic: { marketTrendSd: 0.01, memberCostSd: 1.7, savingsSd: 0.01, riskDriftSd: 0.005 }
  }
  const rollingTrend = fixedTrend("0.04")
  return [
    base,
    { ...base, policyName: "annual-rebase", rebasing: { rebasing: { kind: "annual" }, glidePathOnRebase: "continue" } },
    {
      ...base,
      policyName: "rolling-glide",
      terms: base.terms.map((t) => ({ ...t, trend: rollingTrend })),
      glidePath: Array.from({ length: years }, (_, k) => dec(Math.max(0, 0.8 - 0.2 * k).toFixed(2))),
      rebasing: { rebasing: { kind: "rolling", weights: [dec("0.5"), dec("0.5")] }, glidePathOnRebase: "continue" }
    }
  ]
}

