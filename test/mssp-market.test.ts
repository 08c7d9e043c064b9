import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { dec, formatFixed, sum } from "@pbpsim/benchmark"
import { comparePolicies, loadScenarioFile, type Scenario } from "@pbpsim/simulator"
import { parse } from "csv-parse/sync"
import type { Decimal } from "decimal.js"
import { beforeAll, describe, expect, it } from "vitest"
import { pufRows, pufText, TYPES, type PufRow } from "./support/msspPuf.js"

/**
 * The bundled real market (docs/mssp-market.md): scenarios/mssp-market-2023.yaml and .csv are built by
 * scripts/mssp-market-scenario.mjs from every row of CMS's PY2023 MSSP results file. Here the files are
 * checked against the PUF's own columns, each figure derived again in this file from the CSV with its
 * own code (never the generator's): 2023 cost = per capita × person-years by enrollment type, member
 * months = 12 × person-years, the 2023 totals against ABtotExp, the kept-type rule, and the restatement
 * of the baseline years to 2020–2022 by the file's own chain index. Then the scenario must load through
 * the library with every ACO and these totals.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..")
const YAML_FILE = join(ROOT, "scenarios/mssp-market-2023.yaml")
const CSV_FILE = join(ROOT, "scenarios/mssp-market-2023.csv")
const GENERATOR = join(ROOT, "scripts/mssp-market-scenario.mjs")

type Row = PufRow
const puf = pufRows
const csvText = readFileSync(CSV_FILE, "utf8")
const csvRows = parse(csvText, { columns: true, skip_empty_lines: true }) as Array<Row>

type TypeSpec = (typeof TYPES)[number]
const PERIODS = ["BY1", "BY2", "BY3", "PY"] as const
const LABELS = [2020, 2021, 2022, 2023] as const

/** A printed whole or decimal number, or undefined for CMS's suppression mark `*` (or a blank). */
const printed = (r: Row, column: string): Decimal | undefined => {
  const raw = r[column]
  if (raw === undefined) throw new Error(`no column ${column}`)
  if (/^\s*\*?\s*$/.test(raw)) return undefined
  if (!/^\s*\d+(\.\d+)?\s*$/.test(raw)) throw new Error(`${r.ACO_ID} ${column}: ${raw}`)
  return dec(raw.trim())
}
const must = (x: Decimal | undefined, what: string): Decimal => {
  if (x === undefined) throw new Error(`${what} is not printed`)
  return x
}

const perCapita = (r: Row, t: TypeSpec, p: (typeof PERIODS)[number]) => printed(r, `Per_Capita_Exp_ALL_${t.exp}_${p}`)
const risk = (r: Row, t: TypeSpec, p: (typeof PERIODS)[number]) => printed(r, `CMS_HCC_RiskScore_${t.exp}_${p}`)
/** Person-years of a period: BY1 and BY2 are not printed, BY3's stand for them. */
const personYears = (r: Row, t: TypeSpec, p: (typeof PERIODS)[number]) => printed(r, `N_AB_Year_${t.years}_${p === "PY" ? "PY" : "BY3"}`)

/** A type is kept for an ACO when every figure of every period is printed and positive. */
const kept = (r: Row, t: TypeSpec): boolean =>
  PERIODS.every((p) => [perCapita(r, t, p), risk(r, t, p), personYears(r, t, p)].every((x) => x !== undefined && x.gt(0)))

/** The calendar year of each of an ACO's BY1–BY3: the three years before the year its agreement started. */
const trueYears = (r: Row): [number, number, number] => {
  const start = Number(r.Current_Start_Date!.slice(-4))
  return [start - 3, start - 2, start - 1]
}

const csvIndex = new Map<string, Array<Row>>()
for (const x of csvRows) for (const key of [`${x.entity}|${x.year}`, `${x.entity}|${x.year}|${x.segment}`]) csvIndex.set(key, [...(csvIndex.get(key) ?? []), x])
/** The CSV's rows of an ACO and year (and type). */
const csvOf = (entity: string, year: number, segment?: string): ReadonlyArray<Row> => csvIndex.get(segment === undefined ? `${entity}|${year}` : `${entity}|${year}|${segment}`) ?? []
const cents = (x: Decimal) => formatFixed(x, 2)
const total = (xs: ReadonlyArray<Row>, column: string) => sum(xs.map((x) => dec(x[column]!)))
const byId = (id: string) => puf.find((r) => r.ACO_ID === id)!

