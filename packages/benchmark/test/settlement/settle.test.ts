import { dec, findStep, flatten, InvalidArgument, msspTrack, reachTerms, settle, type SettlementInput, type SettlementTerms } from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"

const M = (millions: string) => dec(millions).mul(1_000_000)

const input = (over: Partial<SettlementInput> & Pick<SettlementInput, "benchmark" | "expenditure">): SettlementInput => ({
  assignedMembers: dec(10_000),
  qualityScore: dec(1),
  qualityMultiplier: dec(1),
  meetsQualityStandard: true,
  ...over
})

const fixed = (rate: string) => ({ kind: "fixed" as const, rate: dec(rate) })

describe("settle", () => {
  describe("WE13 BASIC loss limits (B 100M, E 104M, MLR 2 %: loss 4M ≥ 2 % → first dollar)", () => {
    it.each([
      // 4M × 30 % = 1.2M; limit min(8 % × 30M = 2.4M, 4 % × 100M = 4M) = 2.4M → 1.2M, limit does not bind
      { track: "basic-e", revenue: "30", owed: "1200000", binds: false },
      // limit min(4 % × 10M = 0.4M, 2 % × 100M = 2M) = 0.4M → 400,000
      { track: "basic-d", revenue: "10", owed: "400000", binds: true },
      // limit min(2 % × 10M = 0.2M, 1 % × 100M = 1M) = 0.2M → 200,000
      { track: "basic-c", revenue: "10", owed: "200000", binds: true }
    ] as const)("$track with revenue $revenue M owes $owed", ({ track, revenue, owed, binds }) => {
      const s = settle(msspTrack(track, { mlr: fixed("0.02") }), input({ benchmark: M("100"), expenditure: M("104"), revenue: M(revenue) })).value
      expect(s.outcome).toBe("loss")
      expect(s.sharedLosses.eq(dec(owed))).toBe(true)
      expect(s.providerNet.eq(dec(owed).neg())).toBe(true)
      // payer net = gross − provider net = −4M + owed
      expect(s.payerNet.eq(M("-4").add(dec(owed)))).toBe(true)
      expect(s.lossLimitBinds).toBe(binds)
      expect(s.sharingRate.eq(dec("0.3"))).toBe(true)
    })

    it("ENHANCED at quality 0.80 owes 1.6M (rate 1 − 0.75 × 0.8 = 0.40; limit 15M does not bind)", () => {
      const s = settle(msspTrack("enhanced", { mlr: fixed("0.02") }), input({ benchmark: M("100"), expenditure: M("104"), qualityScore: dec("0.8") })).value
      expect(s.sharedLosses.eq(M("1.6"))).toBe(true)
      expect(s.lossLimitBinds).toBe(false)
    })
  })

  describe("WE14 ENHANCED loss-rate bounds (loss 4M of B 100M, MLR 2 %)", () => {
    it.each([
      // 1 − 0.75 × 0.7705 = 0.422125 → 4M × 0.422125 = 1,688,500
      { q: "0.7705", meets: true, rate: "0.422125", owed: "1688500" },
      // 1 − 0.75 × 0.95 = 0.2875 → floor 0.40 → 1,600,000
      { q: "0.95", meets: true, rate: "0.40", owed: "1600000" },
      // 1 − 0.75 × 0.40 = 0.70 (inside the bounds) → 2,800,000
      { q: "0.40", meets: true, rate: "0.70", owed: "2800000" },
      // fails the quality standard → 0.75 → 3,000,000
      { q: "0.95", meets: false, rate: "0.75", owed: "3000000" }
    ])("quality $q (meets standard: $meets) gives a loss rate of $rate", ({ q, meets, rate, owed }) => {
      const r = settle(
        msspTrack("enhanced", { mlr: fixed("0.02") }),
        input({ benchmark: M("100"), expenditure: M("104"), qualityScore: dec(q), meetsQualityStandard: meets })
      )
      expect(r.value.sharingRate.eq(dec(rate))).toBe(true)
      expect(r.value.sharedLosses.eq(dec(owed))).toBe(true)
      expect(findStep(r.derivation, "settlement.loss.rate")?.output.value.eq(dec(rate))).toBe(true)
    })

    it("says in the derivation when the floor binds", () => {
      const r = settle(msspTrack("enhanced", { mlr: fixed("0.02") }), input({ benchmark: M("100"), expenditure: M("104"), qualityScore: dec("0.95") }))
      expect(findStep(r.derivation, "settlement.loss.rate")?.notes.join(" ")).toMatch(/floor binds/)
    })
  })

  describe("WE16 REACH corridors as marginal bands (B 100M after discount)", () => {
    it.each([
      // Global savings 30M: 25M × 100 % + 5M × 50 % = 27.5M
      { option: "global", expenditure: "70", net: "27.5" },
      // Global savings 40M: 25 + 10 × 0.5 + 5 × 0.25 = 31.25M
      { option: "global", expenditure: "60", net: "31.25" },
      // Global loss 30M: the same bands → −27.5M
      { option: "global", expenditure: "130", net: "-27.5" },
      // Professional savings 12M: 5 × 0.5 + 5 × 0.35 + 2 × 0.15 = 4.55M
      { option: "professional", expenditure: "88", net: "4.55" }
    ] as const)("$option with expenditure $expenditure M nets the ACO $net M", ({ option, expenditure, net }) => {
      const r = settle(reachTerms(option), input({ benchmark: M("100"), expenditure: M(expenditure) }))
      expect(r.value.providerNet.eq(M(net))).toBe(true)
      expect(r.value.payerNet.eq(M("100").sub(M(expenditure)).sub(M(net)))).toBe(true)
    })
  })

  describe("MSSP savings (docs/model.md §9.9, PUF23)", () => {
    it("reproduces PUF23 A1001 (ENHANCED, 2 % MSR): 99,899,684 × 75 % × 98 % = 73,426,267.74 → EarnSaveLoss 73,426,268", () => {
      // B = 1,098,668,352, gross = BnchmkMinExp 99,899,684 (9.09 % ≥ 2 %); cap 20 % × B ≈ 219.7M does not bind
      const B = dec("1098668352")
      const r = settle(msspTrack("enhanced", { msr: fixed("0.02") }), input({ benchmark: B, expenditure: B.sub(dec("99899684")), assignedMembers: dec(78_364) }))
      expect(r.value.sharedSavings.eq(dec("73426267.74"))).toBe(true)
      expect(r.value.sharingRate.eq(dec("0.75"))).toBe(true)
      expect(r.value.savingsCapBinds).toBe(false)
    })

    it("reproduces PUF23 A1539 (ENHANCED loss, quality 78.09 %, DisAdj −2,566,990): owes 894,285.19", () => {
      // loss rate 1 − 0.75 × 0.7809 = 0.414325; 8,354,010 × 0.414325 = 3,461,275.19; − 2,566,990 = 894,285.19 (PUF −894,285)
      const B = dec("242995775")
      const r = settle(
        msspTrack("enhanced", { msr: fixed("0.01") }),
        input({ benchmark: B, expenditure: B.add(dec("8354010")), assignedMembers: dec(21_867), qualityScore: dec("0.7809"), disasterAdjustment: dec("-2566990") })
      )
      expect(r.value.sharedLosses.toFixed(2)).toBe("894285.19")
      expect(findStep(r.derivation, "settlement.loss.disaster")).toBeDefined()
    })

    it("sequesters before the cap: BASIC A, gross 25.5M of 100M → min(25.5M × 0.4 × 0.98, 10M) = 9,996,000", () => {
      // cap first would give min(10.2M, 10M) × 0.98 = 9.8M; CMS data (PUF18 A1409) shows sequestration first
      const r = settle(msspTrack("basic-a"), input({ benchmark: M("100"), expenditure: M("74.5"), assignedMembers: dec(20_000) }))
      expect(r.value.sharedSavings.eq(dec("9996000"))).toBe(true)
      expect(r.value.savingsCapBinds).toBe(false)
      const order = flatten(r.derivation).map((d) => d.rule)
      expect(order.indexOf("settlement.savings.sequestration")).toBeLessThan(order.indexOf("settlement.savings.cap"))
    })

    it("caps BASIC savings at 10 % of the benchmark: gross 30M of 100M → 30 × 0.4 × 0.98 = 11.76M → 10M", () => {
      const r = settle(msspTrack("basic-b"), input({ benchmark: M("100"), expenditure: M("70"), assignedMembers: dec(20_000) }))
      expect(r.value.sharedSavings.eq(M("10"))).toBe(true)
      expect(r.value.savingsCapBinds).toBe(true)
      expect(findStep(r.derivation, "settlement.savings.cap")?.notes.join(" ")).toMatch(/cap binds/)
    })

    it("applies the alternative quality standard as a multiplier: 50 % × 0.7663 = 38.315 %", () => {
      // docs/model.md §9.8: gross 2M of 100M (2 % ≥ 1 % MSR) → 2M × 0.38315 × 0.98 = 750,974
      const r = settle(msspTrack("basic-e"), input({ benchmark: M("100"), expenditure: M("98"), qualityScore: dec("0.7663"), qualityMultiplier: dec("0.7663") }))
      expect(r.value.sharingRate.eq(dec("0.38315"))).toBe(true)
      expect(r.value.sharedSavings.eq(dec("750974"))).toBe(true)
    })

    it("pays no savings when the quality standard fails, though the savings qualified, and settles them as not paid", () => {
      const r = settle(msspTrack("basic-e"), input({ benchmark: M("100"), expenditure: M("95"), meetsQualityStandard: false }))
      expect(r.value.outcome).toBe("savings")
      expect(r.value.settled).toBe("savings not paid")
      expect(r.value.sharedSavings.isZero()).toBe(true)
      // payer keeps the whole 5M
      expect(r.value.payerNet.eq(M("5"))).toBe(true)
      expect(findStep(r.derivation, "settlement.outcome")!.notes).toEqual(["savings earned but not paid: the quality standard is not met"])
      expect(r.derivation.notes).toContain("savings earned but not paid: the quality standard is not met")
    })

    it("settles paid savings as paid: 5M × 50 % × 0.98 = 2.45M", () => {
      const r = settle(msspTrack("basic-e"), input({ benchmark: M("100"), expenditure: M("95") }))
      expect([r.value.outcome, r.value.settled]).toEqual(["savings", "savings paid"])
      expect(r.value.sharedSavings.eq(M("2.45"))).toBe(true)
    })

    it("uses the variable MSR by members: 1,708 members need 7.39 %, so 7 % savings earn nothing", () => {
      const r = settle(msspTrack("basic-a"), input({ benchmark: M("20"), expenditure: M("18.6"), assignedMembers: dec(1_708) }))
      expect(r.value.outcome).toBe("none")
      expect(r.value.sharedSavings.isZero()).toBe(true)
      expect(r.value.msr.toFixed(4)).toBe("0.0739")
    })

    it("never shares losses on a one-sided track", () => {
      const r = settle(msspTrack("basic-a"), input({ benchmark: M("100"), expenditure: M("110") }))
      expect(r.value.outcome).toBe("none")
      expect(r.value.providerNet.isZero()).toBe(true)
      expect(r.value.payerNet.eq(M("-10"))).toBe(true)
      expect(r.value.mlr).toBeUndefined()
    })
  })

  describe("commercial forms", () => {
    const beyond: SettlementTerms = {
      name: "beyond-corridor 50 %",
      msr: fixed("0.02"),
      mlr: fixed("0.02"),
      sharingBasis: "beyond-corridor",
      savingsRate: { kind: "flat", rate: dec("0.5") },
      sequestration: dec(0),
      lossRate: { kind: "flat", rate: dec("0.5") }
    }

    it("shares only the gap beyond the corridor: 5 % of 10M with a 2 % corridor → (500k − 200k) × 50 % = 150k", () => {
      const r = settle(beyond, input({ benchmark: M("10"), expenditure: M("9.5") }))
      expect(r.value.sharedSavings.eq(dec("150000"))).toBe(true)
    })

    it("shares losses beyond the corridor too: 4 % over 10M → (400k − 200k) × 50 % = 100k owed", () => {
      const r = settle(beyond, input({ benchmark: M("10"), expenditure: M("10.4") }))
      expect(r.value.sharedLosses.eq(dec("100000"))).toBe(true)
    })

    it("shares tiered bands marginally: 0–2 % → 0, 2–5 % → 50 %, > 5 % → 75 % on 8 % of 10M = 150k + 225k = 375k", () => {
      const tiered: SettlementTerms = {
        name: "tiered",
        msr: fixed("0"),
        sharingBasis: "first-dollar",
        savingsRate: {
          kind: "bands",
          bands: [
            { from: dec(0), to: dec("0.02"), share: dec(0) },
            { from: dec("0.02"), to: dec("0.05"), share: dec("0.5") },
            { from: dec("0.05"), share: dec("0.75") }
          ]
        },
        sequestration: dec(0)
      }
      const r = settle(tiered, input({ benchmark: M("10"), expenditure: M("9.2") }))
      expect(r.value.sharedSavings.eq(dec("375000"))).toBe(true)
      // effective rate 375k / 800k
      expect(r.value.sharingRate.eq(dec("0.46875"))).toBe(true)
    })
  })

  describe("disaster adjustment", () => {
    it("cannot take owed losses below zero", () => {
      // BASIC E, loss 2M of 100M at 30 % = 600k; adjustment −1M → 0 owed
      const r = settle(msspTrack("basic-e"), input({ benchmark: M("100"), expenditure: M("102"), disasterAdjustment: M("-1") }))
      expect(r.value.sharedLosses.isZero()).toBe(true)
      expect(r.value.outcome).toBe("loss")
      expect(r.value.settled).toBe("loss not owed")
      expect(r.derivation.notes).toContain("loss incurred but not owed: the disaster adjustment takes all of it")
    })

    it("is ignored, with a note, when there are no losses", () => {
      const r = settle(msspTrack("basic-e"), input({ benchmark: M("100"), expenditure: M("95"), disasterAdjustment: M("-1") }))
      expect(r.value.sharedLosses.isZero()).toBe(true)
      expect(r.derivation.notes.join(" ")).toMatch(/disaster adjustment does not apply/)
    })
  })

  describe("revenue-based limits", () => {
    it("applies only the benchmark limit, and says so, when revenue is not given", () => {
      // BASIC C, loss 10M of 100M at 30 % = 3M; 1 % × 100M = 1M limit
      const r = settle(msspTrack("basic-c"), input({ benchmark: M("100"), expenditure: M("110") }))
      expect(r.value.sharedLosses.eq(M("1"))).toBe(true)
      expect(findStep(r.derivation, "settlement.loss.limit")?.notes.join(" ")).toMatch(/revenue not given/)
    })
  })

  describe("invalid arguments", () => {
    const terms = msspTrack("basic-e")
    it.each([
      { field: "benchmark", over: { benchmark: dec(0) } },
      { field: "benchmark", over: { benchmark: dec(-1) } },
      { field: "expenditure", over: { expenditure: dec(-1) } },
      { field: "assignedMembers", over: { assignedMembers: dec(-1) } },
      { field: "qualityScore", over: { qualityScore: dec("1.01") } },
      { field: "qualityMultiplier", over: { qualityMultiplier: dec("-0.1") } },
      { field: "disasterAdjustment", over: { disasterAdjustment: dec(1) } },
      { field: "revenue", over: { revenue: dec(-5) } }
    ])("rejects a bad $field", ({ field, over }) => {
      const call = () => settle(terms, input({ benchmark: M("100"), expenditure: M("98"), ...over }))
      expect(call).toThrow(InvalidArgument)
      expect(call).toThrow(new RegExp(field))
    })

    it("rejects two-sided terms without a loss rate", () => {
      const broken: SettlementTerms = { ...msspTrack("basic-a"), mlr: fixed("0.02") }
      expect(() => settle(broken, input({ benchmark: M("100"), expenditure: M("98") }))).toThrow(/lossRate/)
    })

    it("rejects overlapping bands", () => {
      const broken: SettlementTerms = {
        ...reachTerms("global"),
        savingsRate: { kind: "bands", bands: [{ from: dec(0), to: dec("0.3"), share: dec(1) }, { from: dec("0.25"), share: dec("0.5") }] }
      }
      expect(() => settle(broken, input({ benchmark: M("100"), expenditure: M("98") }))).toThrow(/not overlapping/)
    })

    it("rejects the variable MSR table below 500 members", () => {
      expect(() => settle(msspTrack("basic-a"), input({ benchmark: M("1"), expenditure: M("0.9"), assignedMembers: dec(400) }))).toThrow(InvalidArgument)
    })
  })

  it("explains every step with a stable rule id and a source", () => {
    const r = settle(msspTrack("basic-d"), input({ benchmark: M("100"), expenditure: M("103"), revenue: M("20") }))
    const rules = flatten(r.derivation).map((d) => d.rule)
    expect(rules).toEqual(
      expect.arrayContaining(["settlement.gross", "settlement.msr", "settlement.mlr", "settlement.corridor", "settlement.loss.basis", "settlement.loss.rate", "settlement.loss.shared", "settlement.loss.limit", "settlement.outcome", "settlement.net", "settlement.settle"])
    )
    expect(r.derivation.source).toContain("425")
  })
})
