import {
  check,
  checkOptions,
  debugLogger,
  FixtureLifecycle,
  type FixtureServer,
  freeBytes,
  InvalidOptionsError,
  type Provider,
  type ServiceProcess,
  type TempDir,
  UnsupportedOperationError,
  waitFor,
  waitUntilStopped,
} from '@infra/fixture-core'
import type pg from 'pg'
import { claimOwner, reapAbandonedClones } from '../clones/clone-owner.js'
import { ClonePool } from '../clones/clone-pool.js'
import { REUSE_MIN_VERSION } from '../clones/clone-reuse.js'
import { databasePrefix, withDatabase, withParams } from '../clones/names.js'
import { SharedDatabase } from '../clones/shared-database.js'
import { AdminConnection } from '../connection/admin-connection.js'
import { connectionEnv, tlsOf } from '../connection/connection-env.js'
import type {
  PostgresConnectionInfo,
  TestDatabase,
  TestSchema,
  TestTransaction,
} from '../connection/handles.js'
import { descendantPids, isRunning, signalEach } from './process-tree.js'

import { releaseSysvSegment } from './server-process.js'

const debug = debugLogger('infra:postgres')

export interface PostgresInit {
  /** Where the server comes from (a worker's handle on a global setup's server: that server's provider). */
  provider: Provider
  /** A handle on a server another process started and shares (`connectPostgres`): no lifecycle control. */
  attached?: boolean
  /** Admin URL. */
  url: string
  template: string
  serverVersionNum: number
  /** URLs of the users created at start, by name. */
  users?: Record<string, string>
  poolSize: number
  process?: ServiceProcess
  dir?: TempDir
  /** Data dir of a server on this machine that another process started: sizes the clone pool by its free space. */
  dataDir?: string
}

/** `application_name` of the clone pool's extra admin connections: not counted or terminated as clients. */
const POOL_LANE = 'infra_pg_fixture_pool'

const NOT_OURS: Record<string, string> = {
  external: 'the server is not ours to crash; start a local one with startPostgres() for fault tests',
  attached:
    'this server is shared by every worker of the run (global setup); start a local one with startPostgres() in the test for fault tests',
}

/**
 * A PostgreSQL server handle: connection info, per-test isolation (`database()`, `schema()`,
 * `transaction()`), connection control, and — for servers it started — kill/pause/resume/restart/stop.
 */
export class Postgres implements FixtureServer<TestDatabase> {
  readonly service = 'postgres'
  readonly provider: Provider
  /** True for a handle on a server another process shares with this one (`connectPostgres`). */
  readonly attached: boolean
  /** Admin connection URL (database `postgres` on local servers). */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The template database clones are made from (migrations applied). */
  readonly template: string
  /** `server_version_num`, e.g. 170010. */
  readonly serverVersionNum: number
  private readonly proc: ServiceProcess | undefined
  private readonly dir: TempDir | undefined
  private readonly userUrls: Record<string, string>
  private readonly admin: AdminConnection
  private readonly pool: ClonePool
  private readonly prefix = databasePrefix()
  private readonly shared: SharedDatabase
  private readonly life = new FixtureLifecycle('postgres')
  private pausedBackends: number[] = []
  private readonly sharedDataDir: string | undefined

  constructor(init: PostgresInit) {
    this.provider = init.provider
    this.attached = init.attached ?? false
    this.url = init.url
    const u = new URL(init.url)
    this.host = u.hostname
    this.port = Number(u.port || 5432)
    this.template = init.template
    this.serverVersionNum = init.serverVersionNum
    this.proc = init.process
    this.dir = init.dir
    this.sharedDataDir = init.dataDir
    this.userUrls = init.users ?? {}
    // the admin session marks this handle's clones as owned by a live process (clone-owner.ts): also on a
    // server it started, which an external handle elsewhere may be reaping
    this.admin = new AdminConnection(init.url, (c: pg.Client) => claimOwner(c, this.prefix))
    this.shared = new SharedDatabase(this.admin, init.url, init.template)
    this.pool = new ClonePool({
      admin: this.admin,
      template: init.template,
      prefix: this.prefix,
      size: init.poolSize,
      connect: () => new AdminConnection(withParams(init.url, { application_name: POOL_LANE })),
      fileCopy: init.serverVersionNum >= 150000,
      reuse: init.serverVersionNum >= REUSE_MIN_VERSION,
      freeBytes: () => {
        const dataDir = this.dataDir ?? this.sharedDataDir
        return dataDir ? freeBytes(dataDir) : undefined
      },
      onError: (what, err) =>
        debug?.(`postgres :${this.port} clone pool ${what} failed: ${(err as Error).message ?? err}`),
      onSizing: (s) =>
        debug?.(
          `postgres :${this.port} clone pool: ${s.size} ready, at most ${s.maxLive} live (${s.reason})`,
        ),
    })
    debug?.(
      `postgres :${this.port} handle: provider ${this.provider}${this.attached ? ' (attached to a shared server)' : ''}, template ${this.template}, pool of ${init.poolSize}, clone prefix ${this.prefix}`,
    )
    this.pool.warm()
  }

