import crypto from 'node:crypto'
import {
  FixtureLifecycle,
  type FixtureServer,
  type Provider,
  ReadyPool,
  type ServiceProcess,
  type TempDir,
  UnsupportedOperationError,
} from '@infra/fixture-core'
import {
  type Precision,
  type QueryOptions,
  queryResults,
  queryRows,
  quoteIdent,
  type WriteOptions,
  writeLines,
} from './database/api.js'
import { InfluxDatabase } from './database/database.js'
import type { HttpClient } from './database/http.js'
import type { InfluxRow, InfluxStatementResult } from './database/results.js'
import { type RetentionOptions, retentionCheck } from './options.js'

/** What a worker needs to use a server started elsewhere (vitest `provide`/`inject`): plain JSON. */
export interface InfluxConnectionInfo {
  provider: Provider
  /** `http://[user:password@]127.0.0.1:<port>` */
  url: string
  /** From the `X-Influxdb-Version` header, e.g. `1.6.7~rc0`. */
  version: string
  retention: RetentionOptions
}

export interface InfluxInit {
  provider: Provider
  /** `attached`: a handle on a server another process owns (no fault controls, never stops it). */
  role: 'owner' | 'attached'
  /** The URL as given (credentials included). */
  url: string
  http: HttpClient
  version: string
  retention: RetentionOptions
  /** Databases (with the default retention) made ahead in the background (0: none). */
  poolSize: number
  process?: ServiceProcess
  tempDir?: TempDir
  rpcPort?: number
}

const FAULT_HINT: Record<string, string> = {
  external: 'the server is not ours to crash; start a local one with startInfluxDB() for fault tests',
  attached:
    'this server is shared by every worker of the run (global setup); start a local one with startInfluxDB() in the test for fault tests',
}

/**
 * An InfluxDB 1.x server for tests: `url`, line-protocol `write()` and InfluxQL `query()` helpers, a
 * database per test (`database()`), fault controls for servers it started, and an idempotent `stop()`.
 */
export class InfluxDB implements FixtureServer<InfluxDatabase> {
  readonly service = 'influxdb'
  readonly provider: Provider
  /** `http://127.0.0.1:<port>` (with `user:password@` when the external URL has them). */
  readonly url: string
  readonly host: string
  /** The HTTP port. */
  readonly port: number
  /** The RPC (backup/restore) port, on loopback (local servers). */
  readonly rpcPort: number | undefined
  /** The server's version, e.g. `1.6.7~rc0`. */
  readonly version: string
  readonly #init: InfluxInit
  readonly #life = new FixtureLifecycle('influxdb')
  readonly #databases = new Map<string, InfluxDatabase>()
  readonly #prefix = `infra_${crypto.randomBytes(4).toString('hex')}`
  #counter = 0
  readonly #pool: ReadyPool<InfluxDatabase>

