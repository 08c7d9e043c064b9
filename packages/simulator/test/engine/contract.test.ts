import { describe, expect, it } from "vitest"
import { dec, findStep } from "@pbpsim/benchmark"
import { projectExperience, runContract, runPolicy } from "@pbpsim/simulator"
import { flatHalf, makeModel } from "./model.js"

const pmpms = (model: ReturnType<typeof makeModel>) => runContract(model, projectExperience(model)).years.map((y) => y.benchmark.value.benchmarkPmpm.toFixed(2))

describe("runContract", () => {
  it("trends a fixed provider baseline forward under rebasing none", () => {
    // B_P = 400 (both baseline years 400 PMPM; 2023 trended by 1.04 to 2024 would be 416, weighted 0.5/0.5):
    //   0.5 × 400 × 1.04 + 0.5 × 400 = 408. Year k benchmark = 408 × 1.04^k:
    //   424.32, 441.2928 → 441.29, 458.944512 → 458.94, 477.30229248 → 477.30
    expect(pmpms(makeModel())).toEqual(["424.32", "441.29", "458.94", "477.30"])
  })

  it("resets the provider baseline to last year's realised PMPM under annual rebasing", () => {
    // Provider saves 5 % in every contract year; actual_k = 400 × 1.04^k × 0.95.
    // Year 1: 408 × 1.04 = 424.32. Year 2: actual 2025 = 416 × 0.95 = 395.2 → × 1.04 = 411.008 → 411.01.
    // Year 3: actual 2026 = 432.64 × 0.95 = 411.008 → × 1.04 = 427.44832 → 427.45.
    const model = makeModel({ rebasing: { kind: "annual" }, providerSavings: ["0.05", "0.05", "0.05", "0.05"] })
    expect(pmpms(model).slice(0, 3)).toEqual(["424.32", "411.01", "427.45"])
  })

  it("blends with the peer by the glide-path weight", () => {
    // λ = 0.5: peer baseline = 0.5 × 450 × 1.04 + 0.5 × 450 = 459; blend = 0.5 × 408 + 0.5 × 459 = 433.5;
    // year 1 = 433.5 × 1.04 = 450.84.
    expect(pmpms(makeModel({ providerWeight: "0.5" }))[0]).toBe("450.84")
  })

  it("settles each year at half the gross savings under the flat 50 % terms", () => {
    // Year 1: benchmark 424.32, actual 416 × 0.9 = 374.4 on 120,000 MM: gross = 49.92 × 120,000 = 5,990,400; half 2,995,200.
    const model = makeModel({ providerSavings: ["0.1", "0.1", "0.1", "0.1"] })
    const year1 = runContract(model, projectExperience(model)).years[0]!.settlement.value
    expect(year1.gross.toFixed(2)).toBe("5990400.00")
    expect(year1.providerNet.toFixed(2)).toBe("2995200.00")
  })

  it("adds half the prior year's per-capita savings as a credit at each annual rebase", () => {
    // Year 1 savings per capita 424.32 − 374.4 = 49.92 → half = 24.96. At the year-2 rebase the peer baseline is
    // the peer's realised 2025 PMPM, 450 × 1.04 = 468, so a 10 % cap (46.80) does not bind.
    // Year 2: B_P = 374.4 + 24.96 = 399.36; × 1.04 = 415.3344 → 415.33.
    const model = makeModel({ rebasing: { kind: "annual" }, providerSavings: ["0.1", "0.1", "0.1", "0.1"], savingsCredit: { share: "0.5", cap: "0.1" } })
    const years = runContract(model, projectExperience(model)).years
    expect(years[1]!.savingsCredit!.value.toFixed(2)).toBe("24.96")
    expect(years[1]!.benchmark.value.benchmarkPmpm.toFixed(2)).toBe("415.33")
  })

  it("sets the credit once at a periodic rebase and applies it in every year of the new period", () => {
    // Periodic every 2 years, weights ½/½. Year 1: B 424.32, actual 374.40, savings 49.92 per member month.
    // Year 2: B = 408 × 1.04² = 441.2928 → 441.29; actual 416 × 1.04 × 0.9 = 389.376; savings 51.914.
    // Year 3 rebases to ½(374.4 × 1.04) + ½(389.376) = 389.376 and sets the credit ½ × mean(49.92, 51.914) = 25.4585
    // (cap 10 % × peer 486.72 does not bind). Year 3: (389.376 + 25.4585) × 1.04 = 431.42788 → 431.43;
    // year 4 keeps it: × 1.04² = 448.684995… → 448.68 (without the credit it would be 421.15).
    const model = makeModel({
      rebasing: { kind: "periodic", every: 2, weights: [dec("0.5"), dec("0.5")] },
      providerSavings: ["0.1", "0.1", "0.1", "0.1"],
      savingsCredit: { share: "0.5", cap: "0.1" }
    })
    const years = runContract(model, projectExperience(model)).years
    expect(years[0]!.savingsCredit).toBeUndefined()
    expect(years[1]!.savingsCredit).toBeUndefined()
    expect(years[2]!.savingsCredit!.value.toFixed(4)).toBe("25.4585")
    expect(years[3]!.savingsCredit!.value.toFixed(4)).toBe("25.4585")
    expect(years[2]!.benchmark.value.benchmarkPmpm.toFixed(2)).toBe("431.43")
    expect(years[3]!.benchmark.value.benchmarkPmpm.toFixed(2)).toBe("448.68")
  })

  it("averages the last `years` contract years, a year before the contract counting as zero", () => {
    // years 3 at the year-3 rebase: (0 + 49.92 + 51.914) / 3 × ½ = 16.972333…; year 3: (389.376 + 16.972333…) × 1.04 → 422.60.
    const model = makeModel({
      rebasing: { kind: "periodic", every: 2, weights: [dec("0.5"), dec("0.5")] },
      providerSavings: ["0.1", "0.1", "0.1", "0.1"],
      savingsCredit: { share: "0.5", cap: "0.1", years: 3 }
    })
    const years = runContract(model, projectExperience(model)).years
    expect(years[2]!.savingsCredit!.value.toFixed(6)).toBe("16.972333")
    expect(years[2]!.benchmark.value.benchmarkPmpm.toFixed(2)).toBe("422.60")
  })

  it("caps the savings credit at a share of the peer baseline", () => {
    // Cap 5 % × 468 = 23.40 < 24.96: binds. Year 2: (374.4 + 23.4) × 1.04 = 413.712 → 413.71.
    const model = makeModel({ rebasing: { kind: "annual" }, providerSavings: ["0.1", "0.1", "0.1", "0.1"], savingsCredit: { share: "0.5", cap: "0.05" } })
    const years = runContract(model, projectExperience(model)).years
    expect(years[1]!.savingsCredit!.value.toFixed(2)).toBe("23.40")
    expect(years[1]!.benchmark.value.benchmarkPmpm.toFixed(2)).toBe("413.71")
  })
})

