import { type ServiceProcess, waitFor } from '@infra/fixture-core'
import { AdminConnection } from './admin-connection.js'
import { ClonePool } from './clone-pool.js'
import { UnsupportedOperationError } from './errors.js'
import type { PostgresConnectionInfo, TestDatabase, TestSchema, TestTransaction } from './handles.js'
import { databasePrefix, ident, randomId, withDatabase } from './names.js'
import { descendantPids, isRunning, signalEach } from './process-tree.js'
import { ReusableClients } from './reusable-clients.js'
import type { ServerDir } from './server-dir.js'
import { releaseSysvSegment } from './server-process.js'

export interface PostgresInit {
  provider: 'local' | 'external' | 'attached'
  /** Admin URL. */
  url: string
  template: string
  serverVersionNum: number
  poolSize: number
  process?: ServiceProcess
  dir?: ServerDir
}

const LIFECYCLE_HINT: Record<string, string> = {
  external: 'the server is not ours to crash; start a local one with startPostgres() for fault tests',
  attached:
    'this server is shared by every worker of the run (global setup); start a local one with startPostgres() in the test for fault tests',
}

/**
 * A PostgreSQL server handle: connection info, per-test isolation (`database()`, `schema()`,
 * `transaction()`), connection control, and — for servers it started — kill/pause/resume/restart/stop.
 */
export class Postgres implements AsyncDisposable {
  readonly provider: 'local' | 'external' | 'attached'
  /** Admin connection URL (database `postgres` on local servers). */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The template database clones are made from (migrations applied). */
  readonly template: string
  /** `server_version_num`, e.g. 170010. */
  readonly serverVersionNum: number
  private readonly proc: ServiceProcess | undefined
  private readonly dir: ServerDir | undefined
  private readonly admin: AdminConnection
  private readonly pool: ClonePool
  private readonly prefix = databasePrefix()
  private sharedAdmin: AdminConnection | undefined
  private sharedReady: Promise<string> | undefined
  private readonly schemas = new Set<string>()
  private readonly transactions = new Set<TestTransaction>()
  private readonly clients = new ReusableClients()
  private stopping: Promise<void> | undefined
  private pausedBackends: number[] = []

  constructor(init: PostgresInit) {
    this.provider = init.provider
    this.url = init.url
    const u = new URL(init.url)
    this.host = u.hostname
    this.port = Number(u.port || 5432)
    this.template = init.template
    this.serverVersionNum = init.serverVersionNum
    this.proc = init.process
    this.dir = init.dir
    this.admin = new AdminConnection(init.url)
    this.pool = new ClonePool({
      admin: this.admin,
      template: init.template,
      prefix: this.prefix,
      size: init.poolSize,
      fileCopy: init.serverVersionNum >= 150000,
    })
    this.pool.warm()
  }

  /** What a worker needs to use this server (see `attachPostgres`). */
  get connectionInfo(): PostgresConnectionInfo {
    return {
      provider: this.provider === 'attached' ? 'external' : this.provider,
      url: this.url,
      template: this.template,
      serverVersionNum: this.serverVersionNum,
    }
  }

  /** The server process (local provider only). */
  get process(): ServiceProcess | undefined {
    return this.proc
  }

  /** The server's data directory (local provider). */
  get dataDir(): string | undefined {
    return this.dir ? `${this.dir.path}/data` : undefined
  }

  /** Last `n` server log lines (local provider). */
  logs(n?: number): string[] {
    return this.proc?.logs(n) ?? []
  }

  /** URL of `database` on this server. */
  urlFor(database: string, params?: Record<string, string>): string {
    return withDatabase(this.url, database, params)
  }

  /**
   * A database of its own for one test: a clone of the template, usually already made by the
   * background pool. Dropped (in the background) by `drop()` / `await using`.
   */
  async database(opts: { timeoutMs?: number } = {}): Promise<TestDatabase> {
    this.assertOpen('database()')
    const name = await this.pool.acquire(opts.timeoutMs)
    let dropped = false
    const drop = async (o: { wait?: boolean } = {}) => {
      if (dropped) return
      dropped = true
      if (o.wait) await this.pool.dropNow(name)
      else this.pool.release(name)
    }
    return { name, url: this.urlFor(name), drop, [Symbol.asyncDispose]: () => drop() }
  }

