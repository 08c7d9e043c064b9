import { execFile } from "node:child_process"
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { expectUserError, pbpsim, pbpsimBin, ROOT, TIMEOUT } from "./support/cli.js"

/**
 * The built `pbpsim` executable (node_modules/.bin/pbpsim after the install) in its own
 * process: the few things only a real process shows. Everything else is tested in process.
 */
const BRIEF = "scenarios/issue-brief.yaml"

describe("the pbpsim bin", () => {
  it.concurrent("prints the package's version for --version", { timeout: TIMEOUT }, async () => {
    const r = await pbpsimBin(["--version"])
    const pkg = JSON.parse(await readFile(join(ROOT, "packages/cli/package.json"), "utf8")) as { version: string }
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" })
  })

  it.concurrent("prints on standard output exactly what the in-process command prints, and nothing else", { timeout: TIMEOUT }, async () => {
    const [bin, inProcess] = await Promise.all([pbpsimBin(["compare", BRIEF]), pbpsim("compare", BRIEF)])
    expect(bin.code).toBe(0)
    expect(bin.stderr).toBe("")
    expect(bin.stdout).toBe(inProcess.stdout)
    expect(bin.stdout.startsWith("Issue brief")).toBe(true)
  })

  it.concurrent("writes help without colour when standard output is a pipe, wrapped to 80 columns", { timeout: TIMEOUT }, async () => {
    const r = await pbpsimBin(["simulate", "--help"])
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain("\u001b[")
    expect(r.stdout).toContain("USAGE")
    expect(Math.max(...r.stdout.split("\n").map((line) => line.length))).toBeLessThanOrEqual(80)
  })

  it.concurrent("exits 1 with a one-line message and no stack trace for a user mistake", { timeout: TIMEOUT }, async () => {
    const r = await pbpsimBin(["compare", "scenarios/no-such-file.yaml"])
    expectUserError(r)
    expect(r.stderr).toContain("scenarios/no-such-file.yaml")
  })

  it("is one pure-ASCII script, so Node reads it as a one-byte string (a single non-ASCII character doubles the read and slows the code cache)", async () => {
    const bundle = await readFile(join(ROOT, "packages/cli/dist/bundle/pbpsim.cjs"), "utf8")
    const first = bundle.search(/[^\x00-\x7f]/)
    expect(first === -1 ? "pure ASCII" : bundle.slice(Math.max(0, first - 60), first + 20)).toBe("pure ASCII")
  })

  it.concurrent("runs without its code cache, and with one V8 rejects (another Node's), printing the same", { timeout: TIMEOUT }, async () => {
    // The bundle is self-contained: a copy of bin/ and dist/bundle/ runs anywhere.
    const dir = await mkdtemp(join(tmpdir(), "pbpsim-bin-"))
    try {
      await cp(join(ROOT, "packages/cli/bin"), join(dir, "bin"), { recursive: true })
      await cp(join(ROOT, "packages/cli/dist/bundle"), join(dir, "dist/bundle"), { recursive: true })
      const cache = join(dir, "dist/bundle/pbpsim.cjs.cache")
      const run = () =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
          execFile(process.execPath, [join(dir, "bin/pbpsim.js"), "compare", BRIEF], { cwd: ROOT, encoding: "utf8" }, (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
          )
        )
      const cached = await run()
      await writeFile(cache, "not a V8 code cache")
      const rejected = await run()
      await rm(cache)
      const none = await run()
      expect(cached.code).toBe(0)
      expect(cached.stdout.startsWith("Issue brief")).toBe(true)
      expect(rejected).toEqual(cached)
      expect(none).toEqual(cached)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.concurrent("prints the same simulation with PBPSIM_KERNEL=typescript as with WebAssembly, and refuses another value by name", { timeout: TIMEOUT }, async () => {
    const args = ["simulate", BRIEF, "--trials", "2000", "--seed", "kernel", "--format", "json", "--quiet"]
    const [wasm, typescript, typo] = await Promise.all([
      pbpsimBin(args, { PBPSIM_KERNEL: "wasm" }),
      pbpsimBin(args, { PBPSIM_KERNEL: "typescript" }),
      pbpsimBin(args, { PBPSIM_KERNEL: "ts" })
    ])
    expect(wasm.code).toBe(0)
    expect(typescript).toEqual(wasm)
    expectUserError(typo)
    expect(typo.stderr).toContain('PBPSIM_KERNEL must be "wasm" or "typescript" (or unset), got "ts"')
  })

  it.concurrent("runs the Monte Carlo's worker threads from the bundle: 2 workers print what 1 worker prints", { timeout: TIMEOUT }, async () => {
    const args = ["simulate", BRIEF, "--trials", "3000", "--seed", "bin", "--format", "json", "--quiet"]
    const [two, one] = await Promise.all([pbpsimBin([...args, "--workers", "2"]), pbpsim(...args, "--workers", "1")])
    expect(two.code).toBe(0)
    expect(two.stderr).toBe("")
    expect(two.stdout).toBe(one.stdout)
  })
})