describe("peer refresh", () => {
  it("explains the peer baseline it uses, including the restatement to the provider's risk", () => {
    // Provider kept at its 2024 baseline; peers refreshed from their last year; provider risk drifts 1 % a year,
    // so the peer figure is deflated to 2024 dollars and restated from the provider's 2025 risk to its 2024 risk.
    const model = { ...makeModel({ riskDrift: "0.01" }), peerRefresh: "annual" as const }
    const years = runContract(model, projectExperience(model)).years
    const step = findStep(years[1]!.benchmark.derivation, "benchmark.peerBaseline")!
    expect(years[1]!.reference.peerYears).toEqual([2025])
    // Peer 2025 = 450 × 1.04 = 468 at risk 1, stated at the provider's 2025 risk: × 1.01 = 472.68;
    // in 2024 dollars: ÷ 1.04 = 454.5; restated to the provider's 2024 risk: × 1 / 1.01 = 450.
    const restate = findStep(step, "baseline.riskRestate")!
    expect(restate.inputs[0]!.value.toFixed(10)).toBe("454.5000000000")
    expect(restate.output.value.toFixed(10)).toBe("450.0000000000")
    expect(years[1]!.benchmark.value.peerBaseline.toFixed(10)).toBe(restate.output.value.toFixed(10))
  })
})

