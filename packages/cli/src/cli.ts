import { Command } from "@effect/cli"
// The dependency-free entry, not the package index: start-up must not load the engine.
import { clipText, escapeText } from "@pbpsim/simulator/messageText"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Console, Effect, Layer } from "effect"
import { compare } from "./commands/compare.js"
import { explain } from "./commands/explain.js"
import { market } from "./commands/market.js"
import { merge } from "./commands/merge.js"
import { reconcile } from "./commands/reconcile.js"
import { report } from "./commands/report.js"
import { run } from "./commands/run.js"
import { schema } from "./commands/schema.js"
import { sensitivity } from "./commands/sensitivity.js"
import { simulate } from "./commands/simulate.js"
import { validate } from "./commands/validate.js"
import { whatif } from "./commands/whatif.js"
import { cliConsole } from "./console.js"
import { Io, processIo, type CliIo } from "./io.js"
import { printWarnings, withWarningsPrinted } from "./warnings.js"
import { ENGINE_VERSION } from "./version.js"

const root = Command.make("pbpsim").pipe(
  Command.withDescription(
    "Multi-year population-based payment contracts: benchmarks, rebasing and trend policies, settlement.\n" +
      "Start with: pbpsim compare scenarios/issue-brief.yaml"
  ),
  Command.withSubcommands([validate, run, compare, market, explain, simulate, merge, report, whatif, sensitivity, schema, reconcile])
)

const cli = Command.run(root, { name: "pbpsim", version: ENGINE_VERSION, executable: "pbpsim" })

/**
 * A user-facing message as printed: whatever text from files or arguments it carries, each
 * line has no raw control characters (ESC shows as \u001b) and at most 600 characters, and at
 * most 100 lines are printed.
 */
const safeMessage = (message: string): string => {
  const lines = message.split("\n").map((line) => clipText(escapeText(line), 600))
  return lines.length > 101 ? [...lines.slice(0, 100), `… and ${lines.length - 100} more lines`].join("\n") : lines.join("\n")
}

/**
 * Run the pbpsim command line (`argv` without node and the script) and return its exit code.
 * User mistakes print their message and exit 1, never a stack trace; @effect/cli prints its
 * own usage errors (unknown flag, missing argument) before failing. Anything else is a bug in
 * pbpsim and prints its cause. A scenario's warnings (unusual figures) print on stderr when it
 * is read, whatever the command; they do not change the exit code.
 */
export const runCli = async (argv: ReadonlyArray<string>, io: CliIo = processIo()): Promise<number> => {
  let code = 0
  const fail = (message: string) =>
    Effect.sync(() => {
      io.err(`${message}\n`)
      code = 1
    })
  const program = Effect.suspend(() => cli(["node", "pbpsim", ...argv])).pipe(
    Effect.catchTags({
      UserError: (e) => fail(safeMessage(e.message)),
      ScenarioError: (e) => fail(safeMessage(e.message))
    }),
    Effect.catchAll(() => Effect.sync(() => (code = 1))),
    Effect.catchAllDefect((defect) => fail(`pbpsim: internal error (please report it)\n${defect instanceof Error ? defect.stack : String(defect)}`)),
    withWarningsPrinted(printWarnings(io)),
    Effect.provideService(Io, io),
    Console.withConsole(cliConsole(io)),
    // Only what @effect/cli needs (not NodeContext's command executor and worker manager): less to load at start-up.
    Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer))
  )
  await Effect.runPromise(program)
  return code
}
