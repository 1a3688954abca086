import crypto from 'node:crypto'
import {
  check,
  checkOptions,
  debugLogger,
  FixtureLifecycle,
  type FixtureServer,
  type Provider,
  type ServiceProcess,
  type TempDir,
  UnsupportedOperationError,
  withTimeout,
} from '@infra/fixture-core'
import type { Redis, RedisOptions } from 'ioredis'
import {
  ClientRegistry,
  type ConnectTarget,
  createRedisClient,
  formatRedisUrl,
} from '../client/client-factory.js'
import {
  INTERNAL_CLIENT_PREFIX,
  parseClientList,
  parseInfo,
  type RedisClientInfo,
} from '../client/server-info.js'
import { DbPool, POOL_KEY } from '../isolation/db-pool.js'
import {
  IsolatedNamespace,
  type Isolation,
  type RedisNamespace,
  unlinkPrefix,
} from '../isolation/namespace.js'

const debug = debugLogger('infra:redis')

/** What a worker needs to use a server started elsewhere (vitest `provide`/`inject`): plain JSON. */
export interface RedisConnectionInfo {
  /** The provider of the server (a handle from `connectRedis(info)` reports it). */
  provider: Provider
  url: string
  host: string
  port: number
  username?: string
  password?: string
  /** How `isolated()` separates tests on this server. */
  isolation: Isolation
  /** DB pool range for `db` isolation. */
  pool?: { firstDb: number; lastDb: number; controlDb: number }
}

export interface IsolatedOptions {
  /** Override the server's isolation mechanism (`prefix` works everywhere; `db` only on fixture-owned servers). */
  mode?: Isolation
  /** Wait this long for a free DB when the pool is exhausted (default 10 000 ms). */
  timeoutMs?: number
}

export interface ServerInit {
  provider: Provider
  /** A handle on a server another process started and shares (`connectRedis`): no process control. */
  attached?: boolean
  target: ConnectTarget
  isolation: Isolation
  pool?: RedisConnectionInfo['pool']
  process?: ServiceProcess
  tempDir?: TempDir
}

// Marks a pool as seeded; the owner re-seeds after restarts.
const SEED_SCRIPT = `
if redis.call('SET', KEYS[2], '1', 'NX') then
  for db = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('SADD', KEYS[1], db) end
  return 1
end
return 0`
const SEEDED_KEY = `${POOL_KEY}:seeded`

/** Options of the handle's own connections: named (hidden from `clientList()`), quick to give up and retry. */
function internalClientOptions(role: string): RedisOptions {
  return {
    connectionName: `${INTERNAL_CLIENT_PREFIX}${role}`,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 10, 100),
  }
}

/**
 * A Redis server for tests: connection info, clients, per-test isolation and fault injection.
 * Returned by `startRedis` (own process or external URL) and `connectRedis` (a server started by another
 * process, e.g. a vitest global setup).
 */
export class RedisServer implements FixtureServer<RedisNamespace> {
  readonly service = 'redis'
  readonly provider: Provider
  /** True for a handle on a server another process shares with this one (`connectRedis`). */
  readonly attached: boolean
  readonly host: string
  readonly port: number
  /** `redis://[:password@]127.0.0.1:<port>` (DB 0). */
  readonly url: string
  readonly password: string | undefined
  readonly username: string | undefined
  readonly isolation: Isolation
  /** The redis-server process (local provider, started by this handle). */
  readonly process: ServiceProcess | undefined
  private readonly init: ServerInit
  private readonly life = new FixtureLifecycle('redis')
  private readonly clients = new ClientRegistry<Redis>()
  private adminConn: Redis | undefined
  private poolConn: Redis | undefined
  private dbPool: DbPool | undefined
  private poolReady: Promise<DbPool> | undefined

