import { dec, ONE, ZERO, showCount } from "@pbpsim/benchmark"
import type { Decimal } from "decimal.js"
import { Schema } from "effect"
import {
  ContractLength,
  type DecimalInput,
  DecimalPlaces,
  CodingRate,
  DiscountRate,
  EntityId,
  Flag,
  FreeText,
  GroupId,
  LabelId,
  LeafId,
  NonNegative,
  NonNegativeFloat,
  Positive,
  PositiveInt,
  Rate,
  RoundingModeField,
  SavingsLevel,
  Share,
  Text,
  Weight,
  Year,
  oneOf,
  optional,
  orNull,
  perYear,
  required,
  withDefault
} from "./fields.js"
import { TooManyId } from "./schemaIssues.js"
import { withoutNumerals } from "./numerals.js"

/**
 * The scenario file, defined once: decoding, encoding and the JSON Schema all come from
 * these definitions. Words follow docs/model.md (baseline, glide path, trend, rebasing,
 * settlement). docs/scenario-reference.md documents every field.
 */

const label = (text: string) => ({ [LabelId]: text })

/**
 * Limits on counts, far above real use, so that no file can make the engine loop or allocate
 * without end (docs/scenario-reference.md#limits): a 50,000-entity market fits twice over.
 */
export const LIMITS = {
  entities: 100_000,
  peers: 100_000,
  /** Baseline years, per-year weights and rebasing weights: as many as contract years at most. */
  years: 50,
  blendParts: 20,
  bands: 100,
  policies: 200,
  /** Upper bounds of the Monte Carlo sds (defaults 0.01, 1.7, 0.01, 0). */
  marketTrendSd: 1,
  memberCostSd: 10,
  savingsSd: 1,
  riskDriftSd: 1
} as const

const nonEmpty = <A, I>(schema: Schema.Schema<A, I>, what: string, max: number): Schema.Schema<readonly [A, ...Array<A>], readonly [I, ...Array<I>]> =>
  Schema.NonEmptyArray(schema)
    .annotations(label(`a non-empty list of ${what}`))
    .pipe(Schema.filter((list) => list.length <= max, { jsonSchema: { maxItems: max } }))
    .annotations({ ...label(`a non-empty list of ${what}`), [TooManyId]: `at most ${showCount(max)} ${what}` })

/** A Monte Carlo sd from 0 to `max`. */
const sdAtMost = (max: number) =>
  NonNegativeFloat.pipe(Schema.filter((x) => x <= max)).annotations({
    [LabelId]: `a number from 0 to ${max}`,
    [LeafId]: true,
    jsonSchema: { type: "number", minimum: 0, maximum: max }
  })

// ---------------------------------------------------------------- market

export const Entity = Schema.Struct({
  id: required(EntityId, "Identifier of the entity, used by experience rows, contract.provider, contract.peers and projection.entities."),
  name: optional(Text, "Display name. Default: the id."),
  groups: optional(
    Schema.Array(GroupId),
    "Groups (e.g. primary care groups) of the entity. Experience rows that name a group must name one listed here."
  ),
  peerGroup: optional(
    Text,
    "Peer group of the entity in `pbpsim market` (a region, a market segment): each provider's peers there are the other entities of its peer group. Absent: the market's one unnamed group."
  )
}).annotations(label("an entity { id, name?, groups?, peerGroup? }"))

export const Market = Schema.Struct({
  entities: required(
    nonEmpty(Entity, "entities", LIMITS.entities),
    "Every provider organisation of the market (health systems, ACOs). Any entity can be the provider, a peer, or both."
  ),
  providers: optional(
    nonEmpty(EntityId, "entity ids", LIMITS.entities),
    "The entities `pbpsim market` runs as contracting providers, each once. Default: every entity."
  ),
  peersIncludeProvider: optional(
    Flag,
    "In `pbpsim market`, whether a provider's own experience is pooled into its peer figure (true) or its peers are the rest of its peer group (false). Default false."
  )
}).annotations(label("a market { entities, providers?, peersIncludeProvider? }"))

// ---------------------------------------------------------------- experience

export const ExperienceRow = Schema.Struct({
  entity: required(EntityId, "Entity the row belongs to (a market.entities id)."),
  group: optional(GroupId, "Group of the entity (one of its `groups`); rows without a group are the entity as a whole."),
  segment: optional(Text, "Population segment (ESRD, disabled, aged/dual, age band…); kept as given."),
  year: required(
    Year,
    "Calendar year of the experience: history before contract.startYear, or a contract year, whose rows are the entity's actual experience and replace its projection for that year."
  ),
  memberMonths: required(Positive, "Member months (MM) of the row, > 0."),
  cost: required(NonNegative, "Total cost of the row in dollars, ≥ 0 (PMPM = cost / memberMonths)."),
  riskScore: withDefault(Positive, "Average risk score of the row's members, > 0. Default 1.", () => ONE)
}).annotations(label("an experience row { entity, year, memberMonths, cost, … }"))

export const ExperienceCsv = Schema.Struct({
  csv: required(
    Text,
    "Path of a CSV file of experience rows, relative to the scenario file. Header: entity,year,memberMonths,cost and optionally riskScore,group,segment."
  )
}).annotations(label("{ csv: path }"))

export const Experience = Schema.Union(Schema.Array(ExperienceRow), ExperienceCsv).annotations(
  label("a list of experience rows or { csv: path }")
)

// ---------------------------------------------------------------- contract

