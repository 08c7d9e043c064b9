// node scripts/mssp-aco-scenario.mjs [ACO_ID] [--stdout | --expected]
//
// Builds scenarios/mssp-aco-<id>.yaml from ONE row of CMS's PY2023 MSSP "Financial and Quality Results"
// public use file (data/cms/mssp/py2023-aco-results-puf.csv): the ACO's five-year agreement with its four
// enrollment types as segments, the regional adjustment, the update and the risk cap, whose PY2023
// settlement reproduces CMS's EarnSaveLoss (test/mssp-real-aco.test.ts; worked by hand in
// docs/mssp-real-aco.md).
//
// What the file prints is used as printed (per-type per capita expenditure and CMS-HCC risk scores for
// BY1–BY3 and PY2023, person-years by type, N_AB, the quality result, ABtotBnchmk, BnchmkMinExp).
// What it does not print is SOLVED from its own columns, each by a closed formula below, never fitted
// by running pbpsim:
//   g  one historical trend rate for BY1→BY2 and BY2→BY3, so that the BY3-mix aggregate of the
//      per-type historical benchmarks before the adjustment is HistBnchmk − PosRegAdj (a quadratic);
//   δ  the region spends (1 + δ) × the ACO in every type and year, at the ACO's risk, so that the
//      BY3-mix aggregate of the per-type regional adjustments is PosRegAdj (linear);
//   u  one update rate BY3→PY2023 for every type, so that Σ_type benchmark × PY member months is
//      ABtotBnchmk (linear).
// The expected figures (per-type benchmarks, cap, total, gross, MSR, shared savings) are derived here
// from the same hand formulas, never from pbpsim output.
//
// `buildScenario(csvText, acoId)` is pure (text in, text and figures out); the command line writes the
// file, or prints the YAML (--stdout) or the expected figures as JSON (--expected).
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { parse } from "csv-parse/sync"
import { Decimal } from "decimal.js"

/** Working precision: far beyond the engine's 40 digits, so nothing here is the limiting error. */
const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -80, toExpPos: 80 })
const d = (v) => new D(v)
const ONE = d(1)
const ZERO = d(0)
const sum = (xs) => xs.reduce((a, x) => a.add(x), ZERO)

export const PUF_FILE = "data/cms/mssp/py2023-aco-results-puf.csv"
export const DEFAULT_ACO = "A5202"
/** Significant digits the solved rates are printed with (≥ 15 asked; 20 keeps every total to far below a cent). */
export const SOLVED_DIGITS = 20

/** The four enrollment types: segment id in the scenario, PUF column infixes. */
export const SEGMENTS = [
  { id: "esrd", label: "ESRD", exp: "ESRD", years: "ESRD" },
  { id: "disabled", label: "disabled", exp: "DIS", years: "DIS" },
  { id: "aged-dual", label: "aged/dual", exp: "AGDU", years: "AGED_Dual" },
  { id: "aged-non-dual", label: "aged/non-dual", exp: "AGND", years: "AGED_NonDual" }
]
/** BY1, BY2, BY3 of an agreement starting 1 January 2023 (42 CFR 425.601(a)(1): the three years before the start). */
export const BASELINE_YEARS = [2020, 2021, 2022]
export const PERFORMANCE_YEAR = 2023
export const CONTRACT_YEARS = 5
/** First agreement period: 10 / 30 / 60 % (42 CFR 425.601(a)(7)). */
const BASELINE_WEIGHTS = ["0.1", "0.3", "0.6"]
/** Regional adjustment percentages, first time the ACO receives the adjustment (42 CFR 425.601(f)). */
const BELOW_REGION = "0.35"
const ABOVE_REGION = "0.15"
/** Regional adjustment cap ±5 % (425.601(f)); pbpsim's basis here is the region's per-type figure (see the YAML). */
const ADJUSTMENT_CAP = "0.05"
/** Positive risk-score growth capped at 3 % over the agreement, no floor (425.605(a)(1), agreements July 2019–2023). */
const RISK_CAP_UP = "0.03"
/** BASIC Level A/B sharing rate and savings cap (425.605(d)(1)(i)–(ii)), sequestration 2 %. */
const BASIC_A_RATE = "0.4"
const BASIC_A_CAP = "0.1"
const SEQUESTRATION = "0.02"
/** The region's size: 10 × the ACO's person-years in every type and year. Immaterial (see the YAML). */
const REGION_SCALE = 10

/** Projection assumptions for 2024–2027 (plain, illustrative; nothing in the file says them). */
const MARKET_TREND = "0.05"
const LATER_UPDATE = "0.05"
const ACO_SAVINGS = "0.02"
const ACO_RISK_DRIFT = "0.01"

/**
 * MSSP's variable MSR for one-sided ACOs, 42 CFR 425.604(b) (applied to BASIC A/B by 425.605(b)(1)):
 * [nLo, nHi, MSR at nLo %, MSR at nHi %], linear inside the row: lo + (hi − lo) × (n − nLo)/(nHi − nLo).
 */
const MSR_TABLE = [
  [5000, 5999, "3.9", "3.6"],
  [6000, 6999, "3.6", "3.4"],
  [7000, 7999, "3.4", "3.2"],
  [8000, 8999, "3.2", "3.1"],
  [9000, 9999, "3.1", "3.0"],
  [10000, 14999, "3.0", "2.7"],
  [15000, 19999, "2.7", "2.5"],
  [20000, 49999, "2.5", "2.2"],
  [50000, 59999, "2.2", "2.0"]
]

