import { Data } from "effect"

/** A mistake by the person running pbpsim (bad file, unknown policy, unwritable output): printed as its message, exit code 1, never a stack trace. */
export class UserError extends Data.TaggedError("UserError")<{ readonly message: string }> {}
