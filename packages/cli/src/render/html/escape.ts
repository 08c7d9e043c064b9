/**
 * HTML escaping for every string that reaches the report: scenario and policy names and
 * descriptions come from a user's file, and a `<` or `&` in them must print as text, never
 * as markup. Numbers are escaped too: they are view strings and cost nothing to escape.
 */
const entities: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c]!)

/** ` name="value"` with the value escaped, for building start tags. */
export const attribute = (name: string, value: string): string => ` ${name}="${escapeHtml(value)}"`

/** A stable id fragment for anchors (policy names are free text): lower-case letters, digits and dashes. */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "") || "x"
