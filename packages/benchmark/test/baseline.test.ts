import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import {
  dec,
  findStep,
  fixedTrend,

  observedTrend,
  scheduleTrend,
  weightedBaseline,
  weightedBaselineValue,
  type BaselineYearInput,
  type ExperienceCell
} from "@pbpsim/benchmark"
import { invalidOf } from "./invalidOf.js"

/** A year of experience with the given PMPM on 1,200 member months. */
const cellAt = (pmpm: string, riskScore: string): ExperienceCell => ({
  memberMonths: dec(1_200),
  cost: dec(pmpm).mul(1_200),
  riskScore: dec(riskScore)
})

const twoYears: ReadonlyArray<BaselineYearInput> = [
  { year: 2023, experience: cellAt("400", "1.00"), weight: dec("0.4") },
  { year: 2024, experience: cellAt("420", "1.05"), weight: dec("0.6") }
]

describe("weightedBaseline", () => {
  it("restates each year to the last year's risk, trends it and weights it", () => {
    const r = weightedBaseline({ label: "B_P", years: twoYears, historicalTrend: fixedTrend("0.05"), riskBasis: dec("1.05") })
    // 2023: 400 / 1.00 × 1.05 × 1.05 = 441; 2024: 420 / 1.05 × 1.05 × 1 = 420
    // B = 0.4 × 441 + 0.6 × 420 = 176.4 + 252 = 428.4
    expect(r.value.eq("428.4")).toBe(true)
    expect(r.derivation.rule).toBe("baseline.weighted")
    expect(r.derivation.steps.map((s) => s.rule)).toEqual(["baseline.year", "baseline.year"])
    // 2023's contribution 176.4 is the first input
    expect(r.derivation.inputs[0]!.value.eq("176.4")).toBe(true)
  })

  it("states the baseline per unit of risk when riskBasis is 1", () => {
    const r = weightedBaseline({ label: "B_P", years: twoYears, historicalTrend: fixedTrend("0.05"), riskBasis: dec(1) })
    // 2023: 400 / 1.00 × 1.05 = 420; 2024: 420 / 1.05 = 400 → 0.4 × 420 + 0.6 × 400 = 168 + 240 = 408
    expect(r.value.eq(408)).toBe(true)
  })

  it("is the year's PMPM for a single year with weight 1 at its own risk", () => {
    const r = weightedBaseline({
      label: "B_P",
      years: [{ year: 2024, experience: cellAt("416", "1.2"), weight: dec(1) }],
      historicalTrend: fixedTrend("0.05"),
      riskBasis: dec("1.2")
    })
    // 416 / 1.2 × 1.2 × F(2024 → 2024) = 416
    expect(r.value.eq(416)).toBe(true)
  })

  it("trends with the observed peer growth", () => {
    const observed = { peers: new Map([[2024, dec("0.1")]]), market: new Map<number, ReturnType<typeof dec>>() }
    const r = weightedBaseline({
      label: "B_P",
      years: [
        { year: 2023, experience: cellAt("400", "1"), weight: dec("0.5") },
        { year: 2024, experience: cellAt("400", "1"), weight: dec("0.5") }
      ],
      historicalTrend: observedTrend("peers"),
      observed,
      riskBasis: dec(1)
    })
    // 0.5 × 400 × 1.1 + 0.5 × 400 = 220 + 200 = 420
    expect(r.value.eq(420)).toBe(true)
  })

  it("trends across a gap in the baseline years", () => {
    const r = weightedBaseline({
      label: "B_P",
      years: [
        { year: 2019, experience: cellAt("100", "1"), weight: dec("0.5") },
        { year: 2021, experience: cellAt("100", "1"), weight: dec("0.5") }
      ],
      historicalTrend: scheduleTrend({ 2020: "0.1", 2021: "0.2" }),
      riskBasis: dec(1)
    })
    // 2019 → 2021: 1.1 × 1.2 = 1.32 → 0.5 × 132 + 0.5 × 100 = 116
    expect(r.value.eq(116)).toBe(true)
  })

  it("keeps each year's PMPM and trend factor as sub-steps", () => {
    const r = weightedBaseline({ label: "B_P", years: twoYears, historicalTrend: fixedTrend("0.05"), riskBasis: dec(1) })
    const first = r.derivation.steps[0]!
    expect(first.steps.map((s) => s.rule)).toEqual(["experience.pmpm", "trend.factor"])
    // F(2023 → 2024) = 1.05
    expect(findStep(first, "trend.factor")!.output.value.eq("1.05")).toBe(true)
  })

  it("rejects an empty year list", () => {
    const e = invalidOf(() => weightedBaseline({ label: "B", years: [], historicalTrend: fixedTrend(0), riskBasis: dec(1) }))
    expect(e.field).toBe("years")
  })

  it("rejects years out of order", () => {
    const years = [twoYears[1]!, twoYears[0]!]
    const e = invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) }))
    expect(e.field).toBe("years[1].year")
    expect(e.message).toContain("strictly ascending")
  })

  it("rejects a repeated year", () => {
    const years = [twoYears[0]!, { ...twoYears[1]!, year: 2023 }]
    expect(invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) })).field).toBe(
      "years[1].year"
    )
  })

  it("rejects a fractional year", () => {
    const years = [{ ...twoYears[0]!, year: 2023.5 }]
    expect(invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) })).field).toBe(
      "years[0].year"
    )
  })

  it("rejects a weight above 1", () => {
    const years = [
      { ...twoYears[0]!, weight: dec("1.5") },
      { ...twoYears[1]!, weight: dec("-0.5") }
    ]
    expect(invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) })).field).toBe(
      "years[0].weight"
    )
  })

  it("rejects a negative weight", () => {
    const years = [
      { ...twoYears[0]!, weight: dec("0.5") },
      { ...twoYears[1]!, weight: dec("-0.5") }
    ]
    expect(invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) })).field).toBe(
      "years[1].weight"
    )
  })

  it("rejects weights that do not sum to 1", () => {
    const years = [
      { ...twoYears[0]!, weight: dec("0.3") },
      { ...twoYears[1]!, weight: dec("0.6") }
    ]
    const e = invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) }))
    expect(e.field).toBe("years weights")
    expect(e.message).toContain("0.9")
  })

  it("accepts equal thirds given as 40-digit decimals", () => {
    const third = dec(1).div(3)
    const years = [2022, 2023, 2024].map((year) => ({ year, experience: cellAt("300", "1"), weight: third }))
    const r = weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) })
    // 3 × (1/3 × 300) = 300, short by at most the 40th digit of the thirds
    expect(r.value.sub(300).abs().lt("1e-35")).toBe(true)
  })

  it("rejects a zero risk basis", () => {
    expect(invalidOf(() => weightedBaseline({ label: "B", years: twoYears, historicalTrend: fixedTrend(0), riskBasis: dec(0) })).field).toBe(
      "riskBasis"
    )
  })

  it("rejects a year with a zero risk score", () => {
    const years = [{ ...twoYears[0]!, weight: dec(1), experience: cellAt("400", "0") }]
    expect(invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) })).field).toBe(
      "years[0].experience.riskScore"
    )
  })

  it("rejects a year without member months", () => {
    const years = [{ year: 2024, weight: dec(1), experience: { memberMonths: dec(0), cost: dec(0), riskScore: dec(1) } }]
    const e = invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) }))
    expect(e.field).toBe("years[0].experience.memberMonths")
    expect(e.message).toContain("2024")
  })

  it("rejects a year with negative cost", () => {
    const years = [{ year: 2024, weight: dec(1), experience: { memberMonths: dec(12), cost: dec(-1), riskScore: dec(1) } }]
    expect(invalidOf(() => weightedBaseline({ label: "B", years, historicalTrend: fixedTrend(0), riskBasis: dec(1) })).field).toBe(
      "years[0].experience.cost"
    )
  })

  it("names the missing historical trend year", () => {
    expect(
      invalidOf(() => weightedBaseline({ label: "B", years: twoYears, historicalTrend: scheduleTrend({}), riskBasis: dec(1) })).field
    ).toBe("spec.rates[2024]")
  })
})

