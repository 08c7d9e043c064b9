import seedrandom from "seedrandom"
import { expFloat } from "./expFloat.js"

/**
 * Common random numbers: a trial's draws come from a generator seeded from "<seed>:<trial>", so
 * they depend on nothing but the seed and the trial index: not on the policy, the number of
 * workers, the block a worker was given or the shard.
 *
 * Generator: sfc32 (Doty-Humphrey's Small Fast Counting generator, 128-bit state, passes
 * PractRand and BigCrush), its state seeded per trial by seedrandom's alea from "<seed>:<trial>"
 * (alea's Mash hash takes the string; three of its 32-bit outputs and a counter of 1 make sfc32's
 * state, then 12 steps are discarded so that nearby seeds decorrelate). The trial loop keeps the
 * state in local variables: a draw is a few integer operations, against ~7 ns for an alea call,
 * whose state lives in object fields and goes through a double → int → double round trip.
 * Normals come from the ziggurat (one 32-bit draw per normal 98.5 % of the time, no logarithm).
 */
export const GENERATOR = 'sfc32 seeded per trial by seedrandom alea("<seed>:<trial>"); normals by the Marsaglia–Tsang ziggurat (256 layers)'

/** A trial's generator: sfc32's four 32-bit words a, b, c and the counter d. */
export type TrialState = Int32Array


/** One sfc32 step on a state held in an array (the rejection path; the fast path inlines it on locals). */
const nextInt = (state: TrialState): number => {
  const a = state[0]!
  const b = state[1]!
  const c = state[2]!
  const d = state[3]!
  const t = (((a + b) | 0) + d) | 0
  state[3] = (d + 1) | 0
  state[0] = b ^ (b >>> 9)
  state[1] = (c + (c << 3)) | 0
  state[2] = (((c << 21) | (c >>> 11)) + t) | 0
  return t
}

/** Seed `state` for trial `trial` of `seed`: the same words whatever runs the trial. */
export const seedTrial = (seed: string, trial: number, state: TrialState): TrialState => {
  const alea = seedrandom.alea(`${seed}:${trial}`)
  state[0] = alea.int32()
  state[1] = alea.int32()
  state[2] = alea.int32()
  state[3] = 1
  for (let i = 0; i < 12; i++) nextInt(state)
  return state
}

/** A fresh state for one trial (tests, one-off draws). */
export const trialState = (seed: string, trial: number): TrialState => seedTrial(seed, trial, new Int32Array(4))

// Ziggurat tables (Marsaglia & Tsang 2000, "The Ziggurat Method for Generating Random Variables",
// J. Stat. Softw. 5(8)), 256 layers for 24-bit signed draws: the low 8 bits of a 32-bit draw pick
// the layer and the high 24 bits the value, so the two are independent (Doornik 2005's caution).
// With 256 layers 98.5 % of normals take the fast path (97.2 % with 128): the rejection path,
// with its exponential, was 40 % of the normals' time. R is the base strip's edge and AREA each
// layer's area for 256 layers (the top layer's area comes out equal to it: draws.test.ts checks).
export const LAYERS = 256
const LAYER_BITS = 8
const R = 3.6541528853610088
const AREA = 4.92867323399e-3
const SCALE = 2 ** 23
const kn = new Float64Array(LAYERS)
const wn = new Float64Array(LAYERS)
const fn = new Float64Array(LAYERS)
{
  let dn = R
  let tn = dn
  const q = AREA / Math.exp(-0.5 * dn * dn)
  kn[0] = (dn / q) * SCALE
  kn[1] = 0
  wn[0] = q / SCALE
  wn[LAYERS - 1] = dn / SCALE
  fn[0] = 1
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn)
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)))
    kn[i + 1] = (dn / tn) * SCALE
    tn = dn
    fn[i] = Math.exp(-0.5 * dn * dn)
    wn[i] = dn / SCALE
  }
}

/** Uniform in (0, 1] with 53 random bits: safe under a logarithm. */
const positiveUniform = (state: TrialState): number => {
  const hi = nextInt(state) >>> 5
  const lo = nextInt(state) >>> 6
  return 1 - (hi * 67108864 + lo) / 9007199254740992
}

/** Uniform in [0, 1) with 32 random bits (the wedge test). */
const uniform = (state: TrialState): number => (nextInt(state) >>> 0) / 4294967296

/** The ziggurat's tables (kn, wn, fn of LAYERS entries each, in that order), for the WebAssembly kernel's memory. */
export const ZIGGURAT_TABLES: ReadonlyArray<Float64Array> = [kn, wn, fn]

/** The base strip's tail beyond R (Marsaglia's method, two logarithms a try), on the side of hz's sign. */
export const tailNormal = (state: TrialState, hz: number): number => {
  let tail: number
  let y: number
  do {
    tail = -Math.log(positiveUniform(state)) / R
    y = -Math.log(positiveUniform(state))
  } while (y + y < tail * tail)
  return hz > 0 ? R + tail : -R - tail
}

/** The rejection path: the base strip's tail beyond R, or the wedge of layer `layer`. */
const slowNormal = (state: TrialState, value: number, layer: number): number => {
  let hz = value
  let iz = layer
  for (;;) {
    const x = hz * wn[iz]!
    if (iz === 0) return tailNormal(state, hz)
    // expFloat, not Math.exp: the WebAssembly kernel takes the same branch on the same bits.
    if (fn[iz]! + uniform(state) * (fn[iz - 1]! - fn[iz]!) < expFloat(-0.5 * x * x)) return x
    const bits = nextInt(state)
    iz = bits & (LAYERS - 1)
    hz = bits >> LAYER_BITS
    if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!
  }
}

/** Fill `into` with standard normals from `state`, advancing it. */
export const fillNormals = (state: TrialState, into: Float64Array): void => {
  // sfc32 on locals: the state goes back to the array only around the rare rejection path.
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  const n = into.length
  for (let i = 0; i < n; i++) {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (((c << 21) | (c >>> 11)) + t) | 0
    const iz = t & (LAYERS - 1)
    const hz = t >> LAYER_BITS
    if (Math.abs(hz) < kn[iz]!) into[i] = hz * wn[iz]!
    else {
      state[0] = a
      state[1] = b
      state[2] = c
      state[3] = d
      into[i] = slowNormal(state, hz, iz)
      a = state[0]!
      b = state[1]!
      c = state[2]!
      d = state[3]!
    }
  }
  state[0] = a
  state[1] = b
  state[2] = c
  state[3] = d
}