  /** What a worker needs to use this server (see `connectPostgres`). */
  get connectionInfo(): PostgresConnectionInfo {
    return {
      provider: this.provider,
      url: this.url,
      template: this.template,
      serverVersionNum: this.serverVersionNum,
      ...((this.dataDir ?? this.sharedDataDir) ? { dataDir: this.dataDir ?? this.sharedDataDir } : {}),
      ...(Object.keys(this.userUrls).length > 0 ? { users: { ...this.userUrls } } : {}),
    }
  }

  /**
   * With `tls`: the CA certificate that verifies the server (`ca`, PEM, e.g. for `pg`'s `ssl: { ca }`) and
   * its file (`caFile`, the `sslrootcert` of `.url`). Undefined when the URL names no `sslrootcert`.
   */
  get tls(): { ca: string; caFile: string } | undefined {
    return tlsOf(this.url)
  }

  /** Names of the `users` created at start. */
  get users(): string[] {
    return Object.keys(this.userUrls)
  }

  /** URL of a user created at start (option `users`), on `database` (default `postgres`). */
  userUrl(name: string, database?: string): string {
    const url = this.userUrls[name]
    if (url === undefined) {
      const known =
        this.users.length > 0 ? `users of this server: ${this.users.join(', ')}` : 'no users were created'
      throw new InvalidOptionsError('userUrl(name)', `no user '${name}' (${known}; see the users option)`)
    }
    return database === undefined ? url : withDatabase(url, database)
  }

  /**
   * Connection info as environment variables for another process (libpq's `PG*` and `DATABASE_URL`), on the
   * admin database; for a test's own database use `database()` and its `url`.
   */
  env(): Record<string, string> {
    return connectionEnv(this.url)
  }

  /**
   * This handle's clone pool right now: `ready` clones, `live` ones (ready + handed out + not yet dropped),
   * and the `size` and `maxLive` cap chosen from the template's size and the data dir's free space (undefined
   * until the pool first ran).
   */
  get clonePool(): { ready: number; live: number; size?: number; maxLive?: number } {
    const s = this.pool.sizing
    return { ready: this.pool.readyCount, live: this.pool.liveCount, size: s?.size, maxLive: s?.maxLive }
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
    this.life.assertRunning('database')
    checkOptions('database()', opts, { timeoutMs: check.ms() })
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

  /** {@link database} under the name every fixture shares (`FixtureServer.isolated()`). */
  async isolated(opts: { timeoutMs?: number } = {}): Promise<TestDatabase> {
    this.life.assertRunning('isolated')
    return this.database(opts)
  }

  /** The shared database (a clone of the template) holding `schema()`s and `transaction()`s. */
  sharedDatabase(): Promise<string> {
    return this.shared.ensure()
  }

  /**
   * A `test_<id>` schema in the shared database; its `url` puts the schema first on `search_path`.
   * Cheaper than a database, weaker isolation (same database: extensions, roles, `public`).
   */
  async schema(): Promise<TestSchema> {
    this.life.assertRunning('schema')
    return this.shared.schema()
  }

  /**
   * One connection in `BEGIN` on the shared database (or `database`): everything it does is rolled
   * back by `rollback()` / `await using`. The cheapest isolation; only for code that runs on the given client.
   */
  async transaction(opts: { database?: string } = {}): Promise<TestTransaction> {
    this.life.assertRunning('transaction')
    checkOptions('transaction()', opts, { database: check.string() })
    return this.shared.transaction(opts.database)
  }

  /** Client connections (other than this handle's admin one), optionally only to `database`. */
  async connectionCount(database?: string): Promise<number> {
    this.life.assertRunning('connectionCount')
    const r = await this.admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> '${POOL_LANE}'
          AND ($1::text IS NULL OR datname = $1)`,
      [database ?? null],
    )
    return Number(r.rows[0]!.n)
  }

  /**
   * Terminates client connections (`pg_terminate_backend`): to `database` if given, else every
   * connection (local) or every connection to a database this handle created (external). Returns how many.
   */
  async terminateConnections(database?: string): Promise<number> {
    this.life.assertRunning('terminateConnections')
    const own = this.proc ? null : [...this.ownDatabases()]
    const r = await this.admin.query<{ n: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> '${POOL_LANE}'
          AND ($1::text IS NULL OR datname = $1) AND ($2::text[] IS NULL OR datname = ANY($2))`,
      [database ?? null, own],
    )
    await this.shared.reset()
    return Number(r.rows[0]!.n)
  }

