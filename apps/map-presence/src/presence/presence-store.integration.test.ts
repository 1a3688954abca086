// The Redis side on its own, on a real Redis namespace: the seq guard, TTLs and the rebuild.
import { describe, expect } from 'vitest'
import { test } from '../../test/support/map-test.js'
import { presenceKeys } from './presence-keys.js'
import { PresenceStore } from './presence-store.js'
import { createPresenceRedis } from './redis-client.js'

const entry = { sessionId: 's1', userId: 'u1', mapId: 'm1', lat: 1, lng: 2, seq: 5 }

describe('PresenceStore on real Redis', () => {
  test('a late, older write refreshes the TTL but never rolls the position back', async ({ redis, kv }) => {
    const store = new PresenceStore(createPresenceRedis(redis.url, { keyPrefix: redis.prefix || undefined }))
    try {
      await store.connect()
      expect(await store.markActive(entry, 100)).toBe(true)
      expect(await store.markActive({ ...entry, lat: 9, seq: 4 }, 200)).toBe(true)
      expect(await kv.hgetall(presenceKeys.presence('s1'))).toEqual({
        lat: '1',
        lng: '2',
        seq: '5',
        mapId: 'm1',
        userId: 'u1',
      })
      expect(await kv.ttl(presenceKeys.session('s1'))).toBeGreaterThan(100)
      expect(await store.markActive({ ...entry, lat: 3, seq: 6 })).toBe(true)
      expect(await store.snapshot('s1')).toEqual({
        active: true,
        ttlSeconds: 1800,
        position: { lat: 3, lng: 2, seq: 6 },
      })
    } finally {
      await store.close()
    }
  })

  test('restore rewrites sessions with their remaining TTL and replaces participant sets', async ({
    redis,
    kv,
  }) => {
    const store = new PresenceStore(createPresenceRedis(redis.url, { keyPrefix: redis.prefix || undefined }))
    try {
      await store.connect()
      await kv.sadd(presenceKeys.poiParticipants('p1'), 'stale-session')
      expect(
        await store.restore(
          [
            { ...entry, ttlSeconds: 42 },
            { ...entry, sessionId: 's2', ttlSeconds: 1800 },
          ],
          new Map([['p1', ['s1', 's2']]]),
        ),
      ).toBe(true)
      const ttl = await kv.ttl(presenceKeys.session('s1'))
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(42)
      expect((await kv.smembers(presenceKeys.poiParticipants('p1'))).sort()).toEqual(['s1', 's2'])
      expect(await store.participants('p1')).toEqual(['s1', 's2'])
      expect(await store.leave('s1', ['p1'])).toBe(true)
      expect(await store.participants('p1')).toEqual(['s2'])
      expect(await kv.exists(presenceKeys.session('s1'), presenceKeys.presence('s1'))).toBe(0)
    } finally {
      await store.close()
    }
  })
})
