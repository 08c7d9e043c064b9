import { fc, test } from "@fast-check/vitest"
import { groupThousands, showCount } from "@pbpsim/benchmark"
import { describe, expect, it } from "vitest"

describe("showCount", () => {
  it("writes whole numbers with thousands separators", () => {
    expect([0, 7, 999, 1000, 12345, 100000, 1234567, -1234, 16777216].map(showCount)).toEqual(["0", "7", "999", "1,000", "12,345", "100,000", "1,234,567", "-1,234", "16,777,216"])
  })

  test.prop([fc.maxSafeInteger()])("prints what toLocaleString(\"en-US\") prints for every safe integer", (n) => {
    expect(showCount(n)).toBe(n.toLocaleString("en-US"))
  })
})

describe("groupThousands", () => {
  it("groups a run of digits from the right", () => {
    expect(["1", "12", "123", "1234", "1234567890"].map(groupThousands)).toEqual(["1", "12", "123", "1,234", "1,234,567,890"])
  })
})
