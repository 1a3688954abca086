/**
 * Resolves when `subscribe` reports a value for which `done` is true (checked at once with `current()`
 * too); rejects after `timeoutMs` with an error naming `what`.
 */
export function waitUntil<T>(
  what: string,
  timeoutMs: number,
  current: () => T,
  subscribe: (listener: (value: T) => void) => () => void,
  done: (value: T) => boolean,
): Promise<T> {
  const now = current()
  if (done(now)) return Promise.resolve(now)
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
    }, timeoutMs)
    const off = subscribe((value) => {
      if (!done(value)) return
      clearTimeout(timer)
      off()
      resolve(value)
    })
  })
}

/** A tiny typed listener set. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>()

  add(listener: (value: T) => void): () => void {
    this.set.add(listener)
    return () => this.set.delete(listener)
  }

  emit(value: T): void {
    for (const listener of [...this.set]) listener(value)
  }
}
