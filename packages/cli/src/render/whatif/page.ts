import type { PlainPolicyRun } from "@pbpsim/simulator"
import { pageHead } from "../html/document.js"

const entities: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }
/** Text from the scenario file shown as text, never as markup. */
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c]!)

/**
 * The what-if page (`pbpsim whatif`, docs/whatif.md): one self-contained HTML file that carries
 * the engine (scripts/build.mjs bundles packages/simulator/src/browser.ts for the browser), the
 * page's script (ui.js beside this file) and the scenario (its text and its experience CSV's),
 * all inline. Its Content-Security-Policy allows inline script and style and forbids every fetch.
 */
export interface WhatIfPageInput {
  /** The scenario file's name as the page shows it and resolves its CSV paths against. */
  readonly file: string
  readonly name: string
  readonly description: string
  /** The scenario file's text and each experience CSV's text, keyed by the path the decoder asks for. */
  readonly text: string
  readonly csv: Readonly<Record<string, string>>
  readonly engine: { readonly name: string; readonly version: string }
  readonly sha256: string
  /** What `compare --format json` prints for the scenario's policies: the page checks its own engine against it. */
  readonly expected: ReadonlyArray<PlainPolicyRun>
  /** The engine bundle (defines the global PbpsimEngine) and the page's script. */
  readonly engineScript: string
  readonly uiScript: string
}

/** Scripts may go inside <script> as they are only without a closing tag or comment opener in them. */
const inlineScript = (code: string, what: string): string => {
  if (/<\/script|<!--/i.test(code)) throw new Error(`${what} contains "</script" or "<!--" and cannot be inlined`)
  return code
}

