import { Args, Options } from "@effect/cli"
import { TABLE_WIDTH } from "./render/table.js"

export const FORMATS = ["table", "csv", "json", "markdown"] as const
export type Format = (typeof FORMATS)[number]

export const scenarioArg = Args.text({ name: "scenario" }).pipe(Args.withDescription("Scenario file (YAML or JSON)"))

export const formatOption = Options.choice("format", FORMATS).pipe(
  Options.withAlias("f"),
  Options.withDefault("table" as Format),
  Options.withDescription("Output format: aligned table (default), csv, json (with scenario hash and engine version) or markdown")
)

export const outOption = Options.text("out").pipe(
  Options.withAlias("o"),
  Options.optional,
  Options.withDescription("Write to this file instead of standard output (written atomically: temporary file, then rename)")
)

export const wideOption = Options.boolean("wide").pipe(
  Options.withDescription(`Terminal tables on one line however wide (by default a table wider than ${TABLE_WIDTH} columns is split into column groups)`)
)

/** Text width of terminal tables: split at TABLE_WIDTH unless --wide. */
export const tableWidth = (wide: boolean): number => (wide ? Number.POSITIVE_INFINITY : TABLE_WIDTH)

/** "a,b" or repeated values → names, trimmed, empty parts dropped. */
export const splitNames = (text: string): ReadonlyArray<string> =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)

export const setOption = Options.text("set").pipe(
  Options.repeated,
  Options.withDescription(
    "Override a scenario field for this run: path=value, repeatable (benchmark.trend.rate=0.04, benchmark.glidePath.providerWeights[2]=0.6); " +
      "the value is YAML and is checked as the file is"
  )
)

// The Monte Carlo's options, one definition for `simulate` and `market --simulate` (same names, defaults and limits).

export const trialsOption = Options.integer("trials").pipe(Options.withAlias("n"), Options.withDefault(10_000), Options.withDescription("Number of trials (default 10,000; at most 10,000,000)"))

export const seedOption = Options.text("seed").pipe(
  Options.withDefault("1"),
  Options.withDescription("Seed of the random draws (any text; default 1). Trial t draws from \"<seed>:<t>\" only")
)

export const workersOption = Options.integer("workers").pipe(
  Options.withAlias("w"),
  Options.withDefault(1),
  Options.withDescription("Worker threads (default 1; at most twice the CPUs); the output is identical for any number")
)

export const shardOption = Options.text("shard").pipe(
  Options.optional,
  Options.withDescription("Run only shard i of n (\"2/4\") and write its mergeable state as JSON; combine the shards with pbpsim merge")
)

export const quietOption = Options.boolean("quiet").pipe(Options.withAlias("q"), Options.withDescription("No progress bar on standard error"))