export const Baseline = Schema.Struct({
  years: required(nonEmpty(Year, "years", LIMITS.years), "Baseline years, ascending and contiguous, all before the contract start (e.g. [2022, 2023, 2024])."),
  weights: required(
    nonEmpty(Weight, "weights", LIMITS.years),
    'Weight of each baseline year, oldest first, summing to 1 (MSSP first agreement 0.1/0.3/0.6, renewals "1/3" each).'
  )
}).annotations(label("a baseline { years, weights }"))

export const Contract = Schema.Struct({
  provider: required(EntityId, "The contracting provider (a market.entities id)."),
  peers: required(
    nonEmpty(EntityId, "entity ids", LIMITS.peers),
    "The peer group. It includes the provider when the provider is listed (the issue brief's $431 peer figure includes System A)."
  ),
  startYear: required(Year, "First calendar year of the contract."),
  years: required(ContractLength, "Number of contract years; every per-year list has this many entries."),
  baseline: required(Baseline, "The baseline years and their weights (docs/model.md §2).")
}).annotations(label("a contract { provider, peers, startYear, years, baseline }"))

// ---------------------------------------------------------------- benchmark

export const GlidePath = Schema.Union(
  Schema.Struct({
    providerWeights: required(nonEmpty(Share, "weights", LIMITS.years), "Provider weight λ per contract year (1 = all provider history, 0 = all peer).")
  }),
  Schema.Struct({
    from: required(Share, "Provider weight λ in the first contract year."),
    to: required(Share, "Provider weight λ in the last contract year; the years between step linearly.")
  }),
  Schema.Struct({ constant: required(Share, "The same provider weight λ every contract year.") })
).annotations(label("a glide path { providerWeights } or { from, to } or { constant }"))

type NonEmptyList<A> = readonly [A, ...Array<A>]

/** A trend spec as decoded (rates per calendar year are keyed by the year as text). */
export type TrendSpecDocument =
  | { readonly kind: "fixed"; readonly rate: Decimal }
  | { readonly kind: "schedule"; readonly rates: { readonly [year: string]: Decimal } }
  | { readonly kind: "observed"; readonly source: "peers" | "market" }
  | { readonly kind: "blend"; readonly parts: NonEmptyList<{ readonly weight: Decimal; readonly trend: TrendSpecDocument }> }

export type TrendSpecInput =
  | { readonly kind: "fixed"; readonly rate: DecimalInput }
  | { readonly kind: "schedule"; readonly rates: { readonly [year: string]: DecimalInput } }
  | { readonly kind: "observed"; readonly source: "peers" | "market" }
  | { readonly kind: "blend"; readonly parts: NonEmptyList<{ readonly weight: DecimalInput; readonly trend: TrendSpecInput }> }

const ScheduleYear = Schema.String.pipe(Schema.pattern(/^\d{4}$/)).annotations(label("a four-digit calendar year"))

const kindField = <const K extends string>(kind: K, description: string) => required(Schema.Literal(kind), description)

const trendKinds = <Extra extends Schema.Struct.Fields>(extra: Extra) => {
  const fixed = Schema.Struct({
    kind: kindField("fixed", "fixed: the same growth rate every year."),
    rate: required(Rate, "The annual growth rate (0.04 = 4 %)."),
    ...extra
  })
  const schedule = Schema.Struct({
    kind: kindField("schedule", "schedule: a growth rate per calendar year grown into."),
    rates: required(
      Schema.Record({ key: ScheduleYear, value: Rate }).annotations(label('a mapping of year to rate ({ 2025: "0.04" })')),
      'Rate per calendar year grown INTO ({ 2025: "0.04" } takes 2024 dollars to 2025); every year needed must be listed.'
    ),
    ...extra
  })
  const observed = Schema.Struct({
    kind: kindField("observed", "observed: the realised risk-adjusted PMPM growth of the peer group or of the whole market."),
    source: required(oneOf("peers", "market"), "Whose realised growth: the peer group's or the whole market's."),
    ...extra
  })
  const blend = Schema.Struct({
    kind: kindField("blend", "blend: a weighted sum of other trends (MSSP: 2/3 national-regional + 1/3 ACPT)."),
    parts: required(nonEmpty(TrendPart, "{ weight, trend } parts", LIMITS.blendParts), "The blended trends and their weights (summing to 1)."),
    ...extra
  })
  return [fixed, schedule, observed, blend] as const
}

const TrendPart: Schema.Schema<
  { readonly weight: Decimal; readonly trend: TrendSpecDocument },
  { readonly weight: DecimalInput; readonly trend: TrendSpecInput }
> = Schema.Struct({
  weight: required(Weight, "Weight of this part, in [0, 1]; the parts' weights sum to 1."),
  trend: required(
    Schema.suspend((): Schema.Schema<TrendSpecDocument, TrendSpecInput> => TrendSpec),
    "The trend of this part (fixed, schedule, observed or another blend; no cap, floor or deduction here)."
  )
}).annotations(label("a blend part { weight, trend }"))

export const TrendSpec: Schema.Schema<TrendSpecDocument, TrendSpecInput> = Schema.Union(...trendKinds({})).annotations({
  identifier: "TrendSpec",
  description: "Where a year's growth rate comes from: fixed, schedule, observed or blend.",
  ...label("a trend { kind: fixed | schedule | observed | blend, … }")
})

const trendGuards = {
  deduction: optional(Rate, 'Subtracted from each year\'s rate before cap and floor ("market trend − 0.5 %" is deduction "0.005").'),
  cap: optional(Rate, "Highest annual rate allowed, applied after the deduction."),
  floor: optional(Rate, "Lowest annual rate allowed, applied after the deduction.")
}

