import type { Decimal } from "decimal.js"
import { dec, ZERO } from "../decimal.js"
import { invalid } from "../errors.js"
import { MSSP_RISK_MARGIN, msspRiskCap2024, riskRatio } from "../risk.js"
import { formatFixed } from "../rounding.js"
import { isAbsent, normalizeColumnName, parseNumberText, RULE } from "./pufColumns.js"
import { groupThousands } from "../thousands.js"

/**
 * Benchmark-side parity: CMS's benchmark figures in a Shared Savings Program results file (PUF)
 * checked against the file's own columns, wherever the public columns determine them
 * (docs/rules/mssp-parity.md, "Benchmark-side parity"). Pure functions over one parsed row,
 * exact decimals. Two kinds of check:
 *
 * - **compared**: an identity between printed figures (the total benchmark is the per capita
 *   updated benchmark × assigned person-years; the adjustment CMS chose is the one 42 CFR
 *   425.652(a)(8) picks from the printed amounts). A row matches when the identity holds within
 *   the largest error the printed rounding allows.
 * - **derived**: a rule computed from printed inputs whose result CMS does not print (the capped
 *   risk ratio). Nothing can be compared; the check reports whether the rule binds.
 *
 * What no column determines (the update factor, regional expenditure, truncation, completion
 * factors…) is listed in PUF_BENCHMARK_LIMITS.
 */

export type PufBenchmarkCheckId =
  | "total-benchmark"
  | "total-expenditure"
  | "person-years-by-type"
  | "expenditure-by-type"
  | "risk-cap-2019"
  | "risk-cap-2024"
  | "adjustment-choice"

/**
 * A row's result on one check.
 * - `match` / `off`: a compared check, within the tolerance or not.
 * - `binds` / `within` / `undetermined`: a derived check: the cap binds, does not bind, or the
 *   printed precision of the scores cannot tell.
 * - `not-printed`: a cell the check needs is suppressed (`*`) or not applicable (`-`, blank).
 * - `not-applicable`: the rule does not cover the row (its agreement period started under other rules).
 */
export type PufBenchmarkStatus = "match" | "off" | "binds" | "within" | "undetermined" | "not-printed" | "not-applicable"

export interface PufBenchmarkRowCheck {
  readonly check: PufBenchmarkCheckId
  readonly status: PufBenchmarkStatus
  /** The figures and the arithmetic, or why the check could not be made. */
  readonly detail: string
  /** Derived risk checks: each enrollment type's status (absent for the other checks). */
  readonly types?: Readonly<Record<EnrollmentType, PufBenchmarkStatus>>
}

/** One row's benchmark-side checks: one entry per check whose columns the file has. */
export interface PufRowBenchmark {
  readonly acoId: string
  readonly checks: ReadonlyArray<PufBenchmarkRowCheck>
}

/** The four Medicare enrollment types CMS computes benchmarks for (42 CFR 425.605(a)(2)). */
export type EnrollmentType = "ESRD" | "DIS" | "AGDU" | "AGND"

interface TypeColumns {
  readonly type: EnrollmentType
  readonly label: string
  /** The stem of the risk score and per capita expenditure columns. */
  readonly stem: string
  /** The stem of the person-year columns. */
  readonly years: string
}

const TYPES: ReadonlyArray<TypeColumns> = [
  { type: "ESRD", label: "ESRD", stem: "ESRD", years: "ESRD" },
  { type: "DIS", label: "disabled", stem: "DIS", years: "DIS" },
  { type: "AGDU", label: "aged dual", stem: "AGDU", years: "AGED_Dual" },
  { type: "AGND", label: "aged non-dual", stem: "AGND", years: "AGED_NonDual" }
]

const hcc = (t: TypeColumns, period: "BY3" | "PY") => `CMS_HCC_RiskScore_${t.stem}_${period}`
const demog = (t: TypeColumns, period: "BY3" | "PY") => `Demog_RiskScore_${t.stem}_${period}`
const weightColumn = (t: TypeColumns) => `RR_weight_${t.stem}_PY`
const yearsColumn = (t: TypeColumns) => `N_AB_Year_${t.years}_PY`
const expColumn = (t: TypeColumns) => `Per_Capita_Exp_ALL_${t.stem}_PY`

const START = "Current_Start_Date"

export interface PufBenchmarkCheckSpec {
  readonly check: PufBenchmarkCheckId
  readonly label: string
  /** What is compared or computed, and the regulation. */
  readonly rule: string
  /** The tolerance a compared check allows, or why a derived check has nothing to compare. */
  readonly tolerance: string
  readonly kind: "compared" | "derived"
  /** How a matching row is described ("within the printed rounding", "as the rule picks"). */
  readonly matchLabel: string
  /** Every column the check reads. */
  readonly columns: ReadonlyArray<string>
}

