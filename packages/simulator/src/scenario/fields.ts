import { ROUNDING_MODES, type RoundingMode } from "@pbpsim/benchmark"
import { Decimal } from "decimal.js"
import { Option, ParseResult, Schema, SchemaAST } from "effect"
import {
  DECIMAL_PATTERN,
  INTEGER_PATTERN,
  WEIGHT_PATTERN,
  isNumeral,
  type Numeral,
  parseDecimal,
  parseFloatValue,
  parseIdentifier,
  parseInteger,
  parseWeight
} from "./numerals.js"

/**
 * The leaf field types of a scenario file. Each carries a short `label` ("a decimal ≥ 0")
 * that error messages use as the "expected" part, and marks itself a leaf so the error
 * walker reports one issue here instead of the union members behind it.
 */

export const LabelId: unique symbol = Symbol.for("@pbpsim/simulator/scenario/label")
export const LeafId: unique symbol = Symbol.for("@pbpsim/simulator/scenario/leaf")

export const labelAnnotation = (ast: SchemaAST.Annotated): string | undefined => {
  const label = ast.annotations[LabelId]
  return typeof label === "string" ? label : undefined
}

export const isLeaf = (ast: SchemaAST.Annotated): boolean => ast.annotations[LeafId] === true

const NumeralSchema = Schema.declare(isNumeral, { identifier: "Numeral", jsonSchema: { type: "number" } })
const NumberInput = Schema.Union(Schema.String, Schema.Number, NumeralSchema)
const DecimalSelf = Schema.declare((u: unknown): u is Decimal => Decimal.isDecimal(u), {
  identifier: "Decimal",
  jsonSchema: { type: "string" }
})

/** What a decimal field accepts in a file: a decimal string, or a number kept as written. */
export type DecimalInput = string | number | Numeral

const decimalJson = (pattern: string) => ({ anyOf: [{ type: "number" }, { type: "string", pattern }] })

const exactDecimal = (label: string, accept: (d: Decimal) => boolean, parse: (u: unknown) => Decimal | undefined, pattern: string) =>
  Schema.transformOrFail(NumberInput, DecimalSelf, {
    strict: true,
    decode: (input, _, ast) => {
      const value = parse(input)
      return value !== undefined && accept(value) ? ParseResult.succeed(value) : ParseResult.fail(new ParseResult.Type(ast, input))
    },
    // Plain notation, every digit kept: re-decoding gives the same Decimal.
    encode: (value) => ParseResult.succeed(value.toFixed())
  }).annotations({ [LabelId]: label, [LeafId]: true, jsonSchema: decimalJson(pattern) })

export type DecimalField = Schema.Schema<Decimal, DecimalInput>

export const decimalField = (label: string, accept: (d: Decimal) => boolean = () => true): DecimalField =>
  exactDecimal(label, accept, parseDecimal, DECIMAL_PATTERN)

export const AnyDecimal = decimalField("a decimal number")
export const NonNegative = decimalField("a decimal ≥ 0", (d) => d.gte(0))
export const Positive = decimalField("a decimal > 0", (d) => d.gt(0))
/** A share of something: 0 = none, 1 = all. */
export const Share = decimalField("a decimal between 0 and 1", (d) => d.gte(0) && d.lte(1))
/** A growth rate; −1 would wipe the base out, so it must stay above. */
export const Rate = decimalField("a rate above −1 (0.04 = 4 %)", (d) => d.gt(-1))
/** A savings level below counterfactual: 1 would mean zero cost. */
export const SavingsLevel = decimalField("a savings level below 1 (0.02 = 2 % below counterfactual)", (d) => d.lt(1))
/** A REACH-style discount off the benchmark: 1 would remove it entirely. */
export const DiscountRate = decimalField("a discount above −1 and below 1 (negative: a benchmark premium)", (d) => d.gt(-1) && d.lt(1))

/** A coding-intensity adjustment: 1 would remove the risk score entirely. */
export const CodingRate = decimalField("a rate from 0 to below 1 (0.059 = 5.9 %)", (d) => d.gte(0) && d.lt(1))

/** A weight in [0, 1], written as a decimal or a fraction ("1/3"). */
export const Weight: DecimalField = exactDecimal(
  'a weight between 0 and 1 (decimal or fraction such as "1/3")',
  (d) => d.gte(0) && d.lte(1),
  parseWeight,
  WEIGHT_PATTERN
)

const integerJson = { anyOf: [{ type: "integer" }, { type: "string", pattern: INTEGER_PATTERN }] }

export type IntegerField = Schema.Schema<number, number | string | Numeral>

export const integerField = (label: string, accept: (n: number) => boolean): IntegerField =>
  Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String, NumeralSchema), Schema.Number, {
    strict: true,
    decode: (input, _, ast) => {
      const value = parseInteger(input)
      return value !== undefined && accept(value) ? ParseResult.succeed(value) : ParseResult.fail(new ParseResult.Type(ast, input))
    },
    encode: (value) => ParseResult.succeed(value)
  }).annotations({ [LabelId]: label, [LeafId]: true, jsonSchema: integerJson })

