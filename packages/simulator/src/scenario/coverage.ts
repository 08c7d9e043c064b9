import type { ExperienceEntry } from "./csv.js"
import { type LocatedIssue, type PathSegment, located } from "./errors.js"
import type { ScenarioBodyDocument, TrendPolicyDocument, TrendSpecDocument } from "./schema.js"

/**
 * Experience the exact engine reads beyond the baseline, checked when the scenario is read so
 * every command refuses it alike, at its field, before any policy runs:
 * - every market entity's projection starts from its experience in the year before the
 *   contract (docs/model.md §5), whether or not it is a party to the contract;
 * - an observed trend's growth of year t compares t with t − 1 over the whole peer group or
 *   market, so every one of them needs experience in both, for each year the trend carries
 *   (the same years a schedule trend must list).
 * Years after the contract start are projected for every entity, so only history is checked.
 */

/** Each entity's experience years, per list of rows: policies that keep the base's experience share one. */
const yearsCache = new WeakMap<ReadonlyArray<ExperienceEntry>, ReadonlyMap<string, ReadonlySet<number>>>()

const yearsByEntity = (experience: ReadonlyArray<ExperienceEntry>): ReadonlyMap<string, ReadonlySet<number>> => {
  const cached = yearsCache.get(experience)
  if (cached !== undefined) return cached
  const years = new Map<string, Set<number>>()
  for (const { row } of experience) {
    const set = years.get(row.entity) ?? new Set<number>()
    set.add(row.year)
    years.set(row.entity, set)
  }
  yearsCache.set(experience, years)
  return years
}

const range = (from: number, to: number): ReadonlyArray<number> => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

/** "C in 2023; D in 2022, 2023", at most `max` entities named. */
const showAbsences = (absent: ReadonlyMap<string, ReadonlyArray<number>>, max = 10): string => {
  const parts = [...absent].slice(0, max).map(([entity, years]) => `${entity} in ${years.join(", ")}`)
  return absent.size > max ? `${parts.join("; ")} and ${absent.size - max} more` : parts.join("; ")
}

/** The observed specs of a trend (inside blends too), with their paths. */
export const observedSpecs = (
  path: ReadonlyArray<PathSegment>,
  spec: TrendSpecDocument
): ReadonlyArray<{ readonly path: ReadonlyArray<PathSegment>; readonly source: "peers" | "market" }> =>
  spec.kind === "observed"
    ? [{ path, source: spec.source }]
    : spec.kind === "blend"
      ? spec.parts.flatMap((part, i) => observedSpecs([...path, "parts", i, "trend"], part.trend))
      : []

export const checkCoverage = (body: Partial<ScenarioBodyDocument>, experience: ReadonlyArray<ExperienceEntry> | undefined): ReadonlyArray<LocatedIssue> => {
  const { market, contract, benchmark } = body
  if (experience === undefined || market === undefined || contract === undefined) return []
  const issues: Array<LocatedIssue> = []
  const years = yearsByEntity(experience)
  const has = (entity: string, year: number): boolean => years.get(entity)?.has(year) ?? false
  const entities = [...new Set(market.entities.map((e) => e.id))]
  const baseYear = contract.startYear - 1

  // Projection base: parties missing a baseline year are already reported by the baseline check.
  const parties = new Set([contract.provider, ...contract.peers])
  const baselineHasBase = contract.baseline.years.includes(baseYear)
  const unprojected = entities.filter((e) => !has(e, baseYear) && !(baselineHasBase && parties.has(e)))
  if (unprojected.length > 0) {
    const shown = unprojected.slice(0, 10).join(", ") + (unprojected.length > 10 ? ` and ${unprojected.length - 10} more` : "")
    issues.push(
      located(
        ["experience"],
        `experience for every market entity in ${baseYear}, the year before the contract starts (each entity's projection starts from it)`,
        `none for ${shown}`
      )
    )
  }

  // Observed trends: the history years whose growth each trend carries.
  if (benchmark !== undefined) {
    const baselineYears = contract.baseline.years
    const first = baselineYears[0] ?? contract.startYear
    const last = baselineYears[baselineYears.length - 1] ?? baseYear
    const historical = range(first + 1, last)
    // From the last baseline year to the contract start; a schedule entry of year 1 that sets its own trend replaces it there.
    const ownYearOne = (body.schedule ?? []).some((entry) => entry.fromYear === 1 && entry.benchmark?.trend !== undefined)
    const bridging = ownYearOne ? [] : range(last + 1, baseYear)
    const carried: ReadonlyArray<{ readonly path: ReadonlyArray<PathSegment>; readonly trend: TrendPolicyDocument; readonly years: ReadonlyArray<number> }> =
      benchmark.historicalTrend === undefined
        ? [{ path: ["benchmark", "trend"], trend: benchmark.trend, years: [...historical, ...bridging] }]
        : [
            { path: ["benchmark", "trend"], trend: benchmark.trend, years: bridging },
            { path: ["benchmark", "historicalTrend"], trend: benchmark.historicalTrend, years: historical }
          ]
    const peers = [...new Set(contract.peers)]
    // Absences reported already: the base year (above) and the parties' baseline years (checkScenario).
    const reported = (entity: string, year: number) => year === baseYear || (parties.has(entity) && baselineYears.includes(year))
    for (const { path, trend, years: grown } of carried) {
      if (grown.length === 0) continue
      for (const spec of observedSpecs(path, trend)) {
        const members = spec.source === "peers" ? peers : entities
        const compared = range(grown[0]! - 1, grown[grown.length - 1]!)
        const absent = new Map<string, ReadonlyArray<number>>()
        for (const entity of members) {
          const missing = compared.filter((year) => !has(entity, year) && !reported(entity, year))
          if (missing.length > 0) absent.set(entity, missing)
        }
        if (absent.size === 0) continue
        const who = spec.source === "peers" ? "every peer" : "every market entity"
        const span = compared.length === 1 ? `${compared[0]}` : `${compared[0]}–${compared[compared.length - 1]}`
        issues.push(
          located(
            spec.path,
            `experience for ${who} in ${span} (the observed ${spec.source} growth of ${grown.length === 1 ? grown[0] : `${grown[0]}–${grown[grown.length - 1]}`} compares each year with the one before)`,
            `none for ${showAbsences(absent)}`
          )
        )
      }
    }
  }
  return issues
}
