import type { TempDir } from '@infra/fixture-core'
import {
  FixtureLifecycle,
  type FixtureServer,
  type ServiceProcess,
  UnsupportedOperationError,
} from '@infra/fixture-core'
import type mysql from 'mysql2/promise'
import { AdminConnection } from './database/admin-connection.js'
import { ClonePool } from './database/clone-pool.js'
import { databasePrefix, ident, withDatabase } from './database/names.js'
import { captureSnapshot, cloneSql, type SchemaSnapshot } from './database/snapshot.js'
import type { MysqlConnectionInfo, ProcessInfo, TestDatabase } from './handles.js'
import { removeInitFile, type StartProcessOptions, writeInitFile } from './server/server-process.js'

export interface MysqlInit {
  provider: 'local' | 'external'
  /** A worker's handle on the server of a global setup: no lifecycle control. */
  attached: boolean
  /** Admin URL (no database). */
  url: string
  template: string
  /** Drop the template database at stop (an external server's per-run template). */
  ownsTemplate: boolean
  poolSize: number
  process?: ServiceProcess
  dir?: TempDir
  /** How the process was started: its init file is written again for `restart()`. */
  startOptions?: StartProcessOptions
}

const SYSTEM_USERS = new Set(['system user', 'event_scheduler', 'unauthenticated user'])
const NOT_CLIENTS = new Set(['Daemon', 'Killed'])

/**
 * A MariaDB/MySQL server handle: connection info, a migrated database per test from a background pool,
 * connection checks, and — for a server it started — kill/pause/resume/restart/stop.
 */
export class Mysql implements FixtureServer<TestDatabase> {
  readonly service = 'mysql'
  readonly provider: 'local' | 'external'
  /** Admin URL: `mysql://root:<per-run password>@127.0.0.1:<port>/` for a local server. */
  readonly url: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  /** The template database every test database is a copy of (migrations applied). */
  readonly template: string
  readonly #init: MysqlInit
  readonly #life = new FixtureLifecycle('mysql')
  readonly #admin: AdminConnection
  readonly #poolAdmin: AdminConnection
  readonly #pool: ClonePool
  #snapshot: Promise<SchemaSnapshot> | undefined

