/**
 * Policy overlays: a policy is the base scenario with its overlay deep-merged on top.
 * Mappings merge key by key; lists, numbers, text and null replace what was there (a list
 * of glide-path weights is one value, not something to splice). Two kinds of mapping are
 * a choice between forms and are replaced whole rather than merged, so that switching
 * form does not leave the old form's fields behind:
 * - a mapping with a `kind` (trend, rebasing) whose kind the overlay changes;
 * - the fields in REPLACED_WHOLE ({ from, to } → { providerWeights } for a glide path).
 * The merge works on the parsed file, before decoding, so the merged scenario is decoded
 * and checked like a file.
 */

/** Fields whose forms are told apart by their keys: an overlay gives the whole new value. */
export const REPLACED_WHOLE: ReadonlyArray<string> = ["experience", "glidePath", "msr", "mlr", "savingsRate", "lossRate", "savings"]

export const isMapping = (u: unknown): u is Readonly<Record<string, unknown>> =>
  u !== null && typeof u === "object" && !Array.isArray(u) && (Object.getPrototypeOf(u) === Object.prototype || Object.getPrototypeOf(u) === null)

const changesKind = (base: Readonly<Record<string, unknown>>, overlay: Readonly<Record<string, unknown>>): boolean =>
  Object.hasOwn(overlay, "kind") && Object.hasOwn(base, "kind") && overlay["kind"] !== base["kind"]

/**
 * Every key is an own data property, `__proto__` included: assigning `merged["__proto__"]`
 * would set the object's prototype instead, and the overlay's field would vanish unreported.
 * Kept as a field, it is decoded like any other and refused as an unknown field.
 */
const define = (into: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true })
}

export const deepMerge = (base: unknown, overlay: unknown): unknown => {
  if (!isMapping(base) || !isMapping(overlay) || changesKind(base, overlay)) return overlay
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(overlay)) {
    define(merged, key, Object.hasOwn(base, key) && !REPLACED_WHOLE.includes(key) ? deepMerge(base[key], value) : value)
  }
  return merged
}

/** Whether the overlay mentions a top-level section (and so may change what depends on it). */
export const overlayTouches = (overlay: unknown, section: string): boolean => isMapping(overlay) && Object.hasOwn(overlay, section)