/**
 * The growth of per capita spending from year t − 1 to t for one type, over the ACOs whose BY1–BY3 hold both
 * years, each weighted by its BY3 person-years in both years.
 */
const growth = (t: TypeSpec, year: number): Decimal => {
  let now = dec(0)
  let before = dec(0)
  for (const r of puf) {
    const years = trueYears(r)
    const k = years.indexOf(year)
    if (k < 1 || !kept(r, t)) continue
    const py = must(personYears(r, t, "BY3"), "BY3 person-years")
    now = now.add(must(perCapita(r, t, PERIODS[k]!), "pc").mul(py))
    before = before.add(must(perCapita(r, t, PERIODS[k - 1]!), "pc").mul(py))
  }
  return now.div(before)
}

describe("scripts/mssp-market-scenario.mjs", () => {
  it("regenerates both bundled files byte for byte from the vendored CSV", async () => {
    const generator = (await import(pathToFileURL(GENERATOR).href)) as { buildMarket: (csv: string) => { yaml: string; csv: string } }
    const built = generator.buildMarket(pufText)
    expect(built.csv).toBe(csvText)
    expect(built.yaml).toBe(readFileSync(YAML_FILE, "utf8"))
    // Pure: a second run gives the same text.
    const again = generator.buildMarket(pufText)
    expect([again.yaml, again.csv]).toEqual([built.yaml, built.csv])
  })
})

