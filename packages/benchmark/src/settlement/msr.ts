import type { Decimal } from "decimal.js"
import { dec, min, ONE, ZERO } from "../decimal.js"
import { derive, exactText, explained, quantity, type Explained } from "../derivation.js"
import { invalid } from "../errors.js"
import type { CorridorRate } from "./terms.js"

/**
 * One row of MSSP's variable minimum savings rate table (42 CFR 425.604(b), 425.110(b)(3)):
 * between `nLo` and `nHi` assigned beneficiaries the MSR falls linearly from `msrLo` to `msrHi`.
 * `nHi` absent: the last row, a flat rate.
 */
export interface MsrTableRow {
  readonly nLo: number
  readonly nHi?: number
  readonly msrLo: Decimal
  readonly msrHi: Decimal
  readonly source: string
}

const REGULATION = "42 CFR 425.604(b) table"
const INFERRED =
  "inferred from CMS PUF data (PY2018 A2507 605 → 11.4635 %; PY2023/24 1,708 → 7.39 %, 2,647 → 5.65 %, 3,334 → 4.82 %); 42 CFR 425.110(b)(3)"

const row = (nLo: number, nHi: number | undefined, lo: string, hi: string, source: string): MsrTableRow => ({
  nLo,
  ...(nHi === undefined ? {} : { nHi }),
  msrLo: dec(lo).div(100),
  msrHi: dec(hi).div(100),
  source
})

/** The table of docs/model.md §9.7, rates as decimals (0.122 = 12.2 %). Rows under 5,000 are inferred from CMS data. */
export const MSSP_MSR_TABLE: ReadonlyArray<MsrTableRow> = [
  row(500, 999, "12.2", "8.7", INFERRED),
  row(1_000, 2_999, "8.7", "5.0", INFERRED),
  row(3_000, 4_999, "5.0", "3.9", INFERRED),
  row(5_000, 5_999, "3.9", "3.6", REGULATION),
  row(6_000, 6_999, "3.6", "3.4", REGULATION),
  row(7_000, 7_999, "3.4", "3.2", REGULATION),
  row(8_000, 8_999, "3.2", "3.1", REGULATION),
  row(9_000, 9_999, "3.1", "3.0", REGULATION),
  row(10_000, 14_999, "3.0", "2.7", REGULATION),
  row(15_000, 19_999, "2.7", "2.5", REGULATION),
  row(20_000, 49_999, "2.5", "2.2", REGULATION),
  row(50_000, 59_999, "2.2", "2.0", REGULATION),
  row(60_000, undefined, "2.0", "2.0", REGULATION)
]

const MSR_RULE = "settlement.msr.mssp-variable"
const MSR_SOURCE = "42 CFR 425.604(b), 425.605(b)(1), 425.110(b)(3); docs/model.md §9.7"

/**
 * MSSP's variable minimum savings rate for `assignedMembers` assigned beneficiaries:
 * `MSR(n) = lo + (hi − lo) × (n − nLo)/(nHi − nLo)` inside the row holding n (denominators
 * 499, 1,999, …, 29,999, as CMS computes them). Rows are half-open [nLo, next nLo); a
 * fractional count between nHi and the next row keeps the row's high-end rate. Fewer than
 * 500 members is not a valid MSSP ACO.
 */
export const msspMsr = (assignedMembers: Decimal): Explained<Decimal> => {
  if (!assignedMembers.isFinite()) throw invalid(MSR_RULE, "assignedMembers", "must be a finite number")
  if (assignedMembers.lt(500)) {
    throw invalid(MSR_RULE, "assignedMembers", `must be at least 500 for the MSSP variable MSR table (got ${exactText(assignedMembers)})`)
  }
  const hit = [...MSSP_MSR_TABLE].reverse().find((r) => assignedMembers.gte(r.nLo))
  // Unreachable: the first row starts at 500 and we rejected anything below it.
  if (!hit) throw invalid(MSR_RULE, "assignedMembers", "falls outside the MSR table")
  const inputs = [quantity("assigned members", assignedMembers, "members")]
  if (hit.nHi === undefined) {
    return explained(
      hit.msrLo,
      derive({
        rule: MSR_RULE,
        label: "Minimum savings rate (MSSP variable table)",
        formula: `MSR = ${exactText(hit.msrLo.mul(100))} % for n ≥ ${hit.nLo}`,
        inputs,
        output: quantity("MSR", hit.msrLo, "rate"),
        source: MSR_SOURCE,
        notes: [`row n ≥ ${hit.nLo}: flat rate`, `row source: ${hit.source}`]
      })
    )
  }
  const span = dec(hit.nHi - hit.nLo)
  const position = min(ONE, assignedMembers.sub(hit.nLo).div(span))
  const msr = hit.msrLo.add(hit.msrHi.sub(hit.msrLo).mul(position))
  const notes = [`row ${hit.nLo}–${hit.nHi}: ${exactText(hit.msrLo.mul(100))} % → ${exactText(hit.msrHi.mul(100))} %`, `row source: ${hit.source}`]
  if (position.eq(ONE) && assignedMembers.gt(hit.nHi)) notes.push("fractional count past the row's high end: high-end rate kept")
  return explained(
    msr,
    derive({
      rule: MSR_RULE,
      label: "Minimum savings rate (MSSP variable table)",
      formula: "MSR = lo + (hi − lo) × (n − nLo)/(nHi − nLo)",
      inputs: [
        ...inputs,
        quantity("nLo", dec(hit.nLo), "members"),
        quantity("nHi", dec(hit.nHi), "members"),
        quantity("MSR at nLo", hit.msrLo, "rate"),
        quantity("MSR at nHi", hit.msrHi, "rate")
      ],
      output: quantity("MSR", msr, "rate"),
      source: MSR_SOURCE,
      notes
    })
  )
}

/**
 * Resolve a corridor (MSR or MLR) to a rate: fixed, or MSSP's variable table by members.
 * MSSP's variable MLR is the same table as the MSR (425.605(b)(2)(i)(C), 425.610(b)(1)(iii): MLR = −MSR).
 */
export const corridorRate = (corridor: CorridorRate, assignedMembers: Decimal, which: "MSR" | "MLR"): Explained<Decimal> => {
  const rule = which === "MSR" ? "settlement.msr" : "settlement.mlr"
  if (corridor.kind === "mssp-variable") {
    const table = msspMsr(assignedMembers)
    return explained(
      table.value,
      derive({
        rule,
        label: which === "MSR" ? "Minimum savings rate" : "Minimum loss rate",
        formula: `${which} = MSSP variable table at n assigned members`,
        inputs: [quantity("assigned members", assignedMembers, "members")],
        output: quantity(which, table.value, "rate"),
        source: which === "MSR" ? "42 CFR 425.604(b), 425.605(b)" : "42 CFR 425.605(b), 425.610(b)",
        steps: [table.derivation]
      })
    )
  }
  if (!corridor.rate.isFinite() || corridor.rate.lt(ZERO) || corridor.rate.gte(ONE)) {
    throw invalid(rule, which, `must be a fixed rate in [0, 1) (got ${exactText(corridor.rate)})`)
  }
  return explained(
    corridor.rate,
    derive({
      rule,
      label: which === "MSR" ? "Minimum savings rate" : "Minimum loss rate",
      formula: `${which} = fixed rate elected in the contract`,
      inputs: [],
      output: quantity(which, corridor.rate, "rate"),
      notes: ["fixed election"]
    })
  )
}