  constructor(init: ServerInit) {
    this.init = init
    this.provider = init.provider
    this.attached = init.attached ?? false
    this.host = init.target.host
    this.port = init.target.port
    this.password = init.target.password
    this.username = init.target.username
    this.isolation = init.isolation
    this.process = init.process
    this.url = formatRedisUrl(init.target)
    debug?.(
      `redis :${this.port} handle: provider ${this.provider}${this.attached ? ' (attached to a shared server)' : ''}, isolation ${this.isolation}${init.pool ? ` (DBs ${init.pool.firstDb}..${init.pool.lastDb})` : ''}`,
    )
  }

  /** pid of the redis-server process (local provider). */
  get pid(): number | undefined {
    return this.process?.pid
  }

  /** The server's working directory (config, RDB/AOF files), local provider only. */
  get dataDir(): string | undefined {
    return this.init.tempDir?.path
  }

  /** Plain-JSON connection info for another process: `connectRedis(info)`. */
  get connectionInfo(): RedisConnectionInfo {
    return {
      provider: this.provider,
      url: this.url,
      host: this.host,
      port: this.port,
      ...(this.username !== undefined ? { username: this.username } : {}),
      ...(this.password !== undefined ? { password: this.password } : {}),
      isolation: this.isolation,
      ...(this.init.pool ? { pool: this.init.pool } : {}),
    }
  }

  /** `{ REDIS_URL }` for another process (DB 0; a test's own namespace: `ns.url` and `ns.prefix`). */
  env(): Record<string, string> {
    return { REDIS_URL: this.url }
  }

  /** Last log lines of the server process. */
  logs(n?: number): string[] {
    return this.process?.logs(n) ?? []
  }

  /** A new ioredis client on DB 0 (test defaults: fail fast, reconnect fast). Closed by `stop()`. */
  client(options: RedisOptions = {}): Redis {
    this.life.assertRunning('client')
    return this.clients.add(createRedisClient(this.init.target, options))
  }

  private admin(): Redis {
    this.adminConn ??= createRedisClient(this.init.target, internalClientOptions('admin'))
    return this.adminConn
  }

  private pool(range: NonNullable<ServerInit['pool']>): Promise<DbPool> {
    this.poolReady ??= (async () => {
      this.poolConn = createRedisClient(
        { ...this.init.target, db: range.controlDb },
        internalClientOptions('pool'),
      )
      const pool = new DbPool(this.poolConn, range.firstDb, range.lastDb, range.controlDb)
      await this.poolConn.eval(SEED_SCRIPT, 2, POOL_KEY, SEEDED_KEY, range.firstDb, range.lastDb)
      this.dbPool = pool
      return pool
    })()
    this.poolReady.catch(() => {
      this.poolReady = undefined
    })
    return this.poolReady
  }

  /** Prepares the isolation pool now (so the first `isolated()` is as fast as the rest). */
  async preparePool(): Promise<void> {
    if (this.init.pool) await this.pool(this.init.pool)
  }

  /**
   * An isolated namespace for one test: on fixture-owned servers a logical DB of its own (emptied with
   * FLUSHDB on release); on external servers a key prefix (its keys UNLINKed on release).
   * `options.mode` overrides the server's `isolation`.
   */
  async isolated(options: IsolatedOptions = {}): Promise<RedisNamespace> {
    this.life.assertRunning('isolated')
    checkOptions('isolated()', options, { mode: check.oneOf('db', 'prefix'), timeoutMs: check.ms() })
    const mode = options.mode ?? this.isolation
    if (mode === 'db') {
      const range = this.init.pool
      if (!range) {
        throw new UnsupportedOperationError(
          'redis',
          "isolated({ mode: 'db' })",
          this.provider,
          "on a server the fixture did not start it never flushes databases; use mode 'prefix'",
        )
      }
      const pool = await this.pool(range)
      const db = await pool.acquire(options.timeoutMs)
      return new IsolatedNamespace({
        target: this.init.target,
        db,
        mode,
        prefix: '',
        channelPrefix: `db${db}:`,
        // after kill() (no restart yet) the server cannot flush: the DB waits for the restart's re-seed
        cleanup: async () => (this.process && !this.process.running ? pool.abandon(db) : pool.release(db)),
      })
    }
    const prefix = `infra:${crypto.randomBytes(6).toString('hex')}:`
    return new IsolatedNamespace({
      target: this.init.target,
      db: this.init.target.db ?? 0,
      mode,
      prefix,
      channelPrefix: prefix,
      cleanup: async () => {
        await unlinkPrefix(this.admin(), prefix).catch(() => {})
      },
    })
  }