const ROUNDING =
  "within the rounding of the printed figures: each is exact to half a unit of its last printed digit (whole dollars, whole person-years), so |printed − computed| may be up to the sum of those halves carried through the product"

export const PUF_BENCHMARK_CHECKS: ReadonlyArray<PufBenchmarkCheckSpec> = [
  {
    check: "total-benchmark",
    label: "total benchmark",
    rule: "ABtotBnchmk = UpdatedBnchmk × N_AB_Year_PY: the per capita updated benchmark times assigned person-years (not N_AB, assigned beneficiaries)",
    tolerance: ROUNDING,
    kind: "compared",
    matchLabel: "within the printed rounding",
    columns: ["ABtotBnchmk", "UpdatedBnchmk", "N_AB_Year_PY"]
  },
  {
    check: "total-expenditure",
    label: "total expenditure",
    rule: "ABtotExp = Per_Capita_Exp_TOTAL_PY × N_AB_Year_PY: the expenditure compared with that benchmark, on the same person-years",
    tolerance: ROUNDING,
    kind: "compared",
    matchLabel: "within the printed rounding",
    columns: ["ABtotExp", "Per_Capita_Exp_TOTAL_PY", "N_AB_Year_PY"]
  },
  {
    check: "person-years-by-type",
    label: "person-years by enrollment type",
    rule: "N_AB_Year_PY = Σ N_AB_Year_{ESRD, DIS, AGED_Dual, AGED_NonDual}_PY: the benchmark is computed per enrollment type (42 CFR 425.605(a)(2), 425.610(a)(2))",
    tolerance: ROUNDING,
    kind: "compared",
    matchLabel: "within the printed rounding",
    columns: ["N_AB_Year_PY", ...TYPES.map(yearsColumn)]
  },
  {
    check: "expenditure-by-type",
    label: "expenditure by enrollment type",
    rule: "Per_Capita_Exp_TOTAL_PY = Σ_t Per_Capita_Exp_ALL_t_PY × N_AB_Year_t_PY ÷ N_AB_Year_PY: the per capita figure is the person-year-weighted mean of the four types",
    tolerance: ROUNDING,
    kind: "compared",
    matchLabel: "within the printed rounding",
    columns: ["Per_Capita_Exp_TOTAL_PY", "N_AB_Year_PY", ...TYPES.map(expColumn), ...TYPES.map(yearsColumn)]
  },
  {
    check: "risk-cap-2019",
    label: "risk ratio cap, agreements July 2019–2023",
    rule: "per enrollment type, CMS_HCC_RiskScore_t_PY ÷ CMS_HCC_RiskScore_t_BY3 capped at 1.03, decreases not capped (42 CFR 425.605(a)(1), 425.610(a)(2))",
    tolerance:
      "nothing to compare: CMS prints the scores but not the capped ratio it applied; 'undetermined' when the scores' printed precision (3 decimals) straddles the cap",
    kind: "derived",
    matchLabel: "",
    columns: [START, ...TYPES.flatMap((t) => [hcc(t, "BY3"), hcc(t, "PY")])]
  },
  {
    check: "risk-cap-2024",
    label: "risk ratio cap, agreements from 2024",
    rule: "cap = aggregate demographic risk growth + 3 points, applied to each type only when the aggregate CMS-HCC growth exceeds it; aggregated with the RR_weight_t_PY weights (42 CFR 425.605(a)(1) and 425.610(a)(2) as amended for 2024)",
    tolerance:
      "nothing to compare: the capped ratios are not printed; 'undetermined' when the scores' printed precision straddles the trigger; RR_weight_t_PY read as the aggregation weights (CMS: historical benchmark expenditure × PY person-years), an inference from the name",
    kind: "derived",
    matchLabel: "",
    columns: [START, ...TYPES.flatMap((t) => [hcc(t, "BY3"), hcc(t, "PY"), demog(t, "BY3"), demog(t, "PY"), weightColumn(t)])]
  },
  {
    check: "adjustment-choice",
    label: "choice of benchmark adjustment",
    rule:
      "FinalAdjCat against 42 CFR 425.652(a)(8) for agreements from 2024 (no PSA: regional if RegAdj > 0, else none; PSA: the higher of a positive RegAdj and PriorSavAdj, else the PSA) and 425.601(f) for July 2019–2023 agreements (the regional adjustment, positive or negative; no PSA)",
    tolerance: "exact: the category CMS printed against the one the rule picks from the printed RegAdj and PriorSavAdj",
    kind: "compared",
    matchLabel: "as the rule picks",
    columns: [START, "FinalAdjCat", "RegAdj", "PriorSavAdj"]
  }
]

