/**
 * Resources made ahead of time in the background, one at a time, so that taking one costs about a queue
 * pop (IntegreSQL-style). A background failure (the server was killed, paused, restarting) stops the refill
 * until the next `take()`, which then makes its resource itself and so reports the error.
 */
export class ReadyPool<T> {
  readonly #ready: T[] = []
  readonly #size: number
  readonly #make: () => Promise<T>
  readonly #discard: (item: T) => Promise<void>
  #filling: Promise<void> | undefined
  #closed = false
  /** The last background failure, for diagnostics. */
  lastError: unknown

  constructor(size: number, make: () => Promise<T>, discard: (item: T) => Promise<void>) {
    this.#size = size
    this.#make = make
    this.#discard = discard
  }

  /** Ready resources right now. */
  get readyCount(): number {
    return this.#ready.length
  }

  /** A ready resource, or a new one when none is ready; the pool refills in the background. */
  async take(): Promise<T> {
    if (this.#closed) throw new Error('the pool is closed')
    const item = this.#ready.shift()
    const taken = item !== undefined ? item : await this.#make()
    this.fill()
    return taken
  }

  /** Starts refilling up to the pool size (a no-op while a refill runs, or with size 0). */
  fill(): void {
    if (this.#filling || this.#closed || this.#ready.length >= this.#size) return
    this.#filling = (async () => {
      while (!this.#closed && this.#ready.length < this.#size) {
        let item: T
        try {
          item = await this.#make()
        } catch (err) {
          this.lastError = err
          return
        }
        if (this.#closed) {
          await this.#discard(item).catch(() => {})
          return
        }
        this.#ready.push(item)
      }
    })().finally(() => {
      this.#filling = undefined
    })
  }

  /** Resolves once no refill is running (one in progress finishes or fails first). */
  async idle(): Promise<void> {
    await this.#filling
  }

  /** Stops refilling, waits for a refill in progress, and hands back the ready resources. */
  async close(): Promise<T[]> {
    this.#closed = true
    await this.#filling
    return this.#ready.splice(0)
  }
}
