import { mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { expectUserError, pbpsim, ROOT, TIMEOUT } from "./support/cli.js"

/**
 * `pbpsim reconcile` on synthetic files imitating each layout of CMS's "Performance Year
 * Financial and Quality Results" PUF (test/fixtures/puf/README.md). Every expected figure is
 * worked by hand from the row's own columns in the comments; none comes from pbpsim's output.
 */
const FIXTURES = "test/fixtures/puf"

interface PathJson {
  readonly path: string
  readonly inFile: boolean
  readonly rows: number
  readonly reproduced: number
  readonly notReproduced: ReadonlyArray<{ readonly gap: string; readonly rows: number }>
  readonly check?: { readonly checked: number; readonly consistent: number }
}
interface RowJson {
  readonly acoId: string
  readonly track: string
  readonly outcome: string
  readonly computedEarned: string
  readonly reportedEarned: string
  readonly computedMsr: string
  readonly status: string
  readonly paths: string
  readonly gap: string
  readonly explanation: string
}
interface Report {
  readonly summary: {
    readonly rows: number
    readonly layout: { readonly id: string; readonly evidence: ReadonlyArray<string>; readonly percentStyles: ReadonlyArray<string> }
    readonly paths: ReadonlyArray<PathJson>
    readonly notSettled: number
    readonly oneSidedRows: number
    readonly oneSidedMsrMatches: number
    readonly twoSidedFixedElection: number
  }
  readonly rows: ReadonlyArray<RowJson>
}

const reconcileJson = async (file: string): Promise<Report> => {
  const r = await pbpsim("reconcile", file, "--format", "json")
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Report
}

/** Path → "rows/reproduced", gaps as "kind×n", checks as "consistent/checked"; "-" when the file cannot show the path. */
const paths = (report: Report): Record<string, string> =>
  Object.fromEntries(
    report.summary.paths.map((p) => [
      p.path,
      !p.inFile
        ? "-"
        : [`${p.rows}/${p.reproduced}`, ...p.notReproduced.map((g) => `${g.gap}×${g.rows}`), ...(p.check ? [`check ${p.check.consistent}/${p.check.checked}`] : [])].join(" ")
    ])
  )

const row = (report: Report, id: string): RowJson => report.rows.find((r) => r.acoId === id)!

describe("reconcile: PY2024 layout (plain-number rates, AIP, guardrail, reduced shared savings)", () => {
  it.concurrent("reads 8.89-style rates and reports parity per rule path", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2024-synthetic.csv`)
    expect(report.summary.layout.id).toBe("PY2024")
    expect(report.summary.layout.percentStyles).toEqual(["plain"])
    expect(paths(report)).toEqual({
      // X0001 and X0004
      savings: "2/2",
      // X0002
      losses: "1/1",
      // X0006 reproduced; X0005 is the guardrail row CMS settled at 0
      none: "2/1 guardrail×1",
      // X0003: settled by 425.605(h) (low revenue, a 2024 start, 8,000 assigned), and the file's figures follow it
      "reduced-shared-savings": "1/1 check 1/1",
      guardrail: "1/0 guardrail×1",
      // X0004
      "alternative-quality": "1/1",
      // X0003 and X0004, both reproduced; both recoupments follow 425.630
      "aip-recoupment": "2/2 check 2/2"
    })
  })

  it.concurrent("reproduces each row's figure from its own columns", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2024-synthetic.csv`)
    // X0001 BASIC B: 20,000 members → MSR 2.5 %; 10,000,000 × 40 % × 98 % = 3,920,000
    expect(row(report, "X0001")).toMatchObject({ computedEarned: "3920000.00", computedMsr: "0.025000", status: "match" })
    // X0002 ENHANCED: loss rate 1 − 0.75 × 0.90 = 32.5 % → floor 40 %; 6,000,000 × 40 % = 2,400,000 − 400,000 DisAdj = 2,000,000 owed
    expect(row(report, "X0002")).toMatchObject({ computedEarned: "-2000000.00", status: "match" })
    // Its MinSavPerc "2" is 2.00 %, the fixed election, not the table's 2.4 % at 30,000 members (2 ± 0.5 would have matched both)
    expect(row(report, "X0002").explanation).toContain("printed MSR 2 is an allowed fixed election;")
    // X0003 BASIC A, 2 % below a 3.2 % MSR, low revenue, agreement from 2024, 8,000 ≥ 5,000 assigned (425.605(h)):
    // 1,600,000 × ½ × 40 % × 98 % = 313,600; CMS paid 313,600 (GenSaveLoss printed 0, so the earned savings say "savings")
    expect(row(report, "X0003")).toMatchObject({ computedEarned: "313600.00", reportedEarned: "313600.00", outcome: "savings", status: "match" })
    expect(row(report, "X0003").explanation).toMatch(/consistent with 425.605\(h\)/)
    expect(row(report, "X0003").explanation).toMatch(/paid to the ACO \$0 = \$313600 − \$313600/)
    // X0004 alternative standard: 12,000 members → MSR 3.0 − 0.3 × 2,000/4,999 = 2.879976 %; 6,000,000 × 40 % × 70 % × 98 % = 1,646,400;
    // the 1,000,000 advance is repaid first, 646,400 is paid
    expect(row(report, "X0004")).toMatchObject({ computedEarned: "1646400.00", status: "match", paths: "savings alternative-quality aip-recoupment" })
    expect(row(report, "X0004").explanation).toMatch(/paid to the ACO \$646400 = \$1646400 − \$1000000/)
    // X0005 guardrail: on the printed benchmark 2 % over ≥ 1 % MLR → 2,000,000 × 40 % = 800,000 owed; CMS settled 0 under the guardrail
    expect(row(report, "X0005")).toMatchObject({ computedEarned: "-800000.00", reportedEarned: "0.00", gap: "guardrail" })
    // X0006 BASIC E: 1 % below a 2 % election: nothing shared
    expect(row(report, "X0006")).toMatchObject({ computedEarned: "0.00", status: "match" })
  })

  it.concurrent("says which rows test the MSR table: one-sided rows do, two-sided elections do not", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2024-synthetic.csv`)
    expect([report.summary.oneSidedRows, report.summary.oneSidedMsrMatches, report.summary.twoSidedFixedElection]).toEqual([3, 3, 3])
    const text = (await pbpsim("reconcile", `${FIXTURES}/py2024-synthetic.csv`, "--wide")).stdout
    expect(text).toContain("the ACO's own choice, used as printed: matching it tests nothing")
    expect(text).toMatch(/guardrail: 1 row, 0 reproduced to the dollar; 1 not reproducible/)
  })
})

describe("reconcile: PY2023 layout (% rates, BOM and CRLF)", () => {
  it.concurrent("reproduces every synthetic row and shows the PY2024-only paths as not in this layout", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2023-synthetic.csv`)
    expect(report.summary.layout.id).toBe("PY2023")
    expect(report.summary.layout.percentStyles).toEqual(["percent-sign"])
    expect(paths(report)).toEqual({
      savings: "2/2",
      losses: "1/1",
      none: "1/1",
      "reduced-shared-savings": "-",
      guardrail: "-",
      "alternative-quality": "1/1",
      "aip-recoupment": "-"
    })
    // Y0001 BASIC A at 5,000 members (MSR 3.9 %): 13,000,000 × 40 % × 98 % = 5,096,000 capped at 10 % × 50,000,000 = 5,000,000
    expect(row(report, "Y0001")).toMatchObject({ computedEarned: "5000000.00", computedMsr: "0.039000" })
    // Y0003 ENHANCED, alternative standard at 60 %: 8,000,000 × 45 % × 98 % = 3,528,000
    expect(row(report, "Y0003")).toMatchObject({ computedEarned: "3528000.00" })
  })

  it.concurrent("gives the same result for the file without its BOM and with LF line ends", { timeout: TIMEOUT }, async () => {
    const original = await readFile(join(ROOT, FIXTURES, "py2023-synthetic.csv"), "utf8")
    expect(original.startsWith("\uFEFF")).toBe(true)
    expect(original).toContain("\r\n")
    const dir = await mkdtemp(join(tmpdir(), "pbpsim-puf-"))
    const plain = join(dir, "py2023-lf.csv")
    await writeFile(plain, original.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n"))
    const [a, b] = await Promise.all([reconcileJson(`${FIXTURES}/py2023-synthetic.csv`), reconcileJson(plain)])
    expect(b.rows).toEqual(a.rows)
    expect(b.summary).toEqual(a.summary)
    // the quoted name with a comma stays one field
    expect(a.rows.map((r) => r.acoId)).toEqual(["Y0001", "Y0002", "Y0003", "Y0004"])
  })
})