/** The variable MSR at n assigned beneficiaries, as a fraction, with the row it came from. */
export const variableMsr = (n) => {
  const nb = d(n)
  if (nb.gte(60000)) return { msr: d("0.02"), row: "60,000 or more: 2.0 %" }
  const row = MSR_TABLE.find(([lo, hi]) => nb.gte(lo) && nb.lt(hi + 1))
  if (!row) throw new Error(`the 425.604(b) table starts at 5,000 assigned beneficiaries, got ${n}`)
  const [lo, hi, at, to] = row
  const pct = d(at).add(d(to).sub(at).mul(nb.sub(lo)).div(hi - lo))
  return { msr: pct.div(100), row: `${grouped(String(lo))}–${grouped(String(hi))}: ${at} % → ${to} %`, lo, hi, at, to }
}

// ---------------------------------------------------------------------------------------------------
// Reading the row

/** CMS's marks for a cell it does not print: suppressed (`*`), blank, `-`, N/A. */
export const NOT_PRINTED = /^\s*(|\*|-|N\/A|\.)\s*$/i

/** A printed number: dollars, counts, risk scores, or a percentage ("5.42%" → 5.42). Refuses `*`, blank, `-`. */
const cell = (row, column) => {
  const raw = row[column]
  if (raw === undefined) throw new Error(`${PUF_FILE}: no column ${column}`)
  if (NOT_PRINTED.test(raw)) throw new Error(`${row.ACO_ID}: ${column} is not printed ("${raw}"); this row cannot be turned into a scenario`)
  const text = raw.trim().replace(/[$,%]/g, "")
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`${row.ACO_ID}: ${column} is not a number ("${raw}")`)
  return d(text)
}

/** The PUF's rows as records keyed by column name. */
export const pufRows = (csvText) => parse(csvText, { columns: true, bom: true, skip_empty_lines: true })

/** The figures of one ACO the scenario reads, each as printed. */
export const readAco = (csvText, acoId) => {
  const row = pufRows(csvText).find((r) => r.ACO_ID === acoId)
  if (!row) throw new Error(`${PUF_FILE}: no ACO ${acoId}`)
  const bySegment = SEGMENTS.map((s) => ({
    ...s,
    // Per capita expenditure (dollars per person-year) of BY1, BY2, BY3 and PY.
    perCapita: [...["BY1", "BY2", "BY3"].map((y) => cell(row, `Per_Capita_Exp_ALL_${s.exp}_${y}`)), cell(row, `Per_Capita_Exp_ALL_${s.exp}_PY`)],
    risk: [...["BY1", "BY2", "BY3"].map((y) => cell(row, `CMS_HCC_RiskScore_${s.exp}_${y}`)), cell(row, `CMS_HCC_RiskScore_${s.exp}_PY`)],
    personYearsBy3: cell(row, `N_AB_Year_${s.years}_BY3`),
    personYearsPy: cell(row, `N_AB_Year_${s.years}_PY`)
  }))
  const text = (c) => (row[c] ?? "").trim()
  return {
    id: row.ACO_ID,
    name: text("ACO_Name"),
    agreeType: text("Agree_Type"),
    agreementPeriod: text("Agreement_Period_Num"),
    startDate: text("Current_Start_Date"),
    track: text("Current_Track"),
    riskModel: text("Risk_Model"),
    assignType: text("Assign_Type"),
    revenue: text("Rev_Exp_Cat"),
    metQps: text("Met_QPS"),
    qualScoreText: text("QualScore"),
    minSavPercText: text("MinSavPerc"),
    savRateText: text("Sav_rate"),
    finalShareRateText: text("FinalShareRate"),
    nAb: cell(row, "N_AB"),
    personYearsPy: cell(row, "N_AB_Year_PY"),
    histBnchmk: cell(row, "HistBnchmk"),
    updatedBnchmk: cell(row, "UpdatedBnchmk"),
    posRegAdj: cell(row, "PosRegAdj"),
    abTotBnchmk: cell(row, "ABtotBnchmk"),
    abTotExp: cell(row, "ABtotExp"),
    bnchmkMinExp: cell(row, "BnchmkMinExp"),
    genSaveLoss: cell(row, "GenSaveLoss"),
    earnSaveLoss: cell(row, "EarnSaveLoss"),
    minSavPerc: cell(row, "MinSavPerc"),
    qualScore: cell(row, "QualScore"),
    perCapitaTotalPy: cell(row, "Per_Capita_Exp_TOTAL_PY"),
    segments: bySegment
  }
}

/** Why a row can (or cannot) be the bundled example: the selection rule of docs/mssp-real-aco.md. */
export const eligibility = (row) => {
  const reasons = []
  if (row.Current_Start_Date?.trim() !== "01/01/2023") reasons.push("agreement does not start 01/01/2023")
  if (!["A", "B"].includes(row.Current_Track?.trim())) reasons.push("not BASIC Level A or B (one-sided, variable MSR)")
  const gen = Number(String(row.GenSaveLoss ?? "").replace(/[$,]/g, ""))
  if (!(gen > 0)) reasons.push("no savings paid (GenSaveLoss ≤ 0)")
  return reasons
}

// ---------------------------------------------------------------------------------------------------
// Solving and the hand derivation

const sig = (x, digits = SOLVED_DIGITS) => x.toSignificantDigits(digits).toFixed()
const roundTo = (x, places) => x.toDecimalPlaces(places, Decimal.ROUND_HALF_UP)

/**
 * Everything the scenario and the expected figures need, by closed formulas:
 * the observed inputs, the solved g, δ, u (as printed into the YAML, and used as printed from then on),
 * and the hand-derived PY2023 benchmark and settlement.
 */
