import crypto from 'node:crypto'
import {
  createTempDir,
  EnvironmentError,
  type ServiceProcess,
  type TempDir,
  withPortRetry,
  withTimeout,
} from '@infra/fixture-core'
import type { Redis, RedisOptions } from 'ioredis'
import { redisServerBinary } from './binaries.js'
import {
  ClientRegistry,
  type ConnectTarget,
  createRedisClient,
  formatRedisUrl,
  parseRedisUrl,
} from './client-factory.js'
import { INTERNAL_CLIENT_PREFIX, parseClientList, type RedisClientInfo } from './client-list.js'
import { DbPool, POOL_KEY } from './db-pool.js'
import { parseInfo } from './info.js'
import { IsolatedNamespace, type RedisNamespace, unlinkPrefix } from './namespace.js'
import { startNode } from './node-process.js'
import { type RedisServerOptions, validateServerOptions } from './options.js'
import { buildServerConf, DEFAULT_DATABASES } from './redis-conf.js'

export type Isolation = 'db' | 'prefix'

/** What a worker needs to use a server started elsewhere (vitest `provide`/`inject`): plain JSON. */
export interface RedisConnectionInfo {
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

interface ServerInit {
  provider: 'local' | 'external' | 'attached'
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

function notLocal(what: string, provider: string): EnvironmentError {
  return new EnvironmentError(
    `${what}() needs a fixture-owned server, but this handle is '${provider}' (a server started elsewhere). ` +
      `Start your own with startRedis({ provider: 'local' }) for fault-injection tests.`,
  )
}

/**
 * A Redis server for tests: connection info, clients, per-test isolation and fault injection.
 * Returned by {@link startRedis} (own process or external URL) and {@link connectRedis} (a server started
 * by another process, e.g. a vitest global setup).
 */
export class RedisServer implements AsyncDisposable {
  readonly provider: 'local' | 'external' | 'attached'
  readonly host: string
  readonly port: number
  /** `redis://[:password@]127.0.0.1:<port>` (DB 0). */
  readonly url: string
  readonly password: string | undefined
  readonly username: string | undefined
  readonly isolation: Isolation
  /** The redis-server process (local provider only). */
  readonly process: ServiceProcess | undefined
  private readonly init: ServerInit
  private readonly clients = new ClientRegistry<Redis>()
  private adminConn: Redis | undefined
  private poolConn: Redis | undefined
  private dbPool: DbPool | undefined
  private poolReady: Promise<DbPool> | undefined
  private stopped: Promise<void> | undefined

  constructor(init: ServerInit) {
    this.init = init
    this.provider = init.provider
    this.host = init.target.host
    this.port = init.target.port
    this.password = init.target.password
    this.username = init.target.username
    this.isolation = init.isolation
    this.process = init.process
    this.url = formatRedisUrl(init.target)
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
      url: this.url,
      host: this.host,
      port: this.port,
      ...(this.username !== undefined ? { username: this.username } : {}),
      ...(this.password !== undefined ? { password: this.password } : {}),
      isolation: this.isolation,
      ...(this.init.pool ? { pool: this.init.pool } : {}),
    }
  }

  /** Last log lines of the server process. */
  logs(n?: number): string[] {
    return this.process?.logs(n) ?? []
  }

  /** A new ioredis client on DB 0 (test defaults: fail fast, reconnect fast). Closed by `stop()`. */
  client(options: RedisOptions = {}): Redis {
    this.assertOpen('client')
    return this.clients.add(createRedisClient(this.init.target, options))
  }

  private admin(): Redis {
    this.adminConn ??= createRedisClient(this.init.target, internalClientOptions('admin'))
    return this.adminConn
  }

  private pool(): Promise<DbPool> {
    const range = this.init.pool
    if (!range) throw new EnvironmentError(`this server has no DB pool (isolation '${this.isolation}')`)
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
    if (this.init.pool) await this.pool()
  }

