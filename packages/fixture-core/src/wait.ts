import { setTimeout as sleep } from 'node:timers/promises'
import { WaitTimeoutError } from './errors.js'

export interface WaitForOptions {
  /** What is being awaited, in words; it ends up in the timeout error. */
  what: string
  /** Finite timeout in ms (required to be > 0). Default 10 000. */
  timeoutMs?: number
  /** Delay between probes. Default 20 ms. */
  intervalMs?: number
  /** Aborts the wait early; the abort reason is thrown. */
  signal?: AbortSignal
}

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, or throws the timeout error.
 * A throwing probe counts as "not yet"; its last error is attached to the timeout error.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitForOptions,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000
  const intervalMs = opts.intervalMs ?? 20
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    opts.signal?.throwIfAborted()
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      lastError = err
    }
    const left = deadline - Date.now()
    if (left <= 0) throw new WaitTimeoutError(opts.what, timeoutMs, { cause: lastError })
    await sleep(Math.min(intervalMs, left))
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
