import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { MapsRepository } from './db/maps-repository.js'
import { PoisRepository } from './db/pois-repository.js'
import { SessionsRepository } from './db/sessions-repository.js'
import { createRoutes } from './http/routes.js'
import { MapPresenceService } from './map-presence-service.js'
import { type PresenceStatus, PresenceStore } from './presence/presence-store.js'
import { createPresenceRedis } from './presence/redis-client.js'
import { MapHub } from './realtime/map-hub.js'
import { MapRooms } from './realtime/map-rooms.js'

export interface MapPresenceAppOptions {
  /** postgres://… of a database with the migrations applied (see `migrate()`). */
  databaseUrl: string
  /** redis://… (a `/<db>` suffix selects the database). */
  redisUrl: string
  /** Prefix for every Redis key, when sharing a Redis database with others. */
  redisKeyPrefix?: string
  /** Per-command Redis timeout: how long a hung (paused) Redis can hold a request before it degrades. */
  redisCommandTimeoutMs?: number
  /** How long `session:<id>` stays active after the last activity (default 30 minutes). */
  presenceTtlSeconds?: number
  host?: string
  /** 0 (default) picks a free port. */
  port?: number
  /** Postgres pool size (default 10). */
  poolSize?: number
  /** WebSocket heartbeat: clients that miss a ping for this long are dropped (default 30 s). */
  heartbeatIntervalMs?: number
  /** Called with unexpected errors (500s, failed resyncs); default: console.error. */
  onError?: (error: unknown) => void
}

export interface MapPresenceApp {
  /** http://host:port */
  readonly url: string
  /** ws://host:port/ws — add `?sessionId=…&userId=…&mapId=…`. */
  readonly wsUrl: string
  readonly port: number
  readonly service: MapPresenceService
  /** `ok`, or `degraded` while Redis is unreachable. */
  presenceStatus(): PresenceStatus
  /**
   * Resolves once Redis is healthy and rebuilt: at once when presence is `ok` and no rebuild is running,
   * otherwise after the next rebuild from Postgres completes. Rejects after `timeoutMs` (default 30 s).
   */
  whenPresenceRecovered(timeoutMs?: number): Promise<void>
  readonly clientCount: number
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** Starts the HTTP API and WebSocket endpoint on one port. Postgres must be reachable; Redis need not be. */
export async function startMapPresenceApp(options: MapPresenceAppOptions): Promise<MapPresenceApp> {
  const onError = options.onError ?? ((error: unknown) => console.error('[map-presence]', error))
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    // finite waits: a hung database fails requests (503) instead of holding them forever
    connectionTimeoutMillis: 10_000,
    query_timeout: 15_000,
  })
  pool.on('error', () => {}) // idle clients dropped by the server: the pool replaces them
  const redis = createPresenceRedis(options.redisUrl, {
    keyPrefix: options.redisKeyPrefix,
    commandTimeoutMs: options.redisCommandTimeoutMs,
  })
  const presence = new PresenceStore(redis, { ttlSeconds: options.presenceTtlSeconds })
  const sessions = new SessionsRepository(pool)
  const rooms = new MapRooms()
  const service = new MapPresenceService({
    maps: new MapsRepository(pool),
    sessions,
    pois: new PoisRepository(pool),
    presence,
    rooms,
  })

  // Redis came back (possibly empty after a restart): rebuild it from Postgres
  let resyncing: Promise<void> | undefined
  let resyncWaiters: Array<() => void> = []
  let closed = false
  presence.on('recovered', () => {
    const run: Promise<void> = service
      .resync()
      .then(
        () => {},
        (error) => {
          if (!closed) onError(error)
        },
      )
      .finally(() => {
        if (resyncing === run) resyncing = undefined
        // a failed rebuild leaves the store degraded: waiters wait for the next recovery
        if (presence.status !== 'ok') return
        const waiters = resyncWaiters
        resyncWaiters = []
        for (const resolve of waiters) resolve()
      })
    resyncing = run
  })
  const whenPresenceRecovered = async (timeoutMs = 30_000): Promise<void> => {
    if (presence.status === 'ok' && !resyncing) return
    let timer: NodeJS.Timeout | undefined
    let waiter: (() => void) | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        waiter = resolve
        resyncWaiters.push(resolve)
        timer = setTimeout(
          () =>
            reject(
              new Error(`Redis presence did not recover within ${timeoutMs} ms (status ${presence.status})`),
            ),
          timeoutMs,
        )
      })
    } finally {
      clearTimeout(timer)
      resyncWaiters = resyncWaiters.filter((resolve) => resolve !== waiter)
    }
  }

  const databaseReachable = () =>
    pool.query('SELECT 1').then(
      () => true,
      () => false,
    )
  const server = createServer(createRoutes(service, presence, databaseReachable).listener(onError))
  const hub = new MapHub({
    server,
    path: '/ws',
    rooms,
    sessions,
    service,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
  })
  try {
    await pool.query('SELECT 1') // fail fast on a wrong database URL
    await presence.connect()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    closed = true
    await hub.close()
    await presence.close()
    await pool.end()
    throw error
  }
  const { port, address } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      closed = true
      await hub.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await service.drain()
      await presence.close()
      await pool.end()
    })()
    return closing
  }

  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    service,
    presenceStatus: () => presence.status,
    whenPresenceRecovered,
    get clientCount() {
      return hub.clientCount
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