/** A trend with its per-year guard rails, written flat: { kind: fixed, rate: "0.04", cap: "0.05" }. */
export const TrendPolicy = Schema.Union(...trendKinds(trendGuards)).annotations(
  label("a trend { kind: fixed | schedule | observed | blend, … }")
)

export const NegativeOffset = Schema.Struct({
  dualShare: required(Share, "Share of the provider's members who are dually eligible for Medicare and Medicaid."),
  riskScore: required(Positive, "The provider's weighted average risk score (MSSP: prospective HCC).")
}).annotations(label("a negative-adjustment offset { dualShare, riskScore }"))

export const ConvergenceCaps = Schema.Struct({
  up: optional(
    orNull(Share),
    "Upward convergence adjustment at most this share of the peer baseline, or of national per capita when benchmark.nationalPerCapita is given (MSSP 2024+: 0.05). Absent or null: no cap."
  ),
  down: optional(
    orNull(Share),
    "Downward adjustment at most this share of the peer baseline, or of national per capita when given (MSSP 2024+: 0.015). Absent or null: no cap."
  ),
  negativeOffset: optional(
    NegativeOffset,
    "Reduces a negative adjustment (after the caps) by the offset clamp(dualShare + riskScore − 1, 0, 1): adj × (1 − offset) (MSSP, 42 CFR 425.656(c), agreements from 2024). Absent: no offset."
  ),
  noNegative: withDefault(Flag, "true: a negative convergence adjustment is not applied at all (MSSP CY2024 rule). Default false.", () => false)
}).annotations(label("convergence caps { up, down, negativeOffset, noNegative }"))

export const RiskCaps = Schema.Struct({
  capUp: optional(orNull(NonNegative), "Risk ratio RS_k / RS_base at most 1 + capUp (MSSP 2019–2023: 0.03). Absent or null: no cap."),
  capDown: optional(orNull(Share), "Risk ratio at least 1 − capDown. Absent or null: no floor (MSSP)."),
  demographicChange: optional(
    orNull(Rate),
    "Change of the provider's demographic risk score from the reference year to this year (0.01 = +1 %); the upward cap becomes capUp + demographicChange, so capUp is required beside it (MSSP agreements from 2024: demographic growth + 3 points, 42 CFR 425.605(a)(1)). Give it per year in a schedule. With benchmark.bySegment it also switches on the 2024 rule's aggregate trigger; null (e.g. in an overlay) removes it."
  ),
  codingIntensity: optional(
    CodingRate,
    "Coding-intensity adjustment: the current year's risk score is multiplied by 1 − codingIntensity before the ratio (Medicare Advantage style). Absent: none."
  ),
  weight: optional(
    Share,
    "Partial risk adjustment: the benchmark follows this share of the risk change since the reference year, ratio' = 1 + weight × (capped ratio − 1). Absent: 1 (full). 0 ignores the change only: baselines are still stated at the provider's risk (to ignore risk altogether, give experience without risk scores)."
  )
}).annotations(label("risk terms { capUp, capDown, demographicChange, codingIntensity, weight }"))

export const LossGuardrail = Schema.Struct({
  trend: required(
    TrendPolicy,
    "The update the guardrail recalculates the benchmark with (MSSP: the two-way national-regional blend, without the ACPT)."
  )
}).annotations(label("a loss guardrail { trend }"))

export const PeerWeightBySide = Schema.Struct({
  belowPeers: required(Share, "Peer weight 1 − λ when the provider's baseline is below the peers' (a lower-spending ACO; MSSP first agreement: 0.35)."),
  abovePeers: required(Share, "Peer weight 1 − λ when it is above (a higher-spending ACO; MSSP first agreement: 0.15).")
}).annotations(label("peer weights by side { belowPeers, abovePeers }"))

export const EquityAddOn = Schema.Struct({
  upShare: required(Share, "Share of members (or member months) in the high-need group, e.g. the top decile of a deprivation / dual-status score."),
  upAmount: required(NonNegative, "Dollars per member per month added for them (ACO REACH HEBA: 30)."),
  downShare: optional(Share, "Share of members in the low-need group. Default 0."),
  downAmount: optional(NonNegative, "Dollars per member per month taken off for them (ACO REACH HEBA: 6). Default 0.")
}).annotations(label("an equity add-on { upShare, upAmount, downShare?, downAmount? }"))

export const PeerTarget = Schema.Struct({
  percentile: required(
    Share,
    "The peer figure is this percentile of the peers' own risk-adjusted baselines (each at the provider's risk), weighted by member months, nearest rank: 0.25 is an efficient benchmark at the 25th percentile."
  )
}).annotations(label("a peer target { percentile }"))

export const RoundingTerms = Schema.Struct({
  places: withDefault(DecimalPlaces, "Decimal places of the final benchmark PMPM. Default 2 (cents).", () => 2),
  mode: withDefault(RoundingModeField, "Rounding mode. Default half-up.", () => "half-up" as const)
}).annotations(label("rounding { places, mode }"))

export const Rebasing = Schema.Union(
  Schema.Struct({ kind: kindField("none", 'none ("trending"): the provider baseline is fixed at contract start and trended forward.') }),
  Schema.Struct({ kind: kindField("annual", "annual: each year's provider baseline is the previous year's realised risk-adjusted PMPM.") }),
  Schema.Struct({
    kind: kindField("periodic", "periodic: reset at the start of each agreement period from the latest realised years."),
    every: required(PositiveInt, "Agreement period length in years (MSSP: 5)."),
    weights: required(nonEmpty(Weight, "weights", LIMITS.years), "Weights of the latest realised years at a reset, oldest first, summing to 1.")
  }),
  Schema.Struct({
    kind: kindField("rolling", "rolling: every year, the weighted average of the latest realised years."),
    weights: required(nonEmpty(Weight, "weights", LIMITS.years), "Weights of the latest realised years, oldest first, summing to 1.")
  }),
  Schema.Struct({
    kind: kindField("partial", "partial: alpha × last realised + (1 − alpha) × previous provider baseline trended."),
    alpha: required(Share, "Weight of the last realised year, in [0, 1].")
  })
).annotations(label("a rebasing { kind: none | annual | periodic | rolling | partial, … }"))

