import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import pg from 'pg'
import { migrate } from './db/migrate.js'
import { OrdersRepository } from './db/orders-repository.js'
import { Dec, parseAmount } from './domain/money.js'
import { createRouter } from './http/router.js'
import { RedisIdempotencyStore } from './idempotency/redis-store.js'
import { ExecutionMetrics, type MetricsOptions, type MetricsStats } from './metrics/execution-metrics.js'
import { type IdempotencyStats, TradingService } from './trading-service.js'

export interface TradingAppOptions {
  /** Postgres URL; with a `search_path` option (a `test_<id>` schema) the tables live in that schema. */
  databaseUrl: string
  redisUrl: string
  /** Prefix of every Redis key. Default ''. */
  redisPrefix?: string
  influxUrl: string
  influxDatabase: string
  influxRetentionPolicy?: string
  /** Fee per unit of notional, a decimal string. Default '0.001' (10 bp). */
  feeRate?: string
  venue?: string
  /** HTTP port on 127.0.0.1; default ephemeral. */
  port?: number
  /** Redis command timeout: a hung Redis fails over to Postgres after this. Default 500. */
  redisCommandTimeoutMs?: number
  pendingTtlMs?: number
  resultTtlSeconds?: number
  pendingWaitMs?: number
  metrics?: Partial<MetricsOptions>
  poolMax?: number
  onError?: (err: unknown) => void
}

export interface TradingApp {
  url: string
  service: TradingService
  metrics: ExecutionMetrics
  stats(): { idempotency: IdempotencyStats; metrics: MetricsStats }
  close(): Promise<void>
}

/** Migrates, connects and listens; Redis and InfluxDB may be down at start (the app degrades, see README). */
export async function startTradingApp(options: TradingAppOptions): Promise<TradingApp> {
  const onError = options.onError ?? ((err: unknown) => console.error(err))
  const feeRate = options.feeRate === undefined ? new Dec('0.001') : parseAmount('feeRate', options.feeRate)
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax ?? 10 })
  pool.on('error', onError)
  const redis = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.redisCommandTimeoutMs ?? 500,
    connectTimeout: 2000,
    retryStrategy: () => 100,
    lazyConnect: true,
  })
  redis.on('error', () => {}) // a Redis outage shows in stats().idempotency.redisFailures
  const metrics = new ExecutionMetrics(
    {
      url: options.influxUrl,
      database: options.influxDatabase,
      retentionPolicy: options.influxRetentionPolicy,
    },
    {
      bufferCapacity: 10_000,
      writeTimeoutMs: 2000,
      retryIntervalMs: 500,
      batchSize: 500,
      ...options.metrics,
    },
  )
  const server = createServer()
  try {
    await migrate(pool)
    await redis.connect().catch(() => {}) // down at start: retried in the background
    const store = new RedisIdempotencyStore(redis, {
      prefix: options.redisPrefix ?? '',
      pendingTtlMs: options.pendingTtlMs ?? 30_000,
      resultTtlSeconds: options.resultTtlSeconds ?? 86_400,
    })
    const service = new TradingService(new OrdersRepository(pool), store, metrics, {
      feeRate,
      venue: options.venue ?? 'SIM',
      pendingWaitMs: options.pendingWaitMs ?? 2000,
      redisTimeoutMs: (options.redisCommandTimeoutMs ?? 500) * 2,
    })
    const stats = () => ({ idempotency: service.stats(), metrics: metrics.stats() })
    server.on('request', createRouter(service, stats, onError))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, '127.0.0.1', resolve)
    })
    const { port } = server.address() as AddressInfo
    let closed: Promise<void> | undefined
    return {
      url: `http://127.0.0.1:${port}`,
      service,
      metrics,
      stats,
      close: () => {
        closed ??= (async () => {
          server.closeAllConnections()
          await new Promise<void>((resolve) => server.close(() => resolve()))
          await metrics.close()
          redis.disconnect()
          await pool.end()
        })()
        return closed
      },
    }
  } catch (err) {
    server.close()
    redis.disconnect()
    await metrics.close()
    await pool.end()
    throw err
  }
}
