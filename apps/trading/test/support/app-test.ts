// The suites' `test`: the fixture packages' per-test resources composed with the app under test.
//   pgFixtures (@infra/pg-fixture/vitest)          → `pgServer`; here `schema`: own test_<id> schema per test
//   redisFixtures (@infra/redis-fixture/vitest)    → `redisServer`, `redis` (own Redis database)
//   influxFixtures (@infra/influxdb-fixture/vitest) → `influxServer`, `influx` (own InfluxDB database)
// plus this app: `startApp` (instances closed after the test), `app`, `sql` (a pool on the schema), `api`.
import type { InfluxDatabase } from '@infra/influxdb-fixture'
import { influxFixtures } from '@infra/influxdb-fixture/vitest'
import type { TestSchema } from '@infra/pg-fixture'
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import pg from 'pg'
import { test as baseTest } from 'vitest'
import { startTradingApp, type TradingApp, type TradingAppOptions } from '../../src/index.js'
import { OrdersClient } from './orders-client.js'

export type StartAppOptions = Partial<TradingAppOptions>

interface AppTestContext {
  schema: TestSchema
  sql: pg.Pool
  startApp: (options?: StartAppOptions) => Promise<TradingApp>
  app: TradingApp
  api: OrdersClient
  /** The options that point an instance at this test's schema, Redis database and InfluxDB database. */
  targets: Pick<
    TradingAppOptions,
    'databaseUrl' | 'redisUrl' | 'influxUrl' | 'influxDatabase' | 'influxRetentionPolicy'
  >
}

export function influxTarget(influx: InfluxDatabase) {
  return { influxUrl: influx.url, influxDatabase: influx.name, influxRetentionPolicy: influx.retentionPolicy }
}

export const test = baseTest
  .extend(pgFixtures)
  .extend(redisFixtures)
  .extend(influxFixtures)
  .extend<AppTestContext & { started: TradingApp[] }>({
    schema: async ({ pgServer }, use) => {
      const schema = await pgServer.schema()
      try {
        await use(schema)
      } finally {
        await schema.drop()
      }
    },
    sql: async ({ schema }, use) => {
      const pool = new pg.Pool({ connectionString: schema.url, max: 3 })
      pool.on('error', () => {})
      try {
        await use(pool)
      } finally {
        await pool.end()
      }
    },
    targets: async ({ schema, redis, influx }, use) => {
      await use({ databaseUrl: schema.url, redisUrl: redis.url, ...influxTarget(influx) })
    },
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
    started: async ({}, use) => {
      const started: TradingApp[] = []
      try {
        await use(started)
      } finally {
        await Promise.all(started.map((app) => app.close()))
      }
    },
    startApp: async ({ targets, started }, use) => {
      await use(async (options = {}) => {
        const app = await startTradingApp({ ...targets, onError: () => {}, ...options })
        started.push(app)
        return app
      })
    },
    app: async ({ startApp }, use) => {
      await use(await startApp())
    },
    api: async ({ app }, use) => {
      await use(new OrdersClient(app.url))
    },
  })