/**
 * What the public columns cannot reproduce on the benchmark side, and why. The docs
 * (docs/rules/mssp-parity.md) give the same list; the reconcile summary prints it.
 */
export const PUF_BENCHMARK_LIMITS: ReadonlyArray<{ readonly figure: string; readonly why: string }> = [
  {
    figure: "UpdatedBnchmk from HistBnchmk",
    why:
      "the update from BY3 to the performance year is per enrollment type (a national–regional growth blend weighted by the ACO's own market share; from 2024 also the ACPT and its weight), applied to per-type historical benchmarks the file does not give; UpdatedBnchmk ÷ HistBnchmk mixes update, capped risk ratio and the change of enrollment mix and cannot be split"
  },
  {
    figure: "HistBnchmk from the BY1–BY3 per capita expenditure",
    why:
      "needs the BY1→BY3 and BY2→BY3 trend factors (national–regional blend with ACO-specific weights), the regional or prior savings adjustment per type, and the recalculation for participant-list changes each year; the printed BY figures are already truncated at the 99th percentile and completed, with thresholds and completion factors not printed"
  },
  {
    figure: "the regional adjustment amount (RegAdj, PosRegAdj)",
    why:
      "needs regional per capita expenditure of the ACO's service area (built from CMS's separate county-level files, weighted by the ACO's assigned beneficiaries per county, risk-adjusted to its BY3 case mix), national per capita FFS expenditure per type in BY3 for the caps, how many times the ACO has received the adjustment and whether it is lower or higher spending"
  },
  {
    figure: "the prior savings adjustment amount (PriorSavAdj)",
    why: "needs the per capita savings of the three performance years before the agreement, the proration for growth in assigned beneficiaries, and national per capita expenditure in BY3 for the 5 % cap"
  },
  {
    figure: "the capped risk ratio CMS applied",
    why: "not printed; its effect on UpdatedBnchmk cannot be isolated (above). The checks say only whether the cap binds on the printed scores"
  },
  {
    figure: "per capita expenditure from claims",
    why: "truncation at the 99th percentile of national expenditure, the completion factor for the 3-month run-out and the IME/DSH exclusions are applied before printing; the file has neither claims nor those factors"
  },
  {
    figure: "the guardrail's two-way benchmark (42 CFR 425.652(b)(5))",
    why: "not printed; only the Guardrail flag is"
  }
]

/** Where a file's benchmark columns are: normalised name → header as written. */
export interface PufBenchmarkColumns {
  readonly headers: ReadonlyMap<string, string>
  /** Columns the checks read that appear more than once (not read: which one would be a guess). */
  readonly duplicated: ReadonlyArray<string>
  /** Per check: the columns the file lacks (empty: the check is in this layout). */
  readonly missing: ReadonlyMap<PufBenchmarkCheckId, ReadonlyArray<string>>
}

export const pufBenchmarkColumns = (header: ReadonlyArray<string>): PufBenchmarkColumns => {
  const seen = new Map<string, string[]>()
  for (const h of header) {
    const key = normalizeColumnName(h)
    seen.set(key, [...(seen.get(key) ?? []), h])
  }
  const wanted = new Set(PUF_BENCHMARK_CHECKS.flatMap((c) => c.columns.map(normalizeColumnName)))
  const headers = new Map<string, string>()
  const duplicated: string[] = []
  for (const [key, hs] of seen) {
    if (hs.length > 1 && wanted.has(key)) duplicated.push(hs[0]!.trim())
    else headers.set(key, hs[0]!)
  }
  const missing = new Map(PUF_BENCHMARK_CHECKS.map((c) => [c.check, c.columns.filter((name) => !headers.has(normalizeColumnName(name)))] as const))
  return { headers, duplicated, missing }
}

/** A printed number and half a unit of its last printed digit. */
interface Figure {
  readonly value: Decimal
  readonly half: Decimal
}

const HALF = dec("0.5")

/** Half a unit of the last digit printed, at least `minPlaces` decimals (a trimmed "1.05" score is 1.050). */
const halfUnitOf = (text: string, minPlaces: number): Decimal => {
  const digits = text.replace(/[^0-9.]/g, "")
  const shown = digits.includes(".") ? digits.length - digits.indexOf(".") - 1 : 0
  return HALF.div(dec(10).pow(Math.max(shown, minPlaces)))
}