export const solve = (aco) => {
  const w = BASELINE_WEIGHTS.map(d)
  const segs = aco.segments
  const py3Total = sum(segs.map((s) => s.personYearsBy3))
  const pyPyTotal = sum(segs.map((s) => s.personYearsPy))

  // Per type, each benchmark year's per capita restated to BY3 risk: pc_y × RS_BY3 / RS_y (425.601(a)(3)).
  const restated = segs.map((s) => [0, 1, 2].map((y) => s.perCapita[y].mul(s.risk[2]).div(s.risk[y])))
  // BY3 enrollment mix p_s (425.601(a)(6)): BY3 person-years by type ÷ their sum.
  const mix = segs.map((s) => s.personYearsBy3.div(py3Total))

  // g: Σ_s p_s (0.1 a_s x² + 0.3 b_s x + 0.6 c_s) = HistBnchmk − PosRegAdj, x = 1 + g; the positive root.
  const target = aco.histBnchmk.sub(aco.posRegAdj)
  const A = w[0].mul(sum(restated.map((r, i) => mix[i].mul(r[0]))))
  const B = w[1].mul(sum(restated.map((r, i) => mix[i].mul(r[1]))))
  const C = w[2].mul(sum(restated.map((r, i) => mix[i].mul(r[2])))).sub(target)
  const x = B.neg().add(B.mul(B).sub(A.mul(C).mul(4)).sqrt()).div(A.mul(2))
  const gPrinted = d(sig(x.sub(1)))
  const xP = ONE.add(gPrinted)
  const trendToBy3 = [xP.mul(xP), xP, ONE]

  // Provider (ACO) baseline per type, PMPM: Σ_y w_y × (pc_y / 12 / RS_y) × RS_BY3 × F(y → BY3).
  const provider = restated.map((r) => sum(r.map((v, y) => w[y].mul(v).mul(trendToBy3[y]))).div(12))
  const histAggregate = sum(provider.map((b, i) => mix[i].mul(b).mul(12)))

  // δ: the region is (1 + δ) × the ACO, so peer_s − provider_s = δ × provider_s > 0 (below the region:
  // 35 %), adj_s = 0.35 δ provider_s and Σ_s p_s × 12 × adj_s = 0.35 δ × histAggregate = PosRegAdj.
  const below = aco.posRegAdj.gt(0)
  const peerWeight = d(below ? BELOW_REGION : ABOVE_REGION)
  const deltaPrinted = d(sig(aco.posRegAdj.div(peerWeight.mul(histAggregate))))
  const peer = provider.map((b) => b.mul(ONE.add(deltaPrinted)))
  const adjustments = provider.map((b, i) => {
    const raw = peerWeight.mul(peer[i].sub(b))
    const cap = d(ADJUSTMENT_CAP).mul(peer[i])
    const capped = D.min(cap, D.max(cap.neg(), raw))
    return { raw, cap, capped, binds: !capped.eq(raw) }
  })
  const adjustmentAggregate = sum(adjustments.map((a, i) => mix[i].mul(a.capped).mul(12)))
  const blended = provider.map((b, i) => b.add(adjustments[i].capped))

  // Risk ratio per type, RS_PY / RS_BY3, capped above at 1.03, no floor (425.605(a)(1)).
  const risk = segs.map((s) => {
    const raw = s.risk[3].div(s.risk[2])
    const capped = D.min(raw, ONE.add(RISK_CAP_UP))
    return { raw, capped, binds: capped.lt(raw) }
  })

  // u: Σ_s blended_s × (1 + u) × ratio_s × 12 × PY_PY,s = ABtotBnchmk.
  const memberMonthsPy = segs.map((s) => s.personYearsPy.mul(12))
  const beforeUpdate = sum(blended.map((b, i) => b.mul(risk[i].capped).mul(memberMonthsPy[i])))
  const uPrinted = d(sig(aco.abTotBnchmk.div(beforeUpdate).sub(1)))

  // The PY2023 benchmark per type, PMPM, rounded to 12 places (benchmark.rounding.places: 12), and the total.
  const benchmarkPmpm = blended.map((b, i) => roundTo(b.mul(ONE.add(uPrinted)).mul(risk[i].capped), 12))
  const benchmarkBySegment = benchmarkPmpm.map((b, i) => b.mul(memberMonthsPy[i]))
  const benchmark = sum(benchmarkBySegment)

  // PY2023 expenditure by type: per capita × PY person-years; the residual to E on the largest type.
  const expenditure = aco.abTotBnchmk.sub(aco.bnchmkMinExp)
  const printedCost = segs.map((s) => s.perCapita[3].mul(s.personYearsPy))
  const residual = expenditure.sub(sum(printedCost))
  const largest = printedCost.reduce((best, c, i) => (c.gt(printedCost[best]) ? i : best), 0)
  const cost = printedCost.map((c, i) => (i === largest ? c.add(residual) : c))
  // What printing whole dollars and whole person-years can hide: |Σ pc × PY − E| ≤ Σ (½ PY + ½ pc + ¼).
  const perCapitaRounding = sum(segs.map((s) => s.personYearsPy.div(2)))
  const jointRounding = sum(segs.map((s) => s.personYearsPy.div(2).add(s.perCapita[3].div(2)).add("0.25")))
  if (residual.abs().gt(jointRounding))
    throw new Error(`${aco.id}: PY expenditure by type misses E by ${residual.toFixed()}, beyond the rounding of the printed figures (${jointRounding.toFixed()})`)

  // Settlement, 42 CFR 425.605 (BASIC Level A): gross, MSR at N_AB, 40 % × quality multiplier (Met_QPS = 1: 1),
  // 2 % sequestration, then the 10 % cap.
  const gross = benchmark.sub(expenditure)
  const savingsRate = gross.div(benchmark)
  const msr = variableMsr(aco.nAb)
  const qualityMultiplier = aco.metQps === "1" ? ONE : ZERO
  const qualifies = gross.gt(0) && gross.gte(msr.msr.mul(benchmark))
  const beforeCap = qualifies ? gross.mul(BASIC_A_RATE).mul(qualityMultiplier).mul(ONE.sub(SEQUESTRATION)) : ZERO
  const cap = benchmark.mul(BASIC_A_CAP)
  const sharedSavings = D.min(beforeCap, cap)

  // How far PY2023 spending fell below BY3 spending grown at the assumed market trend, on the PY mix:
  // 1 − Σ pc_PY × PY_PY ÷ Σ pc_BY3 × (1 + market trend) × PY_PY (what the projection's savings assumption keeps).
  const counterfactual2023 = sum(segs.map((s) => s.perCapita[2].mul(ONE.add(MARKET_TREND)).mul(s.personYearsPy)))
  const shortfall2023 = ONE.sub(sum(printedCost).div(counterfactual2023))

  // The alternative "no regional adjustment" (peer weight 0): same update, risk and expenditure.
  const benchmarkNoAdj = sum(provider.map((b, i) => roundTo(b.mul(ONE.add(uPrinted)).mul(risk[i].capped), 12).mul(memberMonthsPy[i])))
  const grossNoAdj = benchmarkNoAdj.sub(expenditure)
  const qualifiesNoAdj = grossNoAdj.gt(0) && grossNoAdj.gte(msr.msr.mul(benchmarkNoAdj))

  return {
    aco,
    mix,
    py3Total,
    pyPyTotal,
    restated,
    target,
    quadratic: { A, B, C, x },
    g: gPrinted,
    trendToBy3,
    provider,
    histAggregate,
    below,
    peerWeight,
    delta: deltaPrinted,
    peer,
    adjustments,
    adjustmentAggregate,
    blended,
    risk,
    memberMonthsPy,
    beforeUpdate,
    u: uPrinted,
    benchmarkPmpm,
    benchmarkBySegment,
    benchmark,
    expenditure,
    printedCost,
    residual,
    largest,
    cost,
    perCapitaRounding,
    jointRounding,
    gross,
    savingsRate,
    msr,
    qualityMultiplier,
    qualifies,
    beforeCap,
    cap,
    sharedSavings,
    counterfactual2023,
    shortfall2023,
    noAdjustment: { benchmark: benchmarkNoAdj, gross: grossNoAdj, savingsRate: grossNoAdj.div(benchmarkNoAdj), qualifies: qualifiesNoAdj }
  }
}

