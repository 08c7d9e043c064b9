import {
  advanceRecoupmentFloat,
  baselineYearFloat,
  benchmarkChainFloat,
  convergenceAdjustmentFloat,
  creditWithAdjustmentFloat,
  effectiveRiskRatioFloat,
  weightedPercentileFloat,
  guardRateFloat,
  moveFloat,
  partialRebaseFloat,
  restateRiskFloat,
  riskRatioFloat,
  roundFloat,
  savingsCreditFloat,
  settleFloat,
  SETTLED_GROSS,
  SETTLED_LENGTH,
  SETTLED_LOSSES,
  SETTLED_OUTCOME,
  SETTLED_SAVINGS,
  trendFactorFloat
} from "@pbpsim/benchmark/compute"
import {
  FIELD_COUNT,
  F_ACTUAL,
  F_BENCHMARK,
  F_EXPENDITURE,
  F_LOSSES,
  F_OUTCOME,
  F_PAYER,
  F_PROVIDER,
  F_SAVINGS,
  PEER_ANNUAL,
  PEER_FIXED,
  REBASE_ANNUAL,
  REBASE_NONE,
  REBASE_PARTIAL,
  REBASE_PERIODIC,
  REBASE_ROLLING,
  type PolicyPlan,
  type SimulationPlan,
  type TrendPlan,
  type WorldPlan
} from "./plan.js"
import { drawLength } from "./plan.js"
import { seedTrial } from "./draws.js"
import { expFloat } from "./expFloat.js"
import { defaultBackend, kernelMemory, normalsInto, type KernelBackend, type KernelMemory } from "./kernelMemory.js"

/**
 * The Monte Carlo hot loop: one trial = realised experience from the trial's draws (docs/model.md
 * §8), the peers' and market's pooled experience, then every policy's contract years. Float64
 * over preallocated typed arrays; nothing is allocated per trial. The draws and the realised cells
 * run in WebAssembly where available (kernel.wat; kernelMemory.ts), with TypeScript twins here and
 * in draws.ts that give the same bits. It mirrors the exact
 * engine (engine/contract.ts, the benchmark package's rules) step for step; the property test
 * `kernel.test.ts` holds the two to 1e-9 relative with the noise at zero.
 */

/** Achieved savings are kept below this (cost cannot go negative) unless the plan itself is higher. */
export const SAVINGS_CEILING = 0.99

interface WorldScratch {
  readonly plan: WorldPlan
  /** Per entity × calendar index: history as given, contract years rewritten every trial. */
  readonly cost: Float64Array
  readonly memberMonths: Float64Array
  readonly risk: Float64Array
  /** Per set × calendar index: pooled cost and Σ risk × member months; NaN where a member lacks the year. */
  readonly pooledCost: Float64Array
  readonly pooledRisk: Float64Array
  /**
   * Per set: the entity rows outside it when it is most of the market (a provider's peers), so
   * its contract years pool as the market's pool minus them; null to pool its members directly.
   */
  readonly complement: ReadonlyArray<Int32Array | null>
  /** The market's contract-year pools, summed while the trial's cells are realised. */
  readonly marketCost: Float64Array
  readonly marketRisk: Float64Array
  /** Per set × calendar index: realised growth of risk-adjusted PMPM (NaN where not observable). */
  readonly growth: Float64Array
  /**
   * Per row × contract year (e·Y + k, as the plan's cells): the trial's realised counterfactual
   * cost, i.e. counterfactual × exp(shocks) before the achieved-savings factor, so that
   * cost = counterfactual × (1 − achieved savings) exactly (the market view's payer cost,
   * market/simulate.ts). For a cell given as actual experience: that cost. Null unless
   * kernelScratch was asked to keep it (simulate does not pay for the store).
   */
  readonly counterfactual: Float64Array | null
  /** The plan's per-cell inputs of realise, copied where the backend reads them (WorldPlan's fields of the same names). */
  readonly drawRow: Int32Array
  readonly actual: Uint8Array
  readonly counterfactualCost: Float64Array
  readonly plannedRisk: Float64Array
  readonly memberScale: Float64Array
  readonly savingsPlan: Float64Array
  /** Per cell: the WebAssembly realise's log shocks of cost and risk, then their exponentials. */
  readonly shocks: Float64Array
  readonly drifts: Float64Array
}

