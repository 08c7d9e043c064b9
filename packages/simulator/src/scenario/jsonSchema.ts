import { JSONSchema } from "effect"
import { OVERLAY_SECTIONS, ScenarioSchema } from "./schema.js"

/**
 * JSON Schema (draft-07) of the scenario file, generated from the same Effect Schema that
 * decodes it, so editors show every field's description and flag unknown fields. Decimal
 * fields accept a number or a decimal string. Policy overlays get each section's schema
 * with nothing required (an overlay only names what it changes).
 */

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

const isObject = (value: Json | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value)

/** The same schema with every `required` list dropped, at every depth. */
const withNothingRequired = (schema: Json): Json => {
  if (Array.isArray(schema)) return schema.map(withNothingRequired)
  if (!isObject(schema)) return schema
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "required").map(([key, value]) => [key, withNothingRequired(value)]))
}

const field = (schema: Json | undefined, ...path: ReadonlyArray<string>): JsonObject | undefined => {
  let node: Json | undefined = schema
  for (const key of path) node = isObject(node) ? node[key] : undefined
  return isObject(node) ? node : undefined
}

/** The JSON Schema (draft-07) of scenario files, what `pbpsim schema` writes. */
export const scenarioJsonSchema = (): JsonObject => {
  const generated = JSONSchema.make(ScenarioSchema) as unknown as JsonObject
  const overlay = field(generated, "properties", "policies", "items", "properties", "overlay")
  const overlayProperties = field(overlay, "properties")
  if (overlay === undefined || overlayProperties === undefined) return generated
  const sections = Object.fromEntries(
    OVERLAY_SECTIONS.map((section) => {
      const description = field(overlayProperties, section)?.["description"] ?? null
      const base = field(generated, "properties", section) ?? {}
      return [section, { ...(withNothingRequired(base) as JsonObject), description }]
    })
  )
  const policies = field(generated, "properties", "policies") ?? {}
  const items = field(policies, "items") ?? {}
  const itemProperties = field(items, "properties") ?? {}
  return {
    ...generated,
    properties: {
      ...field(generated, "properties"),
      policies: {
        ...policies,
        items: { ...items, properties: { ...itemProperties, overlay: { ...overlay, properties: { ...overlayProperties, ...sections } } } }
      }
    }
  }
}