interface Cells {
  readonly acoId: string
  /** The trimmed cell; undefined when the column is not in the file. */
  text(column: string): string | undefined
  /** The number printed; undefined when not printed (`*`, `-`, blank) or not in the file. */
  figure(column: string, minPlaces?: number): Figure | undefined
}

const cellsOf = (row: Readonly<Record<string, string>>, columns: PufBenchmarkColumns, acoId: string): Cells => {
  const text = (column: string) => {
    const header = columns.headers.get(normalizeColumnName(column))
    return header === undefined ? undefined : (row[header] ?? "").trim()
  }
  return {
    acoId,
    text,
    figure: (column, minPlaces = 0) => {
      const t = text(column)
      if (t === undefined || isAbsent(t)) return undefined
      return { value: parseNumberText(t, column, acoId), half: halfUnitOf(t, minPlaces) }
    }
  }
}

/** A number with thousands separators, to `places` decimals (by default its own, at most 2). */
const n = (d: Decimal, places = Math.min(d.decimalPlaces(), 2)): string => {
  const [int, frac] = formatFixed(d, places).split(".")
  const sign = int!.startsWith("-") ? "−" : ""
  const body = groupThousands(int!.replace("-", ""))
  return `${sign}${body}${frac === undefined ? "" : `.${frac}`}`
}

/** |x'·y' − x·y| when x' and y' are within half a unit of the printed x and y. */
const productBound = (x: Figure, y: Figure): Decimal => x.half.mul(y.value.abs()).add(y.half.mul(x.value.abs())).add(x.half.mul(y.half))

const notPrinted = (check: PufBenchmarkCheckId, columns: ReadonlyArray<string>): PufBenchmarkRowCheck => ({
  check,
  status: "not-printed",
  detail: `${columns.join(", ")} not printed (suppressed "*" or "-")`
})

/** total = perCapita × years, within the rounding of the three printed figures. */
const productCheck = (check: PufBenchmarkCheckId, cells: Cells, totalColumn: string, perCapitaColumn: string): PufBenchmarkRowCheck => {
  const total = cells.figure(totalColumn)
  const perCapita = cells.figure(perCapitaColumn)
  const years = cells.figure("N_AB_Year_PY")
  const absent = [[totalColumn, total], [perCapitaColumn, perCapita], ["N_AB_Year_PY", years]].filter(([, f]) => f === undefined).map(([c]) => c as string)
  if (total === undefined || perCapita === undefined || years === undefined) return notPrinted(check, absent)
  if (!years.value.gt(ZERO)) return { check, status: "off", detail: `N_AB_Year_PY ${n(years.value)} is not a positive number of person-years` }
  const computed = perCapita.value.mul(years.value)
  const difference = total.value.sub(computed)
  const bound = productBound(perCapita, years).add(total.half)
  const ok = difference.abs().lte(bound)
  return {
    check,
    status: ok ? "match" : "off",
    detail:
      `${totalColumn} ${n(total.value)} vs ${perCapitaColumn} ${n(perCapita.value)} × N_AB_Year_PY ${n(years.value)} = ${n(computed)}: ` +
      `difference ${n(difference)}, ${ok ? "within" : "beyond"} the ±${n(bound, 2)} the printed rounding allows ` +
      `(${totalColumn} ÷ N_AB_Year_PY = ${n(total.value.div(years.value), 2)} per capita)`
  }
}

const personYearsByType = (cells: Cells): PufBenchmarkRowCheck => {
  const check = "person-years-by-type"
  const total = cells.figure("N_AB_Year_PY")
  const parts = TYPES.map((t) => ({ t, f: cells.figure(yearsColumn(t)) }))
  const absent = [...(total ? [] : ["N_AB_Year_PY"]), ...parts.filter((p) => p.f === undefined).map((p) => yearsColumn(p.t))]
  if (total === undefined || parts.some((p) => p.f === undefined)) return notPrinted(check, absent)
  const sum = parts.reduce((acc, p) => acc.add(p.f!.value), ZERO)
  const bound = parts.reduce((acc, p) => acc.add(p.f!.half), total.half)
  const difference = total.value.sub(sum)
  const ok = difference.abs().lte(bound)
  return {
    check,
    status: ok ? "match" : "off",
    detail: `N_AB_Year_PY ${n(total.value)} vs ${parts.map((p) => `${p.t.label} ${n(p.f!.value)}`).join(" + ")} = ${n(sum)}: difference ${n(difference)}, ${ok ? "within" : "beyond"} ±${n(bound)}`
  }
}

