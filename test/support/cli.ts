import { execFile } from "node:child_process"
import { join } from "node:path"
import { expect } from "vitest"
import { runCli } from "../../packages/cli/src/cli.js"
import { captureIo } from "./io.js"

export const ROOT = join(import.meta.dirname, "../..")
/** The built bin, as `npx -y pnpm@10.34.8 install` leaves it. */
export const BIN = join(ROOT, "node_modules/.bin/pbpsim")
export const TIMEOUT = 180_000

export interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * A pbpsim command line run in this process (runCli with captured streams, no terminal):
 * the same parsing, commands, messages and exit code as the bin, without a process start.
 * Paths are relative to the repository root, as the tests run there.
 */
export const pbpsim = async (...args: ReadonlyArray<string>): Promise<Outcome> => {
  const { io, stdout, stderr } = captureIo()
  const code = await runCli(args, io)
  return { code, stdout: stdout(), stderr: stderr() }
}

/** The real built `pbpsim` bin in its own process (for the few tests about the executable itself). */
export const pbpsimBin = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Outcome> =>
  new Promise((resolve) => {
    execFile(BIN, [...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
      resolve({ code, stdout, stderr })
    })
  })

// Runs shared by several tests start once, lazily.
export const once = <A>(start: () => Promise<A>): (() => Promise<A>) => {
  let started: Promise<A> | undefined
  return () => (started ??= start())
}

export { stripAnsi } from "../../packages/cli/src/text.js"

/** A user mistake: exit 1, nothing on stdout, no stack trace and no "internal error" on stderr. */
export const expectUserError = (r: Outcome): void => {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe("")
  expect(r.stderr).not.toContain("    at ")
  expect(r.stderr).not.toContain("internal error")
}