describe("scenarios/mssp-market-2023.csv against the PUF's columns", () => {
  it("has the experience header and one row per kept (ACO, type, year), in file order", () => {
    expect(csvText.split("\n")[0]).toBe("entity,year,memberMonths,cost,riskScore,segment")
    // Every ACO of the file is there (none lost every type); each type an ACO keeps has all four years.
    expect(new Set(csvRows.map((x) => x.entity)).size).toBe(453)
    const expected = puf.flatMap((r) => TYPES.filter((t) => kept(r, t)).flatMap((t) => LABELS.map((y) => `${r.ACO_ID}|${t.segment}|${y}`)))
    expect(csvRows.map((x) => `${x.entity}|${x.segment}|${x.year}`)).toEqual(expected)
    // 453 × 4 × 4 = 7,248 cells, less 4 years of each type left out: 46 ESRD, 7 disabled, 35 aged/dual.
    expect(csvRows.length).toBe(7248 - 4 * (46 + 7 + 35))
  })

  it("leaves a type out of every year of an ACO when one of its years is suppressed (CMS's `*`)", () => {
    // A1033 prints all four types (kept); an ACO with ESRD suppressed in PY2023 keeps no ESRD row at all.
    expect(TYPES.map((t) => csvOf("A1033", 2023, t.segment).length)).toEqual([1, 1, 1, 1])
    const noEsrdPy = puf.filter((r) => r.N_AB_Year_ESRD_PY === "*")
    expect(noEsrdPy.length).toBe(42)
    for (const r of noEsrdPy) expect(csvRows.some((x) => x.entity === r.ACO_ID && x.segment === "esrd"), r.ACO_ID).toBe(false)
  })

  it("gives 2023 cost = Σ_type Per_Capita_Exp_ALL_<type>_PY × N_AB_Year_<type>_PY, to the cent, for several ACOs", () => {
    // A5202 (the ACO of docs/mssp-real-aco.md): 76,786 × 29 + 9,581 × 1,609 + 14,552 × 1,090 + 9,158 × 5,306.
    expect(cents(total(csvOf("A5202", 2023), "cost"))).toBe("82096651.00")
    for (const id of ["A5202", "A1001", "A1033", "A1070", puf[452]!.ACO_ID!]) {
      const r = byId(id)
      for (const t of TYPES.filter((x) => kept(r, x))) {
        const [row] = csvOf(id, 2023, t.segment)
        const py = must(personYears(r, t, "PY"), "PY person-years")
        expect(row!.cost, `${id} ${t.segment}`).toBe(cents(must(perCapita(r, t, "PY"), "pc").mul(py)))
        expect(row!.memberMonths, `${id} ${t.segment}`).toBe(py.mul(12).toFixed())
        expect(row!.riskScore, `${id} ${t.segment}`).toBe(r[`CMS_HCC_RiskScore_${t.exp}_PY`])
      }
    }
  })

  it("gives the same for every ACO and in total: person-years × 12 = member months, Σ pc × PY = 2023 cost", () => {
    let cost = dec(0)
    let memberMonths = dec(0)
    for (const r of puf)
      for (const t of TYPES.filter((x) => kept(r, x))) {
        const py = must(personYears(r, t, "PY"), "PY")
        cost = cost.add(must(perCapita(r, t, "PY"), "pc").mul(py))
        memberMonths = memberMonths.add(py.mul(12))
      }
    const rows2023 = csvRows.filter((x) => x.year === "2023")
    expect(cents(total(rows2023, "cost"))).toBe(cents(cost))
    expect(total(rows2023, "memberMonths").toFixed()).toBe(memberMonths.toFixed())
    expect(cents(cost)).toBe("122545245026.00")
    expect(memberMonths.toFixed()).toBe("120097776")
  })

  it("matches ABtotExp for each ACO with every type kept, within what whole-dollar and whole-person-year printing hides", () => {
    // CMS prints per capita in whole dollars and person-years as whole numbers, so Σ pc × PY can miss the
    // true expenditure by up to Σ_type (½ PY + ½ pc + ¼) (docs/rules/mssp-parity.md). 407 ACOs keep all four
    // types; their Σ differs from Σ ABtotExp by $25,742 (0.00002 %), far inside the sum of their bounds.
    const complete = puf.filter((r) => TYPES.every((t) => kept(r, t)))
    expect(complete.length).toBe(407)
    let diff = dec(0)
    let bounds = dec(0)
    for (const r of complete) {
      const bound = sum(TYPES.map((t) => must(personYears(r, t, "PY"), "PY").div(2).add(must(perCapita(r, t, "PY"), "pc").div(2)).add("0.25")))
      const d = total(csvOf(r.ACO_ID!, 2023), "cost").sub(must(printed(r, "ABtotExp"), "ABtotExp"))
      expect(d.abs().lte(bound), `${r.ACO_ID}: ${d.toFixed()} beyond ${bound.toFixed()}`).toBe(true)
      diff = diff.add(d)
      bounds = bounds.add(bound)
    }
    expect(diff.toFixed()).toBe("25742")
    expect(diff.abs().lt(bounds)).toBe(true)
  })

  it("is 0.136 % below Σ ABtotExp over the whole file: the 46 ACOs short of a type lack that type's cost", () => {
    // Σ ABtotExp = 122,712,605,582 (data/README.md's totals: benchmarks 127,870,094,703 − savings 5,157,489,121);
    // the CSV's 2023 cost 122,545,245,026. The 46 ACOs that lost a type (ESRD, with aged/dual or disabled where
    // CMS suppressed them too) each lack at least $818,262, together $167,386,298; the rest is rounding.
    // Tolerance: the CSV may fall short of ABtotExp by at most 0.2 %, never exceed it by more than the rounding.
    const abTotExp = sum(puf.map((r) => must(printed(r, "ABtotExp"), "ABtotExp")))
    const cost = total(
      csvRows.filter((x) => x.year === "2023"),
      "cost"
    )
    expect(abTotExp.toFixed()).toBe("122712605582")
    const shortfall = abTotExp.sub(cost)
    expect(shortfall.toFixed(2)).toBe("167360556.00")
    expect(shortfall.div(abTotExp).lt("0.002")).toBe(true)
    const partial = puf.filter((r) => !TYPES.every((t) => kept(r, t)))
    expect(partial.length).toBe(46)
    for (const r of partial) expect(total(csvOf(r.ACO_ID!, 2023), "cost").lt(must(printed(r, "ABtotExp"), "ABtotExp").sub(800000)), r.ACO_ID).toBe(true)
  })

  it("takes the ACOs starting in January 2023 as printed: their BY1–BY3 really are 2020–2022", () => {
    const exact = puf.filter((r) => r.Current_Start_Date === "01/01/2023")
    expect(exact.length).toBe(50)
    for (const r of exact)
      for (const t of TYPES.filter((x) => kept(r, x)))
        PERIODS.slice(0, 3).forEach((p, k) => {
          const [row] = csvOf(r.ACO_ID!, LABELS[k]!, t.segment)
          const py = must(personYears(r, t, "BY3"), "BY3")
          expect(row!.cost, `${r.ACO_ID} ${t.segment} ${p}`).toBe(cents(must(perCapita(r, t, p), "pc").mul(py)))
          expect(row!.memberMonths).toBe(py.mul(12).toFixed())
          expect(row!.riskScore).toBe(r[`CMS_HCC_RiskScore_${t.exp}_${p}`])
        })
    // A5202's aged/non-dual: 7,452 / 8,743 / 8,766 × 5,186 BY3 person-years.
    expect(csvOf("A5202", 2020, "aged-non-dual")[0]!.cost).toBe("38646072.00")
    expect(csvOf("A5202", 2022, "aged-non-dual")[0]!.memberMonths).toBe("62232")
  })

  it("restates the other ACOs' baseline years to 2020–2022 by the file's own chain index of per capita growth", () => {
    // Palm Beach ACO (A1001) started 1 July 2019: its BY1–BY3 are 2016–2018. Its aged/non-dual "2022" is its
    // 2018 spending 11,350 × 73,867 person-years grown by R(2019) R(2020) R(2021) R(2022) of aged/non-dual.
    const r = byId("A1001")
    expect(trueYears(r)).toEqual([2016, 2017, 2018])
    const t = TYPES[3]
    const factor = [2019, 2020, 2021, 2022].reduce((f, y) => f.mul(growth(t, y)), dec(1))
    expect(formatFixed(factor, 4)).toBe("1.0676") // 1.0342 × 0.9009 × 1.0976 × 1.0439
    expect(csvOf("A1001", 2022, "aged-non-dual")[0]!.cost).toBe(cents(dec(11350).mul(73867).mul(factor)))
    // Every baseline row of every ACO: printed cost × Π R from its true year to its label (1 when they agree).
    const rates = new Map(TYPES.flatMap((x) => [2017, 2018, 2019, 2020, 2021, 2022].map((y) => [`${x.segment}|${y}`, growth(x, y)] as const)))
    let checked = 0
    for (const a of puf) {
      const years = trueYears(a)
      for (const x of TYPES.filter((s) => kept(a, s)))
        [0, 1, 2].forEach((k) => {
          let f = dec(1)
          for (let y = years[k]! + 1; y <= LABELS[k]!; y++) f = f.mul(rates.get(`${x.segment}|${y}`)!)
          const cost = must(perCapita(a, x, PERIODS[k]!), "pc").mul(must(personYears(a, x, "BY3"), "BY3")).mul(f)
          expect(csvOf(a.ACO_ID!, LABELS[k]!, x.segment)[0]!.cost, `${a.ACO_ID} ${x.segment} ${LABELS[k]}`).toBe(cents(cost))
          checked++
        })
    }
    expect(checked).toBe(3 * (453 * 4 - 88))
  })

  it("makes the cohorts agree on their step from the labelled 2022 to their actual 2023, which the index never saw", () => {
    // Per capita at each ACO's 2023 mix of kept types: Σ pc_2023 × PY_2023 ÷ Σ (CSV 2022 cost ÷ PY_BY3) × PY_2023.
    // Restated, every cohort grows 8.0–9.1 %; as printed, the July 2019 starters grow 14.9 % from their "2022" (really 2018).
    const step = (start: string, restated: boolean): number => {
      let now = dec(0)
      let before = dec(0)
      for (const r of puf.filter((x) => x.Current_Start_Date === start))
        for (const t of TYPES.filter((x) => kept(r, x))) {
          const py = must(personYears(r, t, "PY"), "PY")
          const pc2022 = restated ? dec(csvOf(r.ACO_ID!, 2022, t.segment)[0]!.cost!).div(must(personYears(r, t, "BY3"), "BY3")) : must(perCapita(r, t, "BY3"), "pc")
          now = now.add(must(perCapita(r, t, "PY"), "pc").mul(py))
          before = before.add(pc2022.mul(py))
        }
      return now.div(before).sub(1).mul(100).toNumber()
    }
    const starts = ["07/01/2019", "01/01/2020", "01/01/2022", "01/01/2023"]
    expect(starts.map((s) => step(s, false).toFixed(2))).toEqual(["14.88", "12.18", "13.29", "8.65"])
    expect(starts.map((s) => step(s, true).toFixed(2))).toEqual(["8.03", "9.05", "8.73", "8.65"])
  })

  it("shows the COVID-19 year in the index: 2020 per capita below 2019 for every type, 2021 above 2020", () => {
    for (const t of TYPES) {
      expect(growth(t, 2020).lt(1), t.segment).toBe(true)
      expect(growth(t, 2021).gt(1), t.segment).toBe(true)
    }
  })
})

