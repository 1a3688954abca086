import crypto from 'node:crypto'
import type { ClickHouseClient, ClickHouseClientConfigOptions } from '@clickhouse/client'
import {
  FixtureLifecycle,
  type FixtureServer,
  type Provider,
  ReadyPool,
  type ServiceProcess,
  type TempDir,
  UnsupportedOperationError,
} from '@infra/fixture-core'
import { ClientSet, createClickHouseClient, type Endpoint, formatUrl } from './client/clients.js'
import { ClickHouseDatabase } from './database/database.js'
import { applyMigrations, type Migrations } from './database/migrations.js'
import { toQueryError } from './errors.js'

/** What a worker needs to use a server started elsewhere (vitest `provide`/`inject`): plain JSON. */
export interface ClickHouseConnectionInfo {
  provider: Provider
  /** `http://default:<password>@127.0.0.1:<port>` */
  url: string
  /** `SELECT version()`, e.g. `18.16.1`. */
  version: string
  /** The server's migrations directory, applied by the workers' handles to their databases too. */
  migrations?: string
}

export interface ClickHouseInit {
  provider: Provider
  /** `attached`: a handle on a server another process owns (no fault controls, never stops it). */
  role: 'owner' | 'attached'
  endpoint: Endpoint
  version: string
  migrations: Migrations
  /** Databases made ahead in the background (0: none). */
  poolSize: number
  process?: ServiceProcess
  tempDir?: TempDir
  tcpPort?: number
}

const FAULT_HINT: Record<string, string> = {
  external: 'the server is not ours to crash; start a local one with startClickHouse() for fault tests',
  attached:
    'this server is shared by every worker of the run (global setup); start a local one with startClickHouse() in the test for fault tests',
}

/**
 * A ClickHouse server for tests: `url`, clients, a database per test (`database()`), fault controls for
 * servers it started, and an idempotent `stop()`. From {@link startClickHouse} or `connectClickHouse(info)`.
 */
export class ClickHouse implements FixtureServer<ClickHouseDatabase> {
  readonly service = 'clickhouse'
  readonly provider: Provider
  /** `http://default:<password>@127.0.0.1:<port>`: pass it to `createClient({ url })`. */
  readonly url: string
  readonly host: string
  /** The HTTP port. */
  readonly port: number
  /** The native-protocol port (local servers), for `clickhouse-client --port`. */
  readonly tcpPort: number | undefined
  readonly username: string
  readonly password: string
  /** The server's version (`SELECT version()`), e.g. `18.16.1`. */
  readonly version: string
  readonly #init: ClickHouseInit
  readonly #life = new FixtureLifecycle('clickhouse')
  readonly #clients = new ClientSet()
  readonly #databases = new Map<string, ClickHouseDatabase>()
  readonly #prefix = `infra_${crypto.randomBytes(4).toString('hex')}`
  #counter = 0
  #admin: ClickHouseClient | undefined
  readonly #pool: ReadyPool<ClickHouseDatabase>

