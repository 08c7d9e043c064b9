import type { Decimal } from "decimal.js"
import type { ConvergenceCaps } from "./benchmarkTerms.js"
import { ONE, ZERO } from "./decimal.js"
import { derive, explained, quantity, type Explained, type Quantity } from "./derivation.js"
import { convergenceExact } from "./compute/convergence.js"
import { invalid } from "./errors.js"
import { formatFixed } from "./rounding.js"

/**
 * Convergence (docs/model.md §3.1): the provider's own baseline moved toward its peers' by
 * adj = (1 − λ)(B_R − B_P), optionally capped; blended = B_P + adj. Uncapped this is the
 * issue brief's blend λ·B_P + (1 − λ)·B_R ($416 and $431 at 50/50 → $423.50).
 */

export interface Blended {
  readonly providerBaseline: Decimal
  readonly peerBaseline: Decimal
  readonly providerWeight: Decimal
  readonly uncappedAdjustment: Decimal
  readonly adjustment: Decimal
  readonly blended: Decimal
}

const CONVERGENCE_SOURCE =
  "Qcentive APM Issue Brief 1 (blended provider/peer benchmark); 42 CFR 425.656 (regional adjustment 35–50 % weights, caps +5 % / −1.5 % of national per capita; negatives not applied under 425.652(a)(8))"

const pct = (share: Decimal): string => `${share.mul(100).toFixed()} %`

/**
 * adj = (1 − λ)(B_R − B_P), then adj ≤ up·basis, adj ≥ −down·basis, noNegative ⇒ adj ≥ 0;
 * blended = B_P + adj. The caps are shares of `capBasis`, the peer baseline B_R unless given
 * (MSSP caps are shares of national per capita FFS expenditure: pass it as capBasis).
 */
export const convergence = (args: {
  readonly providerBaseline: Decimal
  readonly peerBaseline: Decimal
  readonly providerWeight: Decimal
  readonly caps: ConvergenceCaps
  readonly capBasis?: Decimal
}): Explained<Blended> => {
  const rule = "blend.convergence"
  const { providerBaseline, peerBaseline, providerWeight, caps } = args
  for (const [field, value] of [
    ["providerBaseline", providerBaseline],
    ["peerBaseline", peerBaseline]
  ] as const) {
    if (!value.isFinite()) throw invalid(rule, field, "must be a finite number")
    if (value.isNegative()) throw invalid(rule, field, "must not be negative")
  }
  if (!providerWeight.isFinite() || providerWeight.lt(ZERO) || providerWeight.gt(ONE))
    throw invalid(rule, "providerWeight", `must be in [0, 1] (1 = all provider, 0 = all peer), got ${providerWeight.toFixed()}`)
  for (const [field, value] of [
    ["caps.up", caps.up],
    ["caps.down", caps.down],
    ["caps.negativeOffset", caps.negativeOffset],
    ["capBasis", args.capBasis]
  ] as const) {
    if (value === undefined) continue
    if (!value.isFinite()) throw invalid(rule, field, "must be a finite number")
    if (value.isNegative()) throw invalid(rule, field, "must not be negative")
  }
  if (caps.negativeOffset?.gt(ONE)) throw invalid(rule, "caps.negativeOffset", "must not exceed 1")
  const basis = args.capBasis ?? peerBaseline
  const basisName = args.capBasis === undefined ? "peer baseline" : "cap basis"

  const { uncappedAdjustment, adjustment, blended, binding } = convergenceExact(providerBaseline, peerBaseline, providerWeight, caps, basis)
  const inputs: Array<Quantity> = [
    quantity("provider baseline B_P", providerBaseline, "pmpm"),
    quantity("peer baseline B_R", peerBaseline, "pmpm"),
    quantity("provider weight λ", providerWeight, "weight"),
    quantity("uncapped adjustment (1 − λ)(B_R − B_P)", uncappedAdjustment, "pmpm")
  ]
  if (args.capBasis !== undefined) inputs.push(quantity("cap basis", args.capBasis, "pmpm"))
  if (caps.up !== undefined) inputs.push(quantity("cap up", caps.up, "rate"))
  if (caps.down !== undefined) inputs.push(quantity("cap down", caps.down, "rate"))
  if (caps.negativeOffset !== undefined) inputs.push(quantity("offset on a negative adjustment", caps.negativeOffset, "rate"))
  const notes = binding.map((limit) =>
    limit === "up"
      ? `cap binds: +${pct(caps.up!)} of ${basisName} limits the adjustment to ${formatFixed(caps.up!.mul(basis), 2)}`
      : limit === "down"
        ? `cap binds: −${pct(caps.down!)} of ${basisName} limits the adjustment to ${formatFixed(caps.down!.mul(basis).neg(), 2)}`
        : limit === "offset"
          ? `offset: the negative adjustment is reduced by ${pct(caps.negativeOffset!)} (× ${formatFixed(ONE.sub(caps.negativeOffset!), 6)}) for the share of dually eligible and high-risk members (42 CFR 425.656(c))`
          : `no negative adjustment: ${binding.includes("offset") || binding.includes("down") ? "the limited adjustment" : formatFixed(uncappedAdjustment, 2)} not applied`
  )
  if (notes.length === 0) notes.push("no cap binds")
  return explained(
    { providerBaseline, peerBaseline, providerWeight, uncappedAdjustment, adjustment, blended },
    derive({
      rule,
      label: "Blended baseline",
      formula: "adj = clamp((1 − λ)(B_R − B_P), −down·basis, up·basis), × (1 − offset) if negative, ≥ 0 if noNegative; blended = B_P + adj",
      inputs,
      output: quantity("blended baseline", blended, "pmpm"),
      source: CONVERGENCE_SOURCE,
      notes
    })
  )
}