describe("reconcile: PY2021–PY2022 layout (Met_QPS, no alternative standard, columns in another order)", () => {
  it.concurrent("settles failed quality as no savings and the ENHANCED maximum loss rate", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2022-synthetic.csv`)
    expect(report.summary.layout.id).toBe("PY2021–PY2022")
    expect(paths(report)).toMatchObject({ savings: "2/2", losses: "1/1", none: "0/0", "alternative-quality": "-" })
    // Z0001 BASIC E: 4,500,000 × 50 % × 98 % = 2,205,000
    expect(row(report, "Z0001").computedEarned).toBe("2205000.00")
    // Z0002 ENHANCED, quality failed: 5,000,000 × 75 % = 3,750,000 − 1,250,000 DisAdj = 2,500,000 owed
    expect(row(report, "Z0002").computedEarned).toBe("-2500000.00")
    // Z0003 BASIC A, quality failed: savings qualify (5 % ≥ 3.4 % at 7,000) but nothing is shared
    expect(row(report, "Z0003")).toMatchObject({ outcome: "savings", computedEarned: "0.00", status: "match" })
  })
})

describe("reconcile: PY2019–PY2020 layouts (track columns, quality-scaled rates, older tracks)", () => {
  it.concurrent("settles BASIC and Track 3 rows and leaves Tracks 1 and 2 unsettled with the reason", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2020-synthetic.csv`)
    expect(report.summary.layout.id).toBe("PY2019–PY2020")
    expect(report.summary.notSettled).toBe(2)
    expect(paths(report)).toMatchObject({ savings: "2/1 legacy-track×1", losses: "1/1", none: "1/0 legacy-track×1" })
    // W0001 BASIC B, 11,000 members → MSR 3.0 − 0.3 × 1,000/4,999 = 2.939988 %; 5,500,000 × 40 % × 92.5 % × 98 % = 1,994,300
    expect(row(report, "W0001")).toMatchObject({ track: "basic-b", computedEarned: "1994300.00", status: "match" })
    // W0003 Track 3 (= ENHANCED): 4,000,000 × 40 % = 1,600,000 − 400,000 = 1,200,000 owed, read from "(4,000,000)"-style cells
    expect(row(report, "W0003")).toMatchObject({ track: "enhanced", computedEarned: "-1200000.00", status: "match" })
    expect(row(report, "W0002")).toMatchObject({ track: "track-1", computedEarned: "", status: "not settled", gap: "legacy-track" })
  })

  it.concurrent("reads an all-lower-case PY2019 file and names the six-month period it cannot pro-rate", { timeout: TIMEOUT }, async () => {
    const report = await reconcileJson(`${FIXTURES}/py2019-synthetic.csv`)
    expect(report.summary.layout.id).toBe("PY2019")
    expect(paths(report)).toMatchObject({ savings: "3/1 legacy-track×1 six-month-period×1" })
    // V0001 Track 3, twelve months: 15,000,000 × 75 % × 95 % × 98 % = 10,473,750
    expect(row(report, "V0001")).toMatchObject({ computedEarned: "10473750.00", status: "match" })
    // V0003 Track 3, January–June: the year's 5,000,000 × 67.5 % × 98 % = 3,307,500; CMS printed half
    expect(row(report, "V0003")).toMatchObject({ computedEarned: "3307500.00", reportedEarned: "1653750.00", gap: "six-month-period" })
  })
})