export const SavingsCredit = Schema.Struct({
  share: required(Share, "Share of the average per-capita savings of the closing period added back (MSSP prior savings adjustment: 0.5)."),
  cap: required(NonNegative, "The credit is at most this share of the peer baseline, or of national per capita when benchmark.nationalPerCapita is given (MSSP: 0.05 of national per capita)."),
  years: optional(
    ContractLength,
    "How many contract years before the rebase the average takes, 1 to 50 (MSSP: 3); a year before the contract counts as 0. Default: every year since the previous rebase."
  ),
  withRegional: withDefault(
    oneOf("add", "higher"),
    "add: the credit is added on top of the convergence (regional) adjustment. higher: when the credit is positive, the benchmark takes the higher of the adjustment and the credit, so a credit replaces a negative adjustment (MSSP 2024+, 42 CFR 425.652(a)(8)). Default add.",
    () => "add" as const
  )
}).annotations(label("a savings credit { share, cap, years?, withRegional? }"))

export const Benchmark = Schema.Struct({
  glidePath: withDefault(
    GlidePath,
    "Provider weight λ per contract year (docs/model.md §3.1). Default { constant: 1 }: the provider's own history only.",
    () => ({ constant: ONE })
  ),
  convergenceCaps: withDefault(
    ConvergenceCaps,
    "Limits on the convergence adjustment (1 − λ)(B_R − B_P), as shares of the peer baseline. Default: none.",
    () => ({ noNegative: false })
  ),
  trend: required(TrendPolicy, "Trend from the last baseline year to each contract year (docs/model.md §3.2)."),
  historicalTrend: optional(TrendPolicy, "Trend that brings each baseline year to the last baseline year (docs/model.md §2). Default: the same as trend."),
  risk: withDefault(RiskCaps, "Caps, coding intensity and weight of the risk ratio (docs/model.md §3.3). Default: uncapped, full.", () => ({})),
  peerWeightBySide: optional(
    PeerWeightBySide,
    "A peer weight that depends on the side of the peers the provider is on (MSSP regional adjustment, 42 CFR 425.656(b): 35 %/15 %, 50 %/25 %, 50 %/35 %, 50 %/50 % by agreement); replaces the glide path. Absent: the glide path."
  ),
  nationalPerCapita: optional(
    Schema.Record({ key: ScheduleYear, value: Positive }).annotations(label('a mapping of year to PMPM ({ 2022: "1050.25" })')),
    "National per-capita expenditure PMPM by calendar year. When given, convergenceCaps and savingsCredit.cap are shares of it in the reference year (MSSP: of national per-capita FFS expenditure in BY3) instead of shares of the peer baseline; every reference year must be listed."
  ),
  lossGuardrail: optional(
    orNull(LossGuardrail),
    "MSSP's loss guardrail (42 CFR 425.652(b)(5), agreements from 2024): a two-sided year whose losses qualify is re-settled against the benchmark recalculated with this trend; spending below it shares neither savings nor losses, and a smaller excess over it is the loss shared. Absent or null: none (docs/rules/settlement.md)."
  ),
  bySegment: withDefault(
    Schema.Boolean,
    "Compute the benchmark per segment of the experience rows (MSSP: per enrollment type, 42 CFR 425.652(a), 425.605(a)) and weight the segments' benchmarks by the performance year's member months; every experience row of the provider and its peers must then name a segment. Default false: segments are summed (docs/rules/segments.md).",
    () => false
  ),
  peerTarget: optional(PeerTarget, "What the peer figure B_R is: absent, the peers' pooled cost; { percentile } a percentile of the peers' own baselines."),
  equityAddOn: optional(
    EquityAddOn,
    "Dollars per member per month added after the discount: upAmount × upShare − downAmount × downShare (ACO REACH health equity benchmark adjustment). Absent: none."
  ),
  discount: withDefault(
    perYear(DiscountRate),
    "Discount off the benchmark, REACH-style: one value for every year or a list per contract year; a negative value is a premium on the benchmark. Default 0.",
    () => ZERO
  ),
  rounding: withDefault(RoundingTerms, "Rounding of the final benchmark PMPM. Default cents, half-up.", () => ({
    places: 2,
    mode: "half-up" as const
  })),
  peerRefresh: withDefault(
    oneOf("with-rebase", "annual", "fixed"),
    "Peer component: follows the provider's reference years (with-rebase), refreshed every year from the peers' last realised year (annual), or fixed at contract start (fixed). Default with-rebase.",
    () => "with-rebase" as const
  ),
  rebasing: withDefault(Rebasing, "How the provider baseline is reset during the contract (docs/model.md §4). Default { kind: none }.", () => ({
    kind: "none" as const
  })),
  savingsCredit: optional(
    orNull(SavingsCredit),
    "Credit set at each rebase from the savings of the closing period, applied in every year of the new period (MSSP prior savings adjustment). Absent or null: none."
  ),
  glidePathOnRebase: withDefault(
    oneOf("continue", "restart"),
    "At a rebase the glide path continues with the contract year (continue) or restarts at its first weight (restart). Default continue.",
    () => "continue" as const
  )
}).annotations(label("benchmark terms { trend, … }"))

