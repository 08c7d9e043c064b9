import { execFile } from "node:child_process"
import { join } from "node:path"
import { expect } from "vitest"

/**
 * The built `pbpsim` bin run as a user would (node_modules/.bin/pbpsim after the install),
 * at most three processes at once.
 */
export const ROOT = join(import.meta.dirname, "../..")
export const BIN = join(ROOT, "node_modules/.bin/pbpsim")
export const TIMEOUT = 180_000

export interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

// Simple counting semaphore: at most 3 CLI processes at once.
const LIMIT = 3
let running = 0
const waiting: Array<() => void> = []
const acquire = (): Promise<void> =>
  running < LIMIT ? (running++, Promise.resolve()) : new Promise((resolve) => waiting.push(() => (running++, resolve())))
const release = (): void => {
  running--
  waiting.shift()?.()
}

export const pbpsim = async (...args: ReadonlyArray<string>): Promise<Outcome> => {
  await acquire()
  try {
    return await new Promise((resolve) => {
      execFile(BIN, [...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        resolve({ code, stdout, stderr })
      })
    })
  } finally {
    release()
  }
}

// Runs shared by several tests start once, lazily.
export const once = <A>(start: () => Promise<A>): (() => Promise<A>) => {
  let started: Promise<A> | undefined
  return () => (started ??= start())
}

export const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "")

/** A user mistake: exit 1, nothing on stdout, no stack trace and no "internal error" on stderr. */
export const expectUserError = (r: Outcome): void => {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe("")
  expect(r.stderr).not.toContain("    at ")
  expect(r.stderr).not.toContain("internal error")
}

