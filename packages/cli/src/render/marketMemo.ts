import { dec, formatFixed } from "@pbpsim/benchmark"
import { factorText, RATE_PLACES } from "./comparisonTables.js"
import { renderAlignedMarkdown } from "./comparisonFormats.js"
import { simulationMemo } from "./marketSimulation.js"
import { firstYear, lastYear, marketProvidersTable, marketTotalsTable, marketYearTable, providersText, yearsText, YEAR_TABLE_NOTE } from "./marketTables.js"
import type { MarketPolicyView, MarketView } from "./marketView.js"
import { grouped, left, right, type Table } from "./table.js"

/**
 * `pbpsim market --format markdown`: a memo. The question, the source, each policy's
 * participation rule, one table of the policies, then sentences saying what differs, every one
 * built from the figures in the tables (no claim is written in advance), with --simulate the
 * programme's cost under uncertainty, then the year tables.
 */

const md = (text: string) => text.replaceAll("|", "\\|")
const code = (text: string) => `\`${text.replaceAll("`", "'")}\``

/** Dollars in a sentence: "$1,234.50", "−$1,234.50". */
const usd = (money: string): string => (money.startsWith("-") ? `−$${grouped(money.slice(1))}` : `$${grouped(money)}`)
const percentOf = (share: string): string => `${formatFixed(dec(share).mul(100), RATE_PLACES)} %`
const fromTo = (p: MarketPolicyView, get: (y: NonNullable<ReturnType<typeof firstYear>>) => string): string => {
  const a = firstYear(p)
  const b = lastYear(p)
  return a && b ? `${get(a)} → ${get(b)}` : ""
}

/** Programme cost to the payer in words. */
const costWords = (cost: string): string => {
  const c = dec(cost)
  return c.isZero() ? "neither costs nor saves the payer anything" : c.isNeg() ? `saves the payer ${usd(cost.slice(1))}` : `costs the payer ${usd(cost)}`
}

export const policiesMemoTable = (view: MarketView): Table => ({
  title: "The policies over the contract",
  columns: [
    left("Policy"),
    right("Programme cost to the payer ($)"),
    right("Savings paid ($)"),
    right("Losses collected ($)"),
    right("Earned ($)"),
    right("Windfall ($)"),
    right("Windfall (% of savings paid)"),
    right("Participants, first → last year"),
    right("Benchmark CV, first → last year")
  ],
  rows: view.policies.map((p) => [
    p.policy,
    grouped(p.totals.programmeCost),
    grouped(p.totals.savingsPaid),
    grouped(p.totals.lossesCollected),
    grouped(p.totals.earned),
    grouped(p.totals.windfall),
    p.windfallShare === null ? "–" : formatFixed(dec(p.windfallShare).mul(100), RATE_PLACES),
    fromTo(p, (y) => providersText(y.participants)),
    fromTo(p, (y) => factorText(y.benchmarkDispersion.cv))
  ])
})

const payerSentence = (view: MarketView): string => {
  const [only, ...rest] = view.policies
  if (!only) return ""
  if (rest.length === 0) return `Over ${yearsText(only)} the programme under ${code(only.policy)} ${costWords(only.totals.programmeCost)}.`
  const ranked = [...view.policies].sort((a, b) => dec(a.totals.programmeCost).cmp(dec(b.totals.programmeCost)))
  const best = ranked[0]!
  const tied = ranked.filter((p) => dec(p.totals.programmeCost).eq(dec(best.totals.programmeCost)))
  if (tied.length === ranked.length) return `Every policy ${costWords(best.totals.programmeCost)} over the contract: the payer's programme cost does not tell them apart.`
  const lead = tied.length > 1 ? `${tied.map((p) => code(p.policy)).join(" and ")} (tied)` : code(best.policy)
  const than = tied.length > 1 ? "theirs" : `${code(best.policy)}'s`
  const others = ranked
    .filter((p) => !tied.includes(p))
    .map((p) => `${code(p.policy)} ${costWords(p.totals.programmeCost)} (a programme cost ${usd(formatFixed(dec(p.totals.programmeCost).sub(dec(best.totals.programmeCost)), 2))} higher than ${than})`)
  return `Cheapest for the payer: ${lead}, whose programme ${costWords(best.totals.programmeCost)} over the contract; ${others.join("; ")}.`
}

/** An expected number of providers in a sentence: whole when it is ("2"), else to 2 places ("3.85"). */
const countText = (count: string): string => (dec(count).isInteger() ? dec(count).toFixed(0) : providersText(count))

/**
 * One sentence per group of policies it says the same of: `say(who, p)` writes it for "Under
 * `a`" or "Under `a` and `b`"; policies whose sentence reads the same are named together.
 */
