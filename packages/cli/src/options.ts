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
