import cliProgress from "cli-progress"

/**
 * A progress bar on standard error for long simulations: shown only on a terminal, not with
 * --quiet, and only once a run has taken more than a second (short runs stay silent).
 */
export interface Progress {
  readonly update: (done: number, total: number) => void
  readonly stop: () => void
}

const SHOW_AFTER_MS = 1000

export const progressBar = (quiet: boolean): Progress => {
  if (quiet || !process.stderr.isTTY) return { update: () => {}, stop: () => {} }
  const started = Date.now()
  let bar: cliProgress.SingleBar | undefined
  return {
    update: (done, total) => {
      if (!bar) {
        if (Date.now() - started < SHOW_AFTER_MS) return
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: "simulating [{bar}] {percentage}% | {value}/{total} trials | {eta_formatted} left", hideCursor: true },
          cliProgress.Presets.shades_classic
        )
        bar.start(total, done)
      }
      bar.update(done)
    },
    stop: () => bar?.stop()
  }
}