export interface KernelScratch {
  readonly plan: SimulationPlan
  /** Where the hot loops run, and the arrays they share (kernelMemory.ts). */
  readonly memory: KernelMemory
  /** One trial's standard normals (drawLength(plan) of them): drawTrial fills them, runTrial reads them. */
  readonly draws: Float64Array
  readonly worlds: ReadonlyArray<WorldScratch>
  readonly marketShock: Float64Array
  /** Per segment (one when the benchmark is not segmented): annual historical and contract-year trend rates per calendar index. */
  readonly historicalRate: ReadonlyArray<Float64Array>
  readonly trendRate: ReadonlyArray<Float64Array>
  /** Per segment: the loss guardrail's trend rates, and each segment's baseline before trend and risk ratio of the year. */
  readonly guardrailRate: ReadonlyArray<Float64Array>
  readonly beforeTrend: Float64Array
  readonly riskRatio: Float64Array
  /** Per segment: the reference's provider baseline, peer baseline and provider risk. */
  readonly providerB: Float64Array
  readonly peerB: Float64Array
  readonly riskBase: Float64Array
  readonly gross: Float64Array
  /** One year's settlement (settleFloat's scratch). */
  readonly settled: Float64Array
  /** Per policy × contract year (of the longest policy) × field. */
  readonly out: Float64Array
  /** Scratch of a percentile peer target: each peer's baseline, member months and sort order. */
  readonly peerValues: Float64Array
  readonly peerWeights: Float64Array
  readonly peerOrder: Uint32Array
}

const copied = <A extends Float64Array | Int32Array | Uint8Array>(into: A, from: ArrayLike<number>): A => {
  into.set(from)
  return into
}

const worldScratch = (plan: WorldPlan, keepCounterfactual: boolean, memory: KernelMemory): WorldScratch => {
  const T = plan.calendarYears
  const cost = copied(memory.f64(plan.historyCost.length), plan.historyCost)
  const memberMonths = copied(memory.f64(plan.historyMemberMonths.length), plan.historyMemberMonths)
  const risk = copied(memory.f64(plan.historyRisk.length), plan.historyRisk)
  for (let e = 0; e < plan.entities; e++)
    for (let k = 0; k < plan.years; k++) {
      memberMonths[e * T + plan.startIndex + k] = plan.memberMonths[e * plan.years + k]!
    }
  const sets = plan.sets.length
  const scratch: WorldScratch = {
    plan,
    cost,
    memberMonths,
    risk,
    pooledCost: new Float64Array(sets * T),
    pooledRisk: new Float64Array(sets * T),
    growth: new Float64Array(sets * T),
    complement: plan.sets.map((members, s) => {
      if (s === 0 || members.length <= plan.entityRows / 2 || members.some((m) => m >= plan.entityRows)) return null
      const inSet = new Uint8Array(plan.entityRows)
      for (const m of members) inSet[m] = 1
      return Int32Array.from({ length: plan.entityRows }, (_, e) => e).filter((e) => inSet[e] === 0)
    }),
    marketCost: memory.f64(plan.years),
    marketRisk: memory.f64(plan.years),
    counterfactual: keepCounterfactual ? memory.f64(plan.entities * plan.years) : null,
    drawRow: copied(memory.i32(plan.drawRow.length), plan.drawRow),
    actual: copied(memory.u8(plan.actual.length), plan.actual),
    counterfactualCost: copied(memory.f64(plan.counterfactualCost.length), plan.counterfactualCost),
    plannedRisk: copied(memory.f64(plan.risk.length), plan.risk),
    memberScale: copied(memory.f64(plan.memberScale.length), plan.memberScale),
    savingsPlan: copied(memory.f64(plan.savingsPlan.length), plan.savingsPlan),
    shocks: memory.f64(memory.backend === "wasm" ? plan.entities * plan.years : 0),
    drifts: memory.f64(memory.backend === "wasm" ? plan.entities * plan.years : 0)
  }
  // History pools never change: pool them once (NaN unless every member has the year, as the exact engine requires).
  for (let s = 0; s < sets; s++) poolSet(scratch, s, 0, plan.startIndex)
  return scratch
}

/**
 * Scratch of one thread's trials; `keepCounterfactual` also keeps each cell's realised
 * counterfactual (WorldScratch.counterfactual); `backend` picks where the hot loops run
 * (kernelMemory.ts; by default WebAssembly where available).
 */
export const kernelScratch = (
  plan: SimulationPlan,
  options: { readonly keepCounterfactual?: boolean; readonly backend?: KernelBackend } = {}
): KernelScratch =>
  kernelMemory(options.backend ?? defaultBackend(), (memory) => scratchIn(plan, options.keepCounterfactual === true, memory))

