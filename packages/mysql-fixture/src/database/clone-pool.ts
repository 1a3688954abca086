import { WaitTimeoutError } from '@infra/fixture-core'

export interface ClonePoolOptions {
  /** Makes database `name` (a clone of the template). */
  create: (name: string) => Promise<void>
  /** Drops database `name`. */
  drop: (name: string) => Promise<void>
  /** Prefix of every database this pool creates (unique per handle). */
  prefix: string
  /** Ready databases to keep. */
  size: number
  /** For messages: what a database is a clone of. */
  what: string
}

interface Waiter {
  resolve: (name: string) => void
  reject: (err: unknown) => void
}

/** Dropped databases may lag behind by this many before drops take priority over refills. */
const MAX_PENDING_DROPS = 16

/**
 * A pool of ready databases, refilled in the background one at a time (IntegreSQL-style), so a test takes
 * one in about the time of a queue pop. Released databases are dropped in the background when the pool is full.
 */
export class ClonePool {
  private readonly ready: string[] = []
  private readonly waiters: Waiter[] = []
  private readonly toDrop: string[] = []
  private readonly created = new Set<string>()
  private seq = 0
  private working: Promise<void> | undefined
  private again = false
  private closed = false
  /** Last background error (a refill failed, e.g. while the server was down). */
  lastError: unknown

  constructor(private readonly opts: ClonePoolOptions) {}

  get readyCount(): number {
    return this.ready.length
  }

  /** Databases this pool created that still exist (ready, handed out, or waiting to be dropped). */
  get names(): string[] {
    return [...this.created]
  }

  /** Starts filling the pool. */
  warm(): void {
    this.kick()
  }

  /** A fresh database: a ready one when there is one, else the next one made. */
  acquire(timeoutMs = 30_000): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the database pool is closed'))
    const name = this.ready.shift()
    if (name !== undefined) {
      this.kick()
      return Promise.resolve(name)
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        reject(
          new WaitTimeoutError(this.opts.what, timeoutMs, {
            cause: this.lastError,
            detail: 'Is the server paused or down?',
          }),
        )
      }, timeoutMs)
      const waiter: Waiter = {
        resolve: (n) => {
          clearTimeout(timer)
          resolve(n)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      }
      this.waiters.push(waiter)
      this.kick()
    })
  }

  /** Hands a database back; it is dropped in the background. */
  release(name: string): void {
    if (!this.created.has(name) || this.toDrop.includes(name)) return
    this.toDrop.push(name)
    this.kick()
  }

  /** Drops `name` now. */
  async dropNow(name: string): Promise<void> {
    const i = this.toDrop.indexOf(name)
    if (i >= 0) this.toDrop.splice(i, 1)
    await this.opts.drop(name)
    this.created.delete(name)
  }

  private kick(): void {
    if (this.closed) return
    if (this.working) {
      // the loop may be past its last check: look again when it ends
      this.again = true
      return
    }
    this.again = false
    this.working = this.work().finally(() => {
      this.working = undefined
      if (this.again) this.kick()
    })
  }

  private async work(): Promise<void> {
    while (!this.closed) {
      const wanted = this.waiters.length + this.opts.size - this.ready.length
      if (this.toDrop.length > 0 && (wanted <= 0 || this.toDrop.length > MAX_PENDING_DROPS)) {
        const name = this.toDrop.shift()!
        try {
          await this.opts.drop(name)
          this.created.delete(name)
        } catch (err) {
          this.lastError = err
          this.toDrop.unshift(name)
          return
        }
        continue
      }
      if (wanted <= 0) return
      const name = `${this.opts.prefix}${++this.seq}`
      this.created.add(name)
      try {
        await this.opts.create(name)
        this.lastError = undefined
      } catch (err) {
        this.lastError = err
        // half-made: drop it later; give the error to one waiter instead of spinning
        this.toDrop.push(name)
        this.waiters.shift()?.reject(err)
        return
      }
      const waiter = this.waiters.shift()
      if (waiter) waiter.resolve(name)
      else this.ready.push(name)
    }
  }

  /**
   * Stops refilling and drops what the pool created: `all` (also those handed out), or `none` (the server
   * goes away anyway). Best effort when the server is gone.
   */
  async close(opts: { drop: 'none' | 'all' }): Promise<void> {
    this.closed = true
    for (const w of this.waiters.splice(0)) w.reject(new Error('the database pool was closed'))
    await this.working
    const names = opts.drop === 'all' ? [...this.created] : []
    this.ready.length = 0
    this.toDrop.length = 0
    for (const name of names) {
      try {
        await this.opts.drop(name)
        this.created.delete(name)
      } catch {
        return // server gone: nothing left to drop
      }
    }
  }
}