// ---------------------------------------------------------------- settlement

/** Settlement presets a scenario may name (`settlement: { preset: mssp-enhanced }`). */
export const SETTLEMENT_PRESETS = ["mssp-basic-a", "mssp-basic-b", "mssp-basic-c", "mssp-basic-d", "mssp-basic-e", "mssp-enhanced"] as const
/** One of SETTLEMENT_PRESETS. */
export type SettlementPreset = (typeof SETTLEMENT_PRESETS)[number]

export const CorridorRate = Schema.Union(
  oneOf("mssp-variable"),
  Schema.Struct({ fixed: required(Share, "The fixed rate as a share of the benchmark (0.02 = 2 %).") })
).annotations(label('"mssp-variable" or { fixed: rate }'))

export const Band = Schema.Struct({
  from: required(NonNegative, "Lower end of the band, as a share of the benchmark."),
  to: optional(orNull(NonNegative), "Upper end of the band; absent or null: no upper end."),
  share: required(Share, "Share of the part of the gap inside this band.")
}).annotations(label("a band { from, to, share }"))

const Bands = Schema.Struct({
  bands: required(nonEmpty(Band, "bands", LIMITS.bands), "Marginal bands on the gap as a share of the benchmark, like tax brackets, ascending.")
}).annotations(label("{ bands }"))

export const SavingsRateTerms = Schema.Union(Share, Bands).annotations(label("a sharing rate (decimal) or { bands }"))

export const QualityLinkedLossRate = Schema.Struct({
  savingsRate: required(Share, "Savings rate s in 1 − s × quality score (MSSP ENHANCED: 0.75)."),
  min: required(Share, "Lowest loss rate (MSSP ENHANCED: 0.40)."),
  max: required(Share, "Highest loss rate (MSSP ENHANCED: 0.75)."),
  failedQuality: required(Share, "Loss rate when the quality standard is not met (MSSP ENHANCED: 0.75).")
}).annotations(label("{ savingsRate, min, max, failedQuality }"))

export const LossRateTerms = Schema.Union(
  Share,
  Bands,
  Schema.Struct({ qualityLinked: required(QualityLinkedLossRate, "Loss rate 1 − savingsRate × quality score, bounded to [min, max].") })
).annotations(label("a loss rate (decimal), { bands } or { qualityLinked }"))

export const LossLimit = Schema.Struct({
  shareOfBenchmark: optional(NonNegative, "Losses at most this share of the benchmark."),
  shareOfRevenue: optional(NonNegative, "Losses at most this share of ACO participant revenue.")
}).annotations(label("a loss limit { shareOfBenchmark, shareOfRevenue }"))

export const HealthEquity = Schema.Struct({
  measurePerformanceScaler: required(
    NonNegative,
    "Measure performance scaler: over the APP measure set, 4, 2 or 0 for each measure on which the ACO is in the top, middle or bottom third of ACO performers (0 for a measure not scored), summed (42 CFR 425.512(b)(3)(i)–(iii))."
  ),
  underservedProportion: required(
    Share,
    "Underserved multiplier: the share of assigned beneficiaries who are underserved, the higher of the share in census block groups with an ADI national percentile rank of at least 85 and the share enrolled in the Part D low-income subsidy or dually eligible (425.512(b)(3)(iv)). Below 0.20: no bonus."
  )
}).annotations(label("a health equity adjustment { measurePerformanceScaler, underservedProportion }"))

export const Quality = Schema.Struct({
  score: withDefault(
    Share,
    "Quality score in [0, 1] (MSSP: the MIPS Quality performance category score, 76.63 % as 0.7663); with healthEquity, before the adjustment. Drives quality-linked loss rates and the alternative standard's sliding scale. Default 1.",
    () => ONE
  ),
  savingsMultiplier: optional(
    Share,
    "Multiplies the savings rate (1 when the standard is met in full; the score under MSSP's alternative standard). Default 1. Not with percentile or standardScore, which derive it."
  ),
  meetsStandard: optional(Flag, "false: no shared savings and the failed-quality loss rate. Default true. Not with percentile or standardScore, which derive it."),
  percentile: optional(
    Share,
    "MSSP: the ACO's percentile rank (0.35 = 35th) of its health-equity adjusted score among all MIPS Quality performance category scores. The standard is met at standardPercentile or above (42 CFR 425.512(a)(5)(i)); derives meetsStandard and savingsMultiplier."
  ),
  standardScore: optional(
    Share,
    "MSSP: the MIPS Quality performance category score at the standard's percentile; the standard is met when the (health-equity adjusted) score is at least this. Instead of percentile; derives meetsStandard and savingsMultiplier."
  ),
  standardPercentile: optional(Share, "The percentile the standard requires, beside percentile: 0.40 from PY2024 (default), 0.30 for PY2021–PY2023 (425.512(a)(3)–(5))."),
  alternativeMet: optional(
    Flag,
    "MSSP's alternative quality performance standard met: at least the 10th percentile on one of the four outcome measures of the APP measure set (425.512(a)(5)(ii)). When the standard is missed: the sharing rate × the adjusted score (sliding scale). Default false; with percentile or standardScore."
  ),
  healthEquity: optional(
    HealthEquity,
    "MSSP's health equity adjustment (425.512(b)), for an ACO reporting all the eCQMs/MIPS CQMs/Medicare CQMs and administering CAHPS: adds min(10, scaler × underserved) points to score, at most 100 %. Absent: none."
  )
}).annotations(label("quality { score, savingsMultiplier, meetsStandard } or { score, percentile | standardScore, alternativeMet, healthEquity }"))

