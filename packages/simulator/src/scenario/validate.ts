import { bandOrderProblems, trendRailProblems, weightSumProblems, type RuleProblem } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { Either } from "effect"
import type { ExperienceEntry } from "./csv.js"
import { type LocatedIssue, type PathSegment, type ScenarioIssue, located } from "./errors.js"
import { showActual, showList } from "./numerals.js"
import { settlementTerms } from "./terms.js"
import { checkNationalPerCapita, checkSchedule, checkSettlementParts, checkYearTerms } from "./termChecks.js"
import type { ScenarioBodyDocument, TrendPolicyDocument, TrendSpecDocument } from "./schema.js"

/**
 * The checks a schema cannot make: that the parts of a scenario agree with each other.
 * They run on whatever decoded (a section that failed its schema is skipped), so one run
 * reports schema errors and these together. Document issues carry a path in the scenario
 * file; issues about experience rows point at the row's origin (scenario file or CSV line).
 */

export interface SemanticIssues {
  readonly document: ReadonlyArray<LocatedIssue>
  readonly rows: ReadonlyArray<ScenarioIssue>
}

/** The rules' own checks (benchmark checks.ts), each problem placed at `path` in the scenario file. */
const atPath = (path: ReadonlyArray<PathSegment>, problems: ReadonlyArray<RuleProblem>): ReadonlyArray<LocatedIssue> =>
  problems.map((p) => located([...path, ...p.path], p.expected, p.got))

const weightSumIssue = (path: ReadonlyArray<PathSegment>, weights: ReadonlyArray<Decimal>): LocatedIssue | undefined =>
  atPath(path, weightSumProblems(weights))[0]

export const perYearIssue = (path: ReadonlyArray<PathSegment>, value: unknown, years: number, what: string): LocatedIssue | undefined =>
  Array.isArray(value) && value.length !== years
    ? located(path, `${years} ${what}, one per contract year`, `${value.length}`)
    : undefined

const range = (from: number, to: number): ReadonlyArray<number> => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

const spans = (years: ReadonlyArray<number>): string => (years.length === 1 ? `${years[0]}` : `${years[0]}–${years[years.length - 1]}`)

