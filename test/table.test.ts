import { describe, expect, it } from "vitest"
import { left, renderText, right, type Table } from "../packages/cli/src/render/table.js"

const table: Table = {
  title: "Money by year",
  columns: [right("Year"), right("Alpha"), right("Beta"), left("Gamma")],
  rows: [
    ["2025", "1.00", "22.00", "x"],
    ["2026", "333.00", "4.00", "yy"]
  ],
  footer: [["Total", "334.00", "26.00", ""]]
}

describe("renderText", () => {
  it("prints a table that fits on one group, columns two spaces apart", () => {
    expect(renderText(table, 80)).toBe(
      [
        "Money by year",
        " Year   Alpha   Beta  Gamma",
        "─────  ──────  ─────  ─────",
        " 2025    1.00  22.00  x",
        " 2026  333.00   4.00  yy",
        "─────  ──────  ─────  ─────",
        "Total  334.00  26.00"
      ].join("\n")
    )
  })

  it("splits a wider table into groups that fit, repeating the key column and the footer", () => {
    // Widths 5, 6, 5, 5: Year + Alpha + Beta = 5 + 2 + 6 + 2 + 5 = 20 fits in 20; Gamma starts a second group.
    expect(renderText(table, 20)).toBe(
      [
        "Money by year",
        " Year   Alpha   Beta",
        "─────  ──────  ─────",
        " 2025    1.00  22.00",
        " 2026  333.00   4.00",
        "─────  ──────  ─────",
        "Total  334.00  26.00",
        "",
        // Titles wrap at 40 columns at the narrowest, so this one stays whole.
        "Money by year (continued, 2 of 2)",
        " Year  Gamma",
        "─────  ─────",
        " 2025  x",
        " 2026  yy",
        "─────  ─────",
        "Total"
      ].join("\n")
    )
  })
})