export const ReducedBelowMsr = Schema.Struct({
  factor: withDefault(Share, "Share of the final sharing rate paid below the MSR (425.605(h)(2): one-half). Default 0.5.", () => dec("0.5")),
  minAssigned: withDefault(NonNegative, "Fewest assigned beneficiaries of the year (assignedBeneficiaries) for it to apply (425.605(h)(1)(iii)). Default 5000.", () => dec(5000))
}).annotations(label("reduced shared savings { factor, minAssigned }"))

export const Settlement = Schema.Struct({
  preset: optional(
    oneOf(...SETTLEMENT_PRESETS),
    "An MSSP track whose terms fill every term below (42 CFR 425.605, 425.610); any term given beside it replaces the preset's."
  ),
  name: optional(Text, "Name shown in reports. Default: the preset's name, or \"Custom terms\"."),
  msr: optional(CorridorRate, "Minimum savings rate: { fixed: rate } or mssp-variable (the table by assigned members). Required without a preset."),
  mlr: optional(orNull(CorridorRate), "Minimum loss rate. Absent (without a preset) or null: one-sided, no shared losses."),
  sharingBasis: optional(
    oneOf("first-dollar", "beyond-corridor"),
    "Share from the first dollar once the corridor is met (MSSP), or only the gap beyond it. Default first-dollar."
  ),
  savingsRate: optional(SavingsRateTerms, "Share of savings paid to the provider: a rate or { bands }. Required without a preset."),
  savingsCap: optional(orNull(NonNegative), "Savings paid at most this share of the benchmark (MSSP BASIC 0.10, ENHANCED 0.20). Null: uncapped."),
  sequestration: optional(Share, "Share withheld from savings before the cap (MSSP 0.02). Default 0 without a preset."),
  lossRate: optional(orNull(LossRateTerms), "Share of losses the provider owes: a rate, { bands } or { qualityLinked }. Two-sided terms need it."),
  lossLimit: optional(orNull(LossLimit), "Losses owed at most the least of these shares. Absent or null: no limit."),
  assignedBeneficiaries: optional(
    perYear(Positive),
    "Assigned beneficiaries of the year, one value or a list per contract year: what the mssp-variable MSR/MLR table reads (MSSP N_AB). Absent: member months ÷ 12."
  ),
  participantRevenue: optional(
    perYear(NonNegative),
    "The provider's participants' total fee-for-service revenue in dollars, one value for every year or a list per contract year; what lossLimit.shareOfRevenue is a share of (MSSP BASIC C–E, 42 CFR 425.605(d)). Absent: a revenue-based limit cannot apply."
  ),
  reducedBelowMsr: optional(
    orNull(ReducedBelowMsr),
    "MSSP reduced shared savings (42 CFR 425.605(h)): savings below the MSR, spending still below the benchmark, shared at factor × the sharing rate when the year has at least minAssigned assigned beneficiaries and meets the quality standard or its alternative. Give it only for a low revenue BASIC ACO in an agreement period from 2024, which the file cannot check; first-dollar sharing only. Stays when an entry switches preset. Absent or null: nothing below the MSR."
  ),
  advanceInvestment: optional(
    perYear(NonNegative),
    "Advance investment payments received in each contract year, in dollars (MSSP 42 CFR 425.630: $250,000 at the start of year 1 plus quarterly payments in years 1–2), one value for every year or a list per contract year. Added to the provider's net when received, recouped from the shared savings of that and later years until repaid. Absent: none."
  ),
  quality: withDefault(
    perYear(Quality),
    "Quality per contract year: one { score, savingsMultiplier, meetsStandard } (or the standard's inputs { score, percentile | standardScore, alternativeMet, healthEquity }) for every year or a list per year. Default score 1, multiplier 1, standard met.",
    () => ({ score: ONE, savingsMultiplier: ONE, meetsStandard: true })
  )
}).annotations(label("settlement terms { preset | msr, savingsRate, … }"))

// ---------------------------------------------------------------- terms by contract year

/** Benchmark parameters a schedule entry may change for its years. */
export const YearBenchmark = Schema.Struct({
  providerWeight: optional(Share, "Provider weight λ for these years; replaces the glide path's weight (peer weights by side, when in force, take precedence)."),
  peerWeightBySide: optional(orNull(PeerWeightBySide), "Peer weights by side for these years (a later agreement's 50 %/25 %); null returns to the glide path."),
  trend: optional(TrendPolicy, "Trend from the reference year to each of these years (e.g. another ACPT weight in the blend); replaces the trend in force."),
  convergenceCaps: optional(ConvergenceCaps, "Limits on the convergence adjustment for these years; replaces those in force."),
  risk: optional(RiskCaps, "Caps on the risk ratio for these years; replace those in force."),
  discount: optional(DiscountRate, "Discount for these years (negative: a premium); replaces the discount in force."),
  equityAddOn: optional(orNull(EquityAddOn), "Equity add-on for these years; null removes it."),
  lossGuardrail: optional(orNull(LossGuardrail), "Loss guardrail for these years (its trend must cover them); null removes it.")
}).annotations(
  label("benchmark terms of a schedule entry { providerWeight?, peerWeightBySide?, trend?, convergenceCaps?, risk?, discount?, equityAddOn?, lossGuardrail? }")
)

/**
 * Settlement terms a schedule entry may change: every settlement field, none required and
 * none defaulted, so that a field the entry leaves out stays as it was.
 */
