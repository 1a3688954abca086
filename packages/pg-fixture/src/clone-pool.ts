import { WaitTimeoutError } from '@infra/fixture-core'
import type { AdminConnection } from './admin-connection.js'
import { ident } from './names.js'

export interface ClonePoolOptions {
  admin: AdminConnection
  template: string
  /** Prefix of every database this pool creates (unique per process). */
  prefix: string
  /** Ready clones to keep. */
  size: number
  /** Use `STRATEGY FILE_COPY` (PostgreSQL ≥ 15). */
  fileCopy: boolean
  /** Told about every background failure when it happens (a refill or a drop), e.g. for `DEBUG` output. */
  onError?: (what: 'refill' | 'drop', err: unknown) => void
}

interface Waiter {
  resolve: (name: string) => void
  reject: (err: unknown) => void
}

/** Dropped databases may lag behind by this many before drops take priority over refills. */
const MAX_PENDING_DROPS = 16

/**
 * A pool of ready clones of a template database, refilled in the background one at a time
 * (IntegreSQL-style), so a test takes a database in about the time of a queue pop. Released
 * databases are dropped in the background when the pool is full.
 */
export class ClonePool {
  private readonly ready: string[] = []
  private readonly waiters: Waiter[] = []
  private readonly toDrop: string[] = []
  private readonly created = new Set<string>()
  private seq = 0
  private working: Promise<void> | undefined
  private closed = false
  /** Last background error (a refill failed, e.g. while the server was down). */
  lastError: unknown

  constructor(private readonly opts: ClonePoolOptions) {}

  /** Ready clones right now. */
  get readyCount(): number {
    return this.ready.length
  }
  /** Databases this pool created that still exist (ready, in use, or waiting to be dropped). */
  get liveCount(): number {
    return this.created.size
  }

  /** Names of the databases this pool created that still exist. */
  get names(): string[] {
    return [...this.created]
  }

  /** Starts filling the pool. */
  warm(): void {
    this.kick()
  }

  /** A fresh clone: from the pool when one is ready, else the next one made. */
  acquire(timeoutMs = 30_000): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the clone pool is closed'))
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
          new WaitTimeoutError(`a clone of template database '${this.opts.template}'`, timeoutMs, {
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

  /** Drops `name` now (waits for the background work queued before it). */
  async dropNow(name: string): Promise<void> {
    const i = this.toDrop.indexOf(name)
    if (i >= 0) this.toDrop.splice(i, 1)
    await this.drop(name)
  }

  private kick(): void {
    if (this.working || this.closed) return
    this.working = this.work().finally(() => {
      this.working = undefined
    })
  }

  private async work(): Promise<void> {
    while (!this.closed) {
      const wanted = this.waiters.length + this.opts.size - this.ready.length
      if (this.toDrop.length > 0 && (wanted <= 0 || this.toDrop.length > MAX_PENDING_DROPS)) {
        const name = this.toDrop.shift()!
        try {
          await this.drop(name)
        } catch (err) {
          this.lastError = err
          this.opts.onError?.('drop', err)
          this.toDrop.unshift(name)
          return
        }
        continue
      }
      if (wanted <= 0) return
      let name: string
      try {
        name = await this.create()
      } catch (err) {
        this.lastError = err
        this.opts.onError?.('refill', err)
        // give the error to one waiter instead of spinning; the next acquire() tries again
        this.waiters.shift()?.reject(err)
        return
      }
      const waiter = this.waiters.shift()
      if (waiter) waiter.resolve(name)
      else this.ready.push(name)
    }
  }

  private async create(): Promise<string> {
    const name = `${this.opts.prefix}${++this.seq}`
    const strategy = this.opts.fileCopy ? ' STRATEGY FILE_COPY' : ''
    this.created.add(name)
    try {
      await this.opts.admin.query(
        `CREATE DATABASE ${ident(name)} TEMPLATE ${ident(this.opts.template)}${strategy}`,
      )
    } catch (err) {
      this.created.delete(name)
      throw err
    }
    this.lastError = undefined
    return name
  }

  private async drop(name: string): Promise<void> {
    await this.opts.admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)
    this.created.delete(name)
  }

  /**
   * Stops refilling and drops what the pool created: `idle` = ready and released ones, `all` = also
   * those still handed out, `none` = nothing (the server goes away anyway). Best effort when the server is gone.
   */
  async close(opts: { drop: 'none' | 'idle' | 'all' }): Promise<void> {
    this.closed = true
    for (const w of this.waiters.splice(0)) w.reject(new Error('the clone pool was closed'))
    await this.working
    const names =
      opts.drop === 'all' ? [...this.created] : opts.drop === 'idle' ? [...this.ready, ...this.toDrop] : []
    this.ready.length = 0
    this.toDrop.length = 0
    for (const name of names) {
      try {
        await this.drop(name)
      } catch (err) {
        // best effort: a failed drop must not keep the rest (an abandoned clone is reaped by the next run
        // against the server, see clone-owner.ts); a lost connection ends the attempt
        this.opts.onError?.('drop', err)
        if (!/^[0-9A-Z]{5}$/.test(String((err as { code?: unknown }).code))) return
      }
    }
  }
}
