// node scripts/mssp-market-scenario.mjs [--check]
//
// Builds scenarios/mssp-market-2023.yaml and scenarios/mssp-market-2023.csv: a real market of EVERY ACO of
// CMS's PY2023 MSSP "Financial and Quality Results" public use file (data/cms/mssp/py2023-aco-results-puf.csv),
// for `pbpsim market` (issue 12): each ACO an entity of one national peer group, its experience by enrollment
// type for BY1–BY3 (labelled 2020–2022) and its actual PY2023, and five benchmark policies to replay across the
// whole programme. docs/mssp-market.md explains every figure; test/mssp-market.test.ts checks the files
// against the PUF's own columns, derived independently.
//
// What it reads, per ACO and enrollment type (ESRD, DIS, AGDU → aged-dual, AGND → aged-non-dual):
//   Per_Capita_Exp_ALL_<type>_BY1..BY3, _PY   per capita expenditure (dollars per person-year)
//   CMS_HCC_RiskScore_<type>_BY1..BY3, _PY    CMS-HCC risk score
//   N_AB_Year_<type>_BY3, _PY                  person-years (BY1 and BY2 are not printed: BY3's are used)
//   Current_Start_Date                         which calendar years the ACO's BY1–BY3 really are
// and writes one experience row per (ACO, type, year): memberMonths = 12 × person-years,
// cost = per capita × person-years (2023 exactly; 2020–2022 restated, below), riskScore as printed.
//
// Two rules keep only what is defensible (docs/mssp-market.md, "What is kept"):
//   1. A type is kept for an ACO only if it is usable in all four years (every cell printed, person-years
//      > 0). CMS suppresses small cells (`*`); a type missing from one year but kept in the others would
//      compare a baseline with it against a 2023 without it (ESRD costs about 8 × the other types).
//   2. Every ACO's BY1–BY3 are the three calendar years before ITS agreement started (2016–2018 for July
//      2019 starts, 2017–2019, 2019–2021, 2020–2022), not 2020–2022 for all. They are labelled 2020–2022
//      so that one contract fits every ACO, and their cost is RESTATED to the labelled year by a chain
//      index of per capita growth that the file itself reveals: the same ACOs' consecutive benchmark years,
//      per type. An ACO starting in 2023 is untouched (factor 1).
// The trend (benchmark, historical and the market's projection) is the file's own too: the rows' pooled
// risk-adjusted PMPM growth from 2020 to 2023, a year on average (TREND_PLACES places).
//
// `buildMarket(csvText)` is pure (text in; YAML, CSV and the figures out); money with decimal.js only.
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Decimal } from "decimal.js"
import { NOT_PRINTED, pufRows, SEGMENTS } from "./mssp-aco-scenario.mjs"

/** Working precision far beyond cents: the restatement factors are ratios of sums of about 1e11. */
const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -80, toExpPos: 80 })
const d = (v) => new D(v)
const ZERO = d(0)
const ONE = d(1)
const sum = (xs) => xs.reduce((a, x) => a.add(x), ZERO)

export const PUF_FILE = "data/cms/mssp/py2023-aco-results-puf.csv"
export const YAML_FILE = "scenarios/mssp-market-2023.yaml"
export const CSV_FILE = "scenarios/mssp-market-2023.csv"
const CSV_NAME = "mssp-market-2023.csv"

/** The four enrollment types: segment id, PUF column infixes (one definition, the single-ACO generator's). */
export { SEGMENTS }
/** The labels every ACO's BY1, BY2, BY3 get, and the performance year. */
export const LABEL_YEARS = [2020, 2021, 2022]
export const PERFORMANCE_YEAR = 2023
export const CONTRACT_YEARS = 5
export const PEER_GROUP = "national"
export const PROVIDER = "A5202"
/** First agreement period: 10 / 30 / 60 % (42 CFR 425.601(a)(7)). */
const BASELINE_WEIGHTS = ["0.1", "0.3", "0.6"]

