// The suites' `test`: the fixture packages' per-test resources composed with the app under test.
//   pgFixtures (@infra/pg-fixture/vitest)       → `db` (own database, a clone of the migrated template), `pool`
//   redisFixtures (@infra/redis-fixture/vitest) → `redisServer`, `redis` (own namespace and pub/sub prefix)
//   wsFixtures (@infra/ws-harness/vitest)       → `connect`, `connectMany` (closed after the test)
// plus this app: `app` (started on `db` + `redis`), `startApp`, `api`, `sql`, `openClient`, `newSync`.
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import type { WsClient } from '@infra/ws-harness'
import { wsFixtures } from '@infra/ws-harness/vitest'
import type pg from 'pg'
import { test as baseTest } from 'vitest'
import WebSocket from 'ws'
import {
  BroadcastClient,
  type BroadcastClientOptions,
  type BroadcastSyncApp,
  type BroadcastSyncAppOptions,
  CrossTabEmitter,
  OrdersApi,
  OrdersSync,
  type OrdersTabMessage,
  type SyncActivity,
  startBroadcastSyncApp,
  type WebSocketConstructor,
} from '../../src/index.js'

/** Where an instance finds Redis: the test's namespace by default, or a private server. */
export interface RedisTarget {
  url: string
  channelPrefix: string
}

export type StartAppOptions = Partial<Omit<BroadcastSyncAppOptions, 'redisUrl' | 'channelPrefix'>> & {
  redis?: RedisTarget
}

/** A Node "tab": a BroadcastClient and an OrdersSync on one instance, with its activity log. */
export interface SyncClient {
  client: BroadcastClient
  sync: OrdersSync
  log: SyncActivity[]
}

export interface NewSyncOptions {
  /** Default: the last instance started in this test. */
  app?: BroadcastSyncApp
  /** A BroadcastChannel name shared with other syncs of this test ("tabs" of one browser). */
  crossTab?: string
  client?: BroadcastClientOptions
  /** Default true: `start()` before returning. */
  start?: boolean
}

interface AppTestContext {
  app: BroadcastSyncApp
  startApp: (options?: StartAppOptions) => Promise<BroadcastSyncApp>
  /** This test's Redis namespace as an instance sees it. */
  redisTarget: RedisTarget
  api: OrdersApi
  sql: pg.Pool
  /** A raw ws-harness client on `app` (default: the last started), welcome consumed. */
  openClient: (app?: BroadcastSyncApp) => Promise<WsClient>
  /** A frontend-library client in Node; closed after the test. */
  newSync: (options?: NewSyncOptions) => Promise<SyncClient>
}

export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor

/** Sends `subscribe` and waits for its ack. */
export async function subscribe(client: WsClient, ...channels: string[]): Promise<void> {
  client.sendJson({ type: 'subscribe', channels })
  await client.expectJson({ type: 'subscribed', channels })
}

export const test = baseTest
  .extend(pgFixtures)
  .extend(redisFixtures)
  .extend(wsFixtures)
  .extend<AppTestContext & { started: BroadcastSyncApp[] }>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
    started: async ({}, use) => {
      const started: BroadcastSyncApp[] = []
      try {
        await use(started)
      } finally {
        await Promise.all(started.map((app) => app.close()))
      }
    },
    redisTarget: async ({ redis }, use) => {
      await use({ url: redis.url, channelPrefix: redis.channel('') })
    },
    startApp: async ({ db, redisTarget, started }, use) => {
      await use(async ({ redis = redisTarget, ...options } = {}) => {
        const app = await startBroadcastSyncApp({
          databaseUrl: db.url,
          redisUrl: redis.url,
          channelPrefix: redis.channelPrefix,
          onError: () => {}, // the suites assert on answers, not on logs
          ...options,
        })
        started.push(app)
        return app
      })
    },
    app: async ({ startApp }, use) => {
      await use(await startApp())
    },
    api: async ({ app }, use) => {
      await use(new OrdersApi(app.url))
    },
    sql: async ({ pool }, use) => {
      await use(pool)
    },
    openClient: async ({ connect, started }, use) => {
      await use(async (app) => {
        const target = app ?? started.at(-1)
        if (!target) throw new Error('openClient: no app started in this test yet')
        const client = await connect(target.wsUrl, { expectTimeoutMs: 10_000 })
        await client.expectJson({ type: 'welcome', clientId: /^[0-9a-f-]{36}$/ })
        return client
      })
    },
    newSync: async ({ started }, use) => {
      const opened: SyncClient[] = []
      const channels: CrossTabEmitter<OrdersTabMessage>[] = []
      try {
        await use(async ({ app, crossTab, client: clientOptions, start = true } = {}) => {
          const target = app ?? started.at(-1)
          if (!target) throw new Error('newSync: no app started in this test yet')
          const client = new BroadcastClient(target.wsUrl, {
            WebSocket: NodeWebSocket,
            backoff: { initialMs: 50, maxMs: 500 },
            ...clientOptions,
          })
          const emitter = crossTab ? new CrossTabEmitter<OrdersTabMessage>(crossTab) : undefined
          if (emitter) channels.push(emitter)
          const log: SyncActivity[] = []
          const sync = new OrdersSync({
            api: new OrdersApi(target.url),
            broadcast: client,
            crossTab: emitter,
            onActivity: (activity) => log.push(activity),
          })
          const handle = { client, sync, log }
          opened.push(handle)
          client.connect()
          if (start) await sync.start()
          return handle
        })
      } finally {
        for (const { client, sync } of opened) {
          sync.stop()
          client.close()
        }
        for (const channel of channels) channel.close()
      }
    },
  })
