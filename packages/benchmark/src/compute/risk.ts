import type { Decimal } from "decimal.js"
import { ONE } from "../decimal.js"

/** Risk ratio RS_k ÷ RS_base limited to [1 − down, 1 + up] (an absent limit leaves that side open). */
export const riskRatioExact = (
  current: Decimal,
  base: Decimal,
  up: Decimal | undefined,
  down: Decimal | undefined
): { readonly raw: Decimal; readonly ratio: Decimal; readonly binding: "up" | "down" | "none" } => {
  const raw = current.div(base)
  if (up !== undefined && raw.gt(ONE.add(up))) return { raw, ratio: ONE.add(up), binding: "up" }
  if (down !== undefined && raw.lt(ONE.sub(down))) return { raw, ratio: ONE.sub(down), binding: "down" }
  return { raw, ratio: raw, binding: "none" }
}

/** The same in floats; `ceiling` = 1 + up (+Infinity when absent), `floor` = 1 − down (−Infinity when absent). */
export const riskRatioFloat = (current: number, base: number, ceiling: number, floor: number): number => {
  const raw = current / base
  return raw > ceiling ? ceiling : raw < floor ? floor : raw
}
