import { randomBytes } from "node:crypto"
import { rename, rm, writeFile } from "node:fs/promises"
import { dirname, basename, join } from "node:path"
import { Effect } from "effect"
import { UserError } from "./errors.js"
import { Io } from "./io.js"

/**
 * Write a command's output to stdout, or to a file atomically: the text goes to a temporary
 * file beside the target and is renamed over it, so a reader never sees half a report and a
 * failed run leaves any earlier file untouched.
 */
export const writeOutput = (text: string, out: string | undefined): Effect.Effect<void, UserError, Io> =>
  out === undefined
    ? Effect.flatMap(Io, (io) => Effect.sync(() => io.out(text.endsWith("\n") ? text : `${text}\n`)))
    : Effect.tryPromise({
        try: async () => {
          const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`)
          try {
            await writeFile(tmp, text.endsWith("\n") ? text : `${text}\n`, "utf8")
            await rename(tmp, out)
          } catch (e) {
            await rm(tmp, { force: true })
            throw e
          }
        },
        catch: (e) => new UserError({ message: `${out}: cannot write the output (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
      })