/**
 * The trend is the file's own: the growth of these ACOs' risk-adjusted Medicare FFS spending per capita,
 * pooled as the engine pools a market (Σ cost ÷ Σ member months × risk score, segments summed), from 2020
 * to 2023, a year on average, to TREND_PLACES places (marketTrend below). docs/mssp-market.md compares it with
 * the National Health Expenditure Accounts' fee-for-service spending per enrollee (Martin, Hartman,
 * Washington, Catlin and the NHE Accounts Team, "National Health Expenditures In 2023: Faster Growth As
 * Insurance Coverage And Utilization Increased", Health Affairs 44(1), January 2025): traditional FFS
 * spending +1.7 % in 2023 and −1.4 % in 2022, FFS enrollment −2.8 % and −3.0 %, so per enrollee
 * 1.017 ÷ 0.972 − 1 = +4.6 % in 2023 and 0.986 ÷ 0.970 − 1 = +1.6 % in 2022.
 */
export const TREND_PLACES = 3
export const NHE_FFS_PER_ENROLLEE = { 2022: { spending: "0.986", enrollment: "0.970" }, 2023: { spending: "1.017", enrollment: "0.972" } }
/** Projection assumption (not data): every ACO spends 0.5 % a year less than the trend, compounding. */
const ANNUAL_SAVINGS = "0.005"
/** Simplified one-sided terms (BASIC A/B without the variable MSR or quality): 50 %, MSR 2 %, cap 10 %. */
const SHARING = "0.5"
const MSR = "0.02"
const SAVINGS_CAP = "0.1"
/** MSSP regional adjustment, first time (42 CFR 425.601(f)): 35 % below, 15 % above, ±5 % cap. */
const BELOW = "0.35"
const ABOVE = "0.15"
const REGIONAL_CAP = "0.05"
/** Positive risk growth capped at 3 % over the agreement, no floor (425.605(a)(1), agreements 2019–2023). */
const RISK_CAP_UP = "0.03"

// ---------------------------------------------------------------------------------------------------
// Reading the file

const NUMBER = /^\s*\d+(\.\d+)?\s*$/

/** A cell as a Decimal, or undefined when CMS did not print it; anything else is refused. */
const cellOf = (row, column) => {
  const raw = row[column]
  if (raw === undefined) throw new Error(`${PUF_FILE}: no column ${column}`)
  if (NOT_PRINTED.test(raw)) return undefined
  if (!NUMBER.test(raw)) throw new Error(`${PUF_FILE}: ${row.ACO_ID} ${column} is neither a number nor a suppression mark: "${raw}"`)
  return d(raw.trim())
}

/**
 * The calendar years of an ACO's BY1–BY3: the three years before the year its agreement starts
 * (425.601(a)(1); a 1 July 2019 start has 2016–2018, like a 1 January 2019 one would).
 */
export const benchmarkYearsOf = (startDate) => {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(startDate.trim())
  if (!m || !["01/01", "07/01"].includes(`${m[1]}/${m[2]}`)) throw new Error(`${PUF_FILE}: unexpected Current_Start_Date "${startDate}"`)
  const start = Number(m[3])
  return [start - 3, start - 2, start - 1]
}

const PERIODS = ["BY1", "BY2", "BY3", "PY"]

/** One ACO: its type cells, which types are usable in which years, and which are kept. */
const readAco = (row) => {
  const byYears = benchmarkYearsOf(row.Current_Start_Date)
  const types = SEGMENTS.map((s) => {
    const perCapita = PERIODS.map((p) => cellOf(row, `Per_Capita_Exp_ALL_${s.exp}_${p}`))
    const risk = PERIODS.map((p) => cellOf(row, `CMS_HCC_RiskScore_${s.exp}_${p}`))
    const personYearsBy3 = cellOf(row, `N_AB_Year_${s.years}_BY3`)
    const personYearsPy = cellOf(row, `N_AB_Year_${s.years}_PY`)
    // Year i (0–2: BY1–BY3, using BY3's person-years; 3: PY) is usable when its figures are printed and positive.
    const personYears = [personYearsBy3, personYearsBy3, personYearsBy3, personYearsPy]
    const usable = PERIODS.map((_, i) => [perCapita[i], risk[i], personYears[i]].every((x) => x !== undefined && x.gt(0)))
    return { ...s, perCapita, risk, personYears, usable, kept: usable.every(Boolean) }
  })
  return {
    id: row.ACO_ID.trim(),
    name: row.ACO_Name.trim(),
    startDate: row.Current_Start_Date.trim(),
    agreementPeriod: row.Agreement_Period_Num.trim(),
    byYears,
    types,
    abTotExp: cellOf(row, "ABtotExp"),
    abTotBnchmk: cellOf(row, "ABtotBnchmk")
  }
}

// ---------------------------------------------------------------------------------------------------
// The chain index: per capita growth year on year, per type, from the same ACOs' consecutive benchmark years

