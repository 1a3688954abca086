import { setTimeout as sleep } from 'node:timers/promises'

export type ReadinessOutcome =
  | { kind: 'ready' }
  | { kind: 'exited' }
  | { kind: 'timeout'; lastError: unknown }

export interface PollReadinessOptions {
  /** One attempt: resolve `false` (or throw) for "not yet", anything else for "ready". */
  probe: (signal: AbortSignal) => Promise<unknown>
  /** Settles when the process is gone: readiness fails at once. */
  exited: Promise<unknown>
  timeoutMs: number
  intervalMs: number
  /** An attempt still running after this long is abandoned (its signal aborted) and retried. */
  attemptTimeoutMs: number
}

const READY = Symbol('ready')
const NOT_YET = Symbol('not yet')
const EXITED = Symbol('exited')
const TIMEOUT = Symbol('timeout')

/**
 * Polls a readiness probe until it succeeds, the process exits, or the deadline passes — whichever
 * comes first, at once. One deadline timer for the whole wait; each attempt gets its own abort signal
 * and its own bound, so a hanging probe cannot eat the whole budget.
 */
export async function pollReadiness(opts: PollReadinessOptions): Promise<ReadinessOutcome> {
  let hasExited = false
  const exited = opts.exited.then(() => {
    hasExited = true
    return EXITED
  })
  let deadlineTimer: NodeJS.Timeout | undefined
  const deadline = new Promise<typeof TIMEOUT>((resolve) => {
    deadlineTimer = setTimeout(() => resolve(TIMEOUT), opts.timeoutMs)
  })
  let lastError: unknown
  /**
   * The deadline passed: probe once more before saying so. When this process was stopped (SIGSTOP,
   * a swapped-out CI box), overdue timers fire before the waiting reply is read: without this a
   * server that became ready meanwhile would be reported as a timeout.
   */
  const lastChance = async (): Promise<ReadinessOutcome> => {
    if (hasExited) return { kind: 'exited' }
    const attempt = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const bound = new Promise<typeof NOT_YET>((resolve) => {
      timer = setTimeout(() => resolve(NOT_YET), Math.min(opts.attemptTimeoutMs, 2_000))
    })
    const ok = await Promise.race([
      Promise.resolve()
        .then(() => opts.probe(attempt.signal))
        .then(
          (r) => (r === false ? NOT_YET : READY),
          (err: unknown) => {
            lastError = err
            return NOT_YET
          },
        ),
      bound,
      exited,
    ])
    clearTimeout(timer)
    attempt.abort()
    if (ok === READY && !hasExited) return { kind: 'ready' }
    return hasExited ? { kind: 'exited' } : { kind: 'timeout', lastError }
  }
  try {
    for (;;) {
      const attempt = new AbortController()
      let attemptTimer: NodeJS.Timeout | undefined
      const attemptTimedOut = new Promise<typeof NOT_YET>((resolve) => {
        attemptTimer = setTimeout(() => {
          lastError = new Error(`a readiness probe attempt did not finish within ${opts.attemptTimeoutMs} ms`)
          resolve(NOT_YET)
        }, opts.attemptTimeoutMs)
      })
      const probed = Promise.resolve()
        .then(() => opts.probe(attempt.signal))
        .then(
          (ok) => (ok === false ? NOT_YET : READY),
          (err: unknown) => {
            lastError = err
            return NOT_YET
          },
        )
      const first = await Promise.race([probed, exited, deadline, attemptTimedOut])
      clearTimeout(attemptTimer)
      attempt.abort()
      if (first === READY) return hasExited ? { kind: 'exited' } : { kind: 'ready' }
      if (first === EXITED) return { kind: 'exited' }
      if (first === TIMEOUT) return lastChance()
      const pause = await Promise.race([sleep(opts.intervalMs, NOT_YET), exited, deadline])
      if (pause === EXITED) return { kind: 'exited' }
      if (pause === TIMEOUT) return lastChance()
    }
  } finally {
    clearTimeout(deadlineTimer)
  }
}
