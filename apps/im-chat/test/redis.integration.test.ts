// Seed 001 §3, Redis: presence and rate limits with TTLs (expiry observed), persistence (AOF) surviving a
// restart, 50 concurrent clients with no leak, and a Sentinel failover: the replica is promoted, the data is
// still there through the service's own sentinel-aware client, the old master rejoins as a replica.
import {
  parseInfo,
  type RedisSentinel,
  type RedisServer,
  startRedis,
  startRedisSentinel,
} from '@infra/redis-fixture'
import { test } from '@infra/redis-fixture/vitest'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { createRedis, PresenceStore } from '../src/index.js'
import { waitUntil } from './support/wait.js'

const settings = { presenceTtlMs: 400, rateLimit: 3, rateWindowMs: 60_000, timeoutMs: 1_000 }

describe('Redis: TTLs, pooling (the run server, a DB per test)', () => {
  test('a presence heartbeat is written with its TTL and expires', async ({ redis }) => {
    const client = createRedis({ url: redis.url }, 1_000)
    try {
      const store = new PresenceStore(client, settings)
      await store.heartbeat('alice')
      const online = await store.presence('alice')
      expect(online.online).toBe(true)
      expect(online.ttlMs).toBeGreaterThan(0)
      expect(online.ttlMs).toBeLessThanOrEqual(400)
      expect(await redis.client().exists('presence:alice')).toBe(1)
      await waitUntil('the presence key to expire', async () => !(await store.presence('alice')).online)
      expect(await redis.client().exists('presence:alice')).toBe(0)
    } finally {
      client.disconnect()
    }
  })

  test('rate limits count per user in a window key that carries a TTL', async ({ redis }) => {
    const client = createRedis({ url: redis.url }, 1_000)
    try {
      const store = new PresenceStore(client, settings)
      const verdicts = []
      for (let i = 0; i < 5; i++) verdicts.push(await store.allowMessage('bob'))
      expect(verdicts).toEqual([true, true, true, false, false])
      expect(await store.allowMessage('carol')).toBe(true)
      const [key] = await redis.keys('rate:bob:*')
      expect(key).toBeDefined()
      const ttl = await redis.client().pttl(key as string)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(60_000)
    } finally {
      client.disconnect()
    }
  })

  test('50 concurrent clients: every command succeeds, the server sees them all, none is left after close', async ({
    redis,
    redisServer,
  }) => {
    const name = `load-${redis.db}`
    const mine = async () => (await redisServer.clientList()).filter((c) => c.name === name).length
    const clients = Array.from(
      { length: 50 },
      () => new Redis(redis.url, { maxRetriesPerRequest: 1, connectionName: name }),
    )
    try {
      await Promise.all(
        clients.map(async (c, i) => {
          for (let n = 0; n < 20; n++) await c.incr(`counter:${i % 5}`)
        }),
      )
      expect(await mine()).toBe(50)
      const counts = await redis.client().mget(...[0, 1, 2, 3, 4].map((i) => `counter:${i}`))
      expect(counts).toEqual(['200', '200', '200', '200', '200'])
    } finally {
      await Promise.all(clients.map((c) => c.quit()))
    }
    await waitUntil('every closed client to leave the server', async () =>
      (await mine()) === 0 ? true : undefined,
    )
  })

  test("the service's one pooled client multiplexes 50 concurrent callers over a single connection", async ({
    redis,
    redisServer,
  }) => {
    const name = `pooled-${redis.db}`
    const client = createRedis({ url: redis.url }, 2_000, { connectionName: name })
    try {
      const store = new PresenceStore(client, { ...settings, presenceTtlMs: 30_000 })
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.heartbeat(`user-${i}`)))
      expect(await redis.keys('presence:*')).toHaveLength(50)
      expect((await redisServer.clientList()).filter((c) => c.name === name)).toHaveLength(1)
    } finally {
      client.disconnect()
    }
  })
})

describe('Redis persistence (own server, AOF)', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await startRedis({ provider: 'local', persistence: 'aof' })
  })
  afterAll(async () => {
    await server?.stop()
  })

  test('AOF is configured, and data with and without TTLs survives restart()', async () => {
    const ns = await server.isolated()
    try {
      const kv = ns.client()
      expect(await kv.config('GET', 'appendonly')).toEqual(['appendonly', 'yes'])
      const store = new PresenceStore(kv, { ...settings, presenceTtlMs: 120_000 })
      await store.heartbeat('dave')
      await kv.set('conversation:1:title', 'failover')
      await server.restart()
      await waitUntil('the namespace client to reconnect', async () => (await kv.ping()) === 'PONG')
      expect(await kv.get('conversation:1:title')).toBe('failover')
      const presence = await store.presence('dave')
      expect(presence.online).toBe(true)
      expect(presence.ttlMs).toBeLessThanOrEqual(120_000)
    } finally {
      await ns.release()
    }
  })
})

describe('Redis Sentinel failover (own group: master, 1 replica, 3 sentinels)', () => {
  let ha: RedisSentinel
  beforeAll(async () => {
    ha = await startRedisSentinel({ replicas: 1, sentinels: 3 })
  })
  afterAll(async () => {
    await ha?.stop()
  })

  test('the replica is promoted, the data is still there, the old master rejoins as a replica', async () => {
    const sentinels = ha.sentinels.map(({ host, port }) => ({ host, port }))
    const client = createRedis({ sentinels, name: ha.masterName, password: ha.password }, 1_000)
    try {
      const store = new PresenceStore(client, { ...settings, presenceTtlMs: 120_000 })
      await store.heartbeat('erin')
      await client.set('conversation:9', 'kept')
      expect(await client.wait(1, 2_000)).toBe(1) // the replica has it
      const oldMaster = await ha.masterNode()

      const { killed, master } = await ha.killMaster()
      expect(master).toBeDefined()
      expect(master?.port).not.toBe(killed.port)
      const promoted = ha.nodeClient(master!)
      expect(parseInfo(await promoted.info('replication')).role).toBe('master')

      // the service's sentinel client follows the new master: data there, writes work again
      await waitUntil('the service client to reach the new master', async () => {
        await store.heartbeat('frank')
        return true
      })
      expect(await client.get('conversation:9')).toBe('kept')
      expect((await store.presence('erin')).online).toBe(true)

      // the old master comes back and the sentinels make it a replica of the new master
      await oldMaster.process.restart()
      const rejoined = ha.nodeClient(oldMaster)
      const info = await waitUntil('the old master to replicate from the new one', async () => {
        const i = parseInfo(await rejoined.info('replication'))
        return i.role === 'slave' && i.master_link_status === 'up' ? i : undefined
      })
      expect(Number(info.master_port)).toBe(master?.port)
      await client.set('after-failover', 'replicated')
      await waitUntil(
        'replication to resume',
        async () => (await rejoined.get('after-failover')) === 'replicated',
      )
      expect(await rejoined.get('conversation:9')).toBe('kept')
    } finally {
      client.disconnect()
    }
  })
})