export const Year = integerField("a calendar year (1900–2200)", (n) => n >= 1900 && n <= 2200)
export const PositiveInt = integerField("a whole number ≥ 1", (n) => n >= 1)
export const ContractLength = integerField("a whole number of years between 1 and 50", (n) => n >= 1 && n <= 50)
export const DecimalPlaces = integerField("a whole number of decimal places between 0 and 12", (n) => n >= 0 && n <= 12)

export type FloatField = Schema.Schema<number, number | string | Numeral>

/** A plain float (Monte Carlo assumptions feed the float kernel only, docs/model.md §8). */
export const NonNegativeFloat: FloatField = Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String, NumeralSchema), Schema.Number, {
  strict: true,
  decode: (input, _, ast) => {
    const value = parseFloatValue(input)
    return value !== undefined && value >= 0 ? ParseResult.succeed(value) : ParseResult.fail(new ParseResult.Type(ast, input))
  },
  encode: (value) => ParseResult.succeed(value)
}).annotations({ [LabelId]: "a number ≥ 0", [LeafId]: true, jsonSchema: { type: "number", minimum: 0 } })

export type TextField = Schema.Schema<string, string | number | Numeral>

/** Non-empty text; a number written where text is expected (`id: 101`) is taken as written. */
export const textField = (label: string): TextField =>
  Schema.transformOrFail(Schema.Union(Schema.String, Schema.Number, NumeralSchema), Schema.String, {
    strict: true,
    decode: (input, _, ast) => {
      const value = parseIdentifier(input)
      return value !== undefined ? ParseResult.succeed(value) : ParseResult.fail(new ParseResult.Type(ast, input))
    },
    encode: (value) => ParseResult.succeed(value)
  }).annotations({ [LabelId]: label, [LeafId]: true, jsonSchema: { type: "string", minLength: 1 } })

export const Text = textField("non-empty text")
export const EntityId = textField("an entity id (text)")
export const GroupId = textField("a group id (text)")

/** Free text (descriptions): any string, possibly empty. */
export const FreeText = Schema.String.annotations({ [LabelId]: "text", [LeafId]: true })

export const Flag = Schema.Boolean.annotations({ [LabelId]: "true or false", [LeafId]: true })

/** One of a few words, with the expected list spelled out in errors. */
export const oneOf = <const L extends readonly [string, ...Array<string>]>(...values: L) =>
  Schema.Literal(...values).annotations({ [LabelId]: `one of ${values.join(", ")}`, [LeafId]: true })

export const RoundingModeField: Schema.Schema<RoundingMode> = Schema.Literal(
  ...(ROUNDING_MODES as readonly [RoundingMode, ...Array<RoundingMode>])
).annotations({ [LabelId]: `one of ${ROUNDING_MODES.join(", ")}`, [LeafId]: true })

/** `null` as an explicit "none" (no cap, no credit), so an overlay can remove what the base set. */
export const orNull = <A, I>(schema: Schema.Schema<A, I>, label?: string): Schema.Schema<A | null, I | null> =>
  Schema.NullOr(schema).annotations({
    [LabelId]: `${label ?? labelAnnotation(schema.ast) ?? "a value"} or null (none)`
  })

/** A value that is the same every contract year, or a list with one entry per contract year. */
export const perYear = <A, I>(schema: Schema.Schema<A, I>): Schema.Schema<A | ReadonlyArray<A>, I | ReadonlyArray<I>> =>
  Schema.Union(schema, Schema.Array(schema)).annotations({
    [LabelId]: `${labelAnnotation(schema.ast) ?? "a value"}, or a list of them with one per contract year`
  })

/**
 * The description on the field's type as well as on its property signature: Effect's JSON
 * Schema drops property-signature annotations in structs that fill defaults, and a leaf's
 * own JSON Schema (anyOf number | decimal string) replaces annotations unless it carries
 * the description itself.
 */
const describe = <A, I>(schema: Schema.Schema<A, I>, description: string): Schema.Schema<A, I> => {
  const override = Option.getOrUndefined(SchemaAST.getJSONSchemaAnnotation(schema.ast))
  return schema.annotations(override === undefined ? { description } : { description, jsonSchema: { ...(override as object), description } })
}

/** A required field with its description (shown by editors through the JSON Schema). */
export const required = <A, I>(schema: Schema.Schema<A, I>, description: string) =>
  Schema.propertySignature(describe(schema, description)).annotations({ description })

/** An optional field without a default: absent in the decoded document when absent in the file. */
export const optional = <A, I>(schema: Schema.Schema<A, I>, description: string) =>
  Schema.optionalWith(describe(schema, description), { exact: true }).annotations({ description })

/** An optional field whose default is filled in when decoding. */
export const withDefault = <A, I>(schema: Schema.Schema<A, I>, description: string, value: () => NoInfer<A>) =>
  Schema.optionalWith(describe(schema, description), { exact: true, default: value }).annotations({ description })