export const checkScenario = (body: Partial<ScenarioBodyDocument>, experience: ReadonlyArray<ExperienceEntry> | undefined): SemanticIssues => {
  const document: Array<LocatedIssue> = []
  const rows: Array<ScenarioIssue> = []
  const add = (issue: LocatedIssue | undefined) => {
    if (issue !== undefined) document.push(issue)
  }
  const { market, contract, benchmark, settlement, projection } = body
  const entityIds = market?.entities.map((e) => e.id)
  const entityList = entityIds ? showList(entityIds) : ""
  // Lookups by id in maps, not lists: a 50,000-entity market must not take quadratic time.
  const entityById = new Map<string, NonNullable<typeof market>["entities"][number]>()
  const firstIndex = new Map<string, number>()
  market?.entities.forEach((e, i) => {
    if (!entityById.has(e.id)) {
      entityById.set(e.id, e)
      firstIndex.set(e.id, i)
    }
  })
  const knownEntity = (path: ReadonlyArray<PathSegment>, id: string) => {
    if (entityIds !== undefined && !entityById.has(id)) {
      add(located(path, `one of the market's entities (${entityList})`, showActual(id)))
    }
  }

  // market: ids unique, groups unique within their entity
  market?.entities.forEach((entity, i) => {
    const first = firstIndex.get(entity.id) ?? i
    if (first !== i) add(located(["market", "entities", i, "id"], `an id not used before (market.entities[${first}] is ${entity.id})`, showActual(entity.id)))
    entity.groups?.forEach((group, g) => {
      if (entity.groups?.indexOf(group) !== g) add(located(["market", "entities", i, "groups", g], `a group not listed before in ${entity.id}`, showActual(group)))
    })
  })

  // market view: providers known and listed once
  const seenProviders = new Set<string>()
  market?.providers?.forEach((provider, i) => {
    knownEntity(["market", "providers", i], provider)
    if (seenProviders.has(provider)) add(located(["market", "providers", i], "each provider once", `${showActual(provider)} again`))
    seenProviders.add(provider)
  })
  // participation: a logistic response needs two exit chances strictly inside (0, 1), the worse net leaving more
  const participation = body.participation
  if (participation?.kind === "logistic") {
    const { exitAtZero, exitAtMinusOnePoint } = participation
    if (!(exitAtZero.gt(0) && exitAtZero.lt(1))) add(located(["participation", "exitAtZero"], "a chance strictly between 0 and 1", exitAtZero.toFixed()))
    else if (!(exitAtMinusOnePoint.gt(exitAtZero) && exitAtMinusOnePoint.lt(1)))
      add(
        located(
          ["participation", "exitAtMinusOnePoint"],
          `a chance above exitAtZero (${exitAtZero.toFixed()}) and below 1: a worse expected net makes leaving likelier`,
          exitAtMinusOnePoint.toFixed()
        )
      )
  }

  // contract: who, baseline years and weights
  if (contract !== undefined) {
    knownEntity(["contract", "provider"], contract.provider)
    const seenPeers = new Set<string>()
    contract.peers.forEach((peer, i) => {
      knownEntity(["contract", "peers", i], peer)
      if (seenPeers.has(peer)) add(located(["contract", "peers", i], "each peer once", `${showActual(peer)} again`))
      seenPeers.add(peer)
    })
    const { years, weights } = contract.baseline
    if (weights.length !== years.length) {
      add(located(["contract", "baseline", "weights"], `${years.length} weight${years.length === 1 ? "" : "s"}, one per baseline year`, `${weights.length}`))
    }
    add(weightSumIssue(["contract", "baseline", "weights"], weights))
    if (years.some((year, i) => i > 0 && year !== (years[i - 1] ?? 0) + 1)) {
      add(located(["contract", "baseline", "years"], "consecutive years in ascending order", `[${years.join(", ")}]`))
    }
    const late = years.filter((year) => year >= contract.startYear)
    if (late.length > 0) add(located(["contract", "baseline", "years"], `years before the contract start ${contract.startYear}`, late.join(", ")))
  }

  // experience: entities, groups, uniqueness, history only, baseline coverage
  if (experience !== undefined) {
    const rowIssue = (entry: ExperienceEntry, field: string | undefined, expected: string, actual: string) =>
      rows.push({
        file: entry.origin.file,
        path: field === undefined ? entry.origin.path : entry.origin.field(field),
        expected,
        actual,
        message: `expected ${expected}, got ${actual}`,
        ...(entry.origin.line === undefined ? {} : { line: entry.origin.line })
      })
    const seen = new Map<string, ExperienceEntry>()
    const granularity = new Map<string, { grouped: boolean; entry: ExperienceEntry }>()
    for (const entry of experience) {
      const { row } = entry
      const entity = entityById.get(row.entity)
      if (entityIds !== undefined && entity === undefined) {
        rowIssue(entry, "entity", `one of the market's entities (${entityList})`, showActual(row.entity))
      }
      if (entity !== undefined && row.group !== undefined && !(entity.groups ?? []).includes(row.group)) {
        rowIssue(
          entry,
          "group",
          entity.groups && entity.groups.length > 0 ? `one of ${entity.id}'s groups (${entity.groups.join(", ")})` : `no group (${entity.id} lists no groups)`,
          showActual(row.group)
        )
      }
      if (contract !== undefined && row.year >= contract.startYear + contract.years) {
        rowIssue(
          entry,
          "year",
          `a year before the contract ends in ${contract.startYear + contract.years - 1} (history, or a contract year's actual experience)`,
          `${row.year}`
        )
      }
      const key = JSON.stringify([row.entity, row.group ?? null, row.segment ?? null, row.year])
      const first = seen.get(key)
      if (first !== undefined) {
        const what = `${row.entity}${row.group === undefined ? "" : ` / ${row.group}`}${row.segment === undefined ? "" : ` / ${row.segment}`} in ${row.year}`
        rowIssue(entry, undefined, "one row per entity, group, segment and year", `a second row for ${what} (first at ${first.origin.path})`)
      } else {
        seen.set(key, entry)
      }
      // Rows without a group are the whole entity: mixing them with group rows would count members twice.
      const entityYear = JSON.stringify([row.entity, row.year])
      const grouped = row.group !== undefined
      const earlier = granularity.get(entityYear)
      if (earlier === undefined) granularity.set(entityYear, { grouped, entry })
      else if (earlier.grouped !== grouped) {
        rowIssue(
          entry,
          "group",
          `rows of ${row.entity} in ${row.year} either all with a group or all without (${earlier.entry.origin.path} ${earlier.grouped ? "has" : "has no"} group)`,
          grouped ? showActual(row.group) : "no group"
        )
      }
    }
    if (contract !== undefined) {
      const parties = [contract.provider, ...contract.peers.filter((p) => p !== contract.provider)]
      const observed = new Set(experience.map((e) => JSON.stringify([e.row.entity, e.row.year])))
      const missing: Array<string> = []
      for (const party of parties) {
        if (entityIds !== undefined && !entityById.has(party)) continue
        const absent = contract.baseline.years.filter((year) => !observed.has(JSON.stringify([party, year])))
        if (absent.length > 0) missing.push(`${party} in ${absent.join(", ")}`)
      }
      if (missing.length > 0) {
        add(located(["experience"], "experience in every baseline year for the provider and each peer", `none for ${missing.join("; ")}`))
      }
      if (benchmark?.bySegment) checkSegments(experience, parties, add, rowIssue)
    }
  }

  // benchmark: per-year lengths, trend coverage and weights, rebasing weights
  if (benchmark !== undefined) {
    if (contract !== undefined) {
      if ("providerWeights" in benchmark.glidePath) {
        add(perYearIssue(["benchmark", "glidePath", "providerWeights"], benchmark.glidePath.providerWeights, contract.years, "provider weights"))
      }
      add(perYearIssue(["benchmark", "discount"], benchmark.discount, contract.years, "discounts"))
      const baselineYears = contract.baseline.years
      const first = baselineYears[0] ?? contract.startYear
      const last = baselineYears[baselineYears.length - 1] ?? contract.startYear - 1
      const contractYears = range(last + 1, contract.startYear + contract.years - 1)
      const historicalYears = range(first + 1, last)
      if (benchmark.historicalTrend === undefined) {
        checkTrend(["benchmark", "trend"], benchmark.trend, [...historicalYears, ...contractYears], " (historicalTrend defaults to trend)", add)
      } else {
        checkTrend(["benchmark", "trend"], benchmark.trend, contractYears, "", add)
        checkTrend(["benchmark", "historicalTrend"], benchmark.historicalTrend, historicalYears, "", add)
      }
    } else {
      checkTrend(["benchmark", "trend"], benchmark.trend, [], "", add)
      if (benchmark.historicalTrend !== undefined) checkTrend(["benchmark", "historicalTrend"], benchmark.historicalTrend, [], "", add)
    }
    if (benchmark.lossGuardrail && contract !== undefined) {
      const last = contract.baseline.years[contract.baseline.years.length - 1] ?? contract.startYear - 1
      checkTrend(["benchmark", "lossGuardrail", "trend"], benchmark.lossGuardrail.trend, range(last + 1, contract.startYear + contract.years - 1), "", add)
    }
    const rebasing = benchmark.rebasing
    if (rebasing.kind === "periodic" || rebasing.kind === "rolling") add(weightSumIssue(["benchmark", "rebasing", "weights"], rebasing.weights))
  }

  // settlement: the terms must resolve; bands ordered; quality per year
  if (settlement !== undefined) {
    const terms = settlementTerms(settlement)
    if (Either.isLeft(terms)) for (const issue of terms.left) add({ ...issue, path: ["settlement", ...issue.path] })
    checkSettlementParts(["settlement"], settlement, contract?.years, add)
  }

  // schedule: entries in order within the contract, terms that resolve in every year
  checkSchedule(body, add)
  checkNationalPerCapita(body, add)
  checkYearTerms(body, add)

  // projection: per-year lengths and entity ids
  if (projection !== undefined) {
    if (contract !== undefined) {
      add(perYearIssue(["projection", "marketTrend"], projection.marketTrend, contract.years, "market trend rates"))
      add(perYearIssue(["projection", "default", "savings"], projection.default?.savings, contract.years, "savings levels"))
    }
    for (const [entity, path] of Object.entries(projection.entities ?? {})) {
      knownEntity(["projection", "entities", entity], entity)
      if (contract !== undefined) add(perYearIssue(["projection", "entities", entity, "savings"], path.savings, contract.years, "savings levels"))
    }
  }

  return { document, rows }
}

