import { debugLogger, WaitTimeoutError } from '@infra/fixture-core'

const debug = debugLogger('infra:redis')

import type { Redis } from 'ioredis'

/** Set (in the control DB) of the DB indexes free for `isolated()`. Shared by every process using the server. */
export const POOL_KEY = '__infra:redis-fixture:free-dbs'

// FLUSHDB of the released DB and its return to the free set, in one atomic step.
const RELEASE_SCRIPT = `
redis.call('SELECT', ARGV[1])
redis.call('FLUSHDB')
redis.call('SELECT', ARGV[2])
return redis.call('SADD', KEYS[1], ARGV[1])`

// FLUSHDB of a DB given back while the server was down, before a restart's seed frees it again.
const FLUSH_SCRIPT = `
redis.call('SELECT', ARGV[1])
redis.call('FLUSHDB')
redis.call('SELECT', ARGV[2])
return 1`

/**
 * A pool of logical databases, shared across processes through a set on the server itself (SPOP is
 * atomic), so parallel vitest workers never get the same DB. One DB is fetched ahead of time, so
 * `acquire()` is usually a queue pop in memory. Release = `FLUSHDB` + return, done by a script.
 */
export class DbPool {
  private spare: Promise<number | null> | undefined
  private readonly leased = new Set<number>()
  /** DBs given back while the server was down: flushed before the next {@link seed} frees them. */
  private readonly unflushed = new Set<number>()

  constructor(
    private readonly conn: Redis,
    readonly firstDb: number,
    readonly lastDb: number,
    readonly controlDb: number,
  ) {}

  get size(): number {
    return this.lastDb - this.firstDb + 1
  }

  /** (Re)fills the free set with every DB of the range except those leased by this process. */
  async seed(): Promise<void> {
    for (const db of this.unflushed) {
      await this.conn.eval(FLUSH_SCRIPT, 0, db, this.controlDb)
      this.unflushed.delete(db)
    }
    const free: number[] = []
    for (let db = this.firstDb; db <= this.lastDb; db++) if (!this.leased.has(db)) free.push(db)
    this.spare = undefined
    const multi = this.conn.multi().del(POOL_KEY)
    if (free.length > 0) multi.sadd(POOL_KEY, ...free)
    await multi.exec()
  }

  private pop(): Promise<number | null> {
    return this.conn.spop(POOL_KEY).then((v) => (v === null ? null : Number(v)))
  }

  private prefetch(): void {
    const p = this.pop().catch((err: Error) => {
      // the next acquire() pops again; say so now rather than in its timeout
      debug?.(`redis :${this.conn.options.port} DB pool prefetch failed: ${err.message}`)
      return null
    })
    this.spare = p
  }

  /** A free DB index; waits (finitely) when all are leased. */
  async acquire(timeoutMs = 10_000): Promise<number> {
    let db: number | null = null
    const spare = this.spare
    this.spare = undefined
    if (spare) db = await spare
    if (db === null) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        db = await this.pop()
        if (db !== null) break
        if (Date.now() >= deadline) {
          throw new WaitTimeoutError(`a free Redis database for isolated()`, timeoutMs, {
            code: 'POOL_EXHAUSTED',
            detail:
              `All ${this.size} databases (${this.firstDb}..${this.lastDb}) are leased. Release namespaces after ` +
              `each test (ns.release() or 'await using'), or raise the 'databases' option. If a test ran ` +
              `FLUSHALL, the pool's bookkeeping in DB ${this.controlDb} was wiped too: use FLUSHDB inside a namespace.`,
          })
        }
        await new Promise((r) => setTimeout(r, 20))
      }
    }
    this.leased.add(db)
    this.prefetch()
    return db
  }

  /** Empties `db` and returns it to the pool. */
  async release(db: number): Promise<void> {
    if (!this.leased.delete(db)) return
    await this.conn.eval(RELEASE_SCRIPT, 1, POOL_KEY, db, this.controlDb)
  }

  /**
   * Gives `db` back while the server is down (crashed, not yet restarted): nothing can be flushed now, so
   * it stays out of the free set until a restart's {@link seed} flushes it (it may hold persisted keys).
   */
  abandon(db: number): void {
    if (this.leased.delete(db)) this.unflushed.add(db)
  }

  /** Gives the prefetched DB back (call before disconnecting). */
  async returnSpare(): Promise<void> {
    const spare = this.spare
    this.spare = undefined
    const db = spare ? await spare : null
    if (db !== null) await this.conn.sadd(POOL_KEY, db).catch(() => {})
  }
}