const together = (view: MarketView, say: (who: string, p: MarketPolicyView) => string): ReadonlyArray<string> => {
  const groups = new Map<string, Array<MarketPolicyView>>()
  for (const p of view.policies) {
    const key = say("\u0000", p)
    if (key === "") continue
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  return [...groups.values()].map((ps) => {
    const names = ps.map((p) => code(p.policy))
    const who = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]!}`
    return say(`Under ${who}`, ps[0]!)
  })
}

const windfallSentence = (who: string, p: MarketPolicyView): string =>
  p.windfallShare === null
    ? `${who} no shared savings are paid.`
    : `${who}, ${usd(p.totals.windfall)} of the ${usd(p.totals.savingsPaid)} of savings paid (${percentOf(p.windfallShare)}) is windfall, paid for cost the providers would not have spent anyway; ${usd(p.totals.earned)} is earned by cost actually reduced.`

const participationSentence = (who: string, p: MarketPolicyView): string => {
  const a = firstYear(p)
  const b = lastYear(p)
  const n = p.providers.length
  if (!a || !b) return ""
  if (dec(a.participants).eq(n) && dec(b.participants).eq(n)) return `${who} all ${n} providers take part in every year.`
  if (dec(a.participants).isZero()) return `${who} none of the ${n} providers joins in ${a.year}.`
  const lost = dec(a.participants).sub(dec(b.participants))
  const joined = `${countText(a.participants)} of the ${n} providers ${dec(a.participants).isInteger() ? "join" : "are expected to join"} in ${a.year}`
  if (a.year === b.year) return `${who} ${joined}.`
  const change = lost.isZero() ? "and all of them stay" : lost.gt(0) ? `and ${countText(lost.toFixed())} leave by ${b.year} (${countText(b.participants)} remain)` : `rising to ${countText(b.participants)} by ${b.year}`
  return `${who} ${joined} ${change}.`
}

const selectionSentence = (who: string, p: MarketPolicyView): string => {
  const y = lastYear(p)
  if (!y) return ""
  if (y.participantsBaselineRelative === null) return `${who} no provider is left in ${y.year}.`
  const pool = factorText(y.participantsBaselineRelative)
  const all = factorText(y.allBaselineRelative)
  const figures = `baseline ${pool} of their peers' against ${all} for every provider`
  // Compared as printed: a difference the tables cannot show is not stated.
  const c = dec(pool).cmp(dec(all))
  if (c === 0) return `${who} the ${y.year} participants are the market as a whole (${figures}): no selection.`
  return c < 0
    ? `${who} the ${y.year} participants are cheaper than the market relative to their peers (${figures}): the pool leans toward providers that cost less than their peers.`
    : `${who} the ${y.year} participants are costlier than the market relative to their peers (${figures}).`
}

const convergenceSentence = (who: string, p: MarketPolicyView): string => {
  const a = firstYear(p)
  const b = lastYear(p)
  if (!a || !b) return ""
  const from = factorText(a.benchmarkDispersion.cv)
  const to = factorText(b.benchmarkDispersion.cv)
  // Compared as printed (4 places): a change in the 6th place of the CV is the rounding of benchmarks to the cent.
  const c = dec(to).cmp(dec(from))
  const move =
    a.year === b.year
      ? `is ${from} in ${a.year}`
      : c < 0
        ? `falls from ${from} in ${a.year} to ${to} in ${b.year}: benchmarks converge`
        : c > 0
          ? `rises from ${from} in ${a.year} to ${to} in ${b.year}: benchmarks spread apart`
          : `stays at ${from} from ${a.year} to ${b.year}`
  return `${who} the coefficient of variation of risk-adjusted benchmarks across providers ${move}.`
}

const convergenceRanking = (view: MarketView): string => {
  if (view.policies.length < 2) return ""
  const last = view.policies.flatMap((p) => {
    const y = lastYear(p)
    return y ? [{ p, cv: dec(factorText(y.benchmarkDispersion.cv)) }] : []
  })
  if (last.length < 2) return ""
  const lowest = last.reduce((a, b) => (b.cv.lt(a.cv) ? b : a))
  const tied = last.filter((x) => x.cv.eq(lowest.cv))
  // All equal: the convergence sentences above already name them together.
  if (tied.length === last.length) return ""
  return `The benchmarks end closest together under ${tied.map((x) => code(x.p.policy)).join(" and ")} (CV ${factorText(lowest.cv)} in the last year).`
}

export const marketMemo = (view: MarketView): string => {
  const providers = view.policies[0]?.providers ?? []
  const groups = [...new Set(providers.map((p) => p.peerGroup))]
  const groupText = groups.map((g) => `${md(g === "" ? "(unnamed)" : g)} (${providers.filter((p) => p.peerGroup === g).length})`).join(", ")
  const overrides = view.scenario.overrides && view.scenario.overrides.length > 0 ? `, read with ${view.scenario.overrides.map((o) => code(`--set ${o}`)).join(", ")}` : ""
  const whatDiffers = [
    payerSentence(view),
    ...together(view, windfallSentence),
    ...together(view, participationSentence),
    ...together(view, selectionSentence),
    ...together(view, convergenceSentence),
    convergenceRanking(view)
  ].filter((s) => s !== "")
  return [
    `## ${md(view.scenario.name)}: the market`,
    "**Question.** What does each policy cost the payer once providers choose whether to join and whether to stay, how much of the savings it pays is earned rather than windfall, and do risk-adjusted benchmarks converge across providers?",
    md(
      `Market: ${providers.length} provider${providers.length === 1 ? "" : "s"}, each contracting against the figure of its peer group; peer groups ${groupText}. ` +
        "Money in dollars, summed over providers weighted by each one's chance of taking part; the programme cost is payer spending with the programme minus without it (negative: it saves)."
    ),
    `Source: ${code(view.scenario.file)} (SHA-256 ${code(view.scenario.sha256)}${overrides}), ${view.engine.name} ${view.engine.version}.`,
    "**Participation rules.**",
    view.policies.map((p) => `- ${code(p.policy)}: ${md(p.participation)}`).join("\n"),
    renderAlignedMarkdown(policiesMemoTable(view)),
    "**What differs.**",
    whatDiffers.map((s) => `- ${md(s)}`).join("\n"),
    ...(view.simulation ? simulationMemo(view.simulation, new Map(view.policies.map((p) => [p.policy, p.totals.programmeCost]))) : []),
    "### Year by year",
    ...view.policies.map((p) => renderAlignedMarkdown(marketYearTable(p))),
    md(YEAR_TABLE_NOTE),
    ...(view.policies.length > 0 ? [renderAlignedMarkdown(marketTotalsTable(view)), renderAlignedMarkdown(marketProvidersTable(view))] : [])
  ].join("\n\n")
}
