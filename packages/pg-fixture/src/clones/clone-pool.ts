import { WaitTimeoutError } from '@infra/fixture-core'
import type { AdminConnection } from '../connection/admin-connection.js'
import { type CloneFingerprint, fingerprint, tryReuse } from './clone-reuse.js'
import { ident } from './names.js'
import { type LaneJob, PoolLanes } from './pool-lanes.js'
import { type PoolSizing, sizeClonePool } from './pool-sizing.js'

export interface ClonePoolOptions {
  /** The handle's admin connection: the first lane, and the one `close()` and `dropNow()` use. */
  admin: AdminConnection
  /** Opens another admin connection, for clones made and dropped in parallel; without it one lane only. */
  connect?: () => AdminConnection
  /** Lanes (admin connections) busy at once at most. Default 4. */
  maxParallel?: number
  template: string
  /** Prefix of every database this pool creates (unique per process). */
  prefix: string
  /** Ready clones to keep (shrunk by the sizing when space is short, see pool-sizing.ts). */
  size: number
  /** Use `STRATEGY FILE_COPY` (PostgreSQL ≥ 15). */
  fileCopy: boolean
  /** Hand a database given back untouched out again without a re-clone (see clone-reuse.ts; PostgreSQL ≥ 15). */
  reuse?: boolean
  /** Free bytes of the file system holding the server's data dir (statfs); undefined when not known. */
  freeBytes?: () => number | undefined
  /** Told about every background failure when it happens, e.g. for `DEBUG` output. */
  onError?: (what: 'refill' | 'drop' | 'reuse' | 'sizing' | 'connect', err: unknown) => void
  /** Told the size and cap chosen from the template's size and the free space. */
  onSizing?: (sizing: PoolSizing) => void
}

interface Waiter {
  resolve: (name: string) => void
  reject: (err: unknown) => void
}

/** Dropped databases may lag behind by this many before drops take priority over refills. */
const MAX_PENDING_DROPS = 16

/** The connection went away (terminated, server restarted): no SQLSTATE, or class 08 / 57P. */
function connectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return (
    typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P')
  )
}

/**
 * A pool of ready clones of a template database (IntegreSQL-style), so a test takes a database in about
 * the time of a queue pop. Refills follow the demand: one clone at a time while at least half the pool is
 * ready, else as many in parallel as are missing (waiting tests included), up to `maxParallel` lanes. Live
 * clones (ready + handed out + waiting to be dropped) stay under a cap sized by the template's size and
 * the free space; only a test that holds more than the cap at once gets clones beyond it. A database given
 * back untouched is handed out again under a new name; any other is dropped in the background.
 */
export class ClonePool {
  private readonly ready: string[] = []
  private readonly waiters: Waiter[] = []
  private readonly returned: string[] = []
  private readonly toDrop: string[] = []
  private readonly created = new Set<string>()
  private readonly handedOut = new Set<string>()
  private readonly prints = new Map<string, CloneFingerprint>()
  private readonly lanes: PoolLanes
  private creating = 0
  private dropping = 0
  private checking = 0
  private pumpQueued = false
  private seq = 0
  private sizingStarted = false
  private stalled = false
  private closed = false
  /** The size and cap in force (known once the template's size was read). */
  sizing: PoolSizing | undefined
  /** Last background error (a refill failed, e.g. while the server was down). */
  lastError: unknown

  constructor(private readonly opts: ClonePoolOptions) {
    this.lanes = new PoolLanes(opts.admin, opts.connect, opts.maxParallel ?? 4, (err) =>
      opts.onError?.('connect', err),
    )
  }

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

  /** Starts filling the pool (again, after a server restart). */
  warm(): void {
    this.stalled = false
    this.lanes.restore()
    this.pump()
  }