export const checkTrend = (
  path: ReadonlyArray<PathSegment>,
  trend: TrendPolicyDocument,
  years: ReadonlyArray<number>,
  why: string,
  add: (issue: LocatedIssue | undefined) => void
): void => {
  atPath(path, trendRailProblems(trend)).forEach(add)
  checkTrendSpec(path, trend, years, why, add)
}

const checkTrendSpec = (
  path: ReadonlyArray<PathSegment>,
  spec: TrendSpecDocument,
  years: ReadonlyArray<number>,
  why: string,
  add: (issue: LocatedIssue | undefined) => void
): void => {
  if (spec.kind === "schedule") {
    const absent = years.filter((year) => spec.rates[String(year)] === undefined)
    if (absent.length > 0) add(located([...path, "rates"], `a rate for every year ${spans(years)}${why}`, `none for ${absent.join(", ")}`))
  }
  if (spec.kind === "blend") {
    add(weightSumIssue([...path, "parts"], spec.parts.map((part) => part.weight)))
    spec.parts.forEach((part, i) => checkTrendSpec([...path, "parts", i, "trend"], part.trend, years, why, add))
  }
}

export const checkBands = (
  path: ReadonlyArray<PathSegment>,
  bands: ReadonlyArray<{ readonly from: Decimal; readonly to?: Decimal | null }>,
  add: (issue: LocatedIssue | undefined) => void
): void => atPath(path, bandOrderProblems(bands)).forEach(add)