const expenditureByType = (cells: Cells): PufBenchmarkRowCheck => {
  const check = "expenditure-by-type"
  const total = cells.figure("Per_Capita_Exp_TOTAL_PY")
  const years = cells.figure("N_AB_Year_PY")
  const parts = TYPES.map((t) => ({ t, e: cells.figure(expColumn(t)), y: cells.figure(yearsColumn(t)) }))
  const absent = [
    ...(total ? [] : ["Per_Capita_Exp_TOTAL_PY"]),
    ...(years ? [] : ["N_AB_Year_PY"]),
    ...parts.flatMap((p) => [...(p.e ? [] : [expColumn(p.t)]), ...(p.y ? [] : [yearsColumn(p.t)])])
  ]
  if (total === undefined || years === undefined || absent.length > 0) return notPrinted(check, absent)
  const weighted = parts.reduce((acc, p) => acc.add(p.e!.value.mul(p.y!.value)), ZERO)
  const computed = total.value.mul(years.value)
  const bound = parts.reduce((acc, p) => acc.add(productBound(p.e!, p.y!)), productBound(total, years))
  const difference = weighted.sub(computed)
  const ok = difference.abs().lte(bound)
  const perCapita = years.value.gt(ZERO) ? ` (${n(weighted.div(years.value), 2)} per capita vs ${n(total.value)} printed)` : ""
  return {
    check,
    status: ok ? "match" : "off",
    detail: `Σ per capita × person-years by type ${n(weighted)} vs Per_Capita_Exp_TOTAL_PY × N_AB_Year_PY ${n(computed)}: difference ${n(difference)}, ${ok ? "within" : "beyond"} ±${n(bound, 2)}${perCapita}`
  }
}

/** The first month of the agreement period, from "07/01/2019" or "2019-07-01"; undefined if unreadable. */
export const agreementStart = (text: string | undefined): { readonly year: number; readonly month: number } | undefined => {
  if (text === undefined || isAbsent(text)) return undefined
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim())
  if (us) return { year: Number(us[3]), month: Number(us[1]) }
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text.trim())
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]) }
  return undefined
}

/** Which benchmark rules an agreement period is on. */
type Regime = "2024" | "2019" | "earlier"

const regimeOf = (start: { readonly year: number; readonly month: number }): Regime =>
  start.year >= 2024 ? "2024" : start.year > 2019 || (start.year === 2019 && start.month >= 7) ? "2019" : "earlier"

const REGIME_TEXT: Readonly<Record<Regime, string>> = {
  "2024": "an agreement period from 2024 (42 CFR 425.652)",
  "2019": "a July 2019–2023 agreement period (42 CFR 425.601)",
  earlier: "an agreement period before July 2019 (42 CFR 425.602–425.603; risk by newly and continuously assigned beneficiaries, 425.604(a), a split the file does not give)"
}

/** The row's regime, or the check's result when it does not apply. */
const regimeFor = (check: PufBenchmarkCheckId, cells: Cells, applies: ReadonlyArray<Regime>): Regime | PufBenchmarkRowCheck => {
  const text = cells.text(START)
  if (text === undefined || isAbsent(text)) return notPrinted(check, [START])
  const start = agreementStart(text)
  if (start === undefined) throw invalid(RULE, START, `of ACO ${cells.acoId} is not a date (MM/DD/YYYY or YYYY-MM-DD): "${text}"`)
  const regime = regimeOf(start)
  if (!applies.includes(regime)) return { check, status: "not-applicable", detail: `${START} ${text}: ${REGIME_TEXT[regime]}, not this rule` }
  return regime
}

/** A ratio of two printed scores and its range over their printed precision. */
interface Ratio {
  readonly value: Decimal
  readonly lo: Decimal
  readonly hi: Decimal
}

const SCORE_PLACES = 3

const ratioOf = (current: Figure, base: Figure): Ratio => ({
  value: current.value.div(base.value),
  lo: current.value.sub(current.half).div(base.value.add(base.half)),
  hi: current.value.add(current.half).div(base.value.sub(base.half))
})

const scorePair = (cells: Cells, column: (t: TypeColumns, p: "BY3" | "PY") => string, t: TypeColumns): Ratio | undefined => {
  const base = cells.figure(column(t, "BY3"), SCORE_PLACES)
  const current = cells.figure(column(t, "PY"), SCORE_PLACES)
  if (base === undefined || current === undefined) return undefined
  if (!base.value.gt(base.half) || !current.value.gt(ZERO)) throw invalid(RULE, column(t, "BY3"), `of ACO ${cells.acoId}: risk scores must be positive`)
  return ratioOf(current, base)
}