  private ownDatabases(): string[] {
    return [...this.pool.names, this.shared.name]
  }

  private lifecycle(op: string): ServiceProcess {
    this.life.assertRunning(op)
    if (!this.proc) {
      const reason = NOT_OURS[this.attached ? 'attached' : 'external']
      throw new UnsupportedOperationError(this.service, op, this.provider, reason)
    }
    return this.proc
  }

  /**
   * SIGKILL to the postmaster and every backend (backends run in their own sessions, so the
   * process group alone would miss them): a crash. `restart()` replays the WAL: with `durable: true` every
   * acknowledged commit is back; on the default non-durable server (`synchronous_commit=off`) the last
   * few hundred ms of commits may be lost.
   */
  async kill(): Promise<void> {
    const proc = this.lifecycle('kill')
    const pid = proc.pid
    if (pid && proc.running) {
      // freeze the postmaster so it forks nothing new, then take the whole tree down
      signalEach([pid], 'SIGSTOP')
      // the segment of a shared-memory re-init after a backend crash is not marked yet: mark it now
      if (this.dataDir) await releaseSysvSegment(this.dataDir)
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
    this.pool.resetConnections()
    await this.shared.reset()
  }

  /** SIGSTOP to the postmaster and every backend: the server hangs; clients see timeouts until `resume()`. */
  async pause(): Promise<void> {
    const proc = this.lifecycle('pause')
    await proc.pause()
    const backends = proc.pid ? descendantPids(proc.pid) : []
    signalEach(backends, 'SIGSTOP')
    this.pausedBackends = backends
    // the backends are outside the postmaster's group (setsid): wait for them as pause() did for it
    await waitUntilStopped(backends, `the ${backends.length} PostgreSQL backend(s) to stop after SIGSTOP`)
  }

  /** SIGCONT after `pause()`. */
  async resume(): Promise<void> {
    this.resumeProcess(this.lifecycle('resume'))
  }

  private resumeProcess(proc: ServiceProcess): void {
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
    const proc = this.lifecycle('restart')
    if (proc.paused) this.resumeProcess(proc)
    this.admin.reset()
    this.pool.resetConnections()
    await this.shared.reset()
    await proc.restart()
    if (this.dataDir) await releaseSysvSegment(this.dataDir)
    this.pool.warm()
  }

  /**
   * Stops everything this handle made: drops its databases (external/attached), stops the server
   * and removes its data (local). Idempotent; also after a crash.
   */
  stop(): Promise<void> {
    return this.life.stopOnce(() => this.doStop())
  }

  private async doStop(): Promise<void> {
    if (this.proc?.paused) this.resumeProcess(this.proc)
    await this.shared.close(!this.proc)
    if (this.proc) {
      // our own server goes away with its data directory: no need to drop one by one
      await this.pool.close({ drop: 'none' }).catch(() => {})
    } else {
      // a server that outlives this handle (external, or shared by a global setup): drop what we made
      await this.pool.close({ drop: 'all' }).catch(() => {})
      // the run's own handle on an external server also drops what crashed workers left behind
      if (this.provider === 'external' && !this.attached) {
        await reapAbandonedClones(this.admin, this.prefix).catch((err) =>
          debug?.(`postgres :${this.port} reaping abandoned clones failed: ${(err as Error).message}`),
        )
      }
    }
    await this.admin.close().catch(() => {})
    await this.proc?.stop()
    await this.dir?.remove()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