export const YearSettlement = Schema.Struct({
  ...Settlement.fields,
  quality: optional(
    perYear(Quality),
    "Quality from these years on: one { score, savingsMultiplier, meetsStandard } (or the standard's inputs), or a list with one per contract year (indexed by contract year)."
  )
}).annotations(label("settlement terms of a schedule entry { preset?, msr?, mlr?, savingsRate?, … }"))

export const ScheduleEntry = Schema.Struct({
  fromYear: required(PositiveInt, "Contract year (1 = the first) from which this entry's terms apply, until the next entry's fromYear."),
  name: optional(Text, "Name of these terms in explain and reports (e.g. \"Level C\", \"two-sided\"). Default: \"from year N\"."),
  benchmark: optional(YearBenchmark, "Benchmark parameters that change from fromYear; each field given replaces the one in force."),
  settlement: optional(
    YearSettlement,
    "Settlement terms that change from fromYear; each field given replaces the one in force (a preset replaces the preset, null removes a term)."
  )
}).annotations(label("a schedule entry { fromYear, name?, benchmark?, settlement? }"))

export const Schedule = nonEmpty(ScheduleEntry, "schedule entries", LIMITS.years)

// ---------------------------------------------------------------- projection

export const SavingsPath = Schema.Union(
  SavingsLevel,
  Schema.Array(SavingsLevel),
  Schema.Struct({
    annual: required(SavingsLevel, "Compounding annual savings a: the level in contract year k is 1 − (1 − a)^k.")
  })
).annotations(label("a savings level, a list with one per contract year, or { annual }"))

export const EntityProjectionTerms = Schema.Struct({
  savings: optional(SavingsPath, "Savings below counterfactual cost per contract year: actual = counterfactual × (1 − savings)."),
  memberGrowth: optional(Rate, "Annual growth of member months."),
  riskDrift: optional(Rate, "Annual change of the risk score (0.01 = +1 % a year).")
}).annotations(label("a projection { savings, memberGrowth, riskDrift }"))

export const Projection = Schema.Struct({
  marketTrend: required(perYear(Rate), "Market-wide cost trend: one rate for every contract year or a list per year."),
  default: optional(EntityProjectionTerms, "Projection of every entity not listed in entities (and of listed entities' missing fields). Default all 0."),
  entities: optional(
    Schema.Record({ key: Schema.String, value: EntityProjectionTerms }).annotations(label("a mapping of entity id to projection")),
    "Projection per entity id; fields not given come from default."
  )
}).annotations(label("a projection { marketTrend, default, entities }"))

export const PresentValue = Schema.Struct({
  rate: required(Rate, "Annual rate to discount yearly results to contract start.")
}).annotations(label("{ rate }"))

/** Monte Carlo assumptions used where a scenario gives none (docs/model.md §8). */
export const STOCHASTIC_DEFAULTS = { marketTrendSd: 0.01, memberCostSd: 1.7, savingsSd: 0.01, riskDriftSd: 0 } as const

export const Stochastic = Schema.Struct({
  marketTrendSd: withDefault(sdAtMost(LIMITS.marketTrendSd), "sd of the yearly market trend shock, log scale. Default 0.01.", () => STOCHASTIC_DEFAULTS.marketTrendSd),
  memberCostSd: withDefault(
    sdAtMost(LIMITS.memberCostSd),
    "sd of one member-year's cost, log scale; an entity-year draws N(0, memberCostSd / √members). Default 1.7, the per-member variation implied by MSSP's 3.9 % MSR at 5,000 members (a 90 % band: 1.645 × 1.7 ÷ √5,000 ≈ 3.9 %).",
    () => STOCHASTIC_DEFAULTS.memberCostSd
  ),
  savingsSd: withDefault(sdAtMost(LIMITS.savingsSd), "sd of achieved savings around the plan, absolute. Default 0.01.", () => STOCHASTIC_DEFAULTS.savingsSd),
  riskDriftSd: withDefault(sdAtMost(LIMITS.riskDriftSd), "sd of the yearly risk drift shock. Default 0.", () => STOCHASTIC_DEFAULTS.riskDriftSd)
}).annotations(label("stochastic assumptions { marketTrendSd, memberCostSd, savingsSd, riskDriftSd }"))

// ---------------------------------------------------------------- participation (pbpsim market)

/** Logistic participation calibrated to Chen & McWilliams (2025) and Bleser et al. (2019): docs/market.md#calibration. */
export const PARTICIPATION_DEFAULTS = { horizon: 3, exitAtZero: "0.10", exitAtMinusOnePoint: "0.21" } as const

const Horizon = withDefault(
  ContractLength,
  `Contract years the decision looks ahead, from the year decided (1 to 50; cut at the contract's end). Default ${PARTICIPATION_DEFAULTS.horizon}.`,
  () => PARTICIPATION_DEFAULTS.horizon
)

export const Participation = Schema.Union(
  Schema.Struct({ kind: kindField("mandatory", "mandatory: every provider joins in year 1 and stays.") }),
  Schema.Struct({
    kind: kindField("threshold", "threshold: a provider joins, and each later year stays, iff its expected net payment rate over the horizon is at least `minimum`; once out, out."),
    horizon: Horizon,
    minimum: withDefault(Rate, "Least expected net payment over the horizon, as a share of its benchmark (0.005 = 0.5 %). Default 0.", () => ZERO)
  }),
  Schema.Struct({
    kind: kindField(
      "logistic",
      "logistic: the chance of joining in year 1, and of staying each later year, is 1 ÷ (1 + exp(−(a + b·x))) with x the expected net payment rate over the horizon in percent of the benchmark; a and b are set by the two exit chances below."
    ),
    horizon: Horizon,
    exitAtZero: withDefault(
      Share,
      `Chance of not joining (or of leaving) when the expected net payment is 0. Default ${PARTICIPATION_DEFAULTS.exitAtZero} (docs/market.md#calibration).`,
      () => dec(PARTICIPATION_DEFAULTS.exitAtZero)
    ),
    exitAtMinusOnePoint: withDefault(
      Share,
      `Chance of not joining (or of leaving) when the expected net payment is −1 % of the benchmark; must exceed exitAtZero. Default ${PARTICIPATION_DEFAULTS.exitAtMinusOnePoint}: 11 points more, Chen & McWilliams' effect of a larger benchmark cut (docs/market.md#calibration).`,
      () => dec(PARTICIPATION_DEFAULTS.exitAtMinusOnePoint)
    )
  })
).annotations(label("a participation rule { kind: mandatory | threshold | logistic, … }"))