  constructor(init: InfluxInit) {
    this.#init = init
    this.provider = init.provider
    this.url = init.url
    const u = new URL(init.url)
    this.host = u.hostname
    this.port = Number(u.port || (u.protocol === 'https:' ? 443 : 80))
    this.rpcPort = init.rpcPort
    this.version = init.version
    this.#pool = new ReadyPool(
      init.poolSize,
      () => this.#create(this.#init.retention),
      (db) => db.release(),
    )
  }

  /** pid of the influxd process (local provider). */
  get pid(): number | undefined {
    return this.#init.process?.pid
  }

  /** The server's run directory (config, meta, data, WAL), local provider only. */
  get dataDir(): string | undefined {
    return this.#init.tempDir?.path
  }

  /** Plain-JSON connection info for another process: `connectInfluxDB(info)`. */
  get connectionInfo(): InfluxConnectionInfo {
    return { provider: this.provider, url: this.url, version: this.version, retention: this.#init.retention }
  }

  /** `{ INFLUXDB_URL }` for another process. */
  env(): Record<string, string> {
    return { INFLUXDB_URL: this.url }
  }

  /** Last log lines of the server process. */
  logs(n?: number): string[] {
    return this.#init.process?.logs(n) ?? []
  }

  /** Writes line protocol into `db` (nanosecond timestamps unless `precision`). */
  async write(lines: string | readonly string[], options: WriteOptions): Promise<void> {
    this.#life.assertRunning('write')
    await writeLines(this.#init.http, lines, options)
  }

  /** Runs InfluxQL (in `db` when given): the rows of every series, `time` as exact `bigint` nanoseconds. */
  async query<Row extends InfluxRow = InfluxRow>(q: string, options: QueryOptions = {}): Promise<Row[]> {
    this.#life.assertRunning('query')
    return queryRows<Row>(this.#init.http, q, options)
  }

  /** Runs InfluxQL: the API's per-statement results as they come. */
  async queryRaw(q: string, options: QueryOptions = {}): Promise<InfluxStatementResult[]> {
    this.#life.assertRunning('queryRaw')
    return queryResults(this.#init.http, q, options)
  }

  /**
   * A fresh database of this test's own (`infra_<run>_<n>`) with its retention policy (default: `INF`,
   * named `rp`); dropped by `release()` / `await using`. With the server's retention defaults it comes from a
   * small pool made ahead in the background (`poolSize`). On an external server only these are ever dropped.
   */
  async database(retention?: RetentionOptions): Promise<InfluxDatabase> {
    this.#life.assertRunning('database')
    if (retention === undefined || Object.keys(retention).length === 0) return this.#pool.take()
    retentionCheck(retention, 'retention')
    return this.#create({ ...this.#init.retention, ...retention })
  }

  async #create(r: RetentionOptions): Promise<InfluxDatabase> {
    const name = `${this.#prefix}_${++this.#counter}`
    const rp = r.name ?? 'rp'
    const shard = r.shardDuration ? ` SHARD DURATION ${r.shardDuration}` : ''
    await queryResults(
      this.#init.http,
      `CREATE DATABASE ${quoteIdent(name)} WITH DURATION ${r.duration ?? 'INF'} REPLICATION 1${shard} NAME ${quoteIdent(rp)}`,
      {},
    )
    const db = new InfluxDatabase({ http: this.#init.http, dropDatabase: (n) => this.#drop(n) }, name, rp)
    this.#databases.set(name, db)
    return db
  }

  /** The same as {@link database} with the server's retention defaults. */
  isolated(): Promise<InfluxDatabase> {
    return this.database()
  }

  async #drop(name: string): Promise<void> {
    if (!this.#databases.delete(name)) return
    const proc = this.#init.process
    if (proc && !proc.running) return // crashed or killed: its data dir goes with stop()
    await queryResults(this.#init.http, `DROP DATABASE ${quoteIdent(name)}`, {})
  }

  #process(operation: string): ServiceProcess {
    this.#life.assertRunning(operation)
    const proc = this.#init.process
    if (!proc || this.#init.role !== 'owner') {
      const kind = this.#init.role === 'attached' ? 'attached' : 'external'
      throw new UnsupportedOperationError(
        'influxdb',
        operation,
        kind === 'attached' ? kind : this.provider,
        FAULT_HINT[kind],
      )
    }
    return proc
  }

  /** SIGKILL: a crash. Acknowledged writes are in the WAL and come back with `restart()`. */
  async kill(): Promise<void> {
    await this.#process('kill').kill()
  }

  /** SIGSTOP: the server hangs (requests time out) until `resume()`. */
  async pause(): Promise<void> {
    await this.#process('pause').pause()
  }

  async resume(): Promise<void> {
    this.#process('resume').resume()
  }

  /** Graceful stop and start again: same ports, same data. */
  async restart(): Promise<void> {
    const proc = this.#process('restart')
    await this.#pool.idle()
    this.#init.http.resetSockets()
    await proc.restart()
  }

  /**
   * Drops the databases it still holds on a server it does not own; stops its own server and removes its
   * directory. Idempotent, fine after a crash.
   */
  stop(): Promise<void> {
    return this.#life.stopOnce(async () => {
      const proc = this.#init.process
      if (proc?.paused) proc.resume() // a refill in progress must be able to finish
      await this.#pool.close()
      if (!proc) {
        for (const db of [...this.#databases.values()]) await db.release().catch(() => {})
      }
      this.#init.http.close()
      await proc?.stop()
      await this.#init.tempDir?.remove()
    })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

export type { Precision }
