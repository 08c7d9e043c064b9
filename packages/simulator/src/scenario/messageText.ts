/** User text in messages: escaped and clipped, so no file or argument can inject terminal control or flood a message. Depends on nothing, so the CLI's start-up can use it. */

/**
 * Characters never printed raw in a message: C0 and C1 controls (ESC starts a terminal escape
 * sequence, NUL truncates C strings), DEL, the Unicode line and paragraph separators, bidi
 * overrides and isolates (which reorder what a terminal shows), the BOM, and lone surrogates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Text with every unsafe character written as a \uXXXX escape (ESC becomes the six characters `\u001b`). */
export const escapeText = (text: string): string => text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** Longest user text shown in a message, in characters (`…` marks the cut). */
export const MAX_SHOWN_TEXT = 80

/** At most `max` characters, the last one `…` when cut (never splitting a surrogate pair). */
export const clipText = (text: string, max: number = MAX_SHOWN_TEXT): string => {
  if (text.length <= max) return text
  let end = max - 1
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end--
  return `${text.slice(0, end)}…`
}

/** User text (a file name, a key, a policy name) as a message shows it: escaped, then clipped. */
export const showText = (text: string, max: number = MAX_SHOWN_TEXT): string => clipText(escapeText(text), max)

