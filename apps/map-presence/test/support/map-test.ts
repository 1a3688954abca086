// The suites' `test`: the fixture packages' per-test resources composed with the app under test.
//   pgFixtures (@infra/pg-fixture/vitest)       → `pgServer`, `db` (own database, a clone of the template the
//                                                 global setup migrated from ../../migrations), `pool`
//   redisFixtures (@infra/redis-fixture/vitest) → `redisServer`, `redis` (own Redis namespace)
//   wsFixtures (@infra/ws-harness/vitest)       → `connect` (WebSocket clients closed after the test)
// plus this app: `app` (started on `db` + `redis`), `api`, `sql`, `kv`, `redisKeys`, `startApp`, `openClient`.
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import type { WsClient } from '@infra/ws-harness'
import { wsFixtures } from '@infra/ws-harness/vitest'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import { test as baseTest } from 'vitest'
import {
  type MapPresenceApp,
  type MapPresenceAppOptions,
  type SessionRecord,
  startMapPresenceApp,
} from '../../src/index.js'
import { ApiClient } from './api-client.js'

/** Where the app finds Redis: any namespace-like object (the fixture's, or one from a private server). */
export interface RedisTarget {
  url: string
  prefix: string
}

export interface StartAppOptions extends Partial<Omit<MapPresenceAppOptions, 'redisUrl'>> {
  /** Default: this test's Redis namespace. (`databaseUrl` defaults to this test's database.) */
  redis?: RedisTarget
}

export interface StartedApp {
  app: MapPresenceApp
  api: ApiClient
}

interface MapTestContext {
  /** The app under test on this test's database and Redis namespace. */
  app: MapPresenceApp
  /** HTTP client for `app`. */
  api: ApiClient
  /** Direct SQL on this test's database (assertions only). */
  sql: pg.Pool
  /** A Redis client in this test's namespace (keys as the app names them). */
  kv: Redis
  /** Keys in this test's namespace matching `pattern`, without the namespace prefix, sorted. */
  redisKeys: (pattern: string) => Promise<string[]>
  /** Starts another instance (different options, or another Redis); closed after the test. */
  startApp: (options?: StartAppOptions) => Promise<StartedApp>
  /**
   * Connects a WebSocket client as `session` (to `options.app`, default: the last app started in this
   * test) and, unless `welcome: false`, consumes its welcome. Closed after the test.
   */
  openClient: (
    session: SessionRecord,
    options?: { app?: MapPresenceApp; welcome?: boolean },
  ) => Promise<WsClient>
}

interface AppRegistry {
  started: MapPresenceApp[]
}

export const test = baseTest
  .extend(pgFixtures)
  .extend(redisFixtures)
  .extend(wsFixtures)
  .extend<MapTestContext & { appRegistry: AppRegistry }>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
    appRegistry: async ({}, use) => {
      const registry: AppRegistry = { started: [] }
      try {
        await use(registry)
      } finally {
        await Promise.all(registry.started.map((app) => app.close()))
      }
    },
    startApp: async ({ db, redis: namespace, appRegistry }, use) => {
      await use(async ({ redis = namespace, ...options } = {}) => {
        const app = await startMapPresenceApp({
          databaseUrl: db.url,
          redisUrl: redis.url,
          redisKeyPrefix: redis.prefix || undefined,
          poolSize: 10,
          // the CI machine is shared and busy: a slow answer must not count as "Redis down" here (the
          // failure suite sets its own short timeout where it wants degradation)
          redisCommandTimeoutMs: 5_000,
          onError: (error) => console.error('[map-presence test app]', error),
          ...options,
        })
        appRegistry.started.push(app)
        return { app, api: new ApiClient(app.url) }
      })
    },
    app: async ({ startApp }, use) => {
      await use((await startApp()).app)
    },
    api: async ({ app }, use) => {
      await use(new ApiClient(app.url))
    },
    sql: async ({ pool }, use) => {
      await use(pool)
    },
    kv: async ({ redis }, use) => {
      await use(redis.client())
    },
    redisKeys: async ({ redis }, use) => {
      await use((pattern) => redis.keys(pattern))
    },
    openClient: async ({ connect, appRegistry }, use) => {
      await use(async (session, { app, welcome = true } = {}) => {
        const target = app ?? appRegistry.started.at(-1)
        if (!target) throw new Error('openClient: no app started in this test yet (use `app` or `startApp`)')
        const client = await connect(target.wsUrl, {
          query: { sessionId: session.id, userId: session.userId, mapId: session.mapId },
          expectTimeoutMs: 10_000,
          name: `ws(${session.userId}@${session.mapId})`,
        })
        if (welcome) await client.expectJson({ type: 'welcome', data: { sessionId: session.id } })
        return client
      })
    },
  })
