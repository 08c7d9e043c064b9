import { invalid } from "@pbpsim/benchmark"
import { fillNormals, LAYERS, tailNormal, ZIGGURAT_TABLES, type TrialState } from "./draws.js"
import { EXP_TABLE } from "./expFloat.js"
import { KERNEL_WASM } from "./kernelWasm.js"

/**
 * Where a kernel scratch's hot loops run (docs/monte-carlo.md, "Two backends"):
 * - "wasm": the trial's normals and realised cells in WebAssembly (kernel.wat), over typed arrays
 *   that live in the module's memory;
 * - "typescript": the same arithmetic in plain TypeScript (draws.ts fillNormals, kernel.ts
 *   realiseCells), for environments without WebAssembly or with PBPSIM_KERNEL=typescript.
 * The two give the same bits (test/montecarlo/wasm.test.ts), so a run's figures do not depend on
 * which one ran.
 */
export type KernelBackend = "wasm" | "typescript"

export interface KernelExports {
  readonly normals: (out: number, count: number) => void
  readonly realise: (...args: ReadonlyArray<number>) => void
  readonly exp: (x: number) => number
}

/** Bytes 0–15 the generator's state, then the ziggurat's and exp's tables (kernel.wat); arrays start at ARRAYS_FROM. */
const TABLES_AT = 16
const ARRAYS_FROM = 8192
const PAGE = 65536

/** The part of the WebAssembly JS API the kernel uses (lib ES2022 does not declare it, and hosts may lack it). */
interface WasmModule {
  readonly kind?: "module"
}
interface WasmMemory {
  readonly buffer: ArrayBuffer
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule
  readonly Memory: new (descriptor: { readonly initial: number }) => WasmMemory
  readonly Instance: new (module: WasmModule, imports: object) => { readonly exports: object }
}
const WebAssembly = (globalThis as { WebAssembly?: WasmApi }).WebAssembly

const decodeBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

let compiled: WasmModule | null | undefined
/** The compiled module, once per thread; null where WebAssembly is missing or refuses it. */
const kernelModule = (): WasmModule | null => {
  if (compiled === undefined) {
    try {
      compiled = WebAssembly !== undefined ? new WebAssembly.Module(decodeBase64(KERNEL_WASM)) : null
    } catch {
      compiled = null
    }
  }
  return compiled
}

/**
 * The backend a scratch gets unless told: WebAssembly where it works, unless PBPSIM_KERNEL=typescript
 * (PBPSIM_KERNEL=wasm or unset: the default; anything else is refused, so a typo does not pass unseen).
 */
export const defaultBackend = (): KernelBackend => {
  const asked = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.["PBPSIM_KERNEL"]
  if (asked !== undefined && asked !== "" && asked !== "wasm" && asked !== "typescript")
    throw invalid("environment", "PBPSIM_KERNEL", `must be "wasm" or "typescript" (or unset), got "${asked.slice(0, 40)}"`)
  return asked === "typescript" || kernelModule() === null ? "typescript" : "wasm"
}

/** Typed arrays of one kernel scratch: in a WebAssembly memory for the "wasm" backend, plain otherwise. */
export interface KernelMemory {
  readonly backend: KernelBackend
  readonly f64: (length: number) => Float64Array
  readonly i32: (length: number) => Int32Array
  readonly u8: (length: number) => Uint8Array
  /** The trial generator's state (sfc32's a, b, c, d). */
  readonly generator: TrialState
  /** The module's functions; null for the "typescript" backend. */
  readonly exports: KernelExports | null
}

const plainMemory = (): KernelMemory => ({
  backend: "typescript",
  f64: (length) => new Float64Array(length),
  i32: (length) => new Int32Array(length),
  u8: (length) => new Uint8Array(length),
  generator: new Int32Array(4),
  exports: null
})

/**
 * A memory that holds what `layout` allocates. `layout` runs twice: once on plain arrays to
 * measure, then on the WebAssembly memory, so the scratch's shape is written once.
 */
export const kernelMemory = <A>(backend: KernelBackend, layout: (memory: KernelMemory) => A): A => {
  const module = backend === "wasm" ? kernelModule() : null
  if (module === null || WebAssembly === undefined) return layout(plainMemory())
  let bytes = ARRAYS_FROM
  const measure = plainMemory()
  const aligned = (n: number) => Math.ceil(n / 8) * 8
  layout({
    ...measure,
    backend: "wasm",
    f64: (length) => ((bytes += aligned(length * 8)), measure.f64(length)),
    i32: (length) => ((bytes += aligned(length * 4)), measure.i32(length)),
    u8: (length) => ((bytes += aligned(length)), measure.u8(length))
  })
  let memory: WasmMemory
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) })
  } catch {
    // More than the engine grants a WebAssembly memory: the plain arrays have no such limit.
    return layout(plainMemory())
  }
  const buffer = memory.buffer
  const generator = new Int32Array(buffer, 0, 4)
  const tables = new Float64Array(buffer, TABLES_AT, 3 * LAYERS + EXP_TABLE.length)
  ZIGGURAT_TABLES.forEach((table, j) => tables.set(table, j * LAYERS))
  tables.set(EXP_TABLE, 3 * LAYERS)
  const instance = new WebAssembly.Instance(module, {
    env: { memory, mathExp: Math.exp, tail: (hz: number) => tailNormal(generator, hz) }
  })
  let next = ARRAYS_FROM
  const take = (n: number) => {
    const at = next
    next += aligned(n)
    return at
  }
  return layout({
    backend: "wasm",
    f64: (length) => new Float64Array(buffer, take(length * 8), length),
    i32: (length) => new Int32Array(buffer, take(length * 4), length),
    u8: (length) => new Uint8Array(buffer, take(length), length),
    generator,
    exports: instance.exports as unknown as KernelExports
  })
}

/** Standard normals from the memory's generator into `into` (an array of this memory), on its backend. */
export const normalsInto = (memory: KernelMemory, into: Float64Array): void => {
  if (memory.exports === null) fillNormals(memory.generator, into)
  else memory.exports.normals(into.byteOffset, into.length)
}