describe("incentivePower", () => {
  it("equals the sharing rate every year under trending without a corridor", () => {
    const run = runPolicy(makeModel({ providerSavings: ["0.05", "0.05", "0.05", "0.05"] }))
    expect(run.incentivePower.map((p) => p.value.toFixed(12))).toEqual(Array(4).fill("0.500000000000"))
  })

  it("is lower under annual rebasing: a $1 cut lowers next year's benchmark by $1.04", () => {
    // Year t: +0.5 per $1. Year t+1: benchmark −1.04 (rounding to cents commutes with subtracting 1.04),
    // same member months: −0.5 × 1.04. Net 0.5 − 0.52 = −0.02. The last year has nothing after it: 0.5.
    const run = runPolicy(makeModel({ rebasing: { kind: "annual" }, providerSavings: ["0.05", "0.05", "0.05", "0.05"] }))
    expect(run.incentivePower.map((p) => p.value.toFixed(12))).toEqual(["-0.020000000000", "-0.020000000000", "-0.020000000000", "0.500000000000"])
  })

  it("scales the ratchet by member growth: next year's loss is per its own member months", () => {
    // Member months grow 10 %: 0.5 − 0.5 × 1.04 × 1.1 = −0.072.
    const run = runPolicy(makeModel({ rebasing: { kind: "annual" }, memberGrowth: "0.1", providerSavings: ["0.05", "0.05", "0.05", "0.05"] }))
    expect(run.incentivePower[0]!.value.toFixed(12)).toBe(dec("-0.072").toFixed(12))
  })
})

describe("MSSP benchmark inputs", () => {
  // makeModel: provider P at 400 PMPM, peer Q at 450 in 2023 and 2024, trend 4 %, weights ½/½.
  // B_P = ½ × 400 × 1.04 + ½ × 400 = 408; B_R = ½ × 450 × 1.04 + ½ × 450 = 459.
  const halfWeight = { providerWeight: "0.5" }

  it("reads the variable MSR at the assigned beneficiaries given, not member months ÷ 12 (CMS's A5300: 13,950 → 2.763 %)", () => {
    // Table row 10,000–14,999 runs 3.0 % → 2.7 %: 3.0 − 0.3 × (13,950 − 10,000) / 4,999 = 2.76295259… %.
    const model = makeModel({
      schedule: [{ fromYear: 1, name: "variable MSR", settlement: { ...flatHalf, msr: { kind: "mssp-variable" } }, assignedBeneficiaries: dec(13_950) }]
    })
    const years = runContract(model, projectExperience(model)).years
    expect(years[0]!.settlement.value.msr.toFixed(8)).toBe("0.02762953")
    // Without the count, 120,000 member months ÷ 12 = 10,000 members: 3.0 %.
    const byMonths = makeModel({ schedule: [{ fromYear: 1, name: "variable MSR", settlement: { ...flatHalf, msr: { kind: "mssp-variable" } } }] })
    expect(runContract(byMonths, projectExperience(byMonths)).years[0]!.settlement.value.msr.toFixed(8)).toBe("0.03000000")
  })

  it("caps the convergence adjustment as a share of national per capita when it is given", () => {
    // adj = ½ × (459 − 408) = 25.5. Cap 5 % of the peer baseline 459 = 22.95: (408 + 22.95) × 1.04 = 448.188 → 448.19.
    // Cap 5 % of national per capita 400 (2024) = 20: (408 + 20) × 1.04 = 445.12.
    const caps = { up: dec("0.05"), noNegative: false }
    const peer = makeModel({ ...halfWeight, schedule: [{ fromYear: 1, name: "capped", convergenceCaps: caps }] })
    expect(pmpms(peer)[0]).toBe("448.19")
    const national = { ...peer, nationalPerCapita: new Map([[2024, dec(400)]]) }
    expect(pmpms(national)[0]).toBe("445.12")
  })

  it("weights the peers by the side the provider is on: 35 % below its peers, 15 % above (42 CFR 425.656(b), first agreement)", () => {
    const sided = { belowPeers: dec("0.35"), abovePeers: dec("0.15") }
    // Below: adj = 0.35 × (459 − 408) = 17.85; (408 + 17.85) × 1.04 = 442.884 → 442.88.
    const below = makeModel({ schedule: [{ fromYear: 1, name: "regional", peerWeightBySide: sided }] })
    expect(pmpms(below)[0]).toBe("442.88")
    // Above (provider at 500: B_P = 510): adj = 0.15 × (459 − 510) = −7.65; (510 − 7.65) × 1.04 = 522.444 → 522.44.
    const above = makeModel({ providerPmpm: "500", schedule: [{ fromYear: 1, name: "regional", peerWeightBySide: sided }] })
    expect(pmpms(above)[0]).toBe("522.44")
  })
})