const scratchIn = (plan: SimulationPlan, keepCounterfactual: boolean, memory: KernelMemory): KernelScratch => {
  const T = Math.max(1, ...plan.worlds.map((w) => w.calendarYears))
  const maxSet = Math.max(1, ...plan.worlds.flatMap((w) => w.sets.map((set) => set.length)))
  const maxSegments = Math.max(1, ...plan.policies.map((p) => p.providerRows.length))
  const rates = () => Array.from({ length: maxSegments }, () => new Float64Array(T))
  return {
    plan,
    memory,
    draws: memory.f64(drawLength(plan)),
    worlds: plan.worlds.map((w) => worldScratch(w, keepCounterfactual, memory)),
    marketShock: memory.f64(plan.years),
    historicalRate: rates(),
    trendRate: rates(),
    guardrailRate: rates(),
    beforeTrend: new Float64Array(maxSegments),
    riskRatio: new Float64Array(maxSegments),
    providerB: new Float64Array(maxSegments),
    peerB: new Float64Array(maxSegments),
    riskBase: new Float64Array(maxSegments),
    gross: new Float64Array(plan.years),
    settled: new Float64Array(SETTLED_LENGTH),
    out: new Float64Array(plan.policies.length * plan.years * FIELD_COUNT),
    peerValues: new Float64Array(maxSet),
    peerWeights: new Float64Array(maxSet),
    peerOrder: new Uint32Array(maxSet)
  }
}

const poolSet = (w: WorldScratch, s: number, fromT: number, toT: number): void => {
  const members = w.plan.sets[s]!
  const T = w.plan.calendarYears
  for (let t = fromT; t < toT; t++) {
    let c = 0
    let r = 0
    for (let j = 0; j < members.length; j++) {
      const i = members[j]! * T + t
      const mm = w.memberMonths[i]!
      c += w.cost[i]!
      r += w.risk[i]! * mm
    }
    w.pooledCost[s * T + t] = c
    w.pooledRisk[s * T + t] = r
  }
}

/** A set's contract-year pools as the market's less the few entity rows outside it. */
const poolAsMarketLess = (w: WorldScratch, s: number, complement: Int32Array): void => {
  const T = w.plan.calendarYears
  for (let t = w.plan.startIndex; t < T; t++) {
    let c = w.pooledCost[t]!
    let r = w.pooledRisk[t]!
    for (let j = 0; j < complement.length; j++) {
      const i = complement[j]! * T + t
      c -= w.cost[i]!
      r -= w.risk[i]! * w.memberMonths[i]!
    }
    w.pooledCost[s * T + t] = c
    w.pooledRisk[s * T + t] = r
  }
}

/** A typed array's byte address in the WebAssembly memory (kernel.wat takes addresses); 0 for none. */
const addressOf = (view: ArrayBufferView | null): number => (view === null ? 0 : view.byteOffset)
/** The address of a noise stream's first draw in `z`, 0 when the stream is off (`from` −1). */
const drawAddress = (z: Float64Array, from: number): number => (from < 0 ? 0 : z.byteOffset + from * 8)