  /**
   * An isolated namespace for one test: on fixture-owned servers a logical DB of its own (emptied with
   * FLUSHDB on release); on external servers a key prefix (its keys UNLINKed on release).
   */
  async isolated(options: IsolatedOptions = {}): Promise<RedisNamespace> {
    this.assertOpen('isolated')
    const mode = options.mode ?? this.isolation
    if (mode === 'db') {
      if (!this.init.pool) {
        throw new EnvironmentError(
          `isolated({ mode: 'db' }) needs a fixture-owned server: on a server the fixture did not start, ` +
            `it never flushes databases. Use mode 'prefix'.`,
        )
      }
      const pool = await this.pool()
      const db = await pool.acquire(options.timeoutMs)
      return new IsolatedNamespace({
        target: this.init.target,
        db,
        mode,
        prefix: '',
        channelPrefix: `db${db}:`,
        cleanup: () => pool.release(db),
      })
    }
    const id = crypto.randomBytes(6).toString('hex')
    const prefix = `infra:${id}:`
    const db = this.init.target.db ?? 0
    return new IsolatedNamespace({
      target: this.init.target,
      db,
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
    const text = (await this.admin().client('LIST')) as string
    const all = parseClientList(text)
    return options.includeInternal ? all : all.filter((c) => !c.name.startsWith(INTERNAL_CLIENT_PREFIX))
  }

  /** `INFO [section]` as key/value pairs. */
  async info(section?: string): Promise<Record<string, string>> {
    const text = section ? await this.admin().info(section) : await this.admin().info()
    return parseInfo(text)
  }

  /** `CLIENT PAUSE <ms> [ALL|WRITE]`: the server holds clients' commands (a stall, not a crash). */
  async clientPause(ms: number, mode: 'ALL' | 'WRITE' = 'ALL'): Promise<void> {
    if (this.provider !== 'local') throw notLocal('clientPause', this.provider)
    await this.admin().call('CLIENT', 'PAUSE', String(ms), mode)
  }

  /** `CLIENT UNPAUSE` */
  async clientUnpause(): Promise<void> {
    if (this.provider !== 'local') throw notLocal('clientUnpause', this.provider)
    await this.admin().client('UNPAUSE')
  }

  private localProcess(what: string): ServiceProcess {
    if (!this.process) throw notLocal(what, this.provider)
    this.assertOpen(what)
    return this.process
  }

  /** SIGKILL: a crash. Data not yet persisted is lost; `restart()` brings it back on the same port. */
  async kill(): Promise<void> {
    await this.localProcess('kill').kill()
  }

  /** SIGSTOP: the server hangs; clients with a `commandTimeout` see timeouts. */
  async pause(): Promise<void> {
    this.localProcess('pause').pause()
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
    this.stopped ??= (async () => {
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
    })()
    return this.stopped
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  private assertOpen(what: string): void {
    if (this.stopped) throw new EnvironmentError(`${what}() after stop(): this Redis handle is stopped`)
  }
}

function resolveProvider(options: RedisServerOptions): 'local' | 'external' {
  if (options.provider) return options.provider
  if (options.url) return 'external'
  return process.env.INFRA_REDIS_URL ? 'external' : 'local'
}

function poolRange(databases: number): NonNullable<RedisConnectionInfo['pool']> {
  return { firstDb: 1, lastDb: databases - 2, controlDb: databases - 1 }
}

async function startExternal(options: RedisServerOptions): Promise<RedisServer> {
  const url = options.url ?? process.env.INFRA_REDIS_URL
  if (!url) {
    throw new EnvironmentError(
      `provider 'external' needs a server URL: pass { url } or set INFRA_REDIS_URL=redis://host:port`,
    )
  }
  const target = parseRedisUrl(url)
  const probe = createRedisClient(target, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  try {
    await withTimeout(
      probe.connect().then(() => probe.ping()),
      options.startTimeoutMs ?? 10_000,
      `the external Redis at ${target.host}:${target.port} (INFRA_REDIS_URL) to answer PING`,
    )
  } catch (err) {
    throw new EnvironmentError(
      `Cannot reach the external Redis at ${target.host}:${target.port}: ${(err as Error).message}`,
      { cause: err },
    )
  } finally {
    probe.disconnect()
  }
  return new RedisServer({ provider: 'external', target, isolation: 'prefix' })
}

async function startLocal(options: RedisServerOptions): Promise<RedisServer> {
  const command = redisServerBinary()
  const name = options.name ?? 'redis'
  const tempDir = await createTempDir(name)
  const start = (port: number) =>
    startNode({
      name,
      label: 'redis-server',
      command,
      dir: tempDir.path,
      confFile: 'redis.conf',
      port,
      conf: buildServerConf({ ...options, port, dir: tempDir.path }),
      password: options.password,
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      stopGraceMs: options.stopGraceMs ?? 5_000,
    })
  try {
    const proc = options.port ? await start(options.port) : await withPortRetry(start)
    const databases = options.databases ?? DEFAULT_DATABASES
    const isolation = options.isolation ?? 'db'
    return new RedisServer({
      provider: 'local',
      target: { host: '127.0.0.1', port: proc.port!, password: options.password, db: 0 },
      isolation,
      pool: poolRange(databases),
      process: proc,
      tempDir,
    })
  } catch (err) {
    await tempDir.remove()
    throw err
  }
}

/**
 * Starts a Redis server for tests (or connects to `$INFRA_REDIS_URL` with the external provider).
 *
 * ```ts
 * await using redis = await startRedis()
 * await using ns = await redis.isolated()
 * await ns.client().set('k', 'v')
 * ```
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  validateServerOptions(options)
  return resolveProvider(options) === 'external' ? startExternal(options) : startLocal(options)
}

/** A handle on a server started by another process (e.g. the vitest global setup): no process control. */
export function connectRedis(info: RedisConnectionInfo): RedisServer {
  const target: ConnectTarget = { ...parseRedisUrl(info.url), host: info.host, port: info.port }
  if (info.password !== undefined) target.password = info.password
  if (info.username !== undefined) target.username = info.username
  return new RedisServer({
    provider: 'attached',
    target,
    isolation: info.isolation,
    ...(info.pool ? { pool: info.pool } : {}),
  })
}
