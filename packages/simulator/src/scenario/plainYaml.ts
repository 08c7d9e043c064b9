import {
  constructFromEvents,
  defineMappingTag,
  defineScalarTag,
  EVENT_ID,
  NOT_RESOLVED,
  parseEvents,
  Schema as YamlSchema,
  seqTag,
  strTag,
  type Event
} from "js-yaml"
import { Numeral } from "./numerals.js"
import { MAX_SCENARIO_BYTES, MAX_TEXT_NESTING, scanText, shapeIssue } from "./parse.js"

/**
 * A fast first reading of a scenario file, for the common case: a plain YAML document (no
 * anchors, aliases, tags or directives, no flow collection over several lines) read by
 * js-yaml's event parser, which takes a quarter of the `yaml` library's time on a cold start
 * (about 0.04 s against 0.15 s for the 1,000-entity bench market).
 *
 * `yaml` (parse.ts) stays the parser that decides. When the scenario this reading gives has an
 * issue or a warning, load.ts reads the text with `yaml` too: a text `yaml` refuses is reported
 * with its messages, and otherwise `yaml`'s lines place every issue and warning. The core schema below resolves
 * scalars as `yaml`'s does, and a test holds the two readings to the same value on generated
 * and mutated documents (test/yaml-readings.test.ts).
 */

/**
 * Layouts js-yaml reads where `yaml` refuses them (found by comparing the two on mutated
 * scenario files and on generated documents), left to `yaml`: a line that opens with a `:` or
 * `?` indicator, after any `- ` (an empty or explicit key, as in a stray `: - item`); a document
 * marker or directive at a line's start; a tab; a carriage return not followed by a line feed
 * (YAML 1.2 reads it as a line break, `yaml` does not); a block scalar's indentation indicator
 * (`|2`, `>1-`: the two differ at the top level). A byte-order mark after the start is tested apart.
 * Each may also match inside text or a comment: then `yaml` reads the file, as it always could.
 */
const LENIENT = /^[ \t]*(?:-[ \t]+)*[:?]|^(?:---|\.\.\.|%)|\t|\r(?!\n)|[|>][-+]?[0-9]/m

/**
 * The value of a plain document, numbers kept as written (Numerals) as parse.ts keeps them;
 * undefined for any other text, for anything js-yaml refuses, and for a value beyond the limits
 * of parse.ts (its depth and value count).
 */
export const plainDocumentValue = (text: string): { readonly value: unknown } | undefined => {
  if (text.length > MAX_SCENARIO_BYTES || text.indexOf("\ufeff", 1) !== -1) return undefined
  const scan = scanText(text)
  if (scan.tooDeep !== undefined || scan.multiLineFlow) return undefined
  if (LENIENT.test(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)) return undefined
  let events: Array<Event>
  try {
    events = parseEvents(text, { maxDepth: MAX_TEXT_NESTING })
  } catch {
    return undefined
  }
  let documents = 0
  for (const event of events) {
    if (event.type === EVENT_ID.DOCUMENT) {
      documents++
      if (event.directives.length > 0) return undefined
    } else if (event.type === EVENT_ID.ALIAS) return undefined
    else if (event.type !== EVENT_ID.POP && (event.anchorStart !== -1 || event.tagStart !== -1)) return undefined
  }
  if (documents !== 1) return undefined
  let value: unknown
  try {
    value = constructFromEvents(events, { source: text, schema: SCENARIO_SCHEMA, maxAliases: 0 })[0]
  } catch {
    return undefined
  }
  return shapeIssue(value) === undefined ? { value } : undefined
}

/*
 * The YAML 1.2 core schema as the `yaml` library resolves plain scalars (its core tags' patterns,
 * in its order: null; bool; int in octal, decimal, hex; float as ±.inf or .nan, with an exponent,
 * with a point), numbers kept as parse.ts keeps them, and mapping keys made object keys as
 * `yaml` makes them (null is "", a number its JavaScript text). A key that is a list or a mapping,
 * or two keys with the same object key, make js-yaml refuse the text, and `yaml` reads it.
 */
const DIGITS = [..."0123456789"]

const nullTag = defineScalarTag("tag:yaml.org,2002:null", {
  implicit: true,
  implicitFirstChars: ["", "~", "n", "N"],
  resolve: (source) => (/^(?:~|[Nn]ull|NULL)?$/.test(source) ? null : NOT_RESOLVED),
  identify: () => false
})

const boolTag = defineScalarTag("tag:yaml.org,2002:bool", {
  implicit: true,
  implicitFirstChars: ["t", "T", "f", "F"],
  resolve: (source) => (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source) ? source[0] === "t" || source[0] === "T" : NOT_RESOLVED),
  identify: () => false
})

const intTag = defineScalarTag("tag:yaml.org,2002:int", {
  implicit: true,
  implicitFirstChars: ["-", "+", ...DIGITS],
  resolve: (source) =>
    /^0o[0-7]+$/.test(source)
      ? new Numeral(source, parseInt(source.substring(2), 8))
      : /^[-+]?[0-9]+$/.test(source)
        ? new Numeral(source, parseInt(source, 10))
        : /^0x[0-9a-fA-F]+$/.test(source)
          ? new Numeral(source, parseInt(source.substring(2), 16))
          : NOT_RESOLVED,
  identify: () => false
})

const floatTag = defineScalarTag("tag:yaml.org,2002:float", {
  implicit: true,
  implicitFirstChars: ["-", "+", ".", ...DIGITS],
  resolve: (source) =>
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)
      ? new Numeral(source, source.slice(-3).toLowerCase() === "nan" ? Number.NaN : source[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY)
      : /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)
        ? new Numeral(source, parseFloat(source))
        : NOT_RESOLVED,
  identify: () => false
})

/** A mapping key as `yaml` makes it an object key; undefined for a list or mapping key. */
const objectKey = (key: unknown): string | undefined =>
  typeof key === "string" ? key : key === null ? "" : typeof key === "boolean" ? String(key) : key instanceof Numeral ? String(key.value) : undefined

const mapTag = defineMappingTag<Record<string, unknown>>("tag:yaml.org,2002:map", {
  create: () => ({}),
  addPair: (carrier, key, value) => {
    const name = objectKey(key)
    if (name === undefined) return "a mapping key that is a list or a mapping"
    // As `yaml` does: __proto__ becomes a field (refused later as unknown), never the object's prototype.
    Object.defineProperty(carrier, name, { value, writable: true, enumerable: true, configurable: true })
    return ""
  },
  has: (carrier, key) => {
    const name = objectKey(key)
    return name !== undefined && Object.hasOwn(carrier, name)
  },
  keys: (result) => Object.keys(result),
  get: (result, key) => (typeof key === "string" ? result[key] : undefined),
  identify: () => false
})

const SCENARIO_SCHEMA = new YamlSchema([strTag, seqTag, mapTag, nullTag, boolTag, intTag, floatTag])
