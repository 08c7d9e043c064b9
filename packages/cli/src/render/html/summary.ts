import type { Scenario } from "@pbpsim/simulator"
import type { ComparisonView } from "../comparisonView.js"
import type { SimulationView } from "../simulationView.js"
import { escapeHtml } from "./escape.js"
import { count } from "./numbers.js"

/** The scenario as the report's first section describes it: who contracts with whom, when, on which baseline. */
export interface ScenarioSummary {
  readonly name: string
  readonly description: string
  readonly provider: { readonly id: string; readonly name: string }
  readonly peers: ReadonlyArray<{ readonly id: string; readonly name: string }>
  readonly startYear: number
  readonly years: number
  readonly baselineYears: ReadonlyArray<number>
}

export const scenarioSummary = (scenario: Scenario): ScenarioSummary => {
  const entities = scenario.base.market.entities
  const named = (id: string) => ({ id, name: entities.find((e) => e.id === id)?.name ?? id })
  const contract = scenario.base.contract
  return {
    name: scenario.name,
    description: scenario.description,
    provider: named(contract.provider),
    peers: contract.peers.map(named),
    startYear: contract.startYear,
    years: contract.years,
    baselineYears: [...contract.baseline.years]
  }
}

const entity = (e: { readonly id: string; readonly name: string }) => (e.name === e.id ? escapeHtml(e.id) : `${escapeHtml(e.name)} (${escapeHtml(e.id)})`)

const row = (term: string, definition: string) => `<dt>${escapeHtml(term)}</dt><dd>${definition}</dd>`

/** Scenario summary and provenance: what was run, by which engine, on which exact inputs. */
export const summarySection = (summary: ScenarioSummary, view: ComparisonView, simulation: SimulationView | undefined): string => {
  const last = summary.startYear + summary.years - 1
  const policyLengths = view.policies.map((p) => p.years.length)
  const lengthNote = policyLengths.some((n) => n !== summary.years) ? " (some policies change the length; see each policy)" : ""
  return [
    `<section id="summary" aria-labelledby="summary-title">`,
    `<h2 id="summary-title">Scenario</h2>`,
    summary.description ? `<p class="lede">${escapeHtml(summary.description)}</p>` : "",
    `<dl class="facts">`,
    row("Provider", entity(summary.provider)),
    row("Peers", summary.peers.map(entity).join(", ")),
    row("Contract years", `${summary.startYear}–${last} (${summary.years} year${summary.years === 1 ? "" : "s"})${escapeHtml(lengthNote)}`),
    row("Baseline years", escapeHtml(summary.baselineYears.join(", "))),
    row(
      "Policies",
      view.policies.map((p, i) => `<a href="#policy-${i}">${escapeHtml(p.name)}</a>`).join(", ") +
        (view.policies.length > 1 ? ` (differences are taken against ${escapeHtml(view.policies[0]!.name)})` : "")
    ),
    `</dl>`,
    `<h3>Provenance</h3>`,
    `<dl class="facts provenance">`,
    row("Engine", `${escapeHtml(view.engine.name)} ${escapeHtml(view.engine.version)}`),
    row("Scenario file", `<code>${escapeHtml(view.scenario.file)}</code>`),
    row("SHA-256", `<code class="hash">${escapeHtml(view.scenario.sha256)}</code>`),
    view.scenario.overrides && view.scenario.overrides.length > 0
      ? row("Read with", view.scenario.overrides.map((o) => `<code>--set ${escapeHtml(o)}</code>`).join(", ") + " (the figures are the file's as these change it, not as it is written)")
      : "",
    simulation
      ? row(
          "Simulation",
          `${count(simulation.trials)} trials, seed <code>${escapeHtml(simulation.seed)}</code>, generator ${escapeHtml(simulation.generator)}` +
            (simulation.shard ? `, shard ${simulation.shard.index} of ${simulation.shard.count}` : "")
        )
      : "",
    `</dl>`,
    `<p class="note">Every figure in the tables is the exact string <code>pbpsim compare --format json</code> prints for this file${
      view.scenario.overrides && view.scenario.overrides.length > 0 ? " read with the same <code>--set</code> overrides" : ""
    }`,
    simulation ? ` (simulation figures: the simulation view)` : "",
    `: money and PMPM in dollars to the cent with thousands separators, rates and probabilities as percentages (the decimal point moved two places, no digit dropped), weights and factors to 6 places. Charts plot the same figures. Figures the report derives (payer cost, cumulative sums, the benchmark build-up) are exact sums of these in cents.</p>`,
    `</section>`
  ].join("")
}
