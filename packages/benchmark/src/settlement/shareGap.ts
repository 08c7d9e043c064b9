import type { Decimal } from "decimal.js"
import { derive, quantity, type Derivation } from "../derivation.js"
import { marginalBandShare, shareByBands } from "./bands.js"
import type { SavingsRate } from "./terms.js"

export interface Shared {
  readonly amount: Decimal
  /** amount / basis, or the marginal rate when the basis is 0. */
  readonly rate: Decimal
  readonly derivation: Derivation
}

/** Share a gap at a flat rate or through bands; sharing starts at `startRate` × B, `basis` is the gap above it. */
export const shareGap = (args: {
  readonly side: "savings" | "loss"
  readonly sharing: SavingsRate | { readonly kind: "flat"; readonly rate: Decimal; readonly why: Derivation }
  readonly benchmark: Decimal
  readonly startRate: Decimal
  readonly basis: Decimal
  readonly source: string
}): Shared => {
  const rule = `settlement.${args.side}.shared`
  const label = args.side === "savings" ? "Savings shared before quality, sequestration and cap" : "Losses shared before the loss limit"
  if (args.sharing.kind === "bands") {
    const banded = shareByBands({
      rule,
      label,
      bands: args.sharing.bands,
      benchmark: args.benchmark,
      gap: args.basis.add(args.startRate.mul(args.benchmark)),
      startRate: args.startRate,
      source: args.source
    })
    const rate = args.basis.isZero() ? marginalBandShare(args.sharing.bands, args.startRate) : banded.value.shared.div(args.basis)
    return { amount: banded.value.shared, rate, derivation: banded.derivation }
  }
  const amount = args.basis.mul(args.sharing.rate)
  return {
    amount,
    rate: args.sharing.rate,
    derivation: derive({
      rule,
      label,
      formula: args.side === "savings" ? "shared = basis × savings rate" : "shared = basis × loss rate",
      inputs: [quantity("basis", args.basis, "money"), quantity(args.side === "savings" ? "savings rate" : "loss rate", args.sharing.rate, "rate")],
      output: quantity("shared", amount, "money"),
      source: args.source,
      ...("why" in args.sharing ? { steps: [args.sharing.why] } : {})
    })
  }
}