describe("PY2024 MSSP settlement rules in the contract", () => {
  it("carries advance investment payments from year to year and recoups them from later savings (42 CFR 425.630(g))", () => {
    // flatHalf (50 %, no corridor) on makeModel; provider cost 10 % over counterfactual in year 1, 10 % under after.
    // Benchmarks 424.32, 441.29, 458.94, 477.30; counterfactual 416, 432.64, 449.9456, 467.943424; 120,000 MM.
    //   Year 1: actual 457.6, gross (424.32 − 457.6) × 120,000 = −3,993,600 → loss 1,996,800.
    //   Year 2: actual 389.376, gross 51.914 × 120,000 = 6,229,680 → savings 3,114,840.
    //   Year 3: actual 404.95104, gross 53.98896 × 120,000 = 6,478,675.2 → savings 3,239,337.6.
    //   Year 4: actual 421.1490816, gross 56.1509184 × 120,000 = 6,738,110.208 → savings 3,369,055.104.
    // Advances 2,000,000 in years 1 and 2:
    //   Year 1: nothing recouped (no savings), 2,000,000 carried; net −1,996,800 + 2,000,000 = 3,200.
    //   Year 2: outstanding 4,000,000, recouped all 3,114,840, 885,160 carried; net 3,114,840 + 2,000,000 − 3,114,840 = 2,000,000.
    //   Year 3: recouped 885,160, repaid; net 3,239,337.6 − 885,160 = 2,354,177.6.
    //   Year 4: nothing outstanding; net 3,369,055.104.
    const base = makeModel({ providerSavings: ["-0.1", "0.1", "0.1", "0.1"] })
    const model = { ...base, terms: base.terms.map((t, i) => ({ ...t, advanceInvestment: dec(i < 2 ? "2000000" : "0") })) }
    const result = runContract(model, projectExperience(model))
    const years = result.years.map((y) => y.settlement.value)
    expect(years.map((s) => s.advance!.recouped.toFixed())).toEqual(["0", "3114840", "885160", "0"])
    expect(years.map((s) => s.advance!.balance.toFixed())).toEqual(["2000000", "885160", "0", "0"])
    expect(years.map((s) => s.providerNet.toFixed())).toEqual(["3200", "2000000", "2354177.6", "3369055.104"])
    // Σ earned − Σ owed + Σ received − Σ recouped = 9,723,232.704 − 1,996,800 + 4,000,000 − 4,000,000.
    expect(result.totals.providerNet.toFixed()).toBe("7726432.704")
    expect(result.totals.payerNet.add(result.totals.providerNet).eq(result.totals.gross)).toBe(true)
    expect(findStep(result.years[1]!.settlement.derivation, "settlement.advance")?.notes[0]).toBe("all 3114840.00 of the savings applied to the advance, 885160.00 carried forward")
  })

  it("finds the cliff at the MSR when savings below it are shared at the reduced rate (425.605(h))", () => {
    // A 2 % MSR with 425.605(h) at half of flatHalf's 50 %: 25 % below the MSR, 50 % at it.
    const terms = { ...flatHalf, msr: { kind: "fixed" as const, rate: dec("0.02") }, mlr: { kind: "fixed" as const, rate: dec("0.02") }, reducedBelowMsr: { factor: dec("0.5"), minAssigned: dec(5_000) } }
    const model = makeModel({ years: 1, schedule: [{ fromYear: 1, name: "reduced", settlement: terms }] })
    const run = runPolicy(model)
    const s = run.result.years[0]!.settlement.value
    // Benchmark 424.32, actual 416: gross 8.32 × 120,000 = 998,400 (1.96 % < 2 %) → 998,400 × 25 % = 249,600.
    expect([s.outcome, s.reducedBelowMsr, s.sharedSavings.toFixed()]).toEqual(["savings", true, "249600"])
    // The edge: 2 % × 424.32 = 8.4864 PMPM of savings, 0.1664 PMPM below the actual cost; there gross = 1,018,368,
    // and crossing it doubles the rate: 1,018,368 × (50 % − 25 %) = 254,592 gained.
    const cliff = run.incentivePower[0]!.cliffs.find((c) => c.threshold === "MSR")
    expect(cliff?.distancePmpm.toFixed(4)).toBe("-0.1664")
    expect(cliff?.jump.toFixed(0)).toBe("254592")
  })
})
