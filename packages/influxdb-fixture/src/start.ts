import { createTempDir, EnvironmentError, withTimeout } from '@infra/fixture-core'
import { HttpClient } from './database/http.js'
import { type InfluxConnectionInfo, InfluxDB } from './influxdb.js'
import { checkInfluxOptions, type InfluxDBOptions } from './options.js'
import { ping, startServerProcess } from './server/server-process.js'

const DEFAULT_POOL_SIZE = 2

function resolveProvider(options: InfluxDBOptions): 'local' | 'external' {
  if (options.provider) return options.provider
  if (options.url) return 'external'
  return process.env.INFRA_INFLUXDB_URL ? 'external' : 'local'
}

/** The HTTP client of a URL, credentials (if any) sent as basic auth. */
function clientFor(url: string): HttpClient {
  const u = new URL(url)
  const username = decodeURIComponent(u.username)
  return new HttpClient(
    `${u.protocol}//${u.host}`,
    username ? { username, password: decodeURIComponent(u.password) } : undefined,
  )
}

async function startExternal(options: InfluxDBOptions): Promise<InfluxDB> {
  const url = options.url ?? process.env.INFRA_INFLUXDB_URL
  if (!url) {
    throw new EnvironmentError(
      "provider 'external' needs a server URL: pass { url } or set INFRA_INFLUXDB_URL=http://host:8086",
    )
  }
  const http = clientFor(url)
  const timeoutMs = options.startTimeoutMs ?? 10_000
  let version: string
  try {
    const res = await withTimeout(
      http.request({ method: 'GET', path: '/ping', timeoutMs }),
      timeoutMs,
      `the external InfluxDB at ${http.origin} (INFRA_INFLUXDB_URL) to answer GET /ping`,
    )
    if (res.status !== 204) throw new Error(`GET /ping answered HTTP ${res.status}`)
    version = String(res.headers['x-influxdb-version'] ?? 'unknown')
  } catch (err) {
    http.close()
    throw new EnvironmentError(
      `Cannot reach the external InfluxDB at ${http.origin}: ${(err as Error).message}`,
      {
        cause: err,
      },
    )
  }
  return new InfluxDB({
    provider: 'external',
    role: 'owner',
    url: url.replace(/\/+$/, ''),
    http,
    version,
    retention: options.retention ?? {},
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
  })
}

async function startLocal(options: InfluxDBOptions): Promise<InfluxDB> {
  const tempDir = await createTempDir('influxdb')
  try {
    const server = await startServerProcess({
      dir: tempDir.path,
      config: options.config,
      port: options.port,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopGraceMs: options.stopGraceMs ?? 10_000,
    })
    const url = `http://127.0.0.1:${server.httpPort}`
    const version = (await ping(server.httpPort).catch(() => undefined)) ?? 'unknown'
    return new InfluxDB({
      provider: 'local',
      role: 'owner',
      url,
      http: clientFor(url),
      version,
      retention: options.retention ?? {},
      poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
      process: server.process,
      tempDir,
      rpcPort: server.rpcPort,
    })
  } catch (err) {
    await tempDir.remove()
    throw err
  }
}

/**
 * Starts an InfluxDB 1.x server for tests (Debian's influxd on 127.0.0.1, ephemeral ports, no reporting,
 * data and WAL in its run dir), or uses `$INFRA_INFLUXDB_URL` with the external provider.
 *
 * ```ts
 * await using influx = await startInfluxDB()
 * await using db = await influx.database()
 * await db.write('trade,sym=ACME px=10.5 1700000000123456789')
 * ```
 */
export async function startInfluxDB(options: InfluxDBOptions = {}): Promise<InfluxDB> {
  const o = checkInfluxOptions(options)
  return resolveProvider(o) === 'external' ? startExternal(o) : startLocal(o)
}

/**
 * A handle on a server started by another process (the vitest global setup): databases and helpers, no
 * fault controls; `stop()` drops what this handle created and leaves the server running.
 */
export function connectInfluxDB(
  info: InfluxConnectionInfo,
  options: Pick<InfluxDBOptions, 'poolSize'> = {},
): InfluxDB {
  return new InfluxDB({
    provider: info.provider,
    role: 'attached',
    url: info.url,
    http: clientFor(info.url),
    version: info.version,
    retention: info.retention,
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
  })
}