describe("weightedBaselineValue", () => {
  it("refuses what weightedBaseline refuses", () => {
    const bad = [{ year: 2024, experience: cellAt("400", "1"), weight: dec("0.5") }]
    expect(() => weightedBaselineValue({ years: bad, historicalTrend: fixedTrend("0.05"), riskBasis: dec(1) })).toThrow(/weights/)
  })

  test.prop([
    fc.array(fc.record({ pmpm: fc.integer({ min: 1, max: 5_000_000 }), risk: fc.integer({ min: 100, max: 4_000 }) }), { minLength: 1, maxLength: 5 }),
    fc.integer({ min: -200, max: 300 }),
    fc.integer({ min: 100, max: 4_000 })
  ])("is weightedBaseline's value to the last digit, for any years, trend and risk basis", (cells, trendBp, basis) => {
    const weights = cells.map(() => dec(1).div(cells.length))
    const years = cells.map((c, i) => ({ year: 2020 + i, experience: cellAt(dec(c.pmpm).div(100).toFixed(2), dec(c.risk).div(1000).toFixed(3)), weight: weights[i]! }))
    const args = { years, historicalTrend: fixedTrend(dec(trendBp).div(10_000).toFixed()), riskBasis: dec(basis).div(1000) }
    expect(weightedBaselineValue(args).toFixed()).toBe(weightedBaseline({ ...args, label: "B" }).value.toFixed())
  })
})
