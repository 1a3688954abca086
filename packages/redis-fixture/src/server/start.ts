import { randomBytes } from 'node:crypto'
import {
  check,
  checkOptions,
  createTempDir,
  debugLogger,
  EnvironmentError,
  InvalidOptionsError,
  unprivilegedUser,
  withPortRetry,
  withTimeout,
} from '@infra/fixture-core'
import { type ConnectTarget, createRedisClient, parseRedisUrl } from '../client/client-factory.js'
import { startNode } from '../node/node-process.js'
import { buildServerConf, DEFAULT_DATABASES } from '../node/redis-conf.js'
import { redisMajor, resolveRedisServer } from '../node/servers.js'
import { checkRedisUrl, type RedisServerOptions, SERVER_OPTIONS } from './options.js'
import { type RedisConnectionInfo, RedisServer } from './redis-server.js'

const debug = debugLogger('infra:redis')

function resolveProvider(options: RedisServerOptions): 'local' | 'external' {
  if (options.provider) return options.provider
  if (options.url) return 'external'
  return process.env.INFRA_REDIS_URL ? 'external' : 'local'
}

async function startExternal(options: RedisServerOptions): Promise<RedisServer> {
  const url = options.url ?? process.env.INFRA_REDIS_URL
  if (!url) {
    throw new InvalidOptionsError(
      'url',
      "provider 'external' needs a server URL: pass { url } or set INFRA_REDIS_URL=redis://host:port",
    )
  }
  if (!options.url) checkRedisUrl(url, 'INFRA_REDIS_URL')
  const target = parseRedisUrl(url)
  if (options.version !== undefined)
    debug?.(`version '${options.version}' is ignored: the external server is what it is`)
  debug?.(
    `redis :${target.port} provider external (${options.url ? 'url option' : 'INFRA_REDIS_URL'}, ${target.host})`,
  )
  const probe = createRedisClient(target, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  try {
    await withTimeout(
      probe.connect().then(() => probe.ping()),
      options.startTimeoutMs ?? 10_000,
      `the external Redis at ${target.host}:${target.port} to answer PING`,
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
  const build = resolveRedisServer(options.version)
  const command = build.path
  const name = options.name ?? 'redis'
  const tempDir = await createTempDir(name)
  // a random password by default (carried in .url): another local user reaching the port gets nothing
  const password = options.password ?? randomBytes(18).toString('base64url')
  // as root, run as the unprivileged user like PostgreSQL: a server bug or CONFIG SET is not root
  const ids = unprivilegedUser()
  const start = (port: number) =>
    startNode({
      name,
      label: 'redis-server',
      command,
      dir: tempDir.path,
      confFile: 'redis.conf',
      port,
      conf: buildServerConf({ ...options, password, port, dir: tempDir.path, major: redisMajor(build) }),
      password,
      ids,
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      stopGraceMs: options.stopGraceMs ?? 5_000,
    })
  try {
    const proc = options.port ? await start(options.port) : await withPortRetry(start)
    const databases = options.databases ?? DEFAULT_DATABASES
    debug?.(
      `redis :${proc.port} provider local: ${build.product} ${build.version} (${command}), directory ${tempDir.path}`,
    )
    return new RedisServer({
      provider: 'local',
      target: { host: '127.0.0.1', port: proc.port!, password, db: 0 },
      isolation: options.isolation ?? 'db',
      pool: { firstDb: 1, lastDb: databases - 2, controlDb: databases - 1 },
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
  checkOptions('startRedis()', options, SERVER_OPTIONS)
  return resolveProvider(options) === 'external' ? startExternal(options) : startLocal(options)
}

const POOL_RANGE = { firstDb: check.int(0), lastDb: check.int(0), controlDb: check.int(0) }

const CONNECTION_INFO = {
  provider: check.oneOf('local', 'external'),
  url: (value: unknown, key: string) => {
    check.string()(value, key)
    if (value !== undefined) checkRedisUrl(value as string, key)
  },
  host: check.string(),
  port: check.port(),
  username: check.string(),
  password: check.string(),
  isolation: check.oneOf('db', 'prefix'),
  pool: check.object(POOL_RANGE),
}

/**
 * A handle on a server another process started and shares (a vitest global setup: `connectionInfo`). It
 * reports that server's provider and has no process control (`kill()` … throw `UnsupportedOperationError`).
 */
export function connectRedis(info: RedisConnectionInfo): RedisServer {
  checkOptions('connectRedis(info)', info, CONNECTION_INFO, 'info')
  for (const key of ['provider', 'url', 'host', 'port', 'isolation'] as const) {
    if (info[key] === undefined) {
      throw new InvalidOptionsError(`info.${key}`, 'missing: pass the connectionInfo of a started Redis')
    }
  }
  const target: ConnectTarget = { ...parseRedisUrl(info.url), host: info.host, port: info.port }
  if (info.password !== undefined) target.password = info.password
  if (info.username !== undefined) target.username = info.username
  return new RedisServer({
    provider: info.provider,
    attached: true,
    target,
    isolation: info.isolation,
    ...(info.pool ? { pool: info.pool } : {}),
  })
}
