import type { ComparisonView } from "../comparisonView.js"
import type { MarketView } from "../marketView.js"
import type { SensitivityView } from "../sensitivity.js"
import type { SimulationView } from "../simulationView.js"
import { comparisonSection } from "./comparison.js"
import { escapeHtml } from "./escape.js"
import { glanceSection } from "./glance.js"
import { marketSection } from "./market.js"
import { count } from "./numbers.js"
import { policySection } from "./policy.js"
import { simulationSection } from "./simulation.js"
import { tornadoSection } from "./tornado.js"
import { summarySection, type ScenarioSummary } from "./summary.js"

/**
 * The HTML report: one self-contained file. Styles are inline, charts are SVG drawn at build
 * time, there is no script, and the Content-Security-Policy forbids every fetch, so the file
 * shows the same thing offline, from an e-mail attachment or a document archive.
 */
export interface ReportInput {
  readonly summary: ScenarioSummary
  readonly comparison: ComparisonView
  readonly simulation?: SimulationView
  /** The first policy's sensitivity (pbpsim sensitivity's result), drawn as a tornado chart. */
  readonly sensitivity?: SensitivityView
  /** The market run of the same policies (`report --market`): participation, payer cost, convergence. */
  readonly market?: MarketView
}

export const STYLE = `
:root { color-scheme: light; --ink: #1d2530; --muted: #5b6470; --rule: #d5dae1; --band: #f4f6f9; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
header.report, main, footer.report { max-width: 1360px; margin: 0 auto; padding: 0 24px; }
header.report { padding-top: 28px; border-bottom: 3px solid var(--accent); }
header.report h1 { margin: 0 0 4px; font-size: 26px; }
header.report p { margin: 0 0 14px; color: var(--muted); }
nav.toc { margin: 10px 0 16px; font-size: 14px; }
nav.toc a { margin-right: 14px; color: var(--accent); }
h2 { font-size: 21px; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid var(--rule); }
h3 { font-size: 17px; margin: 26px 0 8px; }
h4 { font-size: 15px; margin: 20px 0 6px; }
.lede { margin: 4px 0 10px; }
.terms, .note { color: var(--muted); font-size: 14px; margin: 4px 0 12px; }
.policy-name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.95em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0 12px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
code.hash { word-break: break-all; }
/* Charts one under the other, each the full width of the text column; a narrower screen scrolls the drawing inside its box. */
.charts { display: flex; flex-direction: column; gap: 18px; margin: 12px 0 16px; }
figure.chart { width: 100%; min-width: 0; margin: 0; padding: 10px; border: 1px solid var(--rule); border-radius: 6px; background: #fff; }
figure.chart .chart-svg { overflow-x: auto; }
figure.chart .chart-svg svg { display: block; }
figure.chart figcaption { font-size: 14px; color: var(--muted); margin-top: 6px; }
figure.chart details { margin-top: 6px; font-size: 14px; }
.chart-empty { padding: 12px 4px; }
.chart-empty .chart-title { margin: 0 0 6px; font-weight: 600; font-size: 16px; }
.chart-empty .chart-empty-note { margin: 0; color: var(--muted); font-style: italic; }
p.best { font-size: 16px; margin: 8px 0 12px; padding: 10px 14px; background: var(--band); border-left: 4px solid var(--accent); }
dl.definitions { font-size: 14px; }
details > summary { cursor: pointer; color: var(--accent); }
.table-scroll { overflow-x: auto; margin: 10px 0 18px; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { padding: 4px 9px; border-bottom: 1px solid var(--rule); white-space: nowrap; }
thead th { background: var(--band); border-bottom: 2px solid #aab3bf; vertical-align: bottom; white-space: normal; }
tfoot th, tfoot td { font-weight: 600; border-top: 2px solid #aab3bf; }
.right { text-align: right; }
.left { text-align: left; }
tbody tr:nth-child(even) { background: #fafbfc; }
footer.report { margin-top: 40px; padding-top: 12px; padding-bottom: 30px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 13px; }
@media print { .charts { break-inside: avoid; } details { display: block; } h2 { break-before: page; } }
`

/** No script, no fetch of any kind: inline styles and inline SVG are all the file needs. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

export const reportDocument = async (input: ReportInput): Promise<string> => {
  const { summary, comparison, simulation } = input
  const glance = await glanceSection(comparison)
  const policies: Array<string> = []
  for (const [i, p] of comparison.policies.entries()) policies.push(await policySection(p, i))
  const compared = await comparisonSection(comparison)
  const simulated = simulation ? await simulationSection(simulation) : ""
  const tornado = input.sensitivity ? await tornadoSection(input.sensitivity) : ""
  const market = input.market ? await marketSection(input.market) : ""
  const toc = [
    ...(glance ? [`<a href="#glance">At a glance</a>`] : []),
    `<a href="#summary">Scenario</a>`,
    ...(compared ? [`<a href="#comparison">Policies compared</a>`] : []),
    ...(tornado ? [`<a href="#sensitivity">Sensitivity</a>`] : []),
    ...(market ? [`<a href="#market">Market</a>`] : []),
    ...comparison.policies.map((p, i) => `<a href="#policy-${i}">${escapeHtml(p.name)}</a>`),
    ...(simulated ? [`<a href="#simulation">Simulation</a>`] : [])
  ]
  return [
    ...pageHead(`${summary.name} — pbpsim report`, comparison.engine),
    `<body>`,
    `<header class="report">`,
    `<h1>${escapeHtml(summary.name)}</h1>`,
    `<p>Contract simulation report: provider ${escapeHtml(summary.provider.name)}, ${comparison.policies.length} polic${comparison.policies.length === 1 ? "y" : "ies"}${simulation ? `, ${count(simulation.trials)} simulated trials` : ""}.</p>`,
    `<nav class="toc" aria-label="Contents">${toc.join("")}</nav>`,
    `</header>`,
    `<main>`,
    glance,
    summarySection(summary, comparison, simulation),
    compared,
    tornado,
    market,
    ...policies,
    simulated,
    `</main>`,
    `<footer class="report">Generated by ${escapeHtml(comparison.engine.name)} ${escapeHtml(comparison.engine.version)} from <code>${escapeHtml(comparison.scenario.file)}</code> (SHA-256 <code class="hash">${escapeHtml(comparison.scenario.sha256)}</code>). How to read this report: docs/report.md in the pbpsim repository.</footer>`,
    `</body>`,
    `</html>`,
    ``
  ].join("\n")
}

/** The head of a pbpsim page: charset, its Content-Security-Policy (default: no script, no fetch), the engine, the title and its styles (default: the report's). */
export const pageHead = (
  title: string,
  engine: { readonly name: string; readonly version: string },
  page: { readonly securityPolicy: string; readonly style: string } = { securityPolicy: CONTENT_SECURITY_POLICY, style: STYLE }
): ReadonlyArray<string> => [
  `<!DOCTYPE html>`,
  `<html lang="en">`,
  `<head>`,
  `<meta charset="utf-8">`,
  `<meta http-equiv="Content-Security-Policy" content="${page.securityPolicy}">`,
  `<meta name="viewport" content="width=device-width, initial-scale=1">`,
  `<meta name="generator" content="${escapeHtml(`${engine.name} ${engine.version}`)}">`,
  `<title>${escapeHtml(title)}</title>`,
  `<style>${page.style}</style>`,
  `</head>`
]