/** Realised experience of one trial for a world: docs/model.md §8 with the trial's draws (standard normals). */
const realise = (scratch: KernelScratch, w: WorldScratch): void => {
  const plan = scratch.plan
  const p = w.plan
  const z = scratch.draws
  const Y = p.years
  const stride = plan.years
  const cells = plan.entities.length * stride
  // The draws' layout (plan.ts drawLength): market, then member cost, savings and risk drift per cell.
  let offset = 0
  const marketOffset = offset
  if (plan.streams.market) offset += stride
  const costOffset = offset
  if (plan.streams.memberCost) offset += cells
  const savingsOffset = offset
  if (plan.streams.savings) offset += cells
  const riskOffset = offset
  const sm = p.marketTrendSd
  // Market trend shocks persist: the level in year k carries ε_1 + … + ε_k. Mean-preserving
  // lognormal: E[exp(x − var/2)] = 1 for x ~ N(0, var), so year k's market part is Σε − (k + 1)·sm²/2.
  const marketLevel = scratch.marketShock
  let cumulative = 0
  for (let k = 0; k < Y; k++) {
    if (sm > 0) cumulative += sm * z[marketOffset + k]!
    marketLevel[k] = cumulative - ((k + 1) * sm * sm) / 2
  }
  // Where each noise stream's draws start, −1 when it is off.
  const costFrom = p.memberCostSd > 0 ? costOffset : -1
  const savingsFrom = p.savingsSd > 0 ? savingsOffset : -1
  const riskFrom = p.riskDriftSd > 0 ? riskOffset : -1
  w.marketCost.fill(0)
  w.marketRisk.fill(0)
  const wasm = scratch.memory.exports
  if (wasm === null) realiseCells(scratch, w, costFrom, savingsFrom, riskFrom)
  else
    wasm.realise(
      p.entities,
      Y,
      p.calendarYears,
      p.startIndex,
      stride,
      p.entityRows,
      addressOf(w.drawRow),
      addressOf(w.actual),
      addressOf(w.counterfactualCost),
      addressOf(w.plannedRisk),
      addressOf(w.memberScale),
      addressOf(w.savingsPlan),
      drawAddress(z, costFrom),
      drawAddress(z, savingsFrom),
      drawAddress(z, riskFrom),
      addressOf(marketLevel),
      addressOf(w.cost),
      addressOf(w.risk),
      addressOf(w.memberMonths),
      addressOf(w.counterfactual),
      addressOf(w.marketCost),
      addressOf(w.marketRisk),
      addressOf(w.shocks),
      addressOf(w.drifts),
      p.memberCostSd,
      p.savingsSd,
      p.riskDriftSd,
      SAVINGS_CEILING
    )
  poolWorld(w)
}

/**
 * The realised cells of a world (kernel.wat `realise` does the same operations in the same order):
 * cost = counterfactual × e^shock × (1 − achieved savings), risk = planned risk × e^(drift so far),
 * or the cell's actual experience; the market's contract-year pools summed on the way.
 * `costFrom`, `savingsFrom`, `riskFrom`: where the stream's draws start, −1 when it is off.
 */
const realiseCells = (scratch: KernelScratch, w: WorldScratch, costFrom: number, savingsFrom: number, riskFrom: number): void => {
  const p = w.plan
  const z = scratch.draws
  const T = p.calendarYears
  const Y = p.years
  const stride = scratch.plan.years
  const marketLevel = scratch.marketShock
  // The hot loop reads only locals: typed arrays and numbers hoisted out of the plan objects.
  const cost = w.cost
  const risk = w.risk
  const drawRow = w.drawRow
  const actual = w.actual
  const counterfactualCost = w.counterfactualCost
  const plannedRisk = w.plannedRisk
  const memberScale = w.memberScale
  const savingsPlan = w.savingsPlan
  const startIndex = p.startIndex
  const rows = p.entities
  const sc = p.memberCostSd
  const ss = p.savingsSd
  const sr = p.riskDriftSd
  const halfRiskVariance = (sr * sr) / 2
  const memberMonths = w.memberMonths
  const entityRows = p.entityRows
  const marketCost = w.marketCost
  const marketRisk = w.marketRisk
  const realisedCounterfactual = w.counterfactual
  for (let e = 0; e < rows; e++) {
    const row = drawRow[e]! * stride
    const cellBase = e * T + startIndex
    const planBase = e * Y
    let riskShock = 0
    for (let k = 0; k < Y; k++) {
      const i = planBase + k
      const c = cellBase + k
      let cellCost: number
      let cellRisk: number
      if (actual[i] === 1) {
        cellCost = counterfactualCost[i]!
        cellRisk = plannedRisk[i]!
        if (realisedCounterfactual !== null) realisedCounterfactual[i] = cellCost
      } else {
        let shock = marketLevel[k]!
        if (costFrom >= 0) {
          const entitySd = sc * memberScale[i]!
          shock += entitySd * z[costFrom + row + k]! - (entitySd * entitySd) / 2
        }
        let savings = savingsPlan[i]!
        if (savingsFrom >= 0) {
          const planned = savings
          savings += ss * z[savingsFrom + row + k]!
          const ceiling = planned > SAVINGS_CEILING ? planned : SAVINGS_CEILING
          if (savings > ceiling) savings = ceiling
        }
        // (counterfactual × e^shock) × (1 − savings): the first product is the realised counterfactual, kept exactly when asked.
        const level = counterfactualCost[i]! * (shock === 0 ? 1 : expFloat(shock))
        if (realisedCounterfactual !== null) realisedCounterfactual[i] = level
        cellCost = level * (1 - savings)
        cellRisk = plannedRisk[i]!
        if (riskFrom >= 0) {
          riskShock += sr * z[riskFrom + row + k]! - halfRiskVariance
          cellRisk *= expFloat(riskShock)
        }
      }
      cost[c] = cellCost
      risk[c] = cellRisk
      if (e < entityRows) {
        marketCost[k] = marketCost[k]! + cellCost
        marketRisk[k] = marketRisk[k]! + cellRisk * memberMonths[c]!
      }
    }
  }
}

