import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { Router } from './server/http/router.js'
import { Hub } from './server/hub.js'
import { OrdersRepository } from './server/orders/orders-repository.js'
import { addOrderRoutes } from './server/orders/orders-routes.js'
import { RedisBroadcaster } from './server/redis-broadcaster.js'
import { addPageRoutes } from './server/static-page.js'

export interface BroadcastSyncAppOptions {
  /** postgres://… of a database with the migrations applied. */
  databaseUrl: string
  /** redis://… — every instance on the same Redis and `channelPrefix` hears the others' broadcasts. */
  redisUrl: string
  /** Prefix of the Redis pub/sub channels (a namespace on a shared Redis). */
  channelPrefix?: string
  host?: string
  /** 0 (default) picks a free port; give the old port to restart an instance in place. */
  port?: number
  /** Postgres pool size. Default 5. */
  poolSize?: number
  /** A publish not answered by Redis within this time fails (503). Default 2 000 ms. */
  redisCommandTimeoutMs?: number
  /** WebSocket ping interval; clients that miss two are dropped. Default 30 s. */
  heartbeatIntervalMs?: number
  /** The page's script (see `bundlePage`). Default: dist/public/app.js of this package. */
  pageBundle?: URL | string
  /** Unexpected errors (500s, failed broadcasts). Default: console.error. */
  onError?: (error: unknown) => void
}

export interface BroadcastSyncApp extends AsyncDisposable {
  /** http://host:port — the page is at `/`, the API under `/api`. */
  readonly url: string
  /** ws://host:port/ws */
  readonly wsUrl: string
  readonly port: number
  readonly hub: Hub
  readonly broadcaster: RedisBroadcaster
  /** Drops every WebSocket client (no close handshake unless `code` is given); returns how many. */
  dropClients(code?: number, reason?: string): number
  close(): Promise<void>
}

/** Starts one instance: HTTP API, page and WebSocket endpoint on one port. Postgres and Redis must be up. */
export async function startBroadcastSyncApp(options: BroadcastSyncAppOptions): Promise<BroadcastSyncApp> {
  const onError = options.onError ?? ((error: unknown) => console.error('[broadcast-sync]', error))
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: 10_000,
    query_timeout: 15_000,
  })
  pool.on('error', () => {}) // idle clients dropped by the server: the pool replaces them
  const broadcaster = new RedisBroadcaster({
    url: options.redisUrl,
    channelPrefix: options.channelPrefix,
    commandTimeoutMs: options.redisCommandTimeoutMs,
    onEvent: (event) => hub.deliver(event), // events flow only after start(), when hub exists
    onError,
  })
  const router = new Router()
  router.add('GET', '/health', async () => [200, { status: 'ok', redis: broadcaster.status }])
  addOrderRoutes(router, new OrdersRepository(pool), broadcaster, onError)
  addPageRoutes(router, options.pageBundle)
  const server = createServer(router.listener(onError))
  const hub = new Hub({
    server,
    path: '/ws',
    upstream: broadcaster,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
  })

  const shutdown = async () => {
    await hub.close()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    await broadcaster.close()
    await pool.end()
  }
  try {
    await pool.query('SELECT 1') // fail fast on a wrong database URL
    await broadcaster.start()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await shutdown()
    throw error
  }
  const { port, address } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= shutdown()
    return closing
  }
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    hub,
    broadcaster,
    dropClients: (code, reason) => hub.dropAll(code, reason),
    close,
    [Symbol.asyncDispose]: close,
  }
}