/** JSON inside <script type="application/json">: `<` escaped so no text can close the element. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029")

const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

const STYLE = `
:root { color-scheme: light; --ink: #1d2530; --muted: #5b6470; --rule: #d5dae1; --band: #f4f6f9; --accent: #1f4e79; --bad: #b00020; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
header.page { padding: 18px 24px 10px; border-bottom: 3px solid var(--accent); }
header.page h1 { margin: 0 0 4px; font-size: 22px; }
header.page p { margin: 0 0 6px; color: var(--muted); max-width: 1100px; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; padding: 10px 24px; background: var(--band); border-bottom: 1px solid var(--rule); position: sticky; top: 0; z-index: 2; }
.toolbar label { font-weight: 600; }
button { font: inherit; padding: 4px 12px; border: 1px solid var(--accent); border-radius: 4px; background: #fff; color: var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
button:disabled { opacity: 0.45; cursor: not-allowed; }
#timing { font-variant-numeric: tabular-nums; color: var(--muted); }
.layout { display: grid; grid-template-columns: minmax(320px, 380px) 1fr; gap: 0; }
#controls { padding: 10px 16px 40px 24px; border-right: 1px solid var(--rule); }
#results { padding: 10px 24px 40px; min-width: 0; }
fieldset { border: 1px solid var(--rule); border-radius: 6px; margin: 0 0 12px; padding: 6px 10px 8px; }
legend { font-weight: 600; padding: 0 4px; }
.control { margin: 5px 0; }
.control label { font-size: 13px; }
.control .inputs { display: grid; grid-template-columns: 1fr 7.5em 4.5em; gap: 6px; align-items: center; }
.control input[type=range] { width: 100%; margin: 0; }
.control input[type=text] { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 2px 4px; border: 1px solid #aab3bf; border-radius: 3px; width: 100%; }
.control input[aria-invalid=true] { border-color: var(--bad); background: #fff0f2; }
.control .pct { font-size: 12px; color: var(--muted); }
.control.edited label::after { content: " •"; color: var(--accent); }
.entry h4 { margin: 8px 0 2px; font-size: 13px; }
.note { color: var(--muted); font-size: 12px; margin: 4px 0; }
#issues { border: 2px solid var(--bad); border-radius: 6px; padding: 6px 12px; margin: 8px 0 12px; color: var(--bad); background: #fff7f8; }
#issues code { font-weight: 600; }
#selfcheck { font-size: 12px; color: var(--muted); margin: 6px 0; }
#selfcheck[data-ok=false] { color: var(--bad); font-weight: 600; }
#charts { display: flex; flex-wrap: wrap; gap: 14px; }
figure.chart { margin: 0; padding: 8px; border: 1px solid var(--rule); border-radius: 6px; }
figure.chart svg { display: block; }
.chart-title { font-weight: 600; font-size: 14px; fill: var(--ink); }
.tick { font-size: 11px; fill: var(--muted); font-variant-numeric: tabular-nums; }
.axis-title { font-size: 12px; fill: var(--ink); }
.grid { stroke: #e6e9ee; }
.grid.zero { stroke: #8a94a3; }
ul.legend { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 12px; max-width: 440px; }
.swatch { display: inline-block; width: 14px; height: 4px; margin: 0 5px 3px 0; background: var(--c); vertical-align: middle; }
.swatch.dashed { background: repeating-linear-gradient(90deg, var(--c) 0 5px, transparent 5px 8px); }
.table-scroll { overflow-x: auto; margin: 14px 0; }
table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--rule); white-space: nowrap; text-align: left; }
thead th { background: var(--band); border-bottom: 2px solid #aab3bf; }
.right { text-align: right; }
tr.what-if th, tr.what-if td { background: #fff3f1; font-weight: 600; }
details { margin: 10px 0; }
details > summary { cursor: pointer; color: var(--accent); }
pre { font-size: 12px; background: var(--band); padding: 8px; overflow-x: auto; }
footer.page { padding: 12px 24px 30px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } #controls { border-right: 0; } }
`

export const whatIfPage = (input: WhatIfPageInput): string => {
  const data = {
    file: input.file,
    text: input.text,
    csv: input.csv,
    engine: input.engine,
    sha256: input.sha256,
    expected: input.expected
  }
  return [
    ...pageHead(`${input.name} — pbpsim what-if`, input.engine, { securityPolicy: CONTENT_SECURITY_POLICY, style: STYLE }),
    `<body>`,
    `<header class="page">`,
    `<h1>What if? ${escapeHtml(input.name)}</h1>`,
    input.description ? `<p>${escapeHtml(input.description)}</p>` : "",
    `<p>Move a control: the page recomputes the contract with pbpsim's own engine (exact decimals, the same code as <code>pbpsim compare</code>) and draws the edited policy, <strong>what-if</strong>, beside the scenario's own policies. Nothing is sent anywhere: the page needs no network.</p>`,
    `<noscript><p><strong>This page needs JavaScript to compute; for a static report use <code>pbpsim report</code>.</strong></p></noscript>`,
    `</header>`,
    `<div class="toolbar">`,
    `<label for="policy">Start from policy</label> <select id="policy"></select>`,
    `<button type="button" id="reset">Reset</button>`,
    `<button type="button" id="save" class="primary">Save as scenario (YAML)</button>`,
    `<label><input type="checkbox" id="incentive"> incentive power (slower)</label>`,
    `<span id="timing" aria-live="polite"></span>`,
    `</div>`,
    `<div class="layout">`,
    `<aside id="controls" aria-label="Contract terms of the what-if"></aside>`,
    `<main id="results">`,
    `<div id="issues" role="alert" hidden></div>`,
    `<p id="saved" class="note" aria-live="polite"></p>`,
    `<div id="charts"></div>`,
    `<div class="table-scroll"><table id="totals"></table></div>`,
    `<div class="table-scroll"><table id="years"></table></div>`,
    `<details><summary>The what-if as a policy overlay (what "Save as scenario" adds)</summary><pre id="patch"></pre></details>`,
    `<p id="selfcheck"></p>`,
    `</main>`,
    `</div>`,
    `<footer class="page">Generated by ${escapeHtml(input.engine.name)} ${escapeHtml(input.engine.version)} from <code>${escapeHtml(input.file)}</code> (SHA-256 <code>${escapeHtml(input.sha256)}</code>). Incentive power is left out unless ticked: it re-runs the contract once per year. How to use this page: docs/whatif.md in the pbpsim repository.</footer>`,
    `<script type="application/json" id="whatif-input">${inlineJson(data)}</script>`,
    `<script>${inlineScript(input.engineScript, "the engine bundle")}</script>`,
    `<script>${inlineScript(input.uiScript, "the page script")}</script>`,
    `</body>`,
    `</html>`,
    ``
  ].join("\n")
}