/** The trial's pools of every set and their growth, once the cells are realised. */
const poolWorld = (w: WorldScratch): void => {
  const p = w.plan
  const T = p.calendarYears
  const startIndex = p.startIndex
  const marketCost = w.marketCost
  const marketRisk = w.marketRisk
  const sets = p.sets.length
  for (let k = 0; k < p.years; k++) {
    w.pooledCost[startIndex + k] = marketCost[k]!
    w.pooledRisk[startIndex + k] = marketRisk[k]!
  }
  for (let s = 0; s < sets; s++) {
    const complement = w.complement[s]
    if (complement) poolAsMarketLess(w, s, complement)
    else if (s > 0) poolSet(w, s, startIndex, T)
    const base = s * T
    for (let t = 1; t < T; t++) {
      // Risk-adjusted PMPM of a pool is Σcost ÷ Σ(risk × MM); NaN propagates where a year is not observable.
      const now = w.pooledCost[base + t]! / w.pooledRisk[base + t]!
      const before = w.pooledCost[base + t - 1]! / w.pooledRisk[base + t - 1]!
      w.growth[base + t] = now / before - 1
    }
    w.growth[base] = Number.NaN
  }
}

const annualRates = (trend: TrendPlan, w: WorldScratch, peerSet: number, into: Float64Array): void => {
  const T = w.plan.calendarYears
  for (let t = 1; t < T; t++) {
    let rate = trend.constant[t]!
    const p = trend.peers[t]!
    const m = trend.market[t]!
    if (p !== 0) rate += p * w.growth[peerSet * T + t]!
    if (m !== 0) rate += m * w.growth[t]!
    into[t] = guardRateFloat(rate, trend.cap, trend.floor)
  }
}

/**
 * The weighted baseline rule (baseline.ts weightedBaseline) on one row of the calendar:
 * Σ w_j · (cost ÷ divisors)_{y_j} · RS_provider,last · F(y_j → y_last), over the latest
 * `weights.length` years before `latestBefore`, or the given years. For the provider the row is
 * its own cells (cost ÷ MM ÷ risk); for the peers it is their pool (Σcost ÷ Σ risk × MM). Both
 * are stated at the provider's risk of the last year, as the exact engine states them.
 */
const weightedBaseline = (
  w: WorldScratch,
  rates: Float64Array,
  provider: number,
  row: number,
  cost: Float64Array,
  divisor: Float64Array,
  secondDivisor: Float64Array | null,
  years: Int32Array | null,
  latestBefore: number,
  weights: Float64Array
): number => {
  const T = w.plan.calendarYears
  const n = weights.length
  const last = years ? years[n - 1]! : latestBefore - 1
  const basis = w.risk[provider * T + last]!
  let sum = 0
  for (let j = 0; j < n; j++) {
    const y = years ? years[j]! : latestBefore - n + j
    const i = row * T + y
    let perUnit = cost[i]! / divisor[i]!
    if (secondDivisor) perUnit /= secondDivisor[i]!
    sum += baselineYearFloat(perUnit, basis, trendFactorFloat(rates, y, last), weights[j]!)
  }
  return sum
}

const providerBaseline = (w: WorldScratch, rates: Float64Array, provider: number, years: Int32Array | null, latestBefore: number, weights: Float64Array): number =>
  weightedBaseline(w, rates, provider, provider, w.cost, w.memberMonths, w.risk, years, latestBefore, weights)

const ONE_WEIGHT = new Float64Array([1])

