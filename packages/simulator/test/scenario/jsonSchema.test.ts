import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { scenarioJsonSchema } from "@pbpsim/simulator"
import { describe, expect, it } from "vitest"
import { parse } from "yaml"

const fixtures = fileURLToPath(new URL("../fixtures/scenario/", import.meta.url))

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * A small structural validator for the JSON Schema keywords the generated schema uses
 * (type, enum, properties, required, additionalProperties, items, minItems, anyOf, allOf,
 * $ref, pattern, minLength, minimum, patternProperties, propertyNames). It returns the
 * paths that do not match, so a failure says where.
 */
const validate = (root: JsonObject, schema: Json, value: unknown, path: string): ReadonlyArray<string> => {
  if (!isObject(schema)) return []
  if (typeof schema["$ref"] === "string") {
    const name = schema["$ref"].replace("#/$defs/", "")
    return validate(root, (root["$defs"] as JsonObject)[name] ?? null, value, path)
  }
  const errors: Array<string> = []
  if (Array.isArray(schema["allOf"])) for (const part of schema["allOf"]) errors.push(...validate(root, part, value, path))
  if (Array.isArray(schema["anyOf"])) {
    const branches = schema["anyOf"].map((branch) => validate(root, branch, value, path))
    if (!branches.some((b) => b.length === 0)) errors.push(`${path}: matches none of anyOf (${branches.map((b) => b[0]).join(" | ")})`)
  }
  const type = schema["type"]
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type]
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value
    const ok = types.some((t) => t === actual || (t === "number" && actual === "integer"))
    if (!ok) return [...errors, `${path}: expected ${types.join("|")}, got ${actual}`]
  }
  if (Array.isArray(schema["enum"]) && !schema["enum"].includes(value as Json)) errors.push(`${path}: not one of ${schema["enum"].join(", ")}`)
  if (typeof value === "string") {
    if (typeof schema["pattern"] === "string" && !new RegExp(schema["pattern"]).test(value)) errors.push(`${path}: does not match ${schema["pattern"]}`)
    if (typeof schema["minLength"] === "number" && value.length < schema["minLength"]) errors.push(`${path}: too short`)
  }
  if (typeof value === "number" && typeof schema["minimum"] === "number" && value < schema["minimum"]) errors.push(`${path}: below minimum`)
  if (Array.isArray(value)) {
    if (typeof schema["minItems"] === "number" && value.length < schema["minItems"]) errors.push(`${path}: fewer than ${schema["minItems"]} items`)
    if (schema["items"] !== undefined) value.forEach((item, i) => errors.push(...validate(root, schema["items"] ?? null, item, `${path}[${i}]`)))
  }
  if (isObject(value)) {
    const properties = isObject(schema["properties"]) ? schema["properties"] : {}
    const required = Array.isArray(schema["required"]) ? schema["required"] : []
    for (const key of required) if (typeof key === "string" && !(key in value)) errors.push(`${path}.${key}: required`)
    for (const [key, item] of Object.entries(value)) {
      if (key in properties) errors.push(...validate(root, properties[key] ?? null, item, `${path}.${key}`))
      else if (isObject(schema["patternProperties"])) {
        for (const sub of Object.values(schema["patternProperties"])) errors.push(...validate(root, sub, item, `${path}.${key}`))
        if (schema["propertyNames"] !== undefined) errors.push(...validate(root, schema["propertyNames"], key, `${path}.${key} (name)`))
      } else if (schema["additionalProperties"] === false) errors.push(`${path}.${key}: not allowed`)
    }
  }
  return errors
}

const collectProperties = (node: Json, path: string, out: Array<{ path: string; schema: JsonObject }>): void => {
  if (Array.isArray(node)) return node.forEach((item, i) => collectProperties(item, `${path}[${i}]`, out))
  if (!isObject(node)) return
  if (isObject(node["properties"])) {
    for (const [key, schema] of Object.entries(node["properties"])) if (isObject(schema)) out.push({ path: `${path}.${key}`, schema })
  }
  for (const [key, child] of Object.entries(node)) collectProperties(child, `${path}.${key}`, out)
}

describe("scenarioJsonSchema", () => {
  const schema = scenarioJsonSchema()

  it("is a draft-07 JSON Schema of the scenario file", () => {
    expect(schema["$schema"]).toBe("http://json-schema.org/draft-07/schema#")
    expect(schema["type"]).toBe("object")
    expect(schema["required"]).toEqual(["name", "market", "experience", "contract", "benchmark", "settlement", "projection", "policies"])
    expect(schema["additionalProperties"]).toBe(false)
  })

  it("gives every field, at every depth, a description editors can show", () => {
    const properties: Array<{ path: string; schema: JsonObject }> = []
    collectProperties(schema, "#", properties)
    // Sanity: the walk reaches deep fields (experience row cost, blend parts, overlay sections).
    expect(properties.length).toBeGreaterThan(150)
    expect(properties.filter((p) => typeof p.schema["description"] !== "string" || p.schema["description"] === "").map((p) => p.path)).toEqual([])
  })

  it("shows decimal fields as a number or a decimal string, with their description", () => {
    const contract = (schema["properties"] as JsonObject)["contract"] as JsonObject
    const baseline = (contract["properties"] as JsonObject)["baseline"] as JsonObject
    const weights = (baseline["properties"] as JsonObject)["weights"] as JsonObject
    const weight = weights["items"] as JsonObject
    expect((weight["anyOf"] as ReadonlyArray<JsonObject>).map((b) => b["type"])).toEqual(["number", "string"])
    expect(String(weights["description"])).toContain("summing to 1")
  })

  it("accepts the shape of the issue-brief fixture and of the JSON fixture", () => {
    for (const name of ["issue-brief.yaml", "precision.json"]) {
      const document: unknown = parse(readFileSync(`${fixtures}${name}`, "utf8"))
      expect(validate(schema, schema, document, "#")).toEqual([])
    }
  })

  it("flags an unknown field, a missing required field and a misspelt overlay section", () => {
    const document = parse(readFileSync(`${fixtures}issue-brief.yaml`, "utf8")) as Record<string, unknown>
    const { projection: _projection, ...withoutProjection } = document
    const broken = {
      ...withoutProjection,
      benchmark: { ...(document["benchmark"] as object), glidepath: { constant: "1" } },
      policies: [{ name: "x", overlay: { settlements: {} } }]
    }
    expect(validate(schema, schema, broken, "#")).toEqual([
      "#.projection: required",
      "#.benchmark.glidepath: not allowed",
      "#.policies[0].overlay.settlements: not allowed"
    ])
  })

  it("lets an overlay name only what it changes: nothing inside an overlay section is required", () => {
    const document = parse(readFileSync(`${fixtures}issue-brief.yaml`, "utf8")) as Record<string, unknown>
    const overlay = { contract: { years: 3 }, benchmark: { rebasing: { every: 2 } }, settlement: { quality: [{}] } }
    expect(validate(schema, schema, { ...document, policies: [{ name: "x", overlay }] }, "#")).toEqual([])
  })
})