/** The expected figures of contract year 1 (PY2023), as strings: what the test and the docs quote. */
export const expectedFigures = (s) => ({
  aco: s.aco.id,
  solved: { historicalTrend: s.g.toFixed(), regionExcess: s.delta.toFixed(), update2023: s.u.toFixed() },
  segments: SEGMENTS.map((seg, i) => ({
    segment: seg.id,
    providerBaseline: roundTo(s.provider[i], 6).toFixed(6),
    peerBaseline: roundTo(s.peer[i], 6).toFixed(6),
    adjustment: roundTo(s.adjustments[i].capped, 6).toFixed(6),
    adjustmentCapBinds: s.adjustments[i].binds,
    riskRatioRaw: roundTo(s.risk[i].raw, 12).toFixed(12),
    riskRatio: roundTo(s.risk[i].capped, 12).toFixed(12),
    riskCapBinds: s.risk[i].binds,
    benchmarkPmpm: roundTo(s.benchmarkPmpm[i], 6).toFixed(6),
    memberMonths: s.memberMonthsPy[i].toFixed(),
    benchmark: roundTo(s.benchmarkBySegment[i], 2).toFixed(2),
    expenditure: s.cost[i].toFixed(2)
  })),
  benchmark: roundTo(s.benchmark, 6).toFixed(6),
  expenditure: s.expenditure.toFixed(2),
  gross: roundTo(s.gross, 6).toFixed(6),
  savingsRate: roundTo(s.savingsRate, 10).toFixed(10),
  msr: roundTo(s.msr.msr, 10).toFixed(10),
  sharedSavings: roundTo(s.sharedSavings, 6).toFixed(6),
  savingsCap: roundTo(s.cap, 2).toFixed(2),
  noRegionalAdjustment: {
    benchmark: roundTo(s.noAdjustment.benchmark, 6).toFixed(6),
    gross: roundTo(s.noAdjustment.gross, 6).toFixed(6),
    savingsRate: roundTo(s.noAdjustment.savingsRate, 10).toFixed(10),
    qualifies: s.noAdjustment.qualifies
  }
})

// ---------------------------------------------------------------------------------------------------
// The YAML

/** Thousands separators on a fixed-point string, without locale data: "-1234567.5" → "-1,234,567.5". */
const grouped = (text) => {
  const [whole, fraction] = text.split(".")
  const sign = whole.startsWith("-") ? "-" : ""
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return `${sign}${digits}${fraction === undefined ? "" : `.${fraction}`}`
}
const money0 = (x) => grouped(d(x).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0))
const money2 = (x) => grouped(roundTo(d(x), 2).toFixed(2))
const fixed = (x, p) => roundTo(x, p).toFixed(p)
const pct = (x, p = 4) => `${roundTo(x.mul(100), p).toFixed(p)} %`
const pad = (text, width) => text + " ".repeat(Math.max(0, width - text.length))