  /** Alias of {@link database} (the generic fixture-contract name). */
  isolated(opts: { timeoutMs?: number } = {}): Promise<TestDatabase> {
    return this.database(opts)
  }

  /** The shared database (a clone of the template) holding `schema()`s and `transaction()`s. */
  sharedDatabase(): Promise<string> {
    this.sharedReady ??= (async () => {
      const name = this.sharedName
      const exists = await this.admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
      if (exists.rowCount === 0) {
        try {
          await this.admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(this.template)}`)
        } catch (err) {
          // another worker made it first
          const code = (err as { code?: string }).code
          if (code !== '42P04' && code !== '23505') throw err
        }
      }
      return name
    })()
    this.sharedReady.catch(() => {
      this.sharedReady = undefined
    })
    return this.sharedReady
  }

  /**
   * A `test_<id>` schema in the shared database; its `url` puts the schema first on `search_path`.
   * Cheaper than a database, weaker isolation (same database: extensions, roles, `public`).
   */
  async schema(): Promise<TestSchema> {
    this.assertOpen('schema()')
    const database = await this.sharedDatabase()
    this.sharedAdmin ??= new AdminConnection(this.urlFor(database))
    const admin = this.sharedAdmin
    const name = `test_${randomId(6)}`
    await admin.query(`CREATE SCHEMA ${ident(name)}`)
    this.schemas.add(name)
    let dropped: Promise<void> | undefined
    const drop = () => {
      dropped ??= admin.query(`DROP SCHEMA IF EXISTS ${ident(name)} CASCADE`).then(() => {
        this.schemas.delete(name)
      })
      return dropped
    }
    return {
      name,
      database,
      url: this.urlFor(database, { options: `-c search_path=${name},public` }),
      drop,
      [Symbol.asyncDispose]: drop,
    }
  }

  /**
   * One connection in `BEGIN` on the shared database (or `database`): everything it does is rolled
   * back by `rollback()` / `await using`. The cheapest isolation; only for code that runs on the given client.
   */
  async transaction(opts: { database?: string } = {}): Promise<TestTransaction> {
    this.assertOpen('transaction()')
    const database = opts.database ?? (await this.sharedDatabase())
    const url = this.urlFor(database)
    const client = await this.clients.take(url)
    try {
      await client.query('BEGIN')
    } catch (err) {
      await client.end().catch(() => {})
      throw err
    }
    let done: Promise<void> | undefined
    const tx: TestTransaction = {
      client,
      database,
      rollback: () => {
        done ??= (async () => {
          this.transactions.delete(tx)
          await this.clients.give(url, client)
        })()
        return done
      },
      [Symbol.asyncDispose]: () => tx.rollback(),
    }
    this.transactions.add(tx)
    return tx
  }

  /** Client connections (other than this handle's admin one), optionally only to `database`. */
  async connectionCount(database?: string): Promise<number> {
    const r = await this.admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND ($1::text IS NULL OR datname = $1)`,
      [database ?? null],
    )
    return Number(r.rows[0]!.n)
  }

  /**
   * Terminates client connections (`pg_terminate_backend`): to `database` if given, else every
   * connection (local) or every connection to a database this handle created (external). Returns how many.
   */
  async terminateConnections(database?: string): Promise<number> {
    const own = this.provider === 'local' ? null : [...this.ownDatabases()]
    const r = await this.admin.query<{ n: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
          AND ($1::text IS NULL OR datname = $1) AND ($2::text[] IS NULL OR datname = ANY($2))`,
      [database ?? null, own],
    )
    this.sharedAdmin?.reset()
    await this.clients.reset()
    return Number(r.rows[0]!.n)
  }

  private ownDatabases(): string[] {
    return [...this.pool.names, this.sharedName]
  }

  /** Name of the shared database (one per template, shared by every handle on the server). */
  private get sharedName(): string {
    return `infra_shared_${this.template.replace(/^infra_tpl_/, '')}`
  }

  private lifecycle(op: string): ServiceProcess {
    if (!this.proc)
      throw new UnsupportedOperationError(op, this.provider, LIFECYCLE_HINT[this.provider] ?? '')
    return this.proc
  }

  /**
   * SIGKILL to the postmaster and every backend (backends run in their own sessions, so the
   * process group alone would miss them): a crash. `restart()` replays the WAL: with `durable: true` every
   * acknowledged commit is back; on the default non-durable server (`synchronous_commit=off`) the last
   * few hundred ms of commits may be lost.
   */
  async kill(): Promise<void> {
    const proc = this.lifecycle('kill()')
    const pid = proc.pid
    if (pid && proc.running) {
      // freeze the postmaster so it forks nothing new, then take the whole tree down
      signalEach([pid], 'SIGSTOP')
      const backends = descendantPids(pid)
      signalEach(backends, 'SIGKILL')
      await proc.kill()
      signalEach(backends, 'SIGKILL')
      await waitFor(() => backends.every((p) => !isRunning(p)), {
        what: `the backends of the killed PostgreSQL server (pids ${backends.join(', ')}) to exit`,
        timeoutMs: 10_000,
        intervalMs: 5,
      })
    }
    this.pausedBackends = []
    this.admin.reset()
    this.sharedAdmin?.reset()
    await this.clients.reset()
  }

  /** SIGSTOP to the postmaster and every backend: the server hangs; clients see timeouts until `resume()`. */
  async pause(): Promise<void> {
    const proc = this.lifecycle('pause()')
    proc.pause()
    const backends = proc.pid ? descendantPids(proc.pid) : []
    signalEach(backends, 'SIGSTOP')
    this.pausedBackends = backends
  }

  /** SIGCONT after `pause()`. */
  async resume(): Promise<void> {
    const proc = this.lifecycle('resume()')
    const backends = [...this.pausedBackends, ...(proc.pid ? descendantPids(proc.pid) : [])]
    signalEach(backends, 'SIGCONT')
    this.pausedBackends = []
    proc.resume()
  }

  /**
   * Stops (fast shutdown) if running — after a crash too — and starts again: same port, same data directory
   * (after `kill()`, see there for which commits survive).
   */
  async restart(): Promise<void> {
    const proc = this.lifecycle('restart()')
    if (proc.paused) await this.resume()
    this.admin.reset()
    this.sharedAdmin?.reset()
    await this.clients.reset()
    await proc.restart()
    if (this.dataDir) await releaseSysvSegment(this.dataDir)
    this.pool.warm()
  }

  /**
   * Stops everything this handle made: drops its databases (external/attached), stops the server
   * and removes its data (local). Idempotent; also after a crash.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop()
    return this.stopping
  }

  private async doStop(): Promise<void> {
    for (const tx of [...this.transactions]) await tx.rollback().catch(() => {})
    await this.clients.close()
    if (this.proc?.paused) await this.resume()
    const alive = this.proc ? this.proc.running : true
    if (this.provider === 'local') {
      // the whole cluster goes away: no need to drop one by one
      await this.pool.close({ drop: 'none' }).catch(() => {})
    } else if (alive) {
      for (const s of [...this.schemas]) {
        await this.sharedAdmin?.query(`DROP SCHEMA IF EXISTS ${ident(s)} CASCADE`).catch(() => {})
      }
      await this.pool.close({ drop: 'all' }).catch(() => {})
    }
    await this.sharedAdmin?.close().catch(() => {})
    await this.admin.close().catch(() => {})
    await this.proc?.stop()
    await this.dir?.remove()
  }

  private assertOpen(op: string): void {
    if (this.stopping) throw new UnsupportedOperationError(op, this.provider, 'the handle was stopped')
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