  /** A fresh clone: from the pool when one is ready, else the next one made or given back untouched. */
  acquire(timeoutMs = 30_000): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the clone pool is closed'))
    this.stalled = false
    const name = this.ready.shift()
    if (name !== undefined) {
      this.handedOut.add(name)
      // the refill starts after the test got its database, not before
      if (!this.pumpQueued) {
        this.pumpQueued = true
        setImmediate(() => {
          this.pumpQueued = false
          this.pump()
        })
      }
      return Promise.resolve(name)
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        const s = this.sizing
        const full = s && this.created.size >= s.maxLive
        reject(
          new WaitTimeoutError(`a clone of template database '${this.opts.template}'`, timeoutMs, {
            cause: this.lastError,
            detail: full
              ? `${this.handedOut.size} clone(s) are handed out and the pool's cap is ${s.maxLive} (${s.reason}): give databases back with drop(), or free space`
              : 'Is the server paused or down?',
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
      this.pump()
    })
  }

  /** Hands a database back: handed out again if untouched, else dropped in the background. */
  release(name: string): void {
    if (!this.handedOut.delete(name)) return
    this.stalled = false
    if (this.opts.reuse && this.prints.has(name)) this.returned.push(name)
    else this.toDrop.push(name)
    this.pump()
  }

  /** Drops `name` now, on the admin connection (never handed out again). */
  async dropNow(name: string): Promise<void> {
    this.handedOut.delete(name)
    for (const q of [this.toDrop, this.returned]) {
      const i = q.indexOf(name)
      if (i >= 0) q.splice(i, 1)
    }
    await this.drop(this.opts.admin, name)
  }

  /** Forgets the extra connections (after the server was killed or restarted); the next query reconnects. */
  resetConnections(): void {
    this.lanes.reset()
  }

  /** Starts what the demand calls for on every free lane. */
  private pump(): void {
    if (this.closed || this.stalled) return
    if (!this.sizing) {
      this.startSizing()
      return
    }
    while (this.lanes.free) {
      const job = this.nextJob(this.sizing)
      if (!job) return
      this.lanes.run(job, () => this.pump())
    }
  }

  private nextJob(sizing: PoolSizing): LaneJob | undefined {
    const again = this.lanes.takeRetry()
    if (again) return again
    // a database given back untouched is the cheapest one to hand out
    const back = this.returned.shift()
    if (back !== undefined) return (lane) => this.reuse(lane, back)
    const live = this.created.size
    const mustDrop =
      this.toDrop.length > 0 && (live >= sizing.maxLive || this.toDrop.length > MAX_PENDING_DROPS)
    if (mustDrop) return this.dropJob()
    const want = this.waiters.length + sizing.size - this.ready.length - this.creating
    // adaptive: one at a time while half the pool is ready, else what is missing in parallel
    const urgent = this.waiters.length > 0 || this.ready.length < Math.ceil(sizing.size / 2)
    const parallel = urgent ? this.lanes.parallel : 1
    // over the cap only for tests that hold every live clone already (nothing to drop or take back)
    const room =
      live < sizing.maxLive ||
      (this.waiters.length > this.creating &&
        this.ready.length === 0 &&
        this.toDrop.length === 0 &&
        this.dropping === 0 &&
        this.checking === 0)
    if (want > 0 && this.creating < parallel && room) return (lane) => this.create(lane)
    if (this.toDrop.length > 0 && this.dropping === 0) return this.dropJob()
    return undefined
  }

  private startSizing(): void {
    if (this.sizingStarted) return
    this.sizingStarted = true
    const free = this.opts.freeBytes?.()
    const size = async (): Promise<number | undefined> => {
      if (free === undefined) return undefined
      try {
        const r = await this.opts.admin.query<{ n: string }>('SELECT pg_database_size($1) AS n', [
          this.opts.template,
        ])
        return Number(r.rows[0]!.n)
      } catch (err) {
        this.opts.onError?.('sizing', err)
        return undefined
      }
    }
    void size().then((templateBytes) => {
      this.sizing = sizeClonePool({ requested: this.opts.size, templateBytes, freeBytes: free })
      this.opts.onSizing?.(this.sizing)
      this.pump()
    })
  }

  private deliver(name: string): void {
    const waiter = this.waiters.shift()
    if (!waiter) return void this.ready.push(name)
    this.handedOut.add(name)
    waiter.resolve(name)
  }

  private async create(lane: AdminConnection): Promise<void> {
    const name = `${this.opts.prefix}${++this.seq}`
    const strategy = this.opts.fileCopy ? ' STRATEGY FILE_COPY' : ''
    this.created.add(name)
    this.creating++
    const sql = `CREATE DATABASE ${ident(name)} TEMPLATE ${ident(this.opts.template)}${strategy}`
    try {
      // a lane whose connection was cut while idle reconnects on the second try
      await lane.query(sql).catch((err) => (connectionLost(err) ? lane.query(sql) : Promise.reject(err)))
    } catch (err) {
      this.created.delete(name)
      this.creating--
      this.lastError = err
      this.opts.onError?.('refill', err)
      // give the error to one waiter instead of spinning; the next acquire() tries again
      this.stalled = true
      this.waiters.shift()?.reject(err)
      return
    }
    if (this.opts.reuse) {
      // without a fingerprint the clone is simply never reused
      await fingerprint(lane, name).then(
        (fp) => this.prints.set(name, fp),
        (err) => this.opts.onError?.('reuse', err),
      )
    }
    this.creating--
    this.lastError = undefined
    this.deliver(name)
  }

  private async reuse(lane: AdminConnection, name: string): Promise<void> {
    const fp = this.prints.get(name)!
    const fresh = `${this.opts.prefix}${++this.seq}`
    this.created.add(fresh)
    let clean: boolean
    this.checking++
    try {
      clean = await tryReuse(lane, name, fresh, fp)
    } catch (err) {
      // the connection broke: whether the rename committed is unknown, drop either name
      this.opts.onError?.('reuse', err)
      this.prints.delete(name)
      this.toDrop.push(name, fresh)
      return
    } finally {
      this.checking--
    }
    this.created.delete(clean ? name : fresh)
    this.prints.delete(name)
    if (!clean) return void this.toDrop.push(name)
    this.prints.set(fresh, fp)
    this.deliver(fresh)
  }

  private dropJob(): LaneJob {
    const name = this.toDrop.shift()!
    return async (lane) => {
      this.dropping++
      try {
        await this.drop(lane, name)
      } catch (err) {
        this.lastError = err
        this.opts.onError?.('drop', err)
        this.toDrop.unshift(name)
        this.stalled = true // until the next acquire() or release()
      } finally {
        this.dropping--
      }
    }
  }

  private async drop(lane: AdminConnection, name: string): Promise<void> {
    await lane.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)
    this.created.delete(name)
    this.prints.delete(name)
  }

  /**
   * Stops refilling and drops what the pool created: `idle` = ready and given back ones, `all` = also
   * those still handed out, `none` = nothing (the server goes away anyway). Best effort when the server is gone.
   */
  async close(opts: { drop: 'none' | 'idle' | 'all' }): Promise<void> {
    this.closed = true
    for (const w of this.waiters.splice(0)) w.reject(new Error('the clone pool was closed'))
    await this.lanes.close()
    const idle = [...this.ready, ...this.returned, ...this.toDrop]
    const names = opts.drop === 'all' ? [...this.created] : opts.drop === 'idle' ? idle : []
    this.ready.length = 0
    this.returned.length = 0
    this.toDrop.length = 0
    for (const name of names) {
      try {
        await this.drop(this.opts.admin, name)
      } catch (err) {
        // best effort: a failed drop must not keep the rest (an abandoned clone is reaped by the next run
        // against the server, see clone-owner.ts); a lost connection ends the attempt
        this.opts.onError?.('drop', err)
        if (!/^[0-9A-Z]{5}$/.test(String((err as { code?: unknown }).code))) return
      }
    }
  }
}