/** Policy names must be unique: they are how a run and its reports select a policy. */
export const checkPolicyNames = (names: ReadonlyArray<{ readonly index: number; readonly name: string }>): ReadonlyArray<LocatedIssue> =>
  names.flatMap(({ index, name }) => {
    const first = names.find((n) => n.name === name)
    return first !== undefined && first.index !== index
      ? [located(["policies", index, "name"], `a policy name not used before (policies[${first.index}] is ${name})`, showActual(name))]
      : []
  })

/**
 * benchmark.bySegment: every row of the provider and its peers names a segment, and each of them
 * has every one of the provider's segments in every year it has experience (a missing segment
 * would silently weigh the benchmark by the wrong mix).
 */
const checkSegments = (
  experience: ReadonlyArray<ExperienceEntry>,
  parties: ReadonlyArray<string>,
  add: (issue: LocatedIssue | undefined) => void,
  rowIssue: (entry: ExperienceEntry, field: string | undefined, expected: string, actual: string) => void
): void => {
  const involved = new Set(parties)
  const unnamed = experience.filter((e) => involved.has(e.row.entity) && e.row.segment === undefined)
  for (const entry of unnamed.slice(0, 5))
    rowIssue(entry, "segment", "a segment (benchmark.bySegment computes the benchmark per segment of the provider's and peers' rows)", "none")
  if (unnamed.length > 5) add(located(["experience"], "a segment on every row of the provider and its peers", `${unnamed.length - 5} more rows without one`))
  const provider = parties[0]!
  const segments = [...new Set(experience.filter((e) => e.row.entity === provider && e.row.segment !== undefined).map((e) => e.row.segment!))]
  if (segments.length === 0) return
  const present = new Map<string, Set<string>>()
  for (const { row } of experience) {
    if (!involved.has(row.entity) || row.segment === undefined) continue
    const key = `${row.entity} in ${row.year}`
    const set = present.get(key) ?? new Set<string>()
    present.set(key, set)
    set.add(row.segment)
  }
  const gaps: Array<string> = []
  for (const [key, set] of present) {
    const absent = segments.filter((s) => !set.has(s))
    const extra = [...set].filter((s) => !segments.includes(s))
    if (absent.length > 0) gaps.push(`${key} lacks ${absent.join(", ")}`)
    if (extra.length > 0) gaps.push(`${key} has ${extra.join(", ")}, not a segment of ${provider}`)
  }
  if (gaps.length > 0)
    add(
      located(
        ["experience"],
        `rows for each of the provider's segments (${segments.join(", ")}) in every year the provider and each peer have experience`,
        gaps.slice(0, 6).join("; ") + (gaps.length > 6 ? `; and ${gaps.length - 6} more` : "")
      )
    )
}