const CAP_2019 = dec(1).add(MSSP_RISK_MARGIN)

const riskCap2019 = (cells: Cells): PufBenchmarkRowCheck => {
  const check = "risk-cap-2019"
  const regime = regimeFor(check, cells, ["2019"])
  if (typeof regime !== "string") return regime
  const types = {} as Record<EnrollmentType, PufBenchmarkStatus>
  const parts: string[] = []
  for (const t of TYPES) {
    const r = scorePair(cells, hcc, t)
    if (r === undefined) {
      types[t.type] = "not-printed"
      parts.push(`${t.label} not printed`)
      continue
    }
    const applied = riskRatio({ current: r.value, base: dec(1), caps: { up: MSSP_RISK_MARGIN } }).value
    const status: PufBenchmarkStatus = r.lo.gt(CAP_2019) ? "binds" : r.hi.lte(CAP_2019) ? "within" : "undetermined"
    types[t.type] = status
    parts.push(
      `${t.label} ${formatFixed(r.value, 4)}${status === "binds" ? ` → ${formatFixed(applied, 2)}` : status === "undetermined" ? ` (${formatFixed(r.lo, 4)}–${formatFixed(r.hi, 4)} at printed precision)` : ""}`
    )
  }
  const statuses = Object.values(types)
  const status: PufBenchmarkStatus = statuses.includes("binds")
    ? "binds"
    : statuses.includes("undetermined")
      ? "undetermined"
      : statuses.includes("not-printed")
        ? "not-printed"
        : "within"
  const verdict = { binds: "the +3 % cap binds", undetermined: "the printed scores straddle the cap", "not-printed": "no printed type above the cap; a score not printed", within: "no type above the cap" }[
    status as "binds" | "undetermined" | "not-printed" | "within"
  ]
  return { check, status, types, detail: `HCC PY ÷ BY3: ${parts.join("; ")}: ${verdict} (cap 1.03, decreases not capped)` }
}

const riskCap2024 = (cells: Cells): PufBenchmarkRowCheck => {
  const check = "risk-cap-2024"
  const regime = regimeFor(check, cells, ["2024"])
  if (typeof regime !== "string") return regime
  const inputs = TYPES.map((t) => ({ t, h: scorePair(cells, hcc, t), d: scorePair(cells, demog, t), w: cells.figure(weightColumn(t)) }))
  // A type with weight 0 does not enter the aggregate; any other needs its scores and weight.
  const absent = inputs.filter((i) => i.w === undefined || (!i.w.value.isZero() && (i.h === undefined || i.d === undefined)))
  if (absent.length > 0) {
    const types = Object.fromEntries(TYPES.map((t) => [t.type, "not-printed"])) as Record<EnrollmentType, PufBenchmarkStatus>
    return { check, status: "not-printed", types, detail: `${absent.map((i) => i.t.label).join(", ")}: risk scores or RR_weight not printed` }
  }
  const used = inputs.filter((i) => !i.w!.value.isZero())
  const weightSum = used.reduce((acc, i) => acc.add(i.w!.value), ZERO)
  if (!weightSum.gt(ZERO)) return { check, status: "off", detail: "RR_weight_t_PY sum to 0: no aggregate growth" }
  const aggregate = (pick: (r: Ratio) => Decimal, of: "h" | "d") => used.reduce((acc, i) => acc.add(i.w!.value.mul(pick(i[of]!))), ZERO).div(weightSum)
  const agg = { value: aggregate((r) => r.value, "h"), lo: aggregate((r) => r.lo, "h"), hi: aggregate((r) => r.hi, "h") }
  const dem = { value: aggregate((r) => r.value, "d"), lo: aggregate((r) => r.lo, "d"), hi: aggregate((r) => r.hi, "d") }
  const cap = dem.value.add(MSSP_RISK_MARGIN)
  const capLo = dem.lo.add(MSSP_RISK_MARGIN)
  const capHi = dem.hi.add(MSSP_RISK_MARGIN)
  const triggered: "yes" | "no" | "undetermined" = agg.lo.gt(capHi) ? "yes" : agg.hi.lte(capLo) ? "no" : "undetermined"
  const applied = msspRiskCap2024({
    types: used.map((i) => ({ name: i.t.type, hccGrowth: i.h!.value, weight: i.w!.value })),
    demographicGrowth: dem.value
  }).value
  const types = {} as Record<EnrollmentType, PufBenchmarkStatus>
  for (const i of inputs) {
    if (i.w!.value.isZero()) types[i.t.type] = "within"
    else if (triggered === "no") types[i.t.type] = "within"
    else if (triggered === "undetermined") types[i.t.type] = "undetermined"
    else types[i.t.type] = i.h!.lo.gt(capHi) ? "binds" : i.h!.hi.lte(capLo) ? "within" : "undetermined"
  }
  const status: PufBenchmarkStatus = triggered === "no" ? "within" : triggered === "undetermined" ? "undetermined" : Object.values(types).includes("binds") ? "binds" : "undetermined"
  const perType = used
    .map((i) => {
      const r = applied.find((a) => a.name === i.t.type)!.ratio
      return `${i.t.label} ${formatFixed(i.h!.value, 4)}${r.eq(i.h!.value) ? "" : ` → ${formatFixed(r, 4)}`}`
    })
    .join("; ")
  const verdict =
    triggered === "yes"
      ? "aggregate above the cap: types above it are capped"
      : triggered === "no"
        ? "aggregate within the cap: no type capped"
        : "the printed scores straddle the trigger"
  return {
    check,
    status,
    types,
    detail: `aggregate HCC growth ${formatFixed(agg.value, 4)} vs cap ${formatFixed(cap, 4)} (aggregate demographic growth ${formatFixed(dem.value, 4)} + 0.03): ${verdict}; ${perType}`
  }
}