/**
 * For each type and each year t from the earliest benchmark year + 1 to 2022: R(t) = Σ pc_t × PY3 ÷ Σ pc_{t−1} × PY3
 * over the kept types of the ACOs whose BY1–BY3 contain both t − 1 and t (PY3: the type's BY3 person-years,
 * the same weight in both years, so R compares like with like). I(t) = Π R up to t.
 */
export const chainIndex = (acos) => {
  const first = Math.min(...acos.map((a) => a.byYears[0]))
  const last = LABEL_YEARS[2]
  return SEGMENTS.map((s, si) => {
    const growth = []
    for (let t = first + 1; t <= last; t++) {
      let num = ZERO
      let den = ZERO
      let acoCount = 0
      for (const a of acos) {
        const k = a.byYears.indexOf(t)
        const type = a.types[si]
        if (k < 1 || !type.kept) continue
        num = num.add(type.perCapita[k].mul(type.personYears[k]))
        den = den.add(type.perCapita[k - 1].mul(type.personYears[k - 1]))
        acoCount++
      }
      if (acoCount === 0) throw new Error(`no ACO has both ${t - 1} and ${t} among its benchmark years for ${s.id}`)
      growth.push({ year: t, rate: num.div(den), acos: acoCount })
    }
    return { segment: s.id, first, growth }
  })
}

/** The factor restating a type's figure of calendar year `from` to calendar year `to` (≥ from): Π R(from+1 … to). */
const restateFactor = (index, from, to) => {
  let f = ONE
  for (const g of index.growth) if (g.year > from && g.year <= to) f = f.mul(g.rate)
  return f
}

// ---------------------------------------------------------------------------------------------------
// The market

const cents = (x) => x.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)

