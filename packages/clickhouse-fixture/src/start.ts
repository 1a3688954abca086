import { createTempDir, EnvironmentError, withTimeout } from '@infra/fixture-core'
import { ClickHouse, type ClickHouseConnectionInfo } from './clickhouse.js'
import { createClickHouseClient, type Endpoint, parseEndpoint } from './client/clients.js'
import { loadMigrations } from './database/migrations.js'
import { type ClickHouseOptions, checkClickHouseOptions } from './options.js'
import { randomPassword } from './server/server-config.js'
import { startServerProcess } from './server/server-process.js'

const DEFAULT_POOL_SIZE = 2

async function serverVersion(endpoint: Endpoint, timeoutMs: number, what: string): Promise<string> {
  const client = createClickHouseClient(endpoint, undefined, { request_timeout: timeoutMs })
  try {
    const rows = await withTimeout(
      client
        .query({ query: 'SELECT version() AS version', format: 'JSONEachRow' })
        .then((rs) => rs.json<{ version: string }>()),
      timeoutMs,
      what,
    )
    return rows[0]!.version
  } finally {
    await client.close().catch(() => {})
  }
}

function resolveProvider(options: ClickHouseOptions): 'local' | 'external' {
  if (options.provider) return options.provider
  if (options.url) return 'external'
  return process.env.INFRA_CLICKHOUSE_URL ? 'external' : 'local'
}

async function startExternal(options: ClickHouseOptions): Promise<ClickHouse> {
  const url = options.url ?? process.env.INFRA_CLICKHOUSE_URL
  if (!url) {
    throw new EnvironmentError(
      "provider 'external' needs a server URL: pass { url } or set INFRA_CLICKHOUSE_URL=http://user:password@host:8123",
    )
  }
  const { database: _ignored, ...endpoint } = parseEndpoint(url)
  let version: string
  try {
    version = await serverVersion(
      endpoint,
      options.startTimeoutMs ?? 10_000,
      `the external ClickHouse at ${endpoint.origin} (INFRA_CLICKHOUSE_URL) to answer SELECT version()`,
    )
  } catch (err) {
    throw new EnvironmentError(
      `Cannot reach the external ClickHouse at ${endpoint.origin}: ${(err as Error).message}`,
      {
        cause: err,
      },
    )
  }
  return new ClickHouse({
    provider: 'external',
    role: 'owner',
    endpoint,
    version,
    migrations: loadMigrations(options.migrations),
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
  })
}

async function startLocal(options: ClickHouseOptions): Promise<ClickHouse> {
  const migrations = loadMigrations(options.migrations)
  const tempDir = await createTempDir('clickhouse')
  const password = randomPassword()
  try {
    const server = await startServerProcess({
      dir: tempDir.path,
      password,
      config: options.config,
      users: options.users,
      port: options.port,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopGraceMs: options.stopGraceMs ?? 10_000,
    })
    const endpoint: Endpoint = {
      origin: `http://127.0.0.1:${server.httpPort}`,
      username: 'default',
      password,
    }
    try {
      const version = await serverVersion(
        endpoint,
        10_000,
        'the new clickhouse-server to answer SELECT version()',
      )
      return new ClickHouse({
        provider: 'local',
        role: 'owner',
        endpoint,
        version,
        migrations,
        poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
        process: server.process,
        tempDir,
        tcpPort: server.tcpPort,
      })
    } catch (err) {
      await server.process.stop()
      throw err
    }
  } catch (err) {
    await tempDir.remove()
    throw err
  }
}

/**
 * Starts a ClickHouse server for tests (Debian's clickhouse-server on 127.0.0.1, ephemeral ports, a random
 * password for `default`), or uses `$INFRA_CLICKHOUSE_URL` with the external provider.
 *
 * ```ts
 * await using ch = await startClickHouse()
 * await using db = await ch.database()
 * await db.command('CREATE TABLE t (x UInt32) ENGINE = MergeTree ORDER BY x')
 * ```
 */
export async function startClickHouse(options: ClickHouseOptions = {}): Promise<ClickHouse> {
  const o = checkClickHouseOptions(options)
  return resolveProvider(o) === 'external' ? startExternal(o) : startLocal(o)
}

/**
 * A handle on a server started by another process (the vitest global setup): databases and clients, no
 * fault controls; `stop()` drops what this handle created and leaves the server running.
 */
export function connectClickHouse(
  info: ClickHouseConnectionInfo,
  options: Pick<ClickHouseOptions, 'migrations' | 'poolSize'> = {},
): ClickHouse {
  const { database: _ignored, ...endpoint } = parseEndpoint(info.url)
  return new ClickHouse({
    provider: info.provider,
    role: 'attached',
    endpoint,
    version: info.version,
    migrations: loadMigrations(options.migrations),
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
  })
}