type Adjustment = "regional" | "prior-savings" | "none"

const ADJUSTMENT_TEXT: Readonly<Record<Adjustment, string>> = { regional: "regional", "prior-savings": "prior savings", none: "none" }

/** FinalAdjCat as printed: "Regional", "Prior Savings", "None", "No Adjustment", … */
const adjustmentOf = (text: string): Adjustment | undefined => {
  const t = text.toLowerCase()
  if (/prior|psa/.test(t)) return "prior-savings"
  if (/regional/.test(t)) return "regional"
  if (/^(none|no\b.*)$/.test(t.trim())) return "none"
  return undefined
}

const adjustmentChoice = (cells: Cells): PufBenchmarkRowCheck => {
  const check = "adjustment-choice"
  const regime = regimeFor(check, cells, ["2019", "2024"])
  if (typeof regime !== "string") return regime
  const category = cells.text("FinalAdjCat")!
  if (isAbsent(category)) return notPrinted(check, ["FinalAdjCat"])
  const regional = cells.figure("RegAdj")
  if (regional === undefined) return notPrinted(check, ["RegAdj"])
  const psa = cells.figure("PriorSavAdj")
  const printed = adjustmentOf(category)
  const eligible = psa !== undefined && psa.value.gt(ZERO)
  const ra = `RegAdj ${n(regional.value)}`
  const ps = eligible ? `PriorSavAdj ${n(psa.value)}` : "no PriorSavAdj"
  let expected: ReadonlyArray<Adjustment>
  let why: string
  if (regime === "2024") {
    if (!eligible) {
      expected = regional.value.gt(ZERO) ? ["regional"] : ["none"]
      why = regional.value.gt(ZERO) ? "not eligible for the PSA, regional > 0 → regional" : "not eligible for the PSA, regional ≤ 0 → none"
    } else if (!regional.value.gt(ZERO)) {
      expected = ["prior-savings"]
      why = "PSA, regional ≤ 0 → the PSA"
    } else {
      const c = regional.value.cmp(psa.value)
      expected = c > 0 ? ["regional"] : c < 0 ? ["prior-savings"] : ["regional", "prior-savings"]
      why = `PSA and regional > 0 → the higher${c === 0 ? " (equal: either)" : ""}`
    }
    why += " (42 CFR 425.652(a)(8))"
  } else {
    expected = eligible ? [] : regional.value.isZero() ? ["regional", "none"] : ["regional"]
    why = eligible ? "425.601 has no prior savings adjustment" : "the regional adjustment, positive or negative (42 CFR 425.601(f))"
  }
  const ok = printed !== undefined && expected.includes(printed)
  return {
    check,
    status: ok ? "match" : "off",
    detail: `FinalAdjCat "${category}"${printed === undefined ? " (not a category pbpsim recognises)" : ""}; ${ra}, ${ps}: ${why}${
      expected.length ? ` → ${expected.map((e) => ADJUSTMENT_TEXT[e]).join(" or ")}` : ""
    }`
  }
}

