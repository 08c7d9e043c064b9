import type { CliIo } from "../../packages/cli/src/io.js"

/** A CliIo that records what a command writes, as a terminal-less run would see it (no colour, 80 columns). */
export const captureIo = (options: { readonly color?: boolean; readonly columns?: number } = {}) => {
  let out = ""
  let err = ""
  const io: CliIo = {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    color: options.color ?? false,
    columns: options.columns ?? 80
  }
  return { io, stdout: () => out, stderr: () => err }
}