  constructor(init: MysqlInit) {
    this.#init = init
    this.provider = init.provider
    this.url = init.url
    const u = new URL(init.url)
    this.host = u.hostname
    this.port = Number(u.port || 3306)
    this.user = decodeURIComponent(u.username)
    this.password = decodeURIComponent(u.password)
    this.template = init.template
    this.#admin = new AdminConnection(init.url)
    this.#poolAdmin = new AdminConnection(init.url)
    this.#pool = new ClonePool({
      prefix: databasePrefix(),
      size: init.poolSize,
      what: `a copy of the template database '${init.template}'`,
      create: (name) => this.#createClone(name),
      drop: (name) => this.#dropDatabase(this.#poolAdmin, name),
    })
    this.#pool.warm()
  }

  /** What a worker needs to use this server (see `attachMysql`). */
  get connectionInfo(): MysqlConnectionInfo {
    return { provider: this.provider, url: this.url, template: this.template }
  }

  /** The server process (a local server started by this handle). */
  get process(): ServiceProcess | undefined {
    return this.#init.process
  }

  /** The server's data directory (local). */
  get dataDir(): string | undefined {
    return this.#init.dir ? `${this.#init.dir.path}/data` : undefined
  }

  /** The last `n` lines of the server's log (local). */
  logs(n?: number): string[] {
    return this.#init.process?.logs(n) ?? []
  }

  /** Connection info for another process: `MYSQL_URL`, `MYSQL_HOST`, `MYSQL_PORT`, `MYSQL_USER`, `MYSQL_PASSWORD`. */
  env(): Record<string, string> {
    return {
      MYSQL_URL: this.url,
      MYSQL_HOST: this.host,
      MYSQL_PORT: String(this.port),
      MYSQL_USER: this.user,
      MYSQL_PASSWORD: this.password,
      MYSQL_TEMPLATE_DATABASE: this.template,
    }
  }

  /** URL of `database` on this server. */
  urlFor(database: string): string {
    return withDatabase(this.url, database)
  }

  /**
   * A database of its own for one test, with the migrations applied — usually already made by the
   * background pool. Dropped (in the background) by `drop()` / `await using`.
   */
  async database(opts: { timeoutMs?: number } = {}): Promise<TestDatabase> {
    this.#life.assertRunning('database')
    const name = await this.#pool.acquire(opts.timeoutMs)
    let dropped: Promise<void> | undefined
    const drop = (o: { wait?: boolean } = {}) => {
      dropped ??= o.wait ? this.#pool.dropNow(name) : Promise.resolve(this.#pool.release(name))
      return dropped
    }
    return { name, url: this.urlFor(name), drop, [Symbol.asyncDispose]: () => drop() }
  }

  /** The fixture-contract name of {@link database}. */
  isolated(): Promise<TestDatabase> {
    return this.database()
  }

  /**
   * The server's client connections (without this handle's own and the server's threads), optionally only
   * those on `database`: to check that a pool released what it opened.
   */
  async processList(opts: { database?: string | TestDatabase } = {}): Promise<ProcessInfo[]> {
    this.#life.assertRunning('processList')
    const database = typeof opts.database === 'object' ? opts.database.name : opts.database
    const rows = await this.#admin.query<mysql.RowDataPacket[]>(
      `SELECT ID AS id, USER AS user, HOST AS host, DB AS db, COMMAND AS command, TIME AS time, STATE AS state,
              INFO AS info
         FROM information_schema.PROCESSLIST
        WHERE ID <> CONNECTION_ID() AND (? IS NULL OR DB = ?)`,
      [database ?? null, database ?? null],
    )
    const own = new Set([this.#admin.threadId, this.#poolAdmin.threadId])
    return rows
      .filter(
        // a killed connection shows as `Killed` until its thread is gone: it is no longer a client
        (r) =>
          !own.has(Number(r.id)) && !SYSTEM_USERS.has(String(r.user)) && !NOT_CLIENTS.has(String(r.command)),
      )
      .map((r) => ({
        id: Number(r.id),
        user: String(r.user),
        host: String(r.host),
        database: r.db === null ? null : String(r.db),
        command: String(r.command),
        time: Number(r.time),
        state: r.state === null || r.state === '' ? null : String(r.state),
        info: r.info === null ? null : String(r.info),
      }))
  }

  /**
   * Kills client connections (`KILL CONNECTION`): those on `database` if given, else every one (local) or
   * every one on a database this handle created (external, attached). Returns how many.
   */
  async terminateConnections(database?: string | TestDatabase): Promise<number> {
    this.#life.assertRunning('terminateConnections')
    const name = typeof database === 'object' ? database.name : database
    const own = new Set(this.#pool.names)
    const everything = this.provider === 'local' && !this.#init.attached
    const victims = (await this.processList({ database: name })).filter(
      (p) => name !== undefined || everything || (p.database !== null && own.has(p.database)),
    )
    return this.#kill(
      this.#admin,
      victims.map((p) => p.id),
    )
  }

  async #kill(admin: AdminConnection, ids: number[]): Promise<number> {
    let n = 0
    for (const id of ids) {
      try {
        await admin.query(`KILL CONNECTION ${Number(id)}`)
        n++
      } catch (err) {
        if ((err as { code?: string }).code !== 'ER_NO_SUCH_THREAD') throw err
      }
    }
    return n
  }

  async #createClone(name: string): Promise<void> {
    this.#snapshot ??= this.#poolAdmin.connection().then((c) => captureSnapshot(c, this.template))
    this.#snapshot.catch(() => {
      this.#snapshot = undefined
    })
    const sql = cloneSql(await this.#snapshot, name)
    await this.#poolAdmin.query(sql)
  }

  /** Kills the database's connections (an open transaction would block the drop), then drops it. */
  async #dropDatabase(admin: AdminConnection, name: string): Promise<void> {
    const rows = await admin.query<mysql.RowDataPacket[]>(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [name],
    )
    await this.#kill(
      admin,
      rows.map((r) => Number(r.id)),
    )
    await admin.query(`DROP DATABASE IF EXISTS ${ident(name)}`)
  }

  #lifecycle(operation: string): ServiceProcess {
    this.#life.assertRunning(operation)
    const proc = this.#init.process
    if (!proc || this.#init.attached) {
      throw new UnsupportedOperationError(
        'mysql',
        operation,
        this.#init.attached ? 'shared (global setup)' : this.provider,
        this.#init.attached
          ? 'every worker of the run shares this server; start a local one with startMysql() in the test for fault tests'
          : 'the server is not ours to crash; start a local one with startMysql() for fault tests',
      )
    }
    return proc
  }

  #resetConnections(): void {
    this.#admin.reset()
    this.#poolAdmin.reset()
  }

  /** SIGKILL to `mariadbd`: a crash. Clients see their connections drop; `restart()` runs crash recovery. */
  async kill(): Promise<void> {
    const proc = this.#lifecycle('kill')
    await proc.kill()
    this.#resetConnections()
  }

  /** SIGSTOP: the server hangs; clients see timeouts until `resume()`. Resolves once the kernel has stopped it. */
  async pause(): Promise<void> {
    // resolves once every thread of mariadbd has stopped (fixture-core waits for the kernel)
    await this.#lifecycle('pause').pause()
  }

  /** SIGCONT after `pause()`. */
  async resume(): Promise<void> {
    this.#lifecycle('resume').resume()
  }

  /** Stops (gracefully, if still running) and starts again: same port, same data, same password. */
  async restart(): Promise<void> {
    const proc = this.#lifecycle('restart')
    if (proc.paused) proc.resume()
    this.#resetConnections()
    const start = this.#init.startOptions
    if (start) writeInitFile(start)
    try {
      await proc.restart()
    } finally {
      if (start) removeInitFile(start.runDir)
    }
    this.#pool.warm()
  }

  /**
   * Drops what this handle made (external and attached: its databases, and an external template it owns),
   * stops the server and removes its data (local). Idempotent; also after a crash.
   */
  stop(): Promise<void> {
    return this.#life.stopOnce(async () => {
      const proc = this.#init.process
      if (proc?.paused) proc.resume()
      const local = proc !== undefined
      await this.#pool.close({ drop: local ? 'none' : 'all' }).catch(() => {})
      if (this.#init.ownsTemplate) {
        await this.#admin.query(`DROP DATABASE IF EXISTS ${ident(this.template)}`).catch(() => {})
      }
      await this.#poolAdmin.close()
      await this.#admin.close()
      await proc?.stop()
      await this.#init.dir?.remove()
    })
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }
}