/** One policy's contract years on the world's realised experience (engine/contract.ts runContract, in floats); per segment where segmented. */
const contractInTrial = (scratch: KernelScratch, policy: PolicyPlan, index: number): void => {
  const w = scratch.worlds[policy.world]!
  const T = w.plan.calendarYears
  const rows = policy.providerRows
  const peerSets = policy.peerSets
  const S = rows.length
  const hist = scratch.historicalRate
  const trendRates = scratch.trendRate
  for (let s = 0; s < S; s++) annualRates(policy.historicalTrend, w, peerSets[s]!, hist[s]!)
  // Contract years under the same trend share its rates: recompute only where the trend changes.
  let trendInRates = -1
  let guardrailInRates = -1
  const guardrailRates = scratch.guardrailRate
  const segmentBefore = scratch.beforeTrend
  const segmentRisk = scratch.riskRatio
  const provider = policy.provider
  const out = scratch.out
  const outBase = index * scratch.plan.years * FIELD_COUNT
  const gross = scratch.gross
  const providerB = scratch.providerB
  const peerB = scratch.peerB
  const riskBase = scratch.riskBase
  let refT = -1
  let periodStart = 1
  let credit = 0
  // Advance investment payments not yet recouped (engine/contract.ts advanceOutstanding).
  let advance = 0
  for (let k = 1; k <= policy.years; k++) {
    const t = w.plan.startIndex + k - 1
    // Where this year's provider baseline comes from (engine/contract.ts rebaseSource).
    let keep = false
    let years: Int32Array | null = null
    let weights: Float64Array = ONE_WEIGHT
    let partial = false
    if (k === 1) {
      years = policy.baselineIndex
      weights = policy.baselineWeights
    } else
      switch (policy.rebasing) {
        case REBASE_NONE:
          keep = true
          break
        case REBASE_ANNUAL:
          break
        case REBASE_PERIODIC:
          if ((k - 1) % policy.rebaseEvery === 0) weights = policy.rebaseWeights
          else keep = true
          break
        case REBASE_ROLLING:
          weights = policy.rebaseWeights
          break
        case REBASE_PARTIAL:
          partial = true
          break
        default:
          throw new RangeError(`rebasing code ${policy.rebasing} has no kernel branch`)
      }
    const rebased = k > 1 && !keep
    if (!keep) {
      const newRef = years ? years[years.length - 1]! : t - 1
      // Peer component: contract baseline (year 1 or fixed), last realised year (annual), or the provider's years.
      let peerYears: Int32Array | null = years
      let peerWeights = weights
      if (policy.peerRefresh === PEER_FIXED || k === 1) {
        peerYears = policy.baselineIndex
        peerWeights = policy.baselineWeights
      } else if (policy.peerRefresh === PEER_ANNUAL) {
        peerYears = null
        peerWeights = ONE_WEIGHT
      }
      for (let s = 0; s < S; s++) {
        const row = rows[s]!
        if (partial && refT >= 0) {
          const fresh = providerBaseline(w, hist[s]!, row, null, t, ONE_WEIGHT)
          const restated = restateRiskFloat(moveFloat(hist[s]!, providerB[s]!, refT, newRef), w.risk[row * T + newRef]!, riskBase[s]!)
          providerB[s] = partialRebaseFloat(policy.alpha, fresh, restated)
        } else providerB[s] = providerBaseline(w, hist[s]!, row, years, t, weights)
        peerB[s] = peerAtReference(scratch, w, hist[s]!, policy, row, peerSets[s]!, peerYears, t, peerWeights, newRef)
        riskBase[s] = w.risk[row * T + newRef]!
      }
      refT = newRef
    } else if (policy.peerRefresh === PEER_ANNUAL && refT >= 0) {
      for (let s = 0; s < S; s++) peerB[s] = peerAtReference(scratch, w, hist[s]!, policy, rows[s]!, peerSets[s]!, null, t, ONE_WEIGHT, refT)
    }
    // The segments' whole at the reference year (engine/contract.ts acrossRef): member-month weights.
    let peerWhole = peerB[0]!
    let below = peerB[0]! > providerB[0]!
    if (policy.segmented) {
      let mm = 0
      let peerSum = 0
      let side = 0
      for (let s = 0; s < S; s++) {
        const m = w.memberMonths[rows[s]! * T + refT]!
        mm += m
        peerSum += m * peerB[s]!
        side += m * (peerB[s]! - providerB[s]!)
      }
      peerWhole = peerSum / mm
      below = side > 0
    }
    // The credit's cap basis: national per capita, or the segments' whole peer baseline.
    const basis = capBasis(policy, refT, peerWhole)
    // Prior savings credit, set at a rebase for the whole period it opens (engine/contract.ts savingsCreditFor).
    if (rebased && policy.creditShare === policy.creditShare) {
      let perCapita = 0
      const from = policy.creditYears > 0 ? k - policy.creditYears : periodStart
      // Years before the contract count as zero savings.
      for (let j = from < 1 ? 1 : from; j < k; j++) perCapita += gross[j - 1]! / w.memberMonths[provider * T + w.plan.startIndex + j - 1]!
      const counted = policy.creditYears > 0 ? policy.creditYears : k - periodStart
      credit = counted > 0 ? savingsCreditFloat(perCapita, counted, policy.creditShare, policy.creditCap, basis) : 0
    }
    if (rebased) periodStart = k
    const y = k - 1
    const scheduled = policy.providerWeight[y]!
    const peerBelow = policy.peerWeightBelow[y]!
    const lambda =
      peerBelow === peerBelow
        ? 1 - (below ? peerBelow : policy.peerWeightAbove[y]!)
        : scheduled === scheduled
          ? scheduled
          : policy.glidePath[policy.glideRestart ? k - periodStart : y]!
    if (policy.trendOfYear[y] !== trendInRates) {
      trendInRates = policy.trendOfYear[y]!
      for (let s = 0; s < S; s++) annualRates(policy.trends[trendInRates]!, w, peerSets[s]!, trendRates[s]!)
    }
    // Per segment: convergence (caps are shares of the segment's own peer baseline, or national per
    // capita), then the credit: the baseline before trend, which the 2024 risk-cap trigger weighs too.
    for (let s = 0; s < S; s++) {
      const adjustment = convergenceAdjustmentFloat(
        providerB[s]!,
        peerB[s]!,
        lambda,
        policy.capUp[y]!,
        policy.capDown[y]!,
        policy.noNegative[y] === 1,
        capBasis(policy, refT, peerB[s]!),
        policy.negativeOffset[y]!
      )
      segmentBefore[s] = providerB[s]! + creditWithAdjustmentFloat(adjustment, credit, policy.creditRule)
    }
    // 2024+ risk cap across segments (engine/contract.ts aggregateRiskCaps): capped only if the aggregate growth exceeds it.
    let ceiling = policy.riskCeiling[y]!
    if (policy.segmented && policy.riskTrigger[y] === 1) {
      let weightSum = 0
      let growthSum = 0
      for (let s = 0; s < S; s++) {
        const weight = segmentBefore[s]! * w.memberMonths[rows[s]! * T + t]!
        weightSum += weight
        growthSum += weight * (w.risk[rows[s]! * T + t]! / riskBase[s]!)
      }
      if (!(growthSum / weightSum > ceiling)) ceiling = Number.POSITIVE_INFINITY
    }
    // Then trend, risk, discount, rounding: the compute module's float forms.
    let B = 0
    let segmentPmpm = 0
    for (let s = 0; s < S; s++) {
      const cell = rows[s]! * T + t
      const riskRatio =
        policy.riskExtended[y] === 1
          ? effectiveRiskRatioFloat(w.risk[cell]!, riskBase[s]!, ceiling, policy.riskFloor[y]!, policy.codingBefore[y]!, 1, policy.riskWeight[y]!)
          : riskRatioFloat(w.risk[cell]!, riskBase[s]!, ceiling, policy.riskFloor[y]!)
      const beforeTrend = segmentBefore[s]!
      segmentRisk[s] = riskRatio
      const discounted = benchmarkChainFloat(beforeTrend, 0, trendFactorFloat(trendRates[s]!, refT, t), riskRatio, policy.discount[y]!)
      segmentPmpm = roundFloat(discounted + policy.equityAddOn[y]!, policy.roundingPlaces, policy.roundingMode)
      B += segmentPmpm * w.memberMonths[cell]!
    }
    const cell = provider * T + t
    const memberMonths = w.memberMonths[cell]!
    const expenditure = w.cost[cell]!
    // Unsegmented: the rounded PMPM × member months, as the exact engine multiplies it.
    const benchmarkPmpm = policy.segmented ? B / memberMonths : segmentPmpm
    if (!policy.segmented) B = benchmarkPmpm * memberMonths
    // MSSP loss guardrail (engine/contract.ts guardrailBenchmark): the same chain with the guardrail's trend.
    let guardrailB = Number.NaN
    const guardrail = policy.guardrailOfYear[y]!
    if (guardrail >= 0) {
      if (guardrail !== guardrailInRates) {
        guardrailInRates = guardrail
        for (let s = 0; s < S; s++) annualRates(policy.trends[guardrail]!, w, peerSets[s]!, guardrailRates[s]!)
      }
      guardrailB = 0
      for (let s = 0; s < S; s++) {
        const discounted = benchmarkChainFloat(segmentBefore[s]!, 0, trendFactorFloat(guardrailRates[s]!, refT, t), segmentRisk[s]!, policy.discount[y]!)
        const pmpm = roundFloat(discounted + policy.equityAddOn[y]!, policy.roundingPlaces, policy.roundingMode)
        guardrailB += pmpm * (policy.segmented ? w.memberMonths[rows[s]! * T + t]! : memberMonths)
      }
    }
    const settled = scratch.settled
    settleFloat(policy.settlement.years[k - 1]!, B, expenditure, settled, guardrailB)
    const g = settled[SETTLED_GROSS]!
    gross[k - 1] = g
    const sharedSavings = settled[SETTLED_SAVINGS]!
    const sharedLosses = settled[SETTLED_LOSSES]!
    // 425.630: the advance received this year raises the provider's net; savings repay what is outstanding first.
    const received = policy.advanceReceived[y]!
    advance += received
    const recouped = advanceRecoupmentFloat(sharedSavings, advance)
    advance -= recouped
    const providerNet = sharedSavings - sharedLosses + received - recouped
    const o = outBase + (k - 1) * FIELD_COUNT
    out[o + F_BENCHMARK] = benchmarkPmpm
    out[o + F_ACTUAL] = expenditure / memberMonths
    out[o + F_SAVINGS] = sharedSavings
    out[o + F_LOSSES] = sharedLosses
    out[o + F_PROVIDER] = providerNet
    out[o + F_PAYER] = g - providerNet
    out[o + F_EXPENDITURE] = expenditure
    out[o + F_OUTCOME] = settled[SETTLED_OUTCOME]!
  }
}

