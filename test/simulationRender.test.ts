import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { describe, expect, it } from "vitest"
import { renderSimulation } from "../packages/cli/src/render/simulationFormats.js"
import type { SimulationView } from "../packages/cli/src/render/simulationView.js"

const VIEW = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/report/simulation-view.json"), "utf8")) as SimulationView

describe("renderSimulation", () => {
  const markdown = renderSimulation(VIEW, "markdown")

  it("writes a memo: a heading, bold table titles, aligned columns with a right-aligned rule, notes as a list", () => {
    expect(markdown.startsWith("## ")).toBe(true)
    const tables = markdown.split("\n\n").filter((block) => block.startsWith("| "))
    // assumptions + (PMPM and provider net) per policy + one per pair: 1 + 2 × 2 + 1.
    expect(tables).toHaveLength(6)
    for (const table of tables) {
      const lines = table.split("\n")
      expect(new Set(lines.map((l) => l.length)).size).toBe(1)
      expect(lines[1]).toMatch(/^\| :-+ \|( -+: \|)+$/)
    }
    expect(markdown).toContain("- Quantiles from a log-bucket sketch")
  })

  it("groups thousands in money and leaves probabilities alone", () => {
    // The fixture's trending 2025 provider net mean is 4226205.90; its P(shared savings) stays 4 decimals.
    const row = markdown.split("\n").find((l) => l.includes("4,226,205.90"))
    expect(row).toBeDefined()
    expect(row).toContain(` ${VIEW.policies[0]!.years[0]!.pSharedSavings} |`)
    expect(markdown).not.toContain("4226205.90")
  })

  it("puts every distribution of the view in the CSV, one statistic per row, with the view's own strings", () => {
    const rows = parse(renderSimulation(VIEW, "csv"), { columns: true }) as Array<Record<string, string>>
    const trending2025 = rows.find((r) => r.section === "policy" && r.name === "trending" && r.year === "2025" && r.metric === "providerNet")!
    expect(trending2025).toMatchObject({ mean: "4226205.90", sd: "1547700.00", p5: "1680239.40", p95: "6772172.40" })
    const pair = rows.find((r) => r.section === "pair" && r.year === "contract" && r.metric === "payerCost")!
    expect(pair.mean).toBe(VIEW.pairs[0]!.contract.payerCost.mean)
  })

  it("prints the view itself as JSON", () => {
    expect(JSON.parse(renderSimulation(VIEW, "json"))).toEqual(VIEW)
  })
})

describe("floatMoney", () => {
  it("always prints fixed places: no exponent from 1e21 up, no -0.00", async () => {
    const { floatMoney } = await import("../packages/cli/src/render/simulationView.js")
    expect(floatMoney(1e21)).toBe("1000000000000000000000.00")
    expect(floatMoney(-(2 ** 80))).toBe("-1208925819614629174706176.00")
    expect(floatMoney(-0.001)).toBe("0.00")
    expect(floatMoney(1234.567)).toBe("1234.57")
    expect(() => floatMoney(Number.NaN)).toThrow(RangeError)
  })
})
