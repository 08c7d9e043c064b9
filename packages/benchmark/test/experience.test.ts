import { describe, expect, it } from "vitest"
import { CENTS, dec, findStep, peerRollUp, pmpm, round, rollUp, type ExperienceCell } from "@pbpsim/benchmark"
import { invalidOf } from "./invalidOf.js"

const cell = (memberMonths: number | string, cost: number | string, riskScore: number | string = 1): ExperienceCell => ({
  memberMonths: dec(memberMonths),
  cost: dec(cost),
  riskScore: dec(riskScore)
})

describe("pmpm", () => {
  it("divides cost by member months", () => {
    // 1,248,000 / 3,000 = 416
    expect(pmpm(dec(1_248_000), dec(3_000)).value.eq(416)).toBe(true)
  })

  it("explains itself with the cost and member months it used", () => {
    const d = pmpm(dec(1_000), dec(8)).derivation
    expect(d.rule).toBe("experience.pmpm")
    expect(d.inputs.map((q) => q.name)).toEqual(["cost", "member months"])
    // 1,000 / 8 = 125
    expect(d.output.value.eq(125)).toBe(true)
  })

  it("allows zero cost", () => {
    expect(pmpm(dec(0), dec(12)).value.isZero()).toBe(true)
  })

  it("rejects zero member months instead of returning Infinity", () => {
    const e = invalidOf(() => pmpm(dec(100), dec(0)))
    expect(e.field).toBe("memberMonths")
    expect(e.message).toContain("memberMonths")
  })

  it("rejects negative member months", () => {
    expect(invalidOf(() => pmpm(dec(100), dec(-12))).field).toBe("memberMonths")
  })

  it("rejects negative cost", () => {
    expect(invalidOf(() => pmpm(dec(-1), dec(12))).field).toBe("cost")
  })

  it("rejects a NaN cost", () => {
    expect(invalidOf(() => pmpm(dec(NaN), dec(12))).field).toBe("cost")
  })
})

describe("rollUp", () => {
  it("weights PMPM and risk by member months", () => {
    const r = rollUp("entity", [cell(100, 50_000, "1.2"), cell(300, 90_000, "0.8")]).value
    // ΣMM = 400, Σcost = 140,000 → PMPM 350
    expect(r.memberMonths.eq(400)).toBe(true)
    expect(r.cost.eq(140_000)).toBe(true)
    expect(r.pmpm.eq(350)).toBe(true)
    // risk = (1.2·100 + 0.8·300) / 400 = 360 / 400 = 0.9
    expect(r.riskScore.eq("0.9")).toBe(true)
    // risk-adjusted = 350 / 0.9 = 3500/9 = 388.888… → 388.89; ×9 gives back 3,500
    expect(round(r.riskAdjustedPmpm, CENTS).eq("388.89")).toBe(true)
    expect(r.riskAdjustedPmpm.mul(9).sub(3_500).abs().lt("1e-30")).toBe(true)
  })

  it("keeps the label it was given", () => {
    expect(rollUp("Health System A", [cell(12, 1_200)]).value.label).toBe("Health System A")
  })

  it("rolls roll-ups: groups into an entity give the same result as the flat rows", () => {
    const rows = [cell(120, 48_000, "1.1"), cell(240, 120_000, "0.95"), cell(60, 27_000, "1.3")]
    const g1 = rollUp("group 1", rows.slice(0, 2)).value
    const g2 = rollUp("group 2", rows.slice(2)).value
    const nested = rollUp("entity", [g1, g2]).value
    const flat = rollUp("entity", rows).value
    // Σcost = 195,000 over ΣMM = 420 either way
    expect(nested.pmpm.eq(flat.pmpm)).toBe(true)
    expect(flat.pmpm.mul(420).sub(195_000).abs().lt("1e-30")).toBe(true)
    // risk = (132 + 228 + 78) / 420 = 438 / 420; the group risk is rounded once at 40 digits
    expect(nested.riskScore.sub(flat.riskScore).abs().lt("1e-35")).toBe(true)
    expect(flat.riskScore.mul(420).sub(438).abs().lt("1e-30")).toBe(true)
  })

  it("names nested roll-ups by their labels in its derivation", () => {
    const g1 = rollUp("Group 1", [cell(12, 1_200)]).value
    const d = rollUp("System", [g1, cell(12, 2_400)]).derivation
    const names = d.inputs.map((q) => q.name)
    expect(names).toContain("Group 1 member months")
    expect(names).toContain("cell 2 cost")
    expect(findStep(d, "experience.riskScore")).toBeDefined()
    expect(findStep(d, "experience.riskAdjustedPmpm")).toBeDefined()
  })

  it("accepts a cell with zero member months when others carry the pool", () => {
    // (0 + 1,200) / (0 + 12) = 100
    expect(rollUp("x", [cell(0, 0), cell(12, 1_200)]).value.pmpm.eq(100)).toBe(true)
  })

  it("rejects an empty list", () => {
    const e = invalidOf(() => rollUp("x", []))
    expect(e.field).toBe("cells")
    expect(e.message).toContain("empty")
  })

  it("rejects member months that sum to zero", () => {
    const e = invalidOf(() => rollUp("x", [cell(0, 0), cell(0, 0)]))
    expect(e.field).toContain("member months")
    expect(e.message).toContain("zero")
  })

  it("rejects negative member months and names the cell", () => {
    const e = invalidOf(() => rollUp("x", [cell(12, 100), cell(-12, 100)]))
    expect(e.field).toBe("cells[1] (cell 2).memberMonths")
  })

  it("rejects negative cost", () => {
    expect(invalidOf(() => rollUp("x", [cell(12, -1)])).field).toBe("cells[0] (cell 1).cost")
  })

  it("rejects a zero risk score", () => {
    expect(invalidOf(() => rollUp("x", [cell(12, 100, 0)])).field).toBe("cells[0] (cell 1).riskScore")
  })

  it("rejects a negative risk score", () => {
    expect(invalidOf(() => rollUp("x", [cell(12, 100, -1)])).field).toBe("cells[0] (cell 1).riskScore")
  })
})