describe("scenarios/mssp-market-2023.yaml through the library", () => {
  let scenario: Scenario
  beforeAll(async () => {
    scenario = await loadScenarioFile(YAML_FILE)
  })

  it("loads every ACO as an entity of one national peer group, all of them the contract's peers", () => {
    const entities = scenario.base.market.entities
    expect(entities.length).toBe(453)
    expect(entities.map((e) => e.id)).toEqual(puf.map((r) => r.ACO_ID))
    expect(entities.find((e) => e.id === "A5202")!.name).toBe("Montana Health Plus")
    expect(new Set(entities.map((e) => e.peerGroup))).toEqual(new Set(["national"]))
    expect(scenario.base.contract.provider).toBe("A5202")
    expect(scenario.base.contract.peers.length).toBe(453)
    // participation: { kind: logistic } with its defaults filled (horizon 3, exit 10 % at 0, 21 % at −1 point).
    const rule = scenario.base.participation
    expect(rule?.kind).toBe("logistic")
    if (rule?.kind === "logistic") expect([rule.horizon, rule.exitAtZero.toFixed(2), rule.exitAtMinusOnePoint.toFixed(2)]).toEqual([3, "0.10", "0.21"])
  })

  it("reads the experience CSV with its totals per year", () => {
    const rows = scenario.experience
    expect(rows.length).toBe(6896)
    const byYear = (y: number) => rows.filter((r) => r.year === y)
    const mm = (y: number) => sum(byYear(y).map((r) => r.memberMonths)).toFixed()
    const cost = (y: number) => cents(sum(byYear(y).map((r) => r.cost)))
    expect([2020, 2021, 2022, 2023].map(mm)).toEqual(["129152472", "129152472", "129152472", "120097776"])
    expect(cost(2023)).toBe("122545245026.00")
    // The baseline years, restated (docs/mssp-market.md): Σ of the CSV's own cells.
    for (const y of [2020, 2021, 2022]) expect(cost(y)).toBe(cents(total(csvRows.filter((x) => x.year === String(y)), "cost")))
    expect(new Set(rows.map((r) => r.segment))).toEqual(new Set(TYPES.map((t) => t.segment)))
  })

  it("trends at the rows' own pooled risk-adjusted growth, 2020 to 2023, a year on average (6.359 % → 0.064)", () => {
    // Per year, Σ cost ÷ Σ member months × risk score over the CSV (as the engine pools a market):
    // 843.55, 915.50, 949.54, 1,014.91; (1,014.91 ÷ 843.55)^(1/3) − 1 = 6.359 %, rounded to 3 places.
    const pooled = [2020, 2021, 2022, 2023].map((y) => {
      const rows = csvRows.filter((x) => x.year === String(y))
      return total(rows, "cost").div(sum(rows.map((x) => dec(x.memberMonths!).mul(x.riskScore!))))
    })
    expect(pooled.map((p) => formatFixed(p, 2))).toEqual(["843.55", "915.50", "949.54", "1014.91"])
    const annual = pooled[3]!.div(pooled[0]!).pow(dec(1).div(3)).sub(1)
    expect(formatFixed(annual.mul(100), 3)).toBe("6.359")
    const rate = formatFixed(annual, 3)
    const b = scenario.base
    expect(b.benchmark.trend).toMatchObject({ kind: "fixed" })
    expect([b.benchmark.trend, b.benchmark.historicalTrend].map((t) => (t?.kind === "fixed" ? t.rate.toFixed() : t?.kind))).toEqual([rate, rate])
    expect(b.projection.marketTrend.toString()).toBe(rate)
  })

  it("has the five policies the market replays, mandatory participation in one", () => {
    expect(scenario.policies.map((p) => p.name)).toEqual(["regional-mssp", "regional-50", "annual-rebase", "glide-to-efficient", "mandatory"])
    const body = (name: string) => scenario.policies.find((p) => p.name === name)!.body
    expect(body("mandatory").participation).toEqual({ kind: "mandatory" })
    expect(body("regional-mssp").participation?.kind).toBe("logistic")
    expect(body("glide-to-efficient").benchmark.peerTarget?.percentile.toFixed()).toBe("0.25")
    expect(body("annual-rebase").benchmark.rebasing.kind).toBe("annual")
    const glide = body("regional-50").benchmark.glidePath
    expect("constant" in glide ? glide.constant.toFixed() : glide).toBe("0.5")
  })

  it("runs the contract as written (A5202 against every ACO) under every policy for five years", async () => {
    const runs = await comparePolicies(scenario)
    for (const run of runs) {
      expect(run.result.years.map((y) => y.year), run.model.policyName).toEqual([2023, 2024, 2025, 2026, 2027])
      // 2023 is A5202's actual experience: Σ of its four types' rows.
      expect(cents(run.result.years[0]!.settlement.value.expenditure), run.model.policyName).toBe("82096651.00")
    }
  }, 60_000)
})
