/**
 * e^x as the WebAssembly kernel computes it (kernel.wat `$exp`, and two lanes at a time in
 * `$expAll`), so that both backends realise the same bits. x = (32·m + j)·ln2/32 + r with |r| ≤ ln2/64; e^x = 2^m · 2^(j/32) · e^r,
 * 2^(j/32) from a table and e^r by its Taylor series to r^6 (truncation below 4e-18 relative),
 * evaluated in Estrin's order so that the steps do not wait on each other. Within 2 ulp of the
 * true value (test/montecarlo/wasm.test.ts checks it against Math.exp). Not Math.exp itself:
 * WebAssembly has no exp, and engines' Math.exp may differ in the last bit.
 */
/** 2^(j/32), j = 0 … 31, each the double nearest the true value (worked out in 60 digits; V8's 2 ** (j/32) misses four by an ulp). */
export const EXP_TABLE = Float64Array.of(
  1, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237, 1.0905077326652577, 1.1143867425958924, 1.1387886347566916,
  1.1637248587775775, 1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332, 1.2968395546510096,
  1.3252366431597413, 1.3542555469368927, 1.383909881963832, 1.4142135623730951, 1.4451808069770467, 1.4768261459394993,
  1.5091644275934228, 1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965, 1.681792830507429,
  1.718619298122478, 1.7562521603732995, 1.7947090750031072, 1.8340080864093424, 1.8741676341103, 1.9152065613971474,
  1.9571441241754002
)
/** 32 / ln 2. */
const STEPS_PER_LN2 = 46.16624130844683
/** 1.5 · 2^52: adding and subtracting it rounds to the nearest integer, ties to even. */
const ROUND = 6755399441055744
/** ln2/32 in two parts (fdlibm's ln2HI and ln2LO over 32): k · STEP_HI is exact for |k| < 2^21. */
const STEP_HI = 0.02166084938653512
const STEP_LO = 5.9631716539705866e-12
/** 2^m for m = −1022 … 1023, index m + 1022. */
const POW2 = Float64Array.from({ length: 2046 }, (_, i) => 2 ** (i - 1022))

export const expFloat = (x: number): number => {
  if (!(Math.abs(x) < 708)) return Math.exp(x)
  const k = x * STEPS_PER_LN2 + ROUND - ROUND
  const r = x - k * STEP_HI - k * STEP_LO
  const r2 = r * r
  const low = 1 + r
  const mid = r * 0.16666666666666666 + 0.5
  const high = r2 * 0.001388888888888889 + (r * 0.008333333333333333 + 0.041666666666666664)
  const p = r2 * (r2 * high + mid) + low
  return EXP_TABLE[k & 31]! * p * POW2[(k >> 5) + 1022]!
}
