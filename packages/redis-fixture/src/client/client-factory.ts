import { debugLogger } from '@infra/fixture-core'
import { Redis, type RedisOptions } from 'ioredis'

const debugClient = debugLogger('infra:redis-client')

/**
 * Client defaults for tests: fail fast instead of retrying for minutes, reconnect quickly after a
 * restart. Every option can be overridden per call.
 */
export const TEST_CLIENT_DEFAULTS: RedisOptions = {
  connectTimeout: 2_000,
  maxRetriesPerRequest: 2,
  retryStrategy: (times: number) => Math.min(times * 20, 250),
  enableReadyCheck: true,
}

/** The clients {@link withQuietErrors} already gave a listener. */
const quietClients = new WeakSet<object>()

/**
 * Routes a fixture client's connection errors to `DEBUG=infra:redis-client` instead of ioredis's
 * "[ioredis] Unhandled error event" print: during kill/pause/failover they are expected (your own
 * 'error' listeners still get them; commands still reject).
 */
export function withQuietErrors<C extends { on(event: 'error', fn: (err: Error) => void): unknown }>(
  client: C,
): C {
  // once per client: a client made quiet by its factory and tracked by a registry prints each error once
  if (!quietClients.has(client)) {
    quietClients.add(client)
    client.on('error', (err) => debugClient?.(err.message))
  }
  return client
}

/** Tracks the clients a handle created, so that `stop()`/`release()` can close whatever is still open. */
export class ClientRegistry<
  C extends { disconnect(): void; on(event: 'error', fn: (err: Error) => void): unknown },
> {
  private readonly clients = new Set<C>()

  add<T extends C>(client: T): T {
    // kept until closeAll(): a sentinel/cluster client may emit 'end' and still reconnect later
    this.clients.add(client)
    return withQuietErrors(client)
  }

  /** Disconnects every tracked client at once (no QUIT round trip: the server may be dead or paused). */
  closeAll(): void {
    for (const c of this.clients) {
      try {
        c.disconnect()
      } catch {
        // already closed
      }
    }
    this.clients.clear()
  }
}

export interface ConnectTarget {
  host: string
  port: number
  username?: string
  password?: string
  db?: number
  /** `rediss://`: connect with TLS. */
  tls?: boolean
}

/** A new ioredis client for `target`, with the test defaults under `overrides`. */
export function createRedisClient(target: ConnectTarget, overrides: RedisOptions = {}): Redis {
  return withQuietErrors(
    new Redis({
      ...TEST_CLIENT_DEFAULTS,
      host: target.host,
      port: target.port,
      username: target.username,
      password: target.password,
      db: target.db ?? 0,
      ...(target.tls ? { tls: {} } : {}),
      ...overrides,
    }),
  )
}

/** `redis://[user:pass@]host:port[/db]` */
export function formatRedisUrl(target: ConnectTarget): string {
  const auth =
    target.password !== undefined
      ? `${target.username ? encodeURIComponent(target.username) : ''}:${encodeURIComponent(target.password)}@`
      : ''
  const db = target.db ? `/${target.db}` : ''
  return `${target.tls ? 'rediss' : 'redis'}://${auth}${target.host}:${target.port}${db}`
}

/** Parses a `redis://` URL into a connect target (TLS URLs are passed through by the caller). */
export function parseRedisUrl(url: string): ConnectTarget {
  const u = new URL(url)
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    ...(u.protocol === 'rediss:' ? { tls: true } : {}),
  }
}