export const scenarioFileName = (acoId) => `mssp-aco-${acoId.toLowerCase()}.yaml`

/** The scenario text, every figure with where it comes from. */
export const renderYaml = (s) => {
  const a = s.aco
  const id = a.id
  const region = "REGION"
  const L = []
  const c = (line = "") => L.push(line === "" ? "#" : `# ${line}`)
  const y = (line) => L.push(line)
  const [by1, by2, by3] = BASELINE_YEARS
  const lastYear = PERFORMANCE_YEAR + CONTRACT_YEARS - 1

  y("# yaml-language-server: $schema=../schema/scenario.schema.json")
  c()
  c(`GENERATED by scripts/mssp-aco-scenario.mjs from ONE row of ${PUF_FILE}`)
  c(`(CMS, Medicare Shared Savings Program Performance Year Financial and Quality Results, PY2023): ACO ${id}.`)
  c(`Do not edit by hand: change the script and run \`node scripts/mssp-aco-scenario.mjs ${id}\`;`)
  c("test/mssp-real-aco.test.ts checks that the script still gives this file byte for byte, and that the")
  c("real-terms policy settles PY2023 as CMS did. Every step is worked by hand in docs/mssp-real-aco.md.")
  c()
  c(`THE ACO. ${id} "${a.name}": Agree_Type ${a.agreeType}, Agreement_Period_Num ${a.agreementPeriod} (first agreement),`)
  c(`Current_Start_Date ${a.startDate}, Current_Track ${a.track} (BASIC Level ${a.track}, ${a.riskModel}), Assign_Type ${a.assignType},`)
  c(`Rev_Exp_Cat ${a.revenue}, N_AB ${money0(a.nAb)} assigned beneficiaries. PY2023 is contract year 1 of its ${PERFORMANCE_YEAR}–${lastYear}`)
  c(`agreement (five performance years, 42 CFR 425.200(b)); BY1–BY3 are ${by1}–${by3}, the three years before it (425.601(a)).`)
  c("Why this row: it is the only one of the 453 that starts its agreement in January 2023 on a one-sided")
  c("BASIC level (A or B: its MSR is the variable table at N_AB, so the row tests the table) AND was paid")
  c(`savings (GenSaveLoss > 0). It is also a first agreement (weights 10/30/60, first regional adjustment),`)
  c(`its PosRegAdj is positive (${money0(a.posRegAdj)}: lower-spending than its region, 35 % weight), and none of the`)
  c("per-type cells it needs is suppressed (`*`). What it lacks: no type's risk ratio exceeds 1.03 in PY2023")
  c(`(highest: ESRD ${a.segments[0].risk[3].toFixed()} / ${a.segments[0].risk[2].toFixed()} = ${fixed(s.risk[0].raw, 4)}), so the +3 % cap does not bind in the year CMS`)
  c("settled. It binds in projected years: from 2025 under the real terms (riskDrift below), and in 2024 under")
  c("annual rebasing on the disabled and both aged types (2024's projected scores over 2023's actual ones).")
  c()
  c("WHAT CMS SETTLED for PY2023 (the figures the test reproduces):")
  c(`  ABtotBnchmk  ${pad(money0(a.abTotBnchmk), 11)} total benchmark (UpdatedBnchmk ${money0(a.updatedBnchmk)} per capita × person-years)`)
  c(`  BnchmkMinExp ${pad(money0(a.bnchmkMinExp), 11)} gross savings (Sav_rate ${a.savRateText}); expenditure E = ABtotBnchmk − BnchmkMinExp = ${money0(s.expenditure)}`)
  c(`  MinSavPerc   ${pad(a.minSavPercText, 11)} the variable MSR at N_AB ${money0(a.nAb)} (425.604(b) row ${s.msr.row}): ${pct(s.msr.msr, 5)}`)
  c(`  EarnSaveLoss ${pad(money0(a.earnSaveLoss), 11)} = gross × 40 % (FinalShareRate ${a.finalShareRateText}; Met_QPS ${a.metQps}) × (1 − 2 % sequestration)`)
  c(`               = ${money2(s.sharedSavings)}, under the 10 % cap (${money2(s.cap)})`)
  c()
  c("OBSERVED (used as printed): per capita expenditure Per_Capita_Exp_ALL_<type>_BY1..BY3 and _PY, CMS-HCC")
  c("risk scores CMS_HCC_RiskScore_<type>_BY1..BY3 and _PY, person-years N_AB_Year_<type>_BY3 and _PY, N_AB,")
  c("Met_QPS and QualScore, ABtotBnchmk and BnchmkMinExp. Types: ESRD, DIS, AGDU (aged/dual), AGND (aged/non-dual).")
  c("ASSUMED: BY1 and BY2 person-years by type are not printed, so BY3's are used for all three years (the")
  c("baseline reads each year's PMPM = per capita ÷ 12, which does not depend on them, and 425.601(a)(6)")
  c("restates BY1 and BY2 to BY3's enrollment mix anyway); the region's size; 2024–2027 (projection).")
  c("SOLVED from the row's own columns by closed formulas in the script (not observed; CMS does not print")
  c("per-type benchmarks, trend factors, update factors or regional expenditure):")
  c(`  historicalTrend rate g = ${s.g.toFixed()}: one rate for ${by2} and ${by3}, such that the BY3-mix aggregate`)
  c(`    Σ_type p × (0.1 × pc_BY1 × RS_BY3/RS_BY1 × (1+g)² + 0.3 × pc_BY2 × RS_BY3/RS_BY2 × (1+g) + 0.6 × pc_BY3)`)
  c(`    = HistBnchmk − PosRegAdj = ${money0(a.histBnchmk)} − ${money0(a.posRegAdj)} = ${money0(s.target)} (assumption: HistBnchmk is the BY3-mix per capita`)
  c("    historical benchmark including the regional adjustment, PosRegAdj that adjustment in the same mix);")
  c(`    p = BY3 person-years by type ÷ ${money0(s.py3Total)}. A quadratic in 1 + g; its positive root.`)
  c(`  region excess δ = ${s.delta.toFixed()}: the region spends (1 + δ) × the ACO per type and year, with the`)
  c(`    ACO's risk scores, so every type's regional figure is (1 + δ) × its historical benchmark and the ACO is`)
  c(`    below its region: weight 35 % (425.601(f), first time); δ = PosRegAdj ÷ (0.35 × ${grouped(fixed(s.histAggregate, 6))}),`)
  c(`    making the BY3-mix aggregate adjustment Σ p × 12 × 0.35 × δ × B_P = ${grouped(fixed(s.adjustmentAggregate, 9))} = PosRegAdj.`)
  c(`  update rate u (${by3} → ${PERFORMANCE_YEAR}) = ${s.u.toFixed()}: one rate for every type (CMS's update is per type, a`)
  c("    national–regional blend, 425.601(b)), such that Σ_type benchmark × PY2023 member months = ABtotBnchmk:")
  c(`    1 + u = ${money0(a.abTotBnchmk)} ÷ Σ_type (B_P + adj) × risk ratio × 12 × PY person-years = ${money0(a.abTotBnchmk)} ÷ ${grouped(fixed(s.beforeUpdate, 6))}.`)
  c("The test therefore checks pbpsim's per-segment arithmetic and MSSP's settlement rules against CMS's")
  c("settled figures, not the unprinted inputs: any (g, δ, u) consistent with the row would do as well.")
  c()
  c("HAND-DERIVED PY2023 BENCHMARK, per type (PMPM; docs/mssp-real-aco.md):")
  c("  type            B_P (ACO)        B_R (region)     adj (35 %)   risk ratio      benchmark       × MM")
  SEGMENTS.forEach((seg, i) => {
    c(
      `  ${pad(seg.id, 15)} ${pad(fixed(s.provider[i], 6), 16)} ${pad(fixed(s.peer[i], 6), 16)} ${pad(fixed(s.adjustments[i].capped, 6), 12)} ${pad(fixed(s.risk[i].capped, 6) + (s.risk[i].binds ? " cap" : ""), 15)} ${pad(fixed(s.benchmarkPmpm[i], 6), 15)} ${s.memberMonthsPy[i].toFixed()}`
    )
  })
  c(`  total Σ benchmark × MM = ${grouped(fixed(s.benchmark, 6))} (ABtotBnchmk ${money0(a.abTotBnchmk)}); gross = ${grouped(fixed(s.gross, 6))};`)
  c(`  shared savings = ${grouped(fixed(s.sharedSavings, 6))} (EarnSaveLoss ${money0(a.earnSaveLoss)}).`)
  y("$schema: ../schema/scenario.schema.json")
  y(`name: MSSP ${id} (${a.name}) — PY2023 as CMS settled it, then a five-year agreement`)
  y("description: >")
  y(`  A real MSSP ACO from CMS's PY2023 results file: ${id}, BASIC Level ${a.track}, first agreement from`)
  y(`  ${PERFORMANCE_YEAR}, benchmarked per enrollment type with the regional adjustment, the update and the`)
  y(`  +3 % risk cap; its PY2023 settlement reproduces CMS's shared savings of $${money0(a.earnSaveLoss)}.`)
  y("  Compared with annual rebasing and with no regional adjustment.")
  c()
  c(`The ACO, and one "region" standing in for its regional service area (425.601(f), 425.654): the peer`)
  c("group is the region alone (the ACO is not listed among the peers: the region's figure is given whole).")
  y("market:")
  y("  entities:")
  y(`    - { id: ${id}, name: "${a.name} (MSSP ACO ${id})" }`)
  y(`    - { id: ${region}, name: Regional service area (solved stand-in) }`)
  c()
  c("One row per (entity, enrollment type, year). memberMonths = 12 × person-years; cost = per capita ×")
  c("person-years, so cost ÷ memberMonths = per capita ÷ 12 exactly; riskScore = the printed CMS-HCC score.")
  c(`${id}, BY1–BY3 (${by1}–${by3}): Per_Capita_Exp_ALL_<type>_BY1..BY3 × N_AB_Year_<type>_BY3 (BY3 person-years in`)
  c("every baseline year, assumed: BY1/BY2 person-years are not printed); CMS_HCC_RiskScore_<type>_BY1..BY3.")
  c(`${id}, ${PERFORMANCE_YEAR} (contract year 1, actual experience replacing the projection): Per_Capita_Exp_ALL_<type>_PY`)
  c(`× N_AB_Year_<type>_PY, CMS_HCC_RiskScore_<type>_PY. These sum to ${money0(sum(s.printedCost))}; E = ABtotBnchmk −`)
  c(`BnchmkMinExp = ${money0(s.expenditure)}, so the residual ${money0(s.residual)} is put on the largest type (${SEGMENTS[s.largest].id}: +${fixed(s.residual.div(a.segments[s.largest].personYearsPy), 2)}`)
  c(`per capita). It is beyond what whole-dollar per capita figures alone can hide (½ × ${money0(s.pyPyTotal)} person-years =`)
  c(`${money0(s.perCapitaRounding)}) but within the rounding of whole dollars AND whole person-years together`)
  c(`(Σ ½ PY + ½ pc + ¼ = ${money2(s.jointRounding)}); CMS's own Per_Capita_Exp_TOTAL_PY ${money0(a.perCapitaTotalPy)} implies`)
  c(`${grouped(fixed(s.expenditure.div(a.perCapitaTotalPy), 1))} person-years, not the ${money0(s.pyPyTotal)} the types print.`)
  c(`${region}: (1 + δ) × the ACO's cost at ${REGION_SCALE} × its member months, the ACO's risk scores (solved, see above). Its`)
  c("size is immaterial: it is the only peer, trends are given, so only its PMPM per type enters. No")
  c(`${PERFORMANCE_YEAR} rows: the region's contract years are projected (they matter only to annual-rebase).`)
  y("experience:")
  const row = (entity, seg, year, mm, cost, rs) => y(`  - { entity: ${entity}, segment: ${seg}, year: ${year}, memberMonths: ${mm}, cost: "${cost}", riskScore: "${rs}" }`)
  SEGMENTS.forEach((seg, i) => {
    const sg = a.segments[i]
    c(
      `${id} ${seg.label}: per capita ${sg.perCapita.map((v) => money0(v)).join(" / ")} (BY1 / BY2 / BY3 / PY); HCC ${sg.risk.map((v) => v.toFixed()).join(" / ")}; person-years ${money0(sg.personYearsBy3)} (BY3), ${money0(sg.personYearsPy)} (PY)`
    )
    BASELINE_YEARS.forEach((yr, k) => row(id, seg.id, yr, sg.personYearsBy3.mul(12).toFixed(), sg.perCapita[k].mul(sg.personYearsBy3).toFixed(), sg.risk[k].toFixed()))
    row(id, seg.id, PERFORMANCE_YEAR, s.memberMonthsPy[i].toFixed(), s.cost[i].toFixed(), sg.risk[3].toFixed())
  })
  SEGMENTS.forEach((seg, i) => {
    const sg = a.segments[i]
    c(`${region} ${seg.label}: (1 + δ) × ${id}'s ${by1}–${by3} cost × ${REGION_SCALE}, ${REGION_SCALE} × its member months`)
    BASELINE_YEARS.forEach((yr, k) =>
      row(
        region,
        seg.id,
        yr,
        sg.personYearsBy3.mul(12 * REGION_SCALE).toFixed(),
        sg.perCapita[k].mul(sg.personYearsBy3).mul(REGION_SCALE).mul(ONE.add(s.delta)).toFixed(),
        sg.risk[k].toFixed()
      )
    )
  })
  c()
  y("contract:")
  y(`  provider: ${id}`)
  y(`  peers: [${region}]`)
  y(`  startYear: ${PERFORMANCE_YEAR}`)
  y(`  years: ${CONTRACT_YEARS}                    # 2023–2027: a five-year agreement period (425.200(b))`)
  y(`  baseline: { years: [${BASELINE_YEARS.join(", ")}], weights: [${BASELINE_WEIGHTS.map((v) => `"${v}"`).join(", ")}] }   # BY1–BY3, first agreement 10/30/60 (425.601(a)(7))`)
  c()
  c("Per enrollment type (425.601(a)(2), 425.605(a)(2)): each type's benchmark on its own, then Σ × PY member months.")
  y("benchmark:")
  y("  bySegment: true")
  c("Regional adjustment (425.601(f)): 35 % of (region − ACO) per type when the ACO is below its region on the")
  c("BY3-mix aggregate, 15 % when above; first time the ACO's benchmark gets one.")
  y(`  peerWeightBySide: { belowPeers: "${BELOW_REGION}", abovePeers: "${ABOVE_REGION}" }`)
  c("±5 % cap (425.601(f)): CMS caps against national per capita FFS expenditure of the type in BY3, which")
  c("the file does not print; pbpsim's basis is then the region's per-type figure. Not binding either way: the")
  c(`adjustment is 0.35 × δ = ${pct(s.peerWeight.mul(s.delta), 3)} of each type's B_P, the cap ${pct(d(ADJUSTMENT_CAP).mul(ONE.add(s.delta)), 3)} of it.`)
  y(`  convergenceCaps: { up: "${ADJUSTMENT_CAP}", down: "${ADJUSTMENT_CAP}" }`)
  c(`Update from ${by3} to each contract year (425.601(b)): ${PERFORMANCE_YEAR} the solved u; 2024–2027 assumed ${LATER_UPDATE} a year`)
  c("(= the market trend below).")
  y("  trend:")
  y("    kind: schedule")
  y("    rates:")
  y(`      ${PERFORMANCE_YEAR}: "${s.u.toFixed()}"   # solved: Σ_type benchmark × MM = ABtotBnchmk`)
  for (let yr = PERFORMANCE_YEAR + 1; yr <= lastYear; yr++) y(`      ${yr}: "${LATER_UPDATE}"   # assumed`)
  c(`Trend of BY1 and BY2 to BY3 dollars (425.601(a)(5)): the solved g, ${by1}→${by2} and ${by2}→${by3} alike.`)
  y(`  historicalTrend: { kind: fixed, rate: "${s.g.toFixed()}" }`)
  c("Risk ratio RS_PY ÷ RS_BY3 per type; positive growth capped at 3 % for the agreement, no floor (425.605(a)(1)).")
  y(`  risk: { capUp: "${RISK_CAP_UP}", capDown: null }`)
  c("12 places: keeps rounding out of the per-type benchmarks (CMS prints whole dollars only).")
  y("  rounding: { places: 12 }")
  c("Real terms: the benchmark is set once for the agreement and updated, not rebased, until 2028 (425.601(e)).")
  y("  rebasing: { kind: none }")
  c()
  c(`BASIC Level ${a.track} (425.605(d)(1)(${a.track === "A" ? "i" : "ii"})): one-sided, 40 % of savings, at most 10 % of the benchmark, 2 %`)
  c(`sequestration; MSR from the variable table (425.604(b), 425.605(b)(1)) at N_AB = ${money0(a.nAb)}, the assigned`)
  c(`beneficiaries (not the ${money0(a.personYearsPy)} person-years): ${s.msr.row} gives ${pct(s.msr.msr, 5)}, printed ${a.minSavPercText}.`)
  c(`Quality: Met_QPS ${a.metQps} (met the PY2023 quality performance standard, 30th percentile, 425.512(a)) → the full rate, multiplier 1;`)
  c(`QualScore ${a.qualScoreText}. 2024–2027 assumed the same; N_AB assumed ${money0(a.nAb)} every year.`)
  y("settlement:")
  y(`  preset: mssp-basic-${a.track.toLowerCase()}`)
  y(`  assignedBeneficiaries: ${a.nAb.toFixed()}`)
  y(`  quality: { score: "${fixed(a.qualScore.div(100), 4)}", savingsMultiplier: "${s.qualityMultiplier.toFixed()}", meetsStandard: ${a.metQps === "1"} }`)
  c()
  c(`2024–2027 are projected per type from ${by3}, the year before the contract (docs/model.md §5,`)
  c(`docs/rules/segments.md): assumptions, not data. The market grows ${pct(d(MARKET_TREND), 0)} a year. The ACO spends ${pct(d(ACO_SAVINGS), 0)} below that`)
  c(`counterfactual: in ${PERFORMANCE_YEAR} its per-type spending (per capita × person-years) was ${money0(sum(s.printedCost))}, against`)
  c(`${money2(s.counterfactual2023)} for ${by3} per capita × 1.05 × PY person-years: ${pct(s.shortfall2023, 2)} below. Its risk scores drift +${pct(d(ACO_RISK_DRIFT), 0)} a year from ${by3}'s,`)
  c("so every type's risk ratio is 1.01^k in contract year k: 1.0201 in 2024, then 1.030301 in 2025, capped at")
  c(`1.03 (the +3 % cap binds from 2025 in every type). Because the projection restarts from ${by3}'s scores,`)
  c(`${PERFORMANCE_YEAR}'s fall in risk (ratios 0.955–1.019) does not carry forward: the projected years' benchmarks,`)
  c(`and so their savings, are higher than ${PERFORMANCE_YEAR}'s largely for that reason.`)
  c(`No member growth (N_AB stays ${money0(a.nAb)}). Contract year 1 (${PERFORMANCE_YEAR}) is the actual experience above, whatever these say.`)
  y("projection:")
  y(`  marketTrend: "${MARKET_TREND}"`)
  y("  entities:")
  y(`    ${id}: { savings: "${ACO_SAVINGS}", riskDrift: "${ACO_RISK_DRIFT}" }`)
  c()
  y("policies:")
  y("  - name: real-terms")
  y(`    description: The agreement as CMS runs it — benchmark set in ${PERFORMANCE_YEAR}, updated yearly, never rebased within it`)
  y("  - name: annual-rebase")
  y("    description: The same, but each year's ACO baseline is its own previous year (the ratchet)")
  y("    overlay: { benchmark: { rebasing: { kind: annual } } }")
  y("  - name: no-regional-adjustment")
  y("    description: No regional adjustment (peer weight 0 on either side) — the ACO's own history only")
  y('    overlay: { benchmark: { peerWeightBySide: { belowPeers: "0", abovePeers: "0" } } }')
  return `${L.join("\n")}\n`
}