const RUNNERS: Readonly<Record<PufBenchmarkCheckId, (cells: Cells) => PufBenchmarkRowCheck>> = {
  "total-benchmark": (c) => productCheck("total-benchmark", c, "ABtotBnchmk", "UpdatedBnchmk"),
  "total-expenditure": (c) => productCheck("total-expenditure", c, "ABtotExp", "Per_Capita_Exp_TOTAL_PY"),
  "person-years-by-type": personYearsByType,
  "expenditure-by-type": expenditureByType,
  "risk-cap-2019": riskCap2019,
  "risk-cap-2024": riskCap2024,
  "adjustment-choice": adjustmentChoice
}

/** Whether the file has every column of a check (and none of them twice). */
export const benchmarkCheckInFile = (columns: PufBenchmarkColumns, check: PufBenchmarkCheckId): boolean => (columns.missing.get(check) ?? []).length === 0

/**
 * Every benchmark-side check whose columns the file has, on one row keyed by the header names as
 * the file writes them. Throws InvalidArgument for a cell that is printed but not a number (or a
 * start date that is not a date), naming the column and the ACO.
 */
export const checkPufBenchmarkRow = (row: Readonly<Record<string, string>>, columns: PufBenchmarkColumns): PufRowBenchmark => {
  const idHeader = columns.headers.get(normalizeColumnName("ACO_ID"))
  const id = idHeader === undefined ? "" : (row[idHeader] ?? "").trim()
  const acoId = id === "" ? "(no ACO_ID)" : id
  const cells = cellsOf(row, columns, acoId)
  return { acoId, checks: PUF_BENCHMARK_CHECKS.filter((c) => benchmarkCheckInFile(columns, c.check)).map((c) => RUNNERS[c.check](cells)) }
}

/** One check over the whole file. */
export interface PufBenchmarkCheckSummary extends PufBenchmarkCheckSpec {
  /** Whether the file has every column the check reads (false: "not in this layout"). */
  readonly inFile: boolean
  readonly missingColumns: ReadonlyArray<string>
  /** Rows the check was made on: compared, match + off; derived, binds + within + undetermined. */
  readonly checked: number
  readonly counts: Readonly<Record<PufBenchmarkStatus, number>>
  /** Derived risk checks: the same counts per enrollment type. */
  readonly byType?: Readonly<Record<EnrollmentType, Readonly<Record<PufBenchmarkStatus, number>>>>
  /** Rows off (compared checks), with their figures. */
  readonly off: ReadonlyArray<{ readonly acoId: string; readonly detail: string }>
}

export interface PufBenchmarkSummary {
  readonly checks: ReadonlyArray<PufBenchmarkCheckSummary>
  /** Benchmark columns the file has twice (not read). */
  readonly duplicated: ReadonlyArray<string>
  /** What cannot be reproduced from public data, and why. */
  readonly limits: ReadonlyArray<{ readonly figure: string; readonly why: string }>
}

const STATUSES: ReadonlyArray<PufBenchmarkStatus> = ["match", "off", "binds", "within", "undetermined", "not-printed", "not-applicable"]
const zeroCounts = (): Record<PufBenchmarkStatus, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<PufBenchmarkStatus, number>

/** Counts per check over every row of a file, the rows off, and the limits of the public data. */
export const summarizePufBenchmark = (rows: ReadonlyArray<PufRowBenchmark>, columns: PufBenchmarkColumns): PufBenchmarkSummary => ({
  checks: PUF_BENCHMARK_CHECKS.map((spec) => {
    const results = rows.flatMap((r) => r.checks.filter((c) => c.check === spec.check).map((c) => ({ acoId: r.acoId, c })))
    const counts = zeroCounts()
    for (const { c } of results) counts[c.status] += 1
    const derived = spec.kind === "derived"
    const byType = derived
      ? (Object.fromEntries(
          TYPES.map((t) => {
            const k = zeroCounts()
            for (const { c } of results) if (c.types) k[c.types[t.type]] += 1
            return [t.type, k]
          })
        ) as Record<EnrollmentType, Record<PufBenchmarkStatus, number>>)
      : undefined
    return {
      ...spec,
      inFile: benchmarkCheckInFile(columns, spec.check),
      missingColumns: columns.missing.get(spec.check) ?? [],
      checked: derived ? counts.binds + counts.within + counts.undetermined : counts.match + counts.off,
      counts,
      ...(byType ? { byType } : {}),
      off: results.filter(({ c }) => c.status === "off").map(({ acoId, c }) => ({ acoId, detail: c.detail }))
    }
  }),
  duplicated: columns.duplicated,
  limits: PUF_BENCHMARK_LIMITS
})
