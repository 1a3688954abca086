import { setTimeout as sleep } from 'node:timers/promises'
import { InvalidOptionsError, WaitTimeoutError } from './errors.js'

export interface WaitForOptions {
  /** What is being awaited, in words; it ends up in the timeout error. */
  what: string
  /** Finite timeout in ms (> 0). Default 10 000. A probe still running at the deadline does not delay the error. */
  timeoutMs?: number
  /** Delay between probes. Default 20 ms. */
  intervalMs?: number
  /** Aborts the wait early; the abort reason is thrown. */
  signal?: AbortSignal
}

const NOT_YET = Symbol('not yet')

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, or throws the timeout error.
 * A throwing probe counts as "not yet"; its last error is attached to the timeout error. A probe that
 * hangs is abandoned at the deadline, so the wait is always finite.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitForOptions,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new InvalidOptionsError('timeoutMs', `must be a finite number > 0, got ${timeoutMs}`)
  }
  const intervalMs = opts.intervalMs ?? 20
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    opts.signal?.throwIfAborted()
    const left = deadline - Date.now()
    if (left <= 0) {
      // once more before giving up: after a SIGSTOP of this process the deadline passes unseen
      try {
        const value = await withTimeoutOr(Promise.resolve().then(probe), Math.min(timeoutMs, 1_000), NOT_YET)
        if (value !== NOT_YET && value !== undefined && value !== false) return value as T
      } catch (err) {
        lastError = err
      }
      throw new WaitTimeoutError(opts.what, timeoutMs, { cause: lastError })
    }
    try {
      const value = await withTimeoutOr(Promise.resolve().then(probe), left, NOT_YET)
      if (value !== NOT_YET && value !== undefined && value !== false) return value as T
    } catch (err) {
      lastError = err
    }
    const wait = Math.min(intervalMs, deadline - Date.now())
    if (wait > 0) await sleep(wait, undefined, { signal: opts.signal }).catch(() => {})
  }
}

/** Resolves with `promise`, or with `fallback` after `ms`. */
async function withTimeoutOr<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Races a promise against a finite timeout that names what it waited for. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(what, timeoutMs)), timeoutMs)
    timer.unref?.()
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
