/** Plain-text helpers for terminal output: ANSI stripping and word wrapping. */

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g

export const stripAnsi = (text: string): string => text.replace(ANSI, "")

/**
 * Wrap one line to `width` visible columns at spaces, continuing under the line's own
 * indentation (help descriptions are long single lines in @effect/cli's output).
 */
const wrapLine = (line: string, width: number): ReadonlyArray<string> => {
  if (stripAnsi(line).length <= width) return [line]
  const indent = /^\s*/.exec(line)![0]
  const words = line.slice(indent.length).split(" ")
  const lines: Array<string> = []
  let current = indent
  for (const word of words) {
    const candidate = current.trim() === "" ? `${current}${word}` : `${current} ${word}`
    if (stripAnsi(candidate).length > width && current.trim() !== "") {
      lines.push(current)
      current = `${indent}${word}`
    } else current = candidate
  }
  lines.push(current)
  return lines
}

export const wrapText = (text: string, width: number): string =>
  text
    .split("\n")
    .flatMap((line) => wrapLine(line, Math.max(width, 40)))
    .join("\n")