/** What caps are shares of: national per capita of the reference year when given, else the peer baseline. */
const capBasis = (policy: PolicyPlan, refT: number, peerB: number): number => {
  const national = policy.nationalPerCapita[refT]!
  return national === national ? national : peerB
}

/** Peer baseline from its own years (the last of them, or the year before t), restated to the provider's reference year's dollars and risk (engine/contract.ts peerFor). */
const peerAtReference = (
  scratch: KernelScratch,
  w: WorldScratch,
  hist: Float64Array,
  policy: PolicyPlan,
  provider: number,
  peerSet: number,
  years: Int32Array | null,
  t: number,
  weights: Float64Array,
  refT: number
): number => {
  const T = w.plan.calendarYears
  const own = years ? years[years.length - 1]! : t - 1
  const baseline =
    policy.peerPercentile === policy.peerPercentile
      ? peerPercentile(scratch, w, hist, policy.peerPercentile, provider, peerSet, years, t, weights, own)
      : weightedBaseline(w, hist, provider, peerSet, w.pooledCost, w.pooledRisk, null, years, t, weights)
  if (own === refT) return baseline
  return restateRiskFloat(moveFloat(hist, baseline, own, refT), w.risk[provider * T + refT]!, w.risk[provider * T + own]!)
}

/** The peers' own baselines at the provider's risk, and their member-month-weighted percentile (engine/reference.ts peerPercentileFrom). */
const peerPercentile = (
  scratch: KernelScratch,
  w: WorldScratch,
  hist: Float64Array,
  percentile: number,
  provider: number,
  peerSet: number,
  years: Int32Array | null,
  t: number,
  weights: Float64Array,
  own: number
): number => {
  const T = w.plan.calendarYears
  const members = w.plan.sets[peerSet]!
  const values = scratch.peerValues
  const memberMonths = scratch.peerWeights
  for (let j = 0; j < members.length; j++) {
    const m = members[j]!
    values[j] = weightedBaseline(w, hist, provider, m, w.cost, w.memberMonths, w.risk, years, t, weights)
    memberMonths[j] = w.memberMonths[m * T + own]!
  }
  return weightedPercentileFloat(values.subarray(0, members.length), memberMonths.subarray(0, members.length), percentile, scratch.peerOrder)
}

/** Fill the scratch's draws with trial `trial` of `seed` (draws.ts: common random numbers). */
export const drawTrial = (scratch: KernelScratch, seed: string, trial: number): void => {
  seedTrial(seed, trial, scratch.memory.generator)
  normalsInto(scratch.memory, scratch.draws)
}

/**
 * One trial: realise every world from the draws, then run every policy; results land in
 * scratch.out. The draws are the scratch's own (drawTrial) unless `z` gives others.
 */
export const runTrial = (scratch: KernelScratch, z: Float64Array = scratch.draws): void => {
  if (z !== scratch.draws) scratch.draws.set(z)
  for (const w of scratch.worlds) realise(scratch, w)
  const policies = scratch.plan.policies
  for (let p = 0; p < policies.length; p++) contractInTrial(scratch, policies[p]!, p)
}