  /** `CLIENT LIST`, without the fixture's own connections unless `includeInternal`. For leak checks. */
  async clientList(options: { includeInternal?: boolean } = {}): Promise<RedisClientInfo[]> {
    this.life.assertRunning('clientList')
    const all = parseClientList((await this.admin().client('LIST')) as string)
    return options.includeInternal ? all : all.filter((c) => !c.name.startsWith(INTERNAL_CLIENT_PREFIX))
  }

  /** `INFO [section]` as key/value pairs. */
  async info(section?: string): Promise<Record<string, string>> {
    this.life.assertRunning('info')
    return parseInfo(section ? await this.admin().info(section) : await this.admin().info())
  }

  /** `CLIENT PAUSE <ms> [ALL|WRITE]`: the server holds clients' commands (a stall, not a crash). */
  async clientPause(ms: number, mode: 'ALL' | 'WRITE' = 'ALL'): Promise<void> {
    this.localProcess('clientPause')
    await this.admin().call('CLIENT', 'PAUSE', String(ms), mode)
  }

  /** `CLIENT UNPAUSE` */
  async clientUnpause(): Promise<void> {
    this.localProcess('clientUnpause')
    await this.admin().client('UNPAUSE')
  }

  private localProcess(operation: string): ServiceProcess {
    this.life.assertRunning(operation)
    if (!this.process) {
      const reason = this.attached
        ? 'this server is shared by every worker of the run (global setup); start your own with startRedis() for fault tests'
        : "the server is not ours to disturb; start your own with startRedis({ provider: 'local' }) for fault tests"
      throw new UnsupportedOperationError('redis', operation, this.provider, reason)
    }
    return this.process
  }

  /** SIGKILL: a crash. Data not yet persisted is lost; `restart()` brings it back on the same port. */
  async kill(): Promise<void> {
    await this.localProcess('kill').kill()
  }

  /** SIGSTOP: the server hangs; clients with a `commandTimeout` see timeouts. */
  async pause(): Promise<void> {
    await this.localProcess('pause').pause()
  }

  /** SIGCONT after `pause()`. */
  async resume(): Promise<void> {
    this.localProcess('resume').resume()
  }

  /**
   * Graceful stop (an RDB snapshot when persistence is `rdb`) and start again: same port, same config, same
   * data directory. Clients reconnect by themselves.
   */
  async restart(): Promise<void> {
    const proc = this.localProcess('restart')
    await proc.restart()
    if (this.dbPool && this.poolConn) {
      // bookkeeping may be gone (no persistence) or stale (a crash): rebuild it around our own leases
      await this.poolConn.del(SEEDED_KEY)
      await this.dbPool.seed()
      await this.poolConn.set(SEEDED_KEY, '1')
    }
  }

  /**
   * Closes every client this handle created, and for the local provider stops the server and removes its
   * directory. Idempotent; fine after a crash. Never touches an external server's data.
   */
  stop(): Promise<void> {
    return this.life.stopOnce(async () => {
      this.clients.closeAll()
      if (this.process?.paused) this.process.resume()
      // a server started elsewhere lives on: give back the DB fetched ahead (an own server just goes away)
      if (this.dbPool && !this.process) {
        await withTimeout(this.dbPool.returnSpare(), 1_000, 'the spare DB to return to the pool').catch(
          () => {},
        )
      }
      this.adminConn?.disconnect()
      this.poolConn?.disconnect()
      await this.process?.stop()
      await this.init.tempDir?.remove()
    })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