  constructor(init: ClickHouseInit) {
    this.#init = init
    this.provider = init.provider
    this.url = formatUrl(init.endpoint)
    const u = new URL(init.endpoint.origin)
    this.host = u.hostname
    this.port = Number(u.port || (u.protocol === 'https:' ? 8443 : 8123))
    this.tcpPort = init.tcpPort
    this.username = init.endpoint.username
    this.password = init.endpoint.password
    this.version = init.version
    this.#pool = new ReadyPool(
      init.poolSize,
      () => this.#create(),
      (db) => db.release(),
    )
  }

  get endpoint(): Endpoint {
    return this.#init.endpoint
  }

  /** pid of the server process (local provider). */
  get pid(): number | undefined {
    return this.#init.process?.pid
  }

  /** The server's run directory (config, data), local provider only. */
  get dataDir(): string | undefined {
    return this.#init.tempDir?.path
  }

  /** Plain-JSON connection info for another process: `connectClickHouse(info)`. */
  get connectionInfo(): ClickHouseConnectionInfo {
    const dir = this.#init.migrations.dir
    return {
      provider: this.provider,
      url: this.url,
      version: this.version,
      ...(dir ? { migrations: dir } : {}),
    }
  }

  /** `{ CLICKHOUSE_URL }` for another process. */
  env(): Record<string, string> {
    return { CLICKHOUSE_URL: this.url }
  }

  /** Last log lines of the server process. */
  logs(n?: number): string[] {
    return this.#init.process?.logs(n) ?? []
  }

  /** A new `@clickhouse/client` on the `default` database. Closed by `stop()`. */
  client(options: ClickHouseClientConfigOptions = {}): ClickHouseClient {
    this.#life.assertRunning('client')
    return this.#clients.add(createClickHouseClient(this.#init.endpoint, undefined, options))
  }

  #adminClient(): ClickHouseClient {
    this.#admin ??= createClickHouseClient(this.#init.endpoint, undefined, { request_timeout: 30_000 })
    return this.#admin
  }

  async #run(sql: string): Promise<void> {
    try {
      await this.#adminClient().command({ query: sql })
    } catch (err) {
      throw toQueryError(err, sql)
    }
  }

  /**
   * A fresh database of this test's own (`infra_<run>_<n>`), migrations applied; dropped by `release()` /
   * `await using`. Taken from a small pool made ahead in the background (`poolSize`), so it costs about a
   * queue pop. On an external server only these databases are ever created or dropped.
   */
  async database(): Promise<ClickHouseDatabase> {
    this.#life.assertRunning('database')
    return this.#pool.take()
  }

  async #create(): Promise<ClickHouseDatabase> {
    const name = `${this.#prefix}_${++this.#counter}`
    await this.#run(`CREATE DATABASE \`${name}\``)
    const db = new ClickHouseDatabase(
      { endpoint: this.#init.endpoint, dropDatabase: (n) => this.#drop(n) },
      name,
    )
    this.#databases.set(name, db)
    try {
      await applyMigrations(db, this.#init.migrations)
    } catch (err) {
      await db.release().catch(() => {})
      throw err
    }
    return db
  }

  /** The same as {@link database} (the one fixture shape's name for it). */
  isolated(): Promise<ClickHouseDatabase> {
    return this.database()
  }

  async #drop(name: string): Promise<void> {
    if (!this.#databases.delete(name)) return
    const proc = this.#init.process
    if (proc && !proc.running) return // crashed or killed: its data dir goes with stop()
    await this.#run(`DROP DATABASE IF EXISTS \`${name}\``)
  }

  #process(operation: string): ServiceProcess {
    this.#life.assertRunning(operation)
    const proc = this.#init.process
    if (!proc || this.#init.role !== 'owner') {
      throw new UnsupportedOperationError(
        'clickhouse',
        operation,
        this.#init.role === 'attached' ? 'attached' : this.provider,
        FAULT_HINT[this.#init.role === 'attached' ? 'attached' : 'external'],
      )
    }
    return proc
  }

  /** SIGKILL: a crash. Parts already written stay on disk; `restart()` brings the server back. */
  async kill(): Promise<void> {
    await this.#process('kill').kill()
  }

  /** SIGSTOP: the server hangs (clients time out) until `resume()`. */
  async pause(): Promise<void> {
    await this.#process('pause').pause()
  }

  async resume(): Promise<void> {
    this.#process('resume').resume()
  }

  /**
   * Graceful stop and start again: same ports, same password, same data. The server waits for open
   * connections to close (idle keep-alive ones after up to 3 s): the fixture closes its own first; close
   * your clients before restarting for a fast restart.
   */
  async restart(): Promise<void> {
    const proc = this.#process('restart')
    await this.#pool.idle() // a refill in progress would open a new keep-alive socket
    await this.#closeIdleSockets()
    await proc.restart()
  }

  /** Closes the fixture's internal clients (reopened on next use). */
  async #closeIdleSockets(): Promise<void> {
    const admin = this.#admin
    this.#admin = undefined
    await Promise.all([
      admin?.close().catch(() => {}),
      ...[...this.#databases.values()].map((d) => d.closeHelper()),
    ])
  }

  /**
   * Closes the handle's clients; drops the databases it still holds on a server it does not own; stops its
   * own server and removes its directory. Idempotent, fine after a crash.
   */
  stop(): Promise<void> {
    return this.#life.stopOnce(async () => {
      const proc = this.#init.process
      if (proc?.paused) proc.resume() // a refill in progress must be able to finish
      await this.#pool.close()
      await this.#clients.closeAll()
      if (!proc) {
        for (const db of [...this.#databases.values()]) await db.release().catch(() => {})
      } else {
        await Promise.all([...this.#databases.values()].map((d) => d.closeClients()))
      }
      await this.#admin?.close().catch(() => {})
      await proc?.stop()
      await this.#init.tempDir?.remove()
    })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
