import { fc, test } from "@fast-check/vitest"
import { dec } from "@pbpsim/benchmark"
import { escapeText, Numeral, parseDecimal, parseFloatValue, parseInteger, parseWeight, showActual, showText } from "../../src/scenario/numerals.js"
import { deepMerge } from "../../src/scenario/overlay.js"
import { parseScenarioText } from "../../src/scenario/parse.js"
import { Decimal } from "decimal.js"
import { Either, Schema } from "effect"
import { csvRecords, fastRow, plainCsvRecords } from "../../src/scenario/csv.js"
import { ExperienceRow } from "../../src/scenario/schema.js"
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

  // Every decimal below the 1e18 magnitude limit (MAX_MAGNITUDE), at up to 12 places.
  test.prop([fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 12 })])(
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

describe("limits on what a file holds", () => {
  it("refuses numbers beyond 1e18 or with more than 40 places, written bare or quoted alike", () => {
    for (const bad of ["1e400", "-1e400", "1e18", "6e999999999", "1e-999999999", `0.${"1".repeat(41)}`, new Numeral("1e400", Number.POSITIVE_INFINITY)]) {
      expect(parseDecimal(bad)).toBeUndefined()
    }
    expect(parseDecimal("999999999999999999.99")?.toFixed(2)).toBe("999999999999999999.99")
    expect(parseDecimal("1e-40")?.toFixed()).toBe(`0.${"0".repeat(39)}1`)
    // Monte Carlo sds: "1e400" as text is refused as 1e400 is, not read as Infinity.
    expect(parseFloatValue("1e400")).toBeUndefined()
    expect(parseFloatValue(new Numeral("1e400", Number.POSITIVE_INFINITY))).toBeUndefined()
    expect(parseFloatValue("0.5")).toBe(0.5)
  })

  it("escapes control characters, bidi overrides and lone surrogates, and clips long text", () => {
    expect(escapeText("\u001b[31mred\u0000\u202e")).toBe("\\u001b[31mred\\u0000\\u202e")
    expect(escapeText("a\ud800b 😀")).toBe("a\\ud800b 😀")
    expect(showText("k".repeat(1_000_000))).toHaveLength(80)
    expect(showText("k".repeat(1_000_000)).endsWith("…")).toBe(true)
    expect(showActual({ ["\u001b".repeat(3)]: "\u0007" })).toBe('{ \\u001b\\u001b\\u001b: "\\u0007" }')
  })

  it("keeps __proto__ in an overlay as a field (to be refused as unknown), never as the merged object's prototype", () => {
    const overlay = JSON.parse('{ "__proto__": { "benchmark": 1 } }') as unknown
    const merged = deepMerge({ name: "x" }, overlay) as Record<string, unknown>
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(Object.keys(merged)).toEqual(["name", "__proto__"])
  })
})

describe("parseScenarioText limits", () => {
  const issues = (text: string) => {
    const parsed = parseScenarioText(text, "t.yaml")
    return Either.isLeft(parsed) ? parsed.left.map((i) => `${i.path}: ${i.message}`) : []
  }

  it("refuses alias bombs, aliases to no anchor and aliases inside their own anchor, with the line", () => {
    const bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 6 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`)].join("\n")
    expect(issues(bomb)).toEqual(["line 2: invalid YAML: aliases expand too often (more than 100 expansions; an alias bomb?)"])
    expect(issues("x: 1\ny: *none\n")).toEqual(["line 2: invalid YAML: alias *none refers to no anchor &none set before it"])
    expect(issues("x: &l [1, *l]\n")).toEqual(["line 1: invalid YAML: nested more than 64 levels deep (or an alias inside its own anchor)"])
  })

  it("refuses deep nesting before parsing, tags, several documents, and oversized text", () => {
    expect(issues(`x: ${"[".repeat(200_000)}${"]".repeat(200_000)}`)).toEqual(["line 1, column 104: invalid YAML: lists or mappings nested more than 100 deep"])
    expect(issues("x: !!binary aGVsbG8=\n")[0]).toContain("Unresolved tag")
    expect(issues("x: 1\n---\ny: 2\n")[0]).toContain("multiple documents")
    expect(issues(" ".repeat(16 * 1024 * 1024 + 1))[0]).toContain("over the limit of 16,777,216")
  })
})

describe("the CSV row fast path", () => {
  const decode = Schema.decodeUnknownEither(ExperienceRow, { errors: "all", onExcessProperty: "error" })
  const cell = fc.oneof(
    fc.constantFrom("", " ", "A", " B ", "2024", "1899", "2201", "2024.0", "0", "-1", "0.5", "1e3", "1e400", "12,5", "0x10", "1/3", "NaN", "120000", "60000000.00"),
    fc.string({ maxLength: 6 }),
    fc.integer({ min: -10, max: 3000 }).map(String)
  )
  const row = fc.record(
    { entity: cell, year: cell, memberMonths: cell, cost: cell, riskScore: cell, group: cell, segment: cell },
    { requiredKeys: ["entity", "year", "memberMonths", "cost"] }
  )
  test.prop([row], { numRuns: 2000 })("accepts only what the schema accepts, decoded to the same values", (cells) => {
    const fast = fastRow(cells)
    const slow = decode(cells)
    const plain = (r: unknown) => JSON.stringify(r, (_, v) => (Decimal.isDecimal(v) ? `D${(v as Decimal).toFixed()}` : v))
    if (fast !== undefined) {
      expect(Either.isRight(slow)).toBe(true)
      expect(plain(fast)).toBe(plain(Either.getOrThrow(slow)))
    }
  })
})

describe("plainCsvRecords", () => {
  // Small pieces, so that every arrangement of spaces, commas, blank lines and a byte-order mark turns up; the
  // characters plain text excludes are in too, to check they are left to csv-parse.
  const piece = fc.constantFrom("a", "B7", "1", "0.5", ".", " ", "  ", ",", ", ", "\n", "\n\n", "\n \n", "\uFEFF", "é", "😀", "x y", "\t", "\r", "\r\n", '"', "\f", "\u00a0", "\u2028", "\ud800")
  const text = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(""))

  test.prop([text], { numRuns: 5000 })("gives csv-parse's records and lines for the text it reads, and leaves quotes and control characters to csv-parse", (t) => {
    const plain = plainCsvRecords(t)
    if (/["\r\t\f]/.test(t.replace(/^\uFEFF/, ""))) expect(plain).toBeUndefined()
    if (plain !== undefined) expect(plain).toEqual(csvRecords(t))
  })

  it("reads an experience CSV as csv-parse does, and leaves a line near the record limit to it", () => {
    const csv = "\uFEFFentity,year,memberMonths,cost\n\nE1 , 2024,12000,  4800000.00\n   \nE2,2024,1,2\n"
    expect(plainCsvRecords(csv)).toEqual([
      { record: ["entity", "year", "memberMonths", "cost"], lines: 1 },
      { record: ["E1", "2024", "12000", "4800000.00"], lines: 3 },
      { record: ["E2", "2024", "1", "2"], lines: 5 }
    ])
    expect(plainCsvRecords(csv)).toEqual(csvRecords(csv))
    expect(plainCsvRecords(`a,b\n${"x".repeat(30_000)}\n`)).toBeUndefined()
  })
})