describe("peerRollUp", () => {
  const members = [
    { entity: "A", experience: cell(1_200, 480_000) }, // 400 PMPM
    { entity: "B", experience: cell(600, 300_000) }, // 500 PMPM
    { entity: "B", experience: cell(600, 330_000) }, // B's second group, 550 PMPM
    { entity: "C", experience: cell(1_200, 540_000) } // 450 PMPM
  ]

  it("pools every member when the provider is included", () => {
    // (480,000 + 300,000 + 330,000 + 540,000) / 3,600 = 1,650,000 / 3,600 = 458.333… → 458.33
    const r = peerRollUp("peers", members, { provider: "A", excludeProvider: false })
    expect(round(r.value.pmpm, CENTS).eq("458.33")).toBe(true)
    expect(r.value.pmpm.mul(3_600).sub(1_650_000).abs().lt("1e-30")).toBe(true)
    expect(r.derivation.notes).toContain("provider A included in the peer pool")
  })

  it("drops every row of the provider when it is excluded", () => {
    // (300,000 + 330,000 + 540,000) / 2,400 = 1,170,000 / 2,400 = 487.5
    const r = peerRollUp("peers", members, { provider: "A", excludeProvider: true })
    expect(r.value.pmpm.eq("487.5")).toBe(true)
    expect(r.derivation.notes).toContain("provider A excluded from the peer pool")
    expect(r.derivation.notes).toContain("peers pooled: B, C")
  })

  it("says when the provider to exclude is not a member", () => {
    const r = peerRollUp("peers", members, { provider: "Z", excludeProvider: true })
    // nothing dropped: same 1,650,000 / 3,600 as the full pool
    expect(r.value.pmpm.mul(3_600).sub(1_650_000).abs().lt("1e-30")).toBe(true)
    expect(r.derivation.notes).toContain("provider Z is not a member: nothing excluded")
  })

  it("rejects a pool with nothing left after excluding the provider", () => {
    const e = invalidOf(() => peerRollUp("peers", [members[0]!], { provider: "A", excludeProvider: true }))
    expect(e.field).toBe("members")
    expect(e.message).toContain("excluding the provider A")
  })

  it("rejects an empty peer group", () => {
    expect(invalidOf(() => peerRollUp("peers", [], { provider: "A", excludeProvider: false })).field).toBe("members")
  })

  it("names the peer in an invalid member row", () => {
    const bad = [{ entity: "B", experience: cell(-1, 0) }]
    expect(invalidOf(() => peerRollUp("peers", bad, { provider: "A", excludeProvider: false })).field).toBe("members[0] (B).memberMonths")
  })
})
