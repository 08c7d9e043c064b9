/**
 * Whole numbers as people read them, with thousands separators. The same text as
 * `toLocaleString("en-US")` for whole numbers, without it: its first call loads ICU's number
 * formats, about 25 ms of every command's start.
 */

/** Thousands separators in a run of digits: "1234567" → "1,234,567". */
export const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")

/** A whole number with thousands separators: 100000 → "100,000", −1234 → "-1,234". */
export const showCount = (n: number): string =>
  Number.isSafeInteger(n) ? (n < 0 ? `-${groupThousands(String(-n))}` : groupThousands(String(n))) : n.toLocaleString("en-US")