// ---------------------------------------------------------------- policies and the file

/** Sections a policy overlay may replace or deep-merge; validated by decoding the merged scenario. */
export const OVERLAY_SECTIONS = [
  "market",
  "experience",
  "contract",
  "benchmark",
  "settlement",
  "schedule",
  "projection",
  "presentValue",
  "stochastic",
  "participation"
] as const
export type OverlaySection = (typeof OVERLAY_SECTIONS)[number]

/** An overlay section as written: kept raw (numbers as Numerals) until merged, written back as plain data. */
const OverlayValue = Schema.transform(Schema.Unknown, Schema.Unknown, { strict: true, decode: (raw) => raw, encode: withoutNumerals })

const overlaySection = (section: OverlaySection) =>
  optional(
    OverlayValue,
    `Merged over the base scenario's ${section}: objects merge field by field, lists and values replace; same fields as ${section}, all optional.`
  )

export const Overlay = Schema.Struct({
  market: overlaySection("market"),
  experience: overlaySection("experience"),
  contract: overlaySection("contract"),
  benchmark: overlaySection("benchmark"),
  settlement: overlaySection("settlement"),
  schedule: overlaySection("schedule"),
  projection: overlaySection("projection"),
  presentValue: overlaySection("presentValue"),
  stochastic: overlaySection("stochastic"),
  participation: overlaySection("participation")
}).annotations(label("an overlay { benchmark?, settlement?, … }"))

export const Policy = Schema.Struct({
  name: required(Text, "Name of the policy, unique in the file; what `--policy` selects and reports show."),
  description: optional(FreeText, "What the policy means, in words."),
  overlay: withDefault(Overlay, "Changes to the base scenario for this policy. Default {}: the base scenario as is.", () => ({}))
}).annotations(label("a policy { name, description, overlay }"))

const bodyFields = {
  $schema: optional(FreeText, "Path or URL of the JSON Schema, for editors; ignored by pbpsim."),
  name: required(Text, "Name of the scenario, shown in reports."),
  description: optional(FreeText, "What the scenario demonstrates (free text)."),
  market: required(Market, "The entities of the market (docs/model.md §1)."),
  experience: required(Experience, "Historical experience: a list of rows, or { csv: path } relative to the scenario file."),
  contract: required(Contract, "Who contracts, with which peers, from when, for how long, on which baseline years."),
  benchmark: required(Benchmark, "How the benchmark is built each contract year (docs/model.md §3–§4)."),
  settlement: required(Settlement, "How each year is settled (docs/model.md §6)."),
  schedule: optional(
    orNull(Schedule),
    "Terms that change during the contract: entries in ascending fromYear, each changing benchmark parameters and settlement terms from its year on (docs/terms-by-year.md). Absent: the same terms every year."
  ),
  projection: required(Projection, "Projected actual cost: market trend and each entity's savings path, member growth and risk drift (docs/model.md §5)."),
  presentValue: optional(orNull(PresentValue), "Discount yearly results to contract start at this rate. Absent or null: no present value."),
  stochastic: withDefault(
    Stochastic,
    "Monte Carlo assumptions (docs/model.md §8). Default: marketTrendSd 0.01, memberCostSd 1.7, savingsSd 0.01, riskDriftSd 0.",
    () => ({ ...STOCHASTIC_DEFAULTS })
  ),
  participation: optional(
    Participation,
    "Who joins and who stays in `pbpsim market` (docs/market.md). Absent: the logistic rule with its calibrated defaults."
  )
}

/** One scenario without its policies: what a policy overlay produces and the engine is resolved from. */
export const ScenarioBody = Schema.Struct(bodyFields).annotations(label("a scenario"))

/** The Effect Schema of a scenario file (decode with defaults filled; encode writes a file back). */
export const ScenarioSchema = Schema.Struct({
  ...bodyFields,
  policies: required(
    nonEmpty(Policy, "policies", LIMITS.policies),
    "Named variants of the scenario (e.g. trending vs annual rebasing), each an overlay on the base; at least one."
  )
}).annotations({
  title: "pbpsim scenario",
  description: "A population-based payment contract scenario: market, experience, contract, benchmark, settlement, projection and the policies to compare.",
  ...label("a scenario")
})

/** A decoded scenario file (defaults filled, decimals exact). */
export type ScenarioDocument = typeof ScenarioSchema.Type
/** A decoded scenario without policies (base, or base with one overlay applied). */
export type ScenarioBodyDocument = typeof ScenarioBody.Type
/** The file's shape before decoding (what JSON/YAML holds). */
export type ScenarioInput = typeof ScenarioSchema.Encoded
export type TrendPolicyDocument = typeof TrendPolicy.Type
export type RebasingDocument = typeof Rebasing.Type
export type SettlementDocument = typeof Settlement.Type
export type ExperienceRowDocument = typeof ExperienceRow.Type
