import { Context } from "effect"

/**
 * Where a pbpsim command writes, and what the terminal can show. The `pbpsim` binary passes
 * the process's streams; tests and scripts pass their own, so a whole command runs in process.
 */
export interface CliIo {
  /** Standard output: the command's result. */
  readonly out: (text: string) => void
  /** Standard error: messages, help after a usage mistake. */
  readonly err: (text: string) => void
  /** ANSI colour allowed: a terminal, and NO_COLOR not set. */
  readonly color: boolean
  /** Width to wrap help to: the terminal's, or 80 when output is not a terminal. */
  readonly columns: number
}

export class Io extends Context.Tag("@pbpsim/cli/Io")<Io, CliIo>() {}

/** The process's own streams, following the NO_COLOR convention (no-color.org). */
export const processIo = (): CliIo => {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== ""
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: !noColor && process.stdout.isTTY === true && process.stderr.isTTY === true,
    columns: process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 80
  }
}
