// The what-if page's controls, charts and tables (`pbpsim whatif`, docs/whatif.md). Plain browser
// JavaScript, bundled by scripts/build.mjs into dist/bundle/whatif-ui.js and inlined into the page
// after the engine (the global PbpsimEngine, packages/simulator/src/browser.ts). It computes
// nothing itself: every figure is a string the engine returns (toPlainRun, as
// `pbpsim compare --format json` prints it); charts plot those strings read as numbers.
;(() => {
  "use strict"
  const Engine = globalThis.PbpsimEngine
  const input = JSON.parse(document.getElementById("whatif-input").textContent)
  const $ = (id) => document.getElementById(id)
  const WHAT_IF = "what-if"
  const COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
  const WHAT_IF_COLOR = "#d62728"

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v === undefined || v === null || v === false) continue
      if (k === "class") node.className = v
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v)
      else node.setAttribute(k, v === true ? "" : String(v))
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c))
    return node
  }
  const SVG = "http://www.w3.org/2000/svg"
  const svg = (tag, attrs, ...children) => {
    const node = document.createElementNS(SVG, tag)
    for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v))
    for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : document.createTextNode(String(c)))
    return node
  }

  // ------------------------------------------------------------------ engine
  const opened = Engine.open({ file: input.file, text: input.text, csv: input.csv })
  if (!opened.ok) {
    $("issues").replaceChildren(el("p", {}, "The scenario did not load in the page:"), el("ul", {}, opened.issues.map((i) => el("li", {}, el("code", {}, i.path), " ", i.message))))
    return
  }
  const session = opened.session
  const state = { policy: session.policies[0], controls: undefined, edits: new Map(), incentive: false, last: undefined, patch: {} }

  // Self-check: the page's engine against the CLI's own figures for the scenario's policies, embedded when the page was written.
  const stripIncentive = (run) => ({ ...run, years: run.years.map(({ incentivePower, incentiveCliffs, ...y }) => y) })
  const selfCheck = () => {
    const runs = session.runs(false)
    const ok = input.expected.every((expected, i) => runs[i].ok && JSON.stringify(stripIncentive(expected)) === JSON.stringify(stripIncentive(plainOf(runs[i].run))))
    $("selfcheck").textContent = ok
      ? "✓ The page's engine reproduces the figures pbpsim " + input.engine.version + " printed for the scenario's " + runs.length + " polic" + (runs.length === 1 ? "y" : "ies") + " when this page was written."
      : "✗ The page's engine does not reproduce pbpsim's figures for this scenario: please report it."
    $("selfcheck").dataset.ok = String(ok)
  }
  const plainOf = (run) => {
    const { payerCost, payerCostTotal, ...plain } = run
    return plain
  }

  // ------------------------------------------------------------------ controls
  const fmt = (text) => {
    const n = Number(text)
    return Number.isFinite(n) ? n : 0
  }
  const percent = (text) => {
    const n = Number(text)
    return Number.isFinite(n) ? (Math.round(n * 100000) / 1000).toString() + " %" : "—"
  }

  /**
   * A rate or weight: a slider for quick moves and a text field for exact values (any text: the
   * engine checks it and the page shows what is wrong). `key` names the edit; `path` is the
   * scenario field it writes, to flag the control when that field has a problem.
   */
  const numberControl = ({ key, label, value, min, max, step, path, year, control }) => {
    const id = "c-" + key.replace(/[^a-z0-9]+/gi, "-")
    const current = state.edits.has(key) ? state.edits.get(key) : value
    const range = el("input", { type: "range", id: id + "-range", min, max, step, value: fmt(current), "aria-label": label + " (slider)", "data-control": control, "data-year": year, "data-kind": "range" })
    const text = el("input", { type: "text", id, value: current, inputmode: "decimal", size: 9, "aria-describedby": id + "-pct", "data-control": control, "data-year": year, "data-kind": "text", "data-path": path })
    const pct = el("span", { class: "pct", id: id + "-pct" }, percent(current))
    range.addEventListener("input", () => {
      const v = Number(range.value)
      const shown = String(Math.round(v * 1e6) / 1e6)
      text.value = shown
      pct.textContent = percent(shown)
      edit(key, shown)
    })
    text.addEventListener("input", () => {
      if (Number.isFinite(Number(text.value)) && text.value.trim() !== "") range.value = String(Number(text.value))
      pct.textContent = percent(text.value)
      edit(key, text.value.trim())
    })
    return el("div", { class: "control" + (state.edits.has(key) ? " edited" : "") }, el("label", { for: id }, label), el("div", { class: "inputs" }, range, text, pct))
  }

  const selectControl = ({ key, label, value, options, control }) => {
    const current = state.edits.has(key) ? state.edits.get(key) : value
    const id = "c-" + key
    const select = el("select", { id, "data-control": control }, options.map(([v, text]) => el("option", { value: v, selected: v === current }, text)))
    select.addEventListener("change", () => {
      edit(key, select.value)
      renderControls()
    })
    return el("div", { class: "control" }, el("label", { for: id }, label), select)
  }

  const note = (text) => el("p", { class: "note" }, text)

  const rateControl = (key, label, rate, path, control, opts = {}) => {
    if (rate.kind === "rate" || (rate.kind === "variable" && opts.variable)) {
      const parts = []
      if (rate.kind === "variable" || state.edits.has(key + ".form")) {
        parts.push(selectControl({ key: key + ".form", label: label + ": form", value: rate.kind === "variable" ? "variable" : "fixed", options: [["variable", "MSSP variable table"], ["fixed", "fixed rate"]], control: control + "-form" }))
      }
      const form = state.edits.get(key + ".form") ?? (rate.kind === "variable" ? "variable" : "fixed")
      if (form === "fixed") parts.push(numberControl({ key, label, value: rate.kind === "rate" ? rate.rate : "0.02", min: 0, max: opts.max ?? 1, step: opts.step ?? 0.005, path, control }))
      return parts
    }
    if (rate.kind === "none") return opts.none ? [note(label + ": " + opts.none)] : []
    if (rate.kind === "variable") return [note(label + ": MSSP's variable table")]
    return [note(label + ": " + rate.describe + " (edit in the scenario file)")]
  }

  const renderControls = () => {
    const c = state.controls
    const years = Array.from({ length: c.years }, (_, i) => i)
    const yearOf = (i) => c.startYear + i
    const sections = []

    sections.push(
      el(
        "fieldset",
        { id: "controls-glide" },
        el("legend", {}, "Provider weight λ by year (glide path)"),
        c.weightsBySide ? note("A peer weight by side is in force every year: λ has no effect.") : null,
        c.schedule.some((e) => e.ownWeight) ? note("Schedule entries that set λ override these years (see Terms by year).") : null,
        years.map((i) =>
          numberControl({ key: "w:" + i, label: "Year " + (i + 1) + " (" + yearOf(i) + ")", value: c.providerWeights[i], min: 0, max: 1, step: 0.01, path: "benchmark.glidePath.providerWeights[" + i + "]", year: i + 1, control: "providerWeight" })
        )
      )
    )

    const trend = [el("legend", {}, "Benchmark trend")]
    if (c.trend.kind === "fixed") trend.push(numberControl({ key: "trend", label: "Rate per year", value: c.trend.rate, min: -0.05, max: 0.15, step: 0.0025, path: "benchmark.trend.rate", control: "trendRate" }))
    else if (c.trend.kind === "schedule")
      trend.push(c.trend.rates.map((r) => numberControl({ key: "trend:" + r.year, label: "Rate " + r.year, value: r.rate, min: -0.05, max: 0.15, step: 0.0025, path: "benchmark.trend.rates." + r.year, year: r.year, control: "trendRate" })))
    else trend.push(note("A " + c.trend.describe + ": edit it in the scenario file."))
    if (c.trendIsHistorical && c.trend.kind !== "other") trend.push(note("No historicalTrend: this trend also brings the baseline years forward."))
    sections.push(el("fieldset", { id: "controls-trend" }, trend))

    const kind = state.edits.get("rebasing.kind") ?? c.rebasing.kind
    sections.push(
      el(
        "fieldset",
        { id: "controls-rebasing" },
        el("legend", {}, "Rebasing"),
        selectControl({ key: "rebasing.kind", label: "Policy", value: c.rebasing.kind, control: "rebasingKind", options: [["none", "none (trending)"], ["annual", "annual"], ["periodic", "periodic"], ["rolling", "rolling"], ["partial", "partial"]] }),
        kind === "periodic" ? numberControl({ key: "rebasing.every", label: "Every (years)", value: String(c.rebasing.every), min: 1, max: c.years, step: 1, path: "benchmark.rebasing.every", control: "rebasingEvery" }) : null,
        kind === "periodic" || kind === "rolling" ? textControl({ key: "rebasing.weights", label: "Weights of the latest years (oldest first)", value: c.rebasing.weights, path: "benchmark.rebasing.weights", control: "rebasingWeights" }) : null,
        kind === "partial" ? numberControl({ key: "rebasing.alpha", label: "Alpha (weight of the last year)", value: c.rebasing.alpha, min: 0, max: 1, step: 0.05, path: "benchmark.rebasing.alpha", control: "rebasingAlpha" }) : null
      )
    )

    sections.push(
      el(
        "fieldset",
        { id: "controls-settlement" },
        el("legend", {}, "Corridor and sharing (base terms)"),
        c.schedule.length > 0 ? note("Schedule entries replace these from their year on (see Terms by year).") : null,
        rateControl("msr", "Minimum savings rate (MSR)", c.msr, "settlement.msr.fixed", "msr", { variable: true, max: 0.1, step: 0.0025 }),
        rateControl("mlr", "Minimum loss rate (MLR)", c.mlr, "settlement.mlr.fixed", "mlr", { variable: true, max: 0.1, step: 0.0025, none: "one-sided (no losses shared)" }),
        rateControl("savingsRate", "Savings sharing rate", c.savingsRate, "settlement.savingsRate", "savingsRate"),
        rateControl("lossRate", "Loss sharing rate", c.lossRate, "settlement.lossRate", "lossRate")
      )
    )

    sections.push(
      el(
        "fieldset",
        { id: "controls-savings" },
        el("legend", {}, "Savings plan of " + c.provider + " (below its counterfactual)"),
        years.map((i) =>
          numberControl({ key: "s:" + i, label: "Year " + (i + 1) + " (" + yearOf(i) + ")", value: c.savings[i], min: -0.1, max: 0.2, step: 0.0025, path: "projection.entities." + c.provider + ".savings[" + i + "]", year: i + 1, control: "savings" })
        )
      )
    )

    const capped = state.edits.has("capUp.none") ? state.edits.get("capUp.none") === "capped" : c.capUp !== null
    sections.push(
      el(
        "fieldset",
        { id: "controls-risk" },
        el("legend", {}, "Risk adjustment"),
        selectControl({ key: "capUp.none", label: "Upward risk cap", value: c.capUp === null ? "none" : "capped", control: "capUpForm", options: [["none", "no cap"], ["capped", "capped"]] }),
        capped ? numberControl({ key: "capUp", label: "capUp (ratio ≤ 1 + capUp)", value: c.capUp ?? "0.03", min: 0, max: 0.2, step: 0.005, path: "benchmark.risk.capUp", control: "capUp" }) : null
      )
    )

    if (c.schedule.length > 0) {
      sections.push(
        el(
          "fieldset",
          { id: "controls-schedule" },
          el("legend", {}, "Terms by year (schedule)"),
          c.schedule.map((e) =>
            el(
              "div",
              { class: "entry", "data-entry": e.index },
              el("h4", {}, "From year " + e.fromYear + " (" + yearOf(e.fromYear - 1) + "): " + e.name),
              numberControl({ key: "e" + e.index + ":w", label: "Provider weight λ", value: e.providerWeight, min: 0, max: 1, step: 0.01, path: "schedule[" + e.index + "].benchmark.providerWeight", year: e.fromYear, control: "scheduleWeight" }),
              rateControl("e" + e.index + ":msr", "MSR", e.msr, "schedule[" + e.index + "].settlement.msr.fixed", "scheduleMsr", { variable: true, max: 0.1, step: 0.0025 }),
              rateControl("e" + e.index + ":mlr", "MLR", e.mlr, "schedule[" + e.index + "].settlement.mlr.fixed", "scheduleMlr", { variable: true, max: 0.1, step: 0.0025, none: "one-sided" }),
              rateControl("e" + e.index + ":savingsRate", "Savings sharing rate", e.savingsRate, "schedule[" + e.index + "].settlement.savingsRate", "scheduleSavingsRate"),
              rateControl("e" + e.index + ":lossRate", "Loss sharing rate", e.lossRate, "schedule[" + e.index + "].settlement.lossRate", "scheduleLossRate")
            )
          )
        )
      )
    }
    $("controls").replaceChildren(...sections)
  }

  const textControl = ({ key, label, value, path, control }) => {
    const id = "c-" + key.replace(/[^a-z0-9]+/gi, "-")
    const text = el("input", { type: "text", id, value: state.edits.get(key) ?? value, size: 22, "data-control": control, "data-kind": "text", "data-path": path })
    text.addEventListener("input", () => edit(key, text.value))
    return el("div", { class: "control" }, el("label", { for: id }, label), text)
  }

  // ------------------------------------------------------------------ the patch
  const setIn = (target, path, value) => {
    let at = target
    for (const key of path.slice(0, -1)) at = at[key] ??= {}
    at[path[path.length - 1]] = value
  }
  const rateValue = (key) => (state.edits.get(key + ".form") === "variable" ? "mssp-variable" : { fixed: state.edits.get(key) ?? "0.02" })
  const corridorEdited = (key) => state.edits.has(key) || state.edits.has(key + ".form")

  /** The edits as an overlay on the base policy: only what was touched, each field whole. */
  const buildPatch = () => {
    const c = state.controls
    const e = state.edits
    const patch = {}
    const years = Array.from({ length: c.years }, (_, i) => i)
    if (years.some((i) => e.has("w:" + i))) setIn(patch, ["benchmark", "glidePath"], { providerWeights: years.map((i) => e.get("w:" + i) ?? c.providerWeights[i]) })
    if (c.trend.kind === "fixed" && e.has("trend")) setIn(patch, ["benchmark", "trend"], { kind: "fixed", rate: e.get("trend") })
    if (c.trend.kind === "schedule" && c.trend.rates.some((r) => e.has("trend:" + r.year)))
      setIn(patch, ["benchmark", "trend"], { kind: "schedule", rates: Object.fromEntries(c.trend.rates.map((r) => [r.year, e.get("trend:" + r.year) ?? r.rate])) })
    if (["rebasing.kind", "rebasing.every", "rebasing.weights", "rebasing.alpha"].some((k) => e.has(k))) {
      const kind = e.get("rebasing.kind") ?? c.rebasing.kind
      const weights = (e.get("rebasing.weights") ?? c.rebasing.weights).split(",").map((w) => w.trim()).filter((w) => w !== "")
      const every = e.get("rebasing.every") ?? String(c.rebasing.every)
      const rebasing =
        kind === "periodic" ? { kind, every: /^\d+$/.test(every) ? Number(every) : every, weights } : kind === "rolling" ? { kind, weights } : kind === "partial" ? { kind, alpha: e.get("rebasing.alpha") ?? c.rebasing.alpha } : { kind }
      setIn(patch, ["benchmark", "rebasing"], rebasing)
    }
    if (corridorEdited("msr")) setIn(patch, ["settlement", "msr"], rateValue("msr"))
    if (corridorEdited("mlr")) setIn(patch, ["settlement", "mlr"], rateValue("mlr"))
    if (e.has("savingsRate")) setIn(patch, ["settlement", "savingsRate"], e.get("savingsRate"))
    if (e.has("lossRate")) setIn(patch, ["settlement", "lossRate"], e.get("lossRate"))
    if (years.some((i) => e.has("s:" + i))) setIn(patch, ["projection", "entities", c.provider, "savings"], years.map((i) => e.get("s:" + i) ?? c.savings[i]))
    if (e.has("capUp.none") || e.has("capUp")) {
      const capped = e.has("capUp.none") ? e.get("capUp.none") === "capped" : c.capUp !== null
      setIn(patch, ["benchmark", "risk", "capUp"], capped ? (e.get("capUp") ?? c.capUp ?? "0.03") : null)
    }
    const entryKeys = (i) => ["e" + i + ":w", "e" + i + ":msr", "e" + i + ":msr.form", "e" + i + ":mlr", "e" + i + ":mlr.form", "e" + i + ":savingsRate", "e" + i + ":lossRate"]
    if (c.schedule.some((s) => entryKeys(s.index).some((k) => e.has(k)))) {
      patch.schedule = c.rawSchedule.map((raw, i) => {
        const entry = JSON.parse(JSON.stringify(raw))
        const p = "e" + i + ":"
        if (e.has(p + "w")) setIn(entry, ["benchmark", "providerWeight"], e.get(p + "w"))
        if (corridorEdited(p + "msr")) setIn(entry, ["settlement", "msr"], rateValue(p + "msr"))
        if (corridorEdited(p + "mlr")) setIn(entry, ["settlement", "mlr"], rateValue(p + "mlr"))
        if (e.has(p + "savingsRate")) setIn(entry, ["settlement", "savingsRate"], e.get(p + "savingsRate"))
        if (e.has(p + "lossRate")) setIn(entry, ["settlement", "lossRate"], e.get(p + "lossRate"))
        return entry
      })
    }
    return patch
  }

  // ------------------------------------------------------------------ recompute
  const edit = (key, value) => {
    state.edits.set(key, value)
    recompute()
  }

  const recompute = () => {
    const t0 = performance.now()
    const patch = buildPatch()
    state.patch = patch
    const result = session.run(state.policy, patch, state.incentive)
    const t1 = performance.now()
    state.last = result
    showIssues(result.ok ? [] : result.issues)
    render()
    const t2 = performance.now()
    const ms = t2 - t0
    const timing = $("timing")
    timing.dataset.ms = ms.toFixed(2)
    timing.dataset.engineMs = (t1 - t0).toFixed(2)
    timing.textContent = "Recomputed in " + ms.toFixed(1) + " ms (engine " + (t1 - t0).toFixed(1) + " ms, drawing " + (t2 - t1).toFixed(1) + " ms)" + (state.incentive ? ", with incentive power" : ", without incentive power")
    $("save").disabled = !result.ok
    $("patch").textContent = JSON.stringify(session.overlay(state.policy, patch), null, 2)
  }

  const showIssues = (issues) => {
    const box = $("issues")
    for (const input of document.querySelectorAll("#controls [data-path]")) input.removeAttribute("aria-invalid")
    if (issues.length === 0) {
      box.replaceChildren()
      box.hidden = true
      return
    }
    box.hidden = false
    for (const issue of issues) {
      for (const input of document.querySelectorAll("#controls [data-path]")) {
        const path = input.dataset.path
        if (issue.path === path || issue.path.startsWith(path + ".") || issue.path.startsWith(path + "[") || path.startsWith(issue.path + ".") || path.startsWith(issue.path + "[")) input.setAttribute("aria-invalid", "true")
      }
    }
    box.replaceChildren(
      el("p", {}, "The what-if cannot be computed: fix the field" + (issues.length === 1 ? "" : "s") + " below."),
      el("ul", {}, issues.map((i) => el("li", { "data-path": i.path }, el("code", {}, i.path || "(scenario)"), ": ", i.message)))
    )
  }

  // ------------------------------------------------------------------ charts and tables
  /** Every run shown: the scenario's policies, then the what-if (when it computed). */
  const shownRuns = () => {
    const runs = session.runs(state.incentive).map((r, i) => ({ name: session.policies[i], run: r.ok ? r.run : undefined, color: COLORS[i % COLORS.length], whatIf: false }))
    if (state.last?.ok) runs.push({ name: WHAT_IF, label: "what-if (from " + state.policy + ")", run: state.last.run, color: WHAT_IF_COLOR, whatIf: true })
    return runs.filter((r) => r.run !== undefined)
  }

  const niceTicks = (min, max, count = 5) => {
    if (min === max) {
      min -= 1
      max += 1
    }
    const span = max - min
    const step0 = span / count
    const mag = Math.pow(10, Math.floor(Math.log10(step0)))
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag
    const ticks = []
    for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step)
    if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step)
    return ticks
  }
  const compact = (v) => {
    const a = Math.abs(v)
    if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + "B"
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + "M"
    if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + "k"
    return String(Math.round(v * 100) / 100)
  }

  /** A chart over contract years: lines (`kind: "line"`, optionally dashed) or grouped bars. */
  const chart = ({ id, title, yTitle, years, series, kind, zero }) => {
    const W = 440
    const H = 270
    const m = { l: 70, r: 16, t: 34, b: 46 }
    const values = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v))
    let lo = Math.min(...values)
    let hi = Math.max(...values)
    if (zero || kind === "bar") {
      lo = Math.min(0, lo)
      hi = Math.max(0, hi)
    } else {
      const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.02 || 1
      lo -= pad
      hi += pad
    }
    const ticks = niceTicks(lo, hi)
    lo = Math.min(lo, ticks[0])
    hi = Math.max(hi, ticks[ticks.length - 1])
    const x0 = m.l
    const x1 = W - m.r
    const y = (v) => m.t + (H - m.t - m.b) * (1 - (v - lo) / (hi - lo))
    const band = (x1 - x0) / years.length
    const xc = (i) => x0 + band * (i + 0.5)
    const root = svg("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img", "aria-labelledby": id + "-title" })
    root.append(svg("title", { id: id + "-title" }, title))
    root.append(svg("text", { x: m.l, y: 18, class: "chart-title" }, title))
    for (const t of ticks) {
      root.append(svg("line", { x1: x0, x2: x1, y1: y(t), y2: y(t), class: t === 0 ? "grid zero" : "grid" }))
      root.append(svg("text", { x: x0 - 6, y: y(t) + 4, class: "tick", "text-anchor": "end" }, compact(t)))
    }
    years.forEach((yr, i) => root.append(svg("text", { x: xc(i), y: H - m.b + 16, class: "tick", "text-anchor": "middle" }, yr)))
    root.append(svg("text", { x: (x0 + x1) / 2, y: H - 8, class: "axis-title", "text-anchor": "middle" }, "Contract year"))
    root.append(svg("text", { x: 14, y: (m.t + H - m.b) / 2, class: "axis-title", "text-anchor": "middle", transform: "rotate(-90 14 " + (m.t + H - m.b) / 2 + ")" }, yTitle))
    const marks = svg("g", { class: "marks" })
    if (kind === "bar") {
      const bw = (band * 0.8) / series.length
      series.forEach((s, k) =>
        s.values.forEach((v, i) => {
          if (!Number.isFinite(v)) return
          const top = y(Math.max(0, v))
          const h = Math.max(1, Math.abs(y(v) - y(0)))
          marks.append(svg("rect", { x: xc(i) - band * 0.4 + k * bw, y: top, width: Math.max(1, bw - 1), height: h, fill: s.color, class: s.whatIf ? "what-if" : "" }, svg("title", {}, s.name + ", " + years[i] + ": " + s.labels[i])))
        })
      )
    } else {
      for (const s of series) {
        const pts = s.values.map((v, i) => [xc(i), y(v)])
        marks.append(svg("polyline", { points: pts.map((p) => p.join(",")).join(" "), fill: "none", stroke: s.color, "stroke-width": s.whatIf ? 3 : 2, "stroke-dasharray": s.dashed ? "6 4" : undefined }))
        pts.forEach((p, i) => marks.append(svg("circle", { cx: p[0], cy: p[1], r: s.whatIf ? 4 : 3, fill: s.color }, svg("title", {}, s.name + ", " + years[i] + ": " + s.labels[i]))))
      }
    }
    root.append(marks)
    const legend = el("ul", { class: "legend" }, series.map((s) => el("li", {}, el("span", { class: "swatch" + (s.dashed ? " dashed" : ""), style: "--c:" + s.color }), s.name)))
    return el("figure", { class: "chart", id, "data-chart": id }, root, legend)
  }

  const render = () => {
    const runs = shownRuns()
    const first = runs[0]?.run
    if (!first) return
    // Calendar years of every run shown (policies may differ in length).
    const years = [...new Set(runs.flatMap((r) => r.run.years.map((y) => y.year)))].sort((a, b) => a - b)
    const at = (run, field) => years.map((yr) => {
      const row = run.years.find((y) => y.year === yr)
      return row ? row[field] : undefined
    })
    const num = (xs) => xs.map((x) => (x === undefined ? NaN : Number(x)))
    const label = (r) => r.label ?? r.name
    // Actual PMPM: one dashed line per distinct series (policies that share the projection share it).
    const actual = []
    for (const r of runs) {
      const values = at(r.run, "actualPmpm")
      const same = actual.find((a) => a.key === values.join("|"))
      if (same) same.names.push(label(r))
      else actual.push({ key: values.join("|"), names: [label(r)], values, color: r.color, whatIf: r.whatIf })
    }
    const bench = runs.map((r) => ({ name: label(r) + ": benchmark", values: num(at(r.run, "benchmarkPmpm")), labels: at(r.run, "benchmarkPmpm"), color: r.color, whatIf: r.whatIf }))
    const act = actual.map((a) => ({ name: "actual: " + (a.names.length === runs.length ? "every policy" : a.names.join(", ")), values: num(a.values), labels: a.values, color: a.names.length === runs.length ? "#222" : a.color, dashed: true, whatIf: a.whatIf }))
    const payerCost = (r) => years.map((yr) => {
      const i = r.run.years.findIndex((y) => y.year === yr)
      return i < 0 ? undefined : r.run.payerCost[i]
    })
    $("charts").replaceChildren(
      chart({ id: "chart-pmpm", title: "Benchmark vs actual PMPM", yTitle: "PMPM ($)", years, series: [...bench, ...act], kind: "line" }),
      chart({ id: "chart-provider-net", title: "Provider net by year", yTitle: "Provider net ($)", years, series: runs.map((r) => ({ name: label(r), values: num(at(r.run, "providerNet")), labels: at(r.run, "providerNet"), color: r.color, whatIf: r.whatIf })), kind: "bar" }),
      chart({ id: "chart-payer-cost", title: "Payer cost by year", yTitle: "Expenditure + provider net ($)", years, series: runs.map((r) => ({ name: label(r), values: num(payerCost(r)), labels: payerCost(r), color: r.color, whatIf: r.whatIf })), kind: "line" })
    )
    renderTables(runs)
  }

  const TOTALS = [
    ["benchmark", "Benchmark ($)"],
    ["expenditure", "Expenditure ($)"],
    ["gross", "Gross savings ($)"],
    ["sharedSavings", "Shared savings ($)"],
    ["sharedLosses", "Shared losses ($)"],
    ["providerNet", "Provider net ($)"],
    ["payerNet", "Payer net ($)"]
  ]
  const YEAR_FIELDS = [
    ["providerWeight", "λ"],
    ["trendFactor", "Trend factor"],
    ["benchmarkPmpm", "Benchmark PMPM"],
    ["actualPmpm", "Actual PMPM"],
    ["savingsRate", "Savings rate"],
    ["msr", "MSR"],
    ["outcome", "Outcome"],
    ["sharedSavings", "Shared savings"],
    ["sharedLosses", "Shared losses"],
    ["providerNet", "Provider net"],
    ["payerNet", "Payer net"]
  ]
  const grouped = (s) => (/^-?\d+(\.\d+)?$/.test(s) ? s.replace(/^(-?\d+)/, (m) => m.replace(/\B(?=(\d{3})+(?!\d))/g, ",")) : s)

  const renderTables = (runs) => {
    const head = el("tr", {}, el("th", { scope: "col" }, "Policy"), TOTALS.map(([, h]) => el("th", { scope: "col", class: "right" }, h)), el("th", { scope: "col", class: "right" }, "Payer cost ($)"))
    const rows = runs.map((r) =>
      el(
        "tr",
        { class: r.whatIf ? "what-if" : "", "data-policy": r.name },
        el("th", { scope: "row" }, el("span", { class: "swatch", style: "--c:" + r.color }), r.label ?? r.name),
        TOTALS.map(([f]) => el("td", { class: "right", "data-policy": r.name, "data-field": f, title: r.run.totals[f] }, grouped(r.run.totals[f]))),
        el("td", { class: "right", "data-policy": r.name, "data-field": "payerCost", title: r.run.payerCostTotal }, grouped(r.run.payerCostTotal))
      )
    )
    $("totals").replaceChildren(el("caption", {}, "Contract totals (as pbpsim compare --format json prints them)"), el("thead", {}, head), el("tbody", {}, rows))
    const fields = state.incentive ? [...YEAR_FIELDS, ["incentivePower", "Incentive power"]] : YEAR_FIELDS
    const yhead = el("tr", {}, el("th", { scope: "col" }, "Policy"), el("th", { scope: "col" }, "Year"), fields.map(([, h]) => el("th", { scope: "col", class: "right" }, h)))
    const yrows = runs.flatMap((r) =>
      r.run.years.map((y) =>
        el(
          "tr",
          { class: r.whatIf ? "what-if" : "" },
          el("th", { scope: "row" }, r.label ?? r.name),
          el("td", {}, String(y.year)),
          fields.map(([f]) => el("td", { class: "right", "data-policy": r.name, "data-year": y.year, "data-field": f }, grouped(String(y[f]))))
        )
      )
    )
    $("years").replaceChildren(el("caption", {}, "By year"), el("thead", {}, yhead), el("tbody", {}, yrows))
  }

  // ------------------------------------------------------------------ toolbar
  const start = (policy) => {
    state.policy = policy
    state.edits = new Map()
    const controls = session.controls(policy)
    state.controls = controls
    renderControls()
    recompute()
  }

  const save = () => {
    if (!state.last?.ok) return
    const yaml = session.yaml(state.policy, state.patch)
    const base = input.file.replace(/^.*\//, "").replace(/\.(ya?ml|json)$/i, "")
    const a = el("a", { href: URL.createObjectURL(new Blob([yaml], { type: "application/yaml" })), download: base + "-what-if.yaml" })
    document.body.append(a)
    a.click()
    a.remove()
    $("saved").textContent = "Saved " + base + "-what-if.yaml: the scenario with the what-if as its last policy, named \"" + WHAT_IF + "\" (pbpsim validate and compare read it)."
  }

  $("policy").replaceChildren(...session.policies.map((p) => el("option", { value: p }, p)))
  $("policy").addEventListener("change", () => start($("policy").value))
  $("reset").addEventListener("click", () => start(state.policy))
  $("save").addEventListener("click", save)
  $("incentive").addEventListener("change", () => {
    state.incentive = $("incentive").checked
    recompute()
  })
  selfCheck()
  start(state.policy)
  document.body.dataset.ready = "true"
})()
