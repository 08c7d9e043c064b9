import { Data } from "effect"

/**
 * A rule was given arguments it cannot honestly compute with (weights outside [0,1] or not
 * summing to 1, zero member months, negative costs, an empty peer group). Raised instead of
 * ever returning NaN or Infinity. `rule` names the rule, `field` the offending argument.
 */
export class InvalidArgument extends Data.TaggedError("InvalidArgument")<{
  readonly rule: string
  readonly field: string
  readonly message: string
}> {}

/** Builds an InvalidArgument whose message reads `rule: field message`. */
export const invalid = (rule: string, field: string, message: string): InvalidArgument =>
  new InvalidArgument({ rule, field, message: `${rule}: ${field} ${message}` })