/** Everything the files say, computed once: entities, rows, skips, index, totals. */
export const buildFigures = (csvText) => {
  const acos = pufRows(csvText).map(readAco)
  const index = chainIndex(acos)
  const rows = []
  const skipped = { cells: 0, byType: Object.fromEntries(SEGMENTS.map((s) => [s.id, { unusable: 0, dropped: 0 }])), acos: [] }
  const entities = []
  for (const a of acos) {
    const kept = a.types.filter((t) => t.kept)
    a.types.forEach((t) => {
      const bad = t.usable.filter((u) => !u).length
      skipped.cells += bad
      if (!t.kept) {
        skipped.byType[t.id].unusable += bad
        skipped.byType[t.id].dropped += 4 - bad
      }
    })
    if (kept.length === 0) {
      skipped.acos.push(a.id)
      continue
    }
    entities.push(a)
    for (const t of kept) {
      const si = SEGMENTS.findIndex((s) => s.id === t.id)
      LABEL_YEARS.forEach((label, k) => {
        const factor = restateFactor(index[si], a.byYears[k], label)
        const printed = t.perCapita[k].mul(t.personYears[k])
        rows.push({ entity: a.id, year: label, memberMonths: t.personYears[k].mul(12), cost: cents(printed.mul(factor)), printed, factor, riskScore: t.risk[k], segment: t.id })
      })
      const printed = t.perCapita[3].mul(t.personYears[3])
      rows.push({ entity: a.id, year: PERFORMANCE_YEAR, memberMonths: t.personYears[3].mul(12), cost: cents(printed), printed, factor: ONE, riskScore: t.risk[3], segment: t.id })
    }
  }
  const provider = entities.find((a) => a.id === PROVIDER)
  if (!provider) throw new Error(`the provider ${PROVIDER} is not among the usable ACOs`)
  const byYear = (y) => rows.filter((r) => r.year === y)
  const cohorts = [...new Set(entities.map((a) => a.startDate))]
    .sort((x, y) => benchmarkYearsOf(x)[2] - benchmarkYearsOf(y)[2] || x.localeCompare(y))
    .map((start) => ({ start, byYears: benchmarkYearsOf(start), acos: entities.filter((a) => a.startDate === start).length }))
  const pyCost = sum(byYear(PERFORMANCE_YEAR).map((r) => r.cost))
  const abTotExp = sum(acos.map((a) => a.abTotExp))
  // The market's risk-adjusted PMPM by year: Σ cost ÷ Σ (member months × risk score) over every row of the year.
  const pooled = [...LABEL_YEARS, PERFORMANCE_YEAR].map((yr) => {
    const list = rows.filter((r) => r.year === yr)
    return { year: yr, value: sum(list.map((r) => r.cost)).div(sum(list.map((r) => r.memberMonths.mul(r.riskScore)))) }
  })
  const trendExact = pooled[3].value.div(pooled[0].value).pow(d(1).div(3)).sub(1)
  const trend = {
    exact: trendExact,
    rate: trendExact.toDecimalPlaces(TREND_PLACES, Decimal.ROUND_HALF_UP).toFixed(TREND_PLACES),
    pooled,
    yearly: pooled.slice(1).map((p, i) => ({ year: p.year, rate: p.value.div(pooled[i].value).sub(1) }))
  }
  // 2023 cost against ABtotExp: ACOs with all four types kept differ only by the rounding of the printed
  // figures; the others lack the cost of the types they do not have.
  const pyCostOf = (a) => sum(rows.filter((r) => r.entity === a.id && r.year === PERFORMANCE_YEAR).map((r) => r.cost))
  const complete = entities.filter((a) => a.types.every((t) => t.kept))
  const partial = entities.filter((a) => !a.types.every((t) => t.kept))
  const against = (list) => ({ acos: list.length, cost: sum(list.map(pyCostOf)), abTotExp: sum(list.map((a) => a.abTotExp)) })
  const allFour = complete.length
  return {
    acos,
    entities,
    rows,
    index,
    skipped,
    cohorts,
    allFour,
    trend,
    totals: {
      pyCost,
      abTotExp,
      complete: against(complete),
      partial: against(partial),
      memberMonthsPy: sum(byYear(PERFORMANCE_YEAR).map((r) => r.memberMonths)),
      byYear: LABEL_YEARS.map((y) => ({ year: y, cost: sum(byYear(y).map((r) => r.cost)), printed: sum(byYear(y).map((r) => r.printed)) }))
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Writing

const grouped = (text) => {
  const [whole, fraction] = text.split(".")
  const sign = whole.startsWith("-") ? "-" : ""
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return `${sign}${digits}${fraction === undefined ? "" : `.${fraction}`}`
}
const money0 = (x) => grouped(x.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0))
const fixed = (x, p) => x.toDecimalPlaces(p, Decimal.ROUND_HALF_UP).toFixed(p)
const pct = (x, p = 2) => `${fixed(x.mul(100), p)} %`

/** The experience CSV: header, then ACOs in file order, types in SEGMENTS order, years ascending. */
export const renderCsv = (f) => {
  const lines = ["entity,year,memberMonths,cost,riskScore,segment"]
  for (const r of f.rows) lines.push(`${r.entity},${r.year},${r.memberMonths.toFixed()},${r.cost.toFixed(2)},${r.riskScore.toFixed()},${r.segment}`)
  return `${lines.join("\n")}\n`
}

/** A YAML double-quoted scalar: JSON's escaping is valid YAML. */
const quoted = (text) => JSON.stringify(text)

export const renderYaml = (f) => {
  const L = []
  const c = (line = "") => L.push(line === "" ? "#" : `# ${line}`)
  const y = (line) => L.push(line)
  const n = f.entities.length
  const TREND = f.trend.rate
  const nhe = Object.entries(NHE_FFS_PER_ENROLLEE).map(([yr, v]) => `${yr} ${pct(d(v.spending).div(v.enrollment).sub(1), 1)}`)
  const t = f.totals
  const [l1, l2, l3] = LABEL_YEARS

  y("# yaml-language-server: $schema=../schema/scenario.schema.json")
  c()
  c(`GENERATED by scripts/mssp-market-scenario.mjs from ${PUF_FILE}`)
  c("(CMS, Medicare Shared Savings Program Performance Year Financial and Quality Results, PY2023; data/README.md),")
  c(`with its experience in ${CSV_NAME}. Do not edit by hand: change the script and run`)
  c("`node scripts/mssp-market-scenario.mjs` (`--check` compares instead of writing); test/mssp-market.test.ts checks")
  c("that the script still gives both files byte for byte, and their figures against the file's own columns.")
  c()
  c(`WHAT IT DEMONSTRATES. The whole programme as a market for \`pbpsim market\` (issue 12): all ${n} ACOs of the`)
  c("file, each run as the contracting provider against the others, with a participation rule, replaying")
  c("alternative benchmark policies — MSSP's regional adjustment, a 50 % regional blend, annual rebasing, a glide")
  c("to an efficient (25th percentile) benchmark, and mandatory participation — and what each costs the payer.")
  c(`\`pbpsim compare\` runs the contract as written: the one provider below (${PROVIDER}) against every ACO. Everything`)
  c("is explained column by column in docs/mssp-market.md.")
  c()
  c(`THE ROWS. ${f.acos.length} ACOs in the file; ${n} usable (${f.skipped.acos.length === 0 ? "none excluded" : `excluded, no usable type: ${f.skipped.acos.join(", ")}`}). ${f.allFour} have all four enrollment`)
  c(`types in every year; the others lack one or two. One row per (ACO, type, year), ${grouped(String(f.rows.length))} rows:`)
  c("  memberMonths = 12 × person-years (N_AB_Year_<type>_PY for 2023; N_AB_Year_<type>_BY3 for all three")
  c("                baseline years: BY1 and BY2 person-years are not printed)")
  c("  cost         = Per_Capita_Exp_ALL_<type>_<year> × those person-years, in dollars to the cent;")
  c(`                 ${l1}–${l3} restated to the labelled year (below)`)
  c("  riskScore    = CMS_HCC_RiskScore_<type>_<year>, as printed")
  c("A type is KEPT for an ACO only if it is usable in all four years: every cell printed (CMS suppresses small")
  c("cells with `*`) and person-years above 0. Otherwise the type is left out of every year of that ACO, so its")
  c(`baseline and its 2023 cover the same people. ${f.skipped.cells} (ACO, type, year) figures are unusable; the types`)
  c("dropped with them, by type (years unusable / years dropped although usable):")
  for (const s of SEGMENTS) {
    const k = f.skipped.byType[s.id]
    c(`  ${s.id.padEnd(14)} ${String(k.unusable).padStart(3)} / ${String(k.dropped).padStart(3)}   (${(k.unusable + k.dropped) / 4} ACOs)`)
  }
  c(`2023 cost of all rows ${money0(t.pyCost)}, Σ ABtotExp ${money0(t.abTotExp)} (${pct(t.pyCost.div(t.abTotExp).sub(1), 3)}): the ${t.complete.acos} ACOs with`)
  c(`every type differ by ${money0(t.complete.cost.sub(t.complete.abTotExp))} in all (whole-dollar per capita × whole person-years); the ${t.partial.acos} others lack`)
  c(`the cost of the types they do not have, ${money0(t.partial.abTotExp.sub(t.partial.cost))} in all.`)
  c()
  c(`THE YEARS (the approximation). Each ACO's BY1–BY3 are the three years before ITS agreement started; the file`)
  c(`labels them BY1–BY3, not by year. Here they are ${l1}–${l3} for every ACO, so that one contract (baseline`)
  c(`${l1}–${l3}, first year ${PERFORMANCE_YEAR}) fits all:`)
  for (const h of f.cohorts)
    c(`  Current_Start_Date ${h.start}: BY1–BY3 = ${h.byYears.join("–")}${h.byYears[2] === l3 ? " (exact)" : ""}, ${h.acos} ACOs`)
  c(`The cost of a year that is not really its label is restated to the label by the growth the file itself`)
  c(`shows: per type, R(t) = Σ pc_t × PY_BY3 ÷ Σ pc_t−1 × PY_BY3 over the kept types of every ACO whose BY1–BY3`)
  c(`contain both t − 1 and t, and cost × Π R over the years from the true year to the label. Per type, R(t):`)
  const years = f.index[0].growth.map((g) => g.year)
  c(`  ${"type".padEnd(14)} ${years.map((yr) => `${yr - 1}→${yr}`.padStart(10)).join("")}`)
  for (const ix of f.index) c(`  ${ix.segment.padEnd(14)} ${ix.growth.map((g) => fixed(g.rate, 4).padStart(10)).join("")}`)
  c(`  (ACOs:        ${f.index[3].growth.map((g) => String(g.acos).padStart(10)).join("")} for aged-non-dual)`)
  c(`Without it, a July 2019 starter's "${l3}" would be 2018 spending, four years of growth below the other ACOs'.`)
  c("Σ cost by year, restated (as printed):")
  for (const b of t.byYear) c(`  ${b.year} ${money0(b.cost)} (${money0(b.printed)})`)
  c("The risk scores keep their printed values: CMS-HCC scores are normalised each year, so they are relative.")
  y("$schema: ../schema/scenario.schema.json")
  y(`name: MSSP PY2023 market — all ${n} ACOs of CMS's results file, one national peer group`)
  y("description: >")
  y(`  Every ACO of CMS's PY2023 Shared Savings Program results file as an entity, with its baseline`)
  y(`  (BY1–BY3, labelled ${l1}–${l3} and restated to those years) and its actual ${PERFORMANCE_YEAR} per enrollment type,`)
  y(`  for pbpsim market: each ACO the contracting provider against the other ${n - 1}, replaying MSSP's`)
  y("  regional adjustment, a 50 % regional blend, annual rebasing, a glide to an efficient benchmark")
  y("  and mandatory participation across the whole programme.")
  c()
  c(`One entity per usable ACO: id = ACO_ID, name = ACO_Name. The file has no region column, so every ACO is in`)
  c(`one peer group, "${PEER_GROUP}": its peers are all the other ACOs (not its regional service area, as in MSSP).`)
  y("market:")
  y("  entities:")
  for (const a of f.entities) y(`    - { id: ${a.id}, name: ${quoted(a.name)}, peerGroup: ${PEER_GROUP} }`)
  c()
  y(`experience: { csv: ${CSV_NAME} }`)
  c()
  c(`The contract as written, for \`pbpsim run\`/\`compare\`: ${PROVIDER} (the ACO of docs/mssp-real-aco.md, a January 2023`)
  c(`start, so its baseline years are exact) against every ACO (itself included: \`peers\` lists all ${n}).`)
  c("`pbpsim market` makes each ACO the provider in turn, its peers the rest of its peer group.")
  y("contract:")
  y(`  provider: ${PROVIDER}`)
  const ids = f.entities.map((a) => a.id)
  y("  peers: [")
  for (let i = 0; i < ids.length; i += 12) y(`    ${ids.slice(i, i + 12).join(", ")}${i + 12 < ids.length ? "," : ""}`)
  y("  ]")
  y(`  startYear: ${PERFORMANCE_YEAR}`)
  y(`  years: ${CONTRACT_YEARS}                    # ${PERFORMANCE_YEAR}–${PERFORMANCE_YEAR + CONTRACT_YEARS - 1}: a five-year agreement period (425.200(b))`)
  y(`  baseline: { years: [${LABEL_YEARS.join(", ")}], weights: [${BASELINE_WEIGHTS.map((w) => `"${w}"`).join(", ")}] }   # BY1–BY3; first-agreement weights 10/30/60 for every ACO (425.601(a)(7))`)
  c()
  c(`Base benchmark: the provider's own history, trending (no rebasing); the policies below change it.`)
  c(`Trend ${TREND}, the file's own: the risk-adjusted PMPM of these ACOs' rows, pooled as the engine pools a market`)
  c(`(Σ cost ÷ Σ member months × risk score), grew ${f.trend.yearly.map((g) => `${pct(g.rate, 2)} in ${g.year}`).join(", ")}:`)
  c(`${pct(f.trend.exact, 3)} a year from ${l1} to ${PERFORMANCE_YEAR} (PMPM ÷ risk ${f.trend.pooled.map((p) => fixed(p.value, 2)).join(", ")}). One rate for`)
  c(`the update to ${PERFORMANCE_YEAR} and later (trend), for BY1 and BY2 to BY3 (historicalTrend) and for the market's projection, as`)
  c("MSSP trends both with national and regional FFS growth (425.601(a)(5), (b)). For comparison, all of Medicare")
  c(`FFS grew less per enrollee (NHE Accounts, Health Affairs 44(1), Jan. 2025: ${nhe.join(", ")}): with that rate`)
  c(`the benchmarks fall behind what these ACOs spent in ${PERFORMANCE_YEAR}, their one actual year (docs/mssp-market.md).`)
  c("Segments are summed, not benchmarked one by one (bySegment): not every ACO has all four types.")
  y("benchmark:")
  y(`  trend: { kind: fixed, rate: "${TREND}" }`)
  y(`  historicalTrend: { kind: fixed, rate: "${TREND}" }`)
  c("Risk ratio RS_PY ÷ RS_BY3, positive growth capped at 3 %, no floor (425.605(a)(1)); benchmark PMPM to cents.")
  y(`  risk: { capUp: "${RISK_CAP_UP}", capDown: null }`)
  y("  rounding: { places: 2 }")
  y("  rebasing: { kind: none }")
  c()
  c(`One-sided, a simplification of BASIC Level A/B: 50 % of savings (Levels A/B share 40 %, ENHANCED 75 %), a`)
  c(`fixed 2 % MSR (BASIC A/B's MSR varies from 3.9 % to 2 % with assigned beneficiaries, 425.604(b)), at most 10 %`)
  c("of the benchmark; no quality adjustment, no sequestration, no losses.")
  y("settlement:")
  y("  name: One-sided 50 % (simplified MSSP BASIC)")
  y(`  msr: { fixed: "${MSR}" }`)
  y(`  savingsRate: "${SHARING}"`)
  y(`  savingsCap: "${SAVINGS_CAP}"`)
  c()
  c(`${PERFORMANCE_YEAR} is every ACO's actual experience (the rows above); 2024–2027 are projected from ${l3} (assumptions,`)
  c(`not data): the market grows at the trend, each ACO spends 0.5 % a year less than that, compounding, with no`)
  c("member growth and no risk drift.")
  y("projection:")
  y(`  marketTrend: "${TREND}"`)
  y(`  default: { savings: { annual: "${ANNUAL_SAVINGS}" }, memberGrowth: "0" }`)
  c()
  c("Who joins and who stays in `pbpsim market`: the logistic response to the expected net payment over three")
  c("years, with its calibrated defaults (exit 10 % at 0, 21 % at −1 % of the benchmark; docs/market.md).")
  y("participation: { kind: logistic }")
  c()
  c("Five policies (the market command runs every ACO under each):")
  y("policies:")
  y("  - name: regional-mssp")
  y("    description: MSSP's regional adjustment, first time — peer weight 35 % below the peers, 15 % above, capped at ±5 % of the peer figure; trending")
  y(`    overlay: { benchmark: { peerWeightBySide: { belowPeers: "${BELOW}", abovePeers: "${ABOVE}" }, convergenceCaps: { up: "${REGIONAL_CAP}", down: "${REGIONAL_CAP}" }, rebasing: { kind: none } } }`)
  y("  - name: regional-50")
  y("    description: Half own history, half the national peer figure, every year; trending")
  y('    overlay: { benchmark: { glidePath: { constant: "0.5" }, rebasing: { kind: none } } }')
  y("  - name: annual-rebase")
  y("    description: Own history only, rebased every year on the previous year's actual cost (the ratchet)")
  y('    overlay: { benchmark: { glidePath: { constant: "1" }, rebasing: { kind: annual } } }')
  y("  - name: glide-to-efficient")
  y("    description: From own history in 2023 to half own, half the peers' 25th percentile (an efficient benchmark) in 2027; trending")
  y('    overlay: { benchmark: { peerTarget: { percentile: "0.25" }, glidePath: { from: "1", to: "0.5" }, rebasing: { kind: none } } }')
  y("  - name: mandatory")
  y("    description: regional-mssp with every ACO required to take part (no one leaves)")
  y(`    overlay: { benchmark: { peerWeightBySide: { belowPeers: "${BELOW}", abovePeers: "${ABOVE}" }, convergenceCaps: { up: "${REGIONAL_CAP}", down: "${REGIONAL_CAP}" }, rebasing: { kind: none } }, participation: { kind: mandatory } }`)
  return `${L.join("\n")}\n`
}

/** The whole build: both files' text and the figures behind them. */
export const buildMarket = (csvText) => {
  const figures = buildFigures(csvText)
  return { yaml: renderYaml(figures), csv: renderCsv(figures), figures }
}

// ---------------------------------------------------------------------------------------------------
// Command line

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..")
  const built = buildMarket(readFileSync(join(root, PUF_FILE), "utf8"))
  const files = [
    [YAML_FILE, built.yaml],
    [CSV_FILE, built.csv]
  ]
  if (process.argv.includes("--check")) {
    const stale = files.filter(([file, text]) => {
      try {
        return readFileSync(join(root, file), "utf8") !== text
      } catch {
        return true
      }
    })
    for (const [file] of stale) console.error(`${file} is not what scripts/mssp-market-scenario.mjs generates: run it without --check`)
    if (stale.length > 0) process.exit(1)
    console.log(`${YAML_FILE} and ${CSV_FILE} are up to date`)
  } else {
    for (const [file, text] of files) writeFileSync(join(root, file), text)
    const f = built.figures
    console.log(`wrote ${YAML_FILE} (${f.entities.length} ACOs) and ${CSV_FILE} (${f.rows.length} rows)`)
  }
}
