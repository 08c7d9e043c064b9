/**
 * Money as the terminal tables and memos write it, worked out here independently of the
 * renderer, for tests that check the printed text against a JSON view's fixed-place strings.
 */

/** Thousands separators: "-1421400.00" → "-1,421,400.00". */
export const sep = (money: string): string => {
  const [whole, fraction] = money.split(".")
  const sign = whole!.startsWith("-") ? "-" : ""
  const digits = whole!.replace("-", "")
  const groups: Array<string> = []
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end))
  return `${sign}${groups.join(",")}${fraction === undefined ? "" : `.${fraction}`}`
}