/** The whole build: the scenario's file name and text, the solved values and the expected figures. */
export const buildScenario = (csvText, acoId = DEFAULT_ACO) => {
  const aco = readAco(csvText, acoId)
  const solved = solve(aco)
  return { fileName: scenarioFileName(acoId), yaml: renderYaml(solved), solved, expected: expectedFigures(solved) }
}

// ---------------------------------------------------------------------------------------------------
// Command line

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..")
  const args = process.argv.slice(2)
  const acoId = args.find((x) => !x.startsWith("--")) ?? DEFAULT_ACO
  const csv = readFileSync(join(root, PUF_FILE), "utf8")
  const row = pufRows(csv).find((r) => r.ACO_ID === acoId)
  const why = row ? eligibility(row) : []
  if (why.length > 0) console.error(`warning: ${acoId} does not meet the selection rule: ${why.join("; ")}`)
  const built = buildScenario(csv, acoId)
  if (args.includes("--stdout")) process.stdout.write(built.yaml)
  else if (args.includes("--expected")) process.stdout.write(`${JSON.stringify(built.expected, null, 2)}\n`)
  else {
    const out = join(root, "scenarios", built.fileName)
    writeFileSync(out, built.yaml)
    const e = built.expected
    console.log(`wrote scenarios/${built.fileName}`)
    console.log(`solved: g = ${e.solved.historicalTrend}, δ = ${e.solved.regionExcess}, u = ${e.solved.update2023}`)
    console.log(`PY2023: benchmark ${e.benchmark}, expenditure ${e.expenditure}, gross ${e.gross}, MSR ${e.msr}, shared savings ${e.sharedSavings}`)
  }
}
