import os from 'node:os'

/** 128 + the signal's number: the exit code of a process killed by `signal`. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 0)
}

export interface SignalCatcher {
  /** The first SIGINT/SIGTERM/SIGHUP received, if any. */
  readonly received: NodeJS.Signals | undefined
  /** Resolves on the first one. */
  readonly first: Promise<NodeJS.Signals>
  dispose(): void
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Catches SIGINT/SIGTERM/SIGHUP from now on (so they stop the services instead of killing the CLI).
 * `onSignal` sees each one. A second signal while the first is being handled exits at once with
 * 128+n: a stuck stop never traps the user (the watchdog still stops every server).
 */
export function catchSignals(onSignal?: (signal: NodeJS.Signals) => void): SignalCatcher {
  let received: NodeJS.Signals | undefined
  let resolveFirst!: (s: NodeJS.Signals) => void
  const first = new Promise<NodeJS.Signals>((r) => {
    resolveFirst = r
  })
  const handler = (signal: NodeJS.Signals) => {
    if (received !== undefined && !onSignal) {
      process.stderr.write(`infra: ${signal} again, exiting now (the watchdog stops what is left)\n`)
      process.exit(signalExitCode(signal))
    }
    received ??= signal
    resolveFirst(signal)
    onSignal?.(signal)
  }
  for (const s of SIGNALS) process.on(s, handler)
  return {
    get received() {
      return received
    },
    first,
    dispose: () => {
      for (const s of SIGNALS) process.off(s, handler)
    },
  }
}
