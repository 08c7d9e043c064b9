import { fc, test } from "@fast-check/vitest"
import { dec } from "@pbpsim/benchmark"
import { Numeral, deepMerge, parseDecimal, parseInteger, parseScenarioText, parseWeight, showActual } from "@pbpsim/simulator"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

const valueOf = (yaml: string): unknown => {
  const parsed = parseScenarioText(yaml, "t.yaml")
  if (Either.isLeft(parsed)) throw new Error(parsed.left.map((i) => i.message).join("; "))
  return (parsed.right.value as { readonly x: unknown }).x
}

describe("parseScenarioText", () => {
  it("keeps a number's source text beside yaml's float", () => {
    const x = valueOf("x: 12345678901234567.891\n")
    expect(x).toBeInstanceOf(Numeral)
    // The float yaml reads loses the last digits; the source keeps them.
    expect((x as Numeral).value).toBe(12345678901234568)
    expect((x as Numeral).source).toBe("12345678901234567.891")
  })

  it("leaves quoted numbers as text and map keys as text", () => {
    expect(valueOf('x: "0.10"\n')).toBe("0.10")
    expect(valueOf('x: { 2025: "0.04" }\n')).toEqual({ "2025": "0.04" })
  })

  test.prop([fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 })])(
    "any decimal written bare in YAML reaches decimal.js digit for digit",
    (units, scale) => {
      const text = dec(units.toString()).div(dec(10).pow(scale)).toFixed(scale)
      expect(parseDecimal(valueOf(`x: ${text}\n`))?.eq(dec(text))).toBe(true)
      expect(parseDecimal(valueOf(`x: ${text}\n`))?.toFixed(scale)).toBe(text)
    }
  )
})

describe("parseDecimal", () => {
  it("accepts decimal strings, numbers and exponents, and nothing else", () => {
    expect(parseDecimal("99840000.00")?.toFixed(2)).toBe("99840000.00")
    expect(parseDecimal(" 0.5 ")?.toFixed()).toBe("0.5")
    expect(parseDecimal(new Numeral("1e3", 1000))?.toFixed()).toBe("1000")
    expect(parseDecimal(0.25)?.toFixed()).toBe("0.25")
    // Hex written in YAML is an exact integer.
    expect(parseDecimal(new Numeral("0x1F", 31))?.toFixed()).toBe("31")
    for (const bad of ["", "1/3", "12,5", "Infinity", "NaN", "0x10", "abc", Number.NaN, Number.POSITIVE_INFINITY, true, null, undefined]) {
      expect(parseDecimal(bad)).toBeUndefined()
    }
    expect(parseDecimal(new Numeral(".inf", Number.POSITIVE_INFINITY))).toBeUndefined()
  })
})

describe("parseWeight", () => {
  it("accepts fractions, evaluated to 40 significant digits", () => {
    // 1/3 = 0.333… with 40 threes; 3/8 = 0.375 exactly.
    expect(parseWeight("1/3")?.toFixed()).toBe(`0.${"3".repeat(40)}`)
    expect(parseWeight("3 / 8")?.toFixed()).toBe("0.375")
    expect(parseWeight("0.6")?.toFixed()).toBe("0.6")
    expect(parseWeight("1/0")).toBeUndefined()
    expect(parseWeight("a/b")).toBeUndefined()
  })
})

describe("parseInteger", () => {
  it("accepts whole numbers written as numbers or digits only", () => {
    expect(parseInteger(new Numeral("2025", 2025))).toBe(2025)
    expect(parseInteger("2025")).toBe(2025)
    expect(parseInteger(new Numeral("0xE", 14))).toBe(14)
    expect(parseInteger(new Numeral("2025.0", 2025))).toBeUndefined()
    expect(parseInteger(new Numeral("2.025e3", 2025))).toBeUndefined()
    expect(parseInteger("twenty25")).toBeUndefined()
    expect(parseInteger(2.5)).toBeUndefined()
  })
})

describe("showActual", () => {
  it("shows values as written, short enough for one line", () => {
    expect(showActual(new Numeral("0.50", 0.5))).toBe("0.50")
    expect(showActual("x")).toBe('"x"')
    expect(showActual(undefined)).toBe("nothing")
    expect(showActual([])).toBe("an empty list")
    expect(showActual({ a: [1, 2], b: { c: 1 } })).toBe("{ a: […2], b: {…} }")
    expect(showActual("y".repeat(100))).toHaveLength(60)
  })
})

describe("deepMerge", () => {
  it("merges mappings key by key and replaces lists, values and null", () => {
    const base = { benchmark: { discount: ["0.01", "0.02"], risk: { capUp: "0.03", capDown: "0.02" } }, name: "base" }
    const overlay = { benchmark: { discount: ["0.05"], risk: { capDown: null } } }
    expect(deepMerge(base, overlay)).toEqual({ benchmark: { discount: ["0.05"], risk: { capUp: "0.03", capDown: null } }, name: "base" })
  })

  it("replaces a mapping whose kind changes, and merges one whose kind stays", () => {
    const base = { trend: { kind: "fixed", rate: "0.04", cap: "0.06" } }
    expect(deepMerge(base, { trend: { kind: "observed", source: "market" } })).toEqual({ trend: { kind: "observed", source: "market" } })
    expect(deepMerge(base, { trend: { rate: "0.03" } })).toEqual({ trend: { kind: "fixed", rate: "0.03", cap: "0.06" } })
  })

  it("replaces fields whose forms differ by their keys (glide path, savings, corridor rates) whole", () => {
    const base = { glidePath: { from: "1", to: "0" }, msr: { fixed: "0.02" } }
    expect(deepMerge(base, { glidePath: { providerWeights: ["1"] }, msr: "mssp-variable" })).toEqual({
      glidePath: { providerWeights: ["1"] },
      msr: "mssp-variable"
    })
  })

  test.prop([fc.jsonValue(), fc.jsonValue()])("an overlay that is not a mapping replaces the base, and an empty overlay changes nothing", (base, overlay) => {
    if (overlay === null || typeof overlay !== "object" || Array.isArray(overlay)) expect(deepMerge(base, overlay)).toBe(overlay)
    if (base !== null && typeof base === "object" && !Array.isArray(base)) expect(deepMerge(base, {})).toEqual(base)
  })
})
