import { Console, Effect } from "effect"
import { format } from "node:util"
import type { CliIo } from "./io.js"
import { stripAnsi, wrapText } from "./text.js"

/**
 * The Console @effect/cli prints help, versions and usage errors to: colour only where the
 * terminal allows it, lines wrapped to its width, trailing blank lines dropped.
 */
export const cliConsole = (io: CliIo): Console.Console => {
  const show = (args: ReadonlyArray<unknown>) => {
    const text = format(...args).replace(/\s+$/, "")
    return `${wrapText(io.color ? text : stripAnsi(text), io.columns)}\n`
  }
  const log = (...args: ReadonlyArray<unknown>) => io.out(show(args))
  const error = (...args: ReadonlyArray<unknown>) => io.err(show(args))
  const unsafe = { ...globalThis.console, log, info: log, debug: log, error, warn: error, trace: error } as unknown as Console.UnsafeConsole
  const sync = (f: () => void) => Effect.sync(f)
  return {
    [Console.TypeId]: Console.TypeId,
    unsafe,
    assert: (condition, ...args) => sync(() => (condition ? undefined : error("Assertion failed", ...args))),
    clear: Effect.void,
    count: () => Effect.void,
    countReset: () => Effect.void,
    debug: (...args) => sync(() => log(...args)),
    dir: (item) => sync(() => log(item)),
    dirxml: (...args) => sync(() => log(...args)),
    error: (...args) => sync(() => error(...args)),
    group: () => Effect.void,
    groupEnd: Effect.void,
    info: (...args) => sync(() => log(...args)),
    log: (...args) => sync(() => log(...args)),
    table: (data) => sync(() => log(data)),
    time: () => Effect.void,
    timeEnd: () => Effect.void,
    timeLog: () => Effect.void,
    trace: (...args) => sync(() => error(...args)),
    warn: (...args) => sync(() => error(...args))
  }
}
