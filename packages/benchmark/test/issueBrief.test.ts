import { describe, expect, it } from "vitest"
import { CENTS, contractYearBenchmark, convergence, dec, explained, findStep, fixedTrend, peerRollUp, riskRatio, round, rollUp, trendFactor, type ExperienceCell } from "@pbpsim/benchmark"

/**
 * The Qcentive issue brief's figures ("Establishing a Benchmark Cost of Care for a Population-Based
 * Payment Model", Qcentive APM Issue Brief 1; docs/model.md §1):
 * Health System A $416 PMPM on 58,625 members (groups 1–3), peers B $426 and C $457, peer-wide
 * $431 on 153,700 members including A, 50/50 blend $423.50. 12 months, no risk differences.
 *
 * The brief gives no group figures; ours are chosen so A is exactly $416:
 *   group 1: 21,725 members at $400, group 2: 26,900 at $420, group 3: 10,000 at $440
 *   21,725 + 26,900 + 10,000 = 58,625 members
 *   monthly cost 8,690,000 + 11,298,000 + 4,400,000 = 24,388,000 = 416 × 58,625.
 *
 * B and C share the other 153,700 − 58,625 = 95,075 members. An exact $431 pool needs
 *   426·m_B + 457·m_C = 431 × 153,700 − 24,388,000 = 41,856,700 with m_B + m_C = 95,075
 *   → 31·m_C = 41,856,700 − 426 × 95,075 = 1,354,750 → m_C = 43,701.61…, not a whole number:
 * with whole members the pool cannot be exactly $431. The nearest, m_C = 43,702 and
 * m_B = 51,373, gives a monthly cost of 24,388,000 + 21,884,898 + 19,971,814 = 66,244,712,
 * i.e. 66,244,712 / 153,700 = 431 + 12/153,700 = 431.0000780741…, which rounds to $431.00.
 */

const MONTHS = 12

/** One entity's or group's 12 months: MM = 12 × members, cost = PMPM × MM, risk 1. */
const year = (members: number, pmpm: number): ExperienceCell => ({
  memberMonths: dec(members * MONTHS),
  cost: dec(pmpm).mul(members * MONTHS),
  riskScore: dec(1)
})

const group1 = year(21_725, 400)
const group2 = year(26_900, 420)
const group3 = year(10_000, 440)
const systemA = rollUp("Health System A", [rollUp("Group 1", [group1]).value, rollUp("Group 2", [group2]).value, rollUp("Group 3", [group3]).value])
const systemB = rollUp("Health System B", [year(51_373, 426)])
const systemC = rollUp("Health System C", [year(43_702, 457)])

const members = [
  { entity: "A", experience: systemA.value },
  { entity: "B", experience: systemB.value },
  { entity: "C", experience: systemC.value }
]

describe("issue brief: provider cost of care (Figure 1)", () => {
  it("gives Health System A exactly $416 PMPM on 58,625 members", () => {
    // 24,388,000 × 12 / (58,625 × 12) = 416
    expect(systemA.value.memberMonths.eq(58_625 * 12)).toBe(true)
    expect(systemA.value.pmpm.eq(416)).toBe(true)
    expect(systemA.value.riskAdjustedPmpm.eq(416)).toBe(true)
  })

  it("shows the groups in A's derivation", () => {
    const names = systemA.derivation.inputs.map((q) => q.name)
    expect(names).toContain("Group 1 cost")
    expect(names).toContain("Group 3 member months")
  })

  it("gives B $426 and C $457", () => {
    expect(systemB.value.pmpm.eq(426)).toBe(true)
    expect(systemC.value.pmpm.eq(457)).toBe(true)
  })
})

describe("issue brief: peer group cost of care (Figure 2)", () => {
  const pooled = peerRollUp("Peer group", members, { provider: "A", excludeProvider: false })

  it("pools 153,700 members", () => {
    // 58,625 + 51,373 + 43,702 = 153,700
    expect(pooled.value.memberMonths.eq(153_700 * 12)).toBe(true)
  })

  it("gives the exact pooled PMPM 66,244,712 / 153,700 = 431 + 3/38,425", () => {
    // 3/38,425 = 0.00007807417046193884189980481457384515289…, so to 40 significant digits
    // 431.0000780741704619388418998048145738451|5289… rounds to …738452
    expect(pooled.value.pmpm.eq("431.0000780741704619388418998048145738452")).toBe(true)
    expect(pooled.value.pmpm.sub(431).mul(38_425).sub(3).abs().lt("1e-30")).toBe(true)
  })

  it("rounds the pooled PMPM to the brief's $431.00", () => {
    expect(round(pooled.value.pmpm, CENTS).eq(431)).toBe(true)
  })

  it("gives $440.25 for the peers without A", () => {
    // (21,884,898 + 19,971,814) / 95,075 = 41,856,712 / 95,075 = 440.2494031…
    const withoutA = peerRollUp("Peers excluding A", members, { provider: "A", excludeProvider: true })
    expect(withoutA.value.memberMonths.eq(95_075 * 12)).toBe(true)
    expect(withoutA.value.pmpm.mul(95_075).sub(41_856_712).abs().lt("1e-30")).toBe(true)
    expect(round(withoutA.value.pmpm, CENTS).eq("440.25")).toBe(true)
  })
})

describe("issue brief: blended approach", () => {
  const pooled = peerRollUp("Peer group", members, { provider: "A", excludeProvider: false })

  it("blends $416 and the brief's rounded $431 50/50 into exactly $423.50", () => {
    // 0.5 × 416 + 0.5 × 431 = 208 + 215.5 = 423.5
    const r = convergence({ providerBaseline: dec(416), peerBaseline: dec(431), providerWeight: dec("0.5"), caps: { noNegative: false } })
    expect(r.value.blended.eq("423.5")).toBe(true)
  })

  it("blends A and the exact pool 50/50 into 423.5 + 3/76,850, which is $423.50 to the cent", () => {
    // (416 + 431 + 3/38,425) / 2 = 423.5 + 3/76,850 = 423.5000390370852309694209499024072869226…
    const r = convergence({ providerBaseline: systemA.value.pmpm, peerBaseline: pooled.value.pmpm, providerWeight: dec("0.5"), caps: { noNegative: false } })
    expect(r.value.blended.sub("423.5").mul(76_850).sub(3).abs().lt("1e-30")).toBe(true)
    expect(round(r.value.blended, CENTS).eq("423.5")).toBe(true)
  })

  it("carries the blend to a benchmark of $423.50 with no trend, risk change or discount", () => {
    const r = contractYearBenchmark({
      providerBaseline: explained(systemA.value.pmpm, systemA.derivation),
      peerBaseline: explained(pooled.value.pmpm, pooled.derivation),
      providerWeight: dec("0.5"),
      caps: { noNegative: false },
      trendFactor: trendFactor(fixedTrend(0), 2025, 2025),
      riskRatio: riskRatio({ current: dec(1), base: dec(1), caps: {} }),
      discount: dec(0),
      rounding: CENTS
    })
    // 423.5000390… rounds half-up to 423.50
    expect(r.value.benchmarkPmpm.eq("423.5")).toBe(true)
    // the waterfall reaches back to the group roll-ups
    expect(findStep(r.derivation, "experience.rollUp")).toBeDefined()
    expect(findStep(r.derivation, "experience.peerRollUp")).toBeDefined()
  })
})
