import {
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client'

/** Where a client connects: an HTTP endpoint with the credentials split out. */
export interface Endpoint {
  /** `http://host:port` without credentials or path. */
  origin: string
  username: string
  password: string
}

/** Splits `http://user:password@host:port/db` into an endpoint (and the database in the path, if any). */
export function parseEndpoint(url: string): Endpoint & { database: string | undefined } {
  const u = new URL(url)
  const database = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, '')) || undefined
  return {
    origin: `${u.protocol}//${u.host}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database,
  }
}

/** `http://user:password@host:port[/database]`: what `createClient({ url })` and `CLICKHOUSE_URL` take. */
export function formatUrl(endpoint: Endpoint, database?: string): string {
  const u = new URL(endpoint.origin)
  u.username = encodeURIComponent(endpoint.username)
  u.password = encodeURIComponent(endpoint.password)
  if (database) u.pathname = `/${encodeURIComponent(database)}`
  return u.toString().replace(/\/$/, '')
}

/**
 * An `@clickhouse/client` on `endpoint` (and `database`). The client's own error log is off by default: the
 * errors still reach the caller; pass `log` to have them printed too.
 */
export function createClickHouseClient(
  endpoint: Endpoint,
  database: string | undefined,
  options: ClickHouseClientConfigOptions = {},
): ClickHouseClient {
  return createClient({
    url: endpoint.origin,
    username: endpoint.username,
    password: endpoint.password,
    ...(database ? { database } : {}),
    log: { level: ClickHouseLogLevel.OFF },
    ...options,
  })
}

/** The clients a handle created, closed together when it is released or stopped. */
export class ClientSet {
  readonly #clients = new Set<ClickHouseClient>()

  add(client: ClickHouseClient): ClickHouseClient {
    this.#clients.add(client)
    return client
  }

  async closeAll(): Promise<void> {
    const all = [...this.#clients]
    this.#clients.clear()
    await Promise.all(all.map((c) => c.close().catch(() => {})))
  }
}
