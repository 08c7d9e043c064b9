import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { compare } from "./commands/compare.js"
import { explain } from "./commands/explain.js"
import { merge } from "./commands/merge.js"
import { reconcile } from "./commands/reconcile.js"
import { report } from "./commands/report.js"
import { run } from "./commands/run.js"
import { schema } from "./commands/schema.js"
import { simulate } from "./commands/simulate.js"
import { validate } from "./commands/validate.js"
import { ENGINE_VERSION } from "./version.js"

const root = Command.make("pbpsim").pipe(
  Command.withDescription(
    "Multi-year population-based payment contracts: benchmarks, rebasing and trend policies, settlement.\n" +
      "Start with: pbpsim compare scenarios/issue-brief.yaml"
  ),
  Command.withSubcommands([validate, run, compare, explain, simulate, merge, report, schema, reconcile])
)

const cli = Command.run(root, { name: "pbpsim", version: ENGINE_VERSION })

const fail = (message: string) =>
  Console.error(message).pipe(Effect.zipRight(Effect.sync(() => (process.exitCode = 1))))

/**
 * User mistakes print their message and exit 1, never a stack trace. @effect/cli prints its
 * own validation errors (unknown flag, missing argument) before failing. Anything else is a
 * bug in pbpsim and prints its cause.
 */
const program = Effect.suspend(() => cli(process.argv)).pipe(
  Effect.catchTags({
    UserError: (e) => fail(e.message),
    ScenarioError: (e) => fail(e.message)
  }),
  Effect.catchAll(() => Effect.sync(() => (process.exitCode = 1))),
  Effect.catchAllDefect((defect) => fail(`pbpsim: internal error (please report it)\n${defect instanceof Error ? defect.stack : String(defect)}`)),
  Effect.provide(NodeContext.layer)
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
