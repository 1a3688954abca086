import { test as baseTest, describe, expect } from 'vitest'
import type { RedisConnectionInfo } from './server/redis-server.js'
import { connectRedis } from './server/start.js'
import { redisFixtures, redisGlobalSetup, test } from './vitest.js'

// composes with other fixture sets and infers the context types without a type argument
const composed = baseTest.extend({ greeting: 'hi' }).extend(redisFixtures)

describe('redisFixtures (no global setup: one server per worker)', () => {
  test('gives each test its own namespace with a working client', async ({ redis, redisServer }) => {
    expect(redis.db).toBeGreaterThan(0)
    expect(redis.url).toBe(`${redisServer.url}/${redis.db}`)
    const c = redis.client()
    await c.set('fixture-key', '1')
    expect(await c.get('fixture-key')).toBe('1')
  })

  test("does not see the previous test's keys", async ({ redis }) => {
    expect(await redis.client().get('fixture-key')).toBeNull()
  })
})

describe('namespace.keys(pattern)', () => {
  test('lists the keys matching a pattern, without the prefix, in db and prefix mode alike', async ({
    redis,
    redisServer,
  }) => {
    const prefixed = await redisServer.isolated({ mode: 'prefix' })
    try {
      for (const ns of [redis, prefixed]) {
        const c = ns.client()
        await c.mset('user:1', 'a', 'user:2', 'b', 'order:1', 'c')
        expect(await ns.keys('user:*')).toEqual(['user:1', 'user:2'])
        expect(await ns.keys()).toEqual(['order:1', 'user:1', 'user:2'])
      }
      expect(prefixed.prefix).not.toBe('')
      // the reason for keys(): ioredis' keyPrefix does not apply to patterns
      expect(await prefixed.client().keys('user:*')).toEqual([])
      expect((await prefixed.client().keys(prefixed.key('user:*'))).sort()).toEqual([
        prefixed.key('user:1'),
        prefixed.key('user:2'),
      ])
    } finally {
      await prefixed.release()
    }
  })
})

describe('composition', () => {
  composed('baseTest.extend(...).extend(redisFixtures)', async ({ greeting, redis }) => {
    expect(greeting).toBe('hi')
    const db: number = redis.db
    expect(db).toBeGreaterThan(0)
    expect(await redis.client().ping()).toBe('PONG')
  })
})

describe('redisGlobalSetup', () => {
  test('starts one server, provides its info, tears it down', async () => {
    let provided: RedisConnectionInfo | undefined
    const teardown = await redisGlobalSetup({ databases: 16 })({
      provide: (_key, value) => {
        provided = value
      },
    })
    try {
      expect(provided?.isolation).toBe('db')
      expect(provided?.pool).toEqual({ firstDb: 1, lastDb: 14, controlDb: 15 })
      const worker = connectRedis(provided!)
      const ns = await worker.isolated()
      await ns.client().set('k', 'v')
      expect(await ns.client().get('k')).toBe('v')
      await ns.release()
      await worker.stop()
    } finally {
      await teardown()
    }
    const after = connectRedis(provided!)
    await expect(
      after.client({ maxRetriesPerRequest: 0, retryStrategy: () => null }).ping(),
    ).rejects.toThrow()
    await after.stop()
  })
})