describe("reconcile: files it cannot read", () => {
  it.concurrent("lists each missing column on its own line with the file name, and exits 1", { timeout: TIMEOUT }, async () => {
    const file = `${FIXTURES}/py2024-missing-columns.csv`
    const r = await pbpsim("reconcile", file)
    expectUserError(r)
    const lines = r.stderr.trim().split("\n")
    expect(lines[0]).toBe(
      `${file}: this is not an MSSP results file of the expected layout; missing columns below, one per line (layout: PY2024, recognised by Met_40pctl, Recvd40p, Met_SSP_quality_reporting_requirements, Report_eCQM_CQM_MedicareCQM, AIPRecoup, ReducedSS, Guardrail, PriorSavAdj)`
    )
    expect(lines.slice(1).map((l) => l.replace(/ \(.*$/, ""))).toEqual([
      `${file}: missing column N_AB`,
      `${file}: missing column MinSavPerc`,
      `${file}: missing column EarnSaveLoss`
    ])
  })

  it.concurrent("reports a row whose fields do not line up with the header, and a malformed cell, each with its line", { timeout: TIMEOUT }, async () => {
    const text = await readFile(join(ROOT, FIXTURES, "py2024-synthetic.csv"), "utf8")
    const [header, ...rows] = text.trimEnd().split("\n")
    const broken = [header, rows[0]!.replace("Synthetic One-Sided ACO", "Synthetic, One-Sided ACO"), rows[1]!.replace(",-4,2,", ",minus four,2,"), ...rows.slice(2)]
    const dir = await mkdtemp(join(tmpdir(), "pbpsim-puf-"))
    const file = join(dir, "broken.csv")
    await writeFile(file, `${broken.join("\n")}\n`)
    const r = await pbpsim("reconcile", file)
    expectUserError(r)
    // the header has no quoted commas: its fields are its commas + 1; the name with a comma adds one
    const fields = header!.split(",").length
    expect(r.stderr).toContain(`${file}: line 2: ${fields + 1} fields but the header has ${fields}`)
    // the shape is checked before any row is settled, so the bad cell on line 3 is reported on a second run
    const fixed = [header, rows[0], rows[1]!.replace(",-4,2,", ",minus four,2,"), ...rows.slice(2)]
    await writeFile(file, `${fixed.join("\n")}\n`)
    const again = await pbpsim("reconcile", file)
    expectUserError(again)
    expect(again.stderr.trim()).toBe(`${file}: line 3: mssp.puf: Sav_rate of ACO X0002 is not a percentage ("9.09%" or 9.09): "minus four"`)
  })
})
