// Seed 000, error handling (2/3): Redis connection failures. Documented behaviour (see README):
//   - Postgres stays the source of truth: sessions, POIs, joins and moves still succeed and are broadcast;
//     their responses say `presence: "degraded"`, /health says `degraded`, participant reads fall back
//     to Postgres (`source: "database"`).
//   - A hung Redis (SIGSTOP) costs at most one command timeout, after which the app stops calling it.
//   - When Redis answers again the app rebuilds it from Postgres (active sessions with their remaining
//     TTL, latest positions, POI participants) and reports `ok`.
// These tests kill and pause a Redis server, so the file starts its own instead of sharing the run's.
import { type RedisServer, startRedis } from '@infra/redis-fixture'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { presenceKeys } from '../src/index.js'
import { expectStatus } from './support/api-client.js'
import { test } from './support/map-test.js'

let ownRedis: RedisServer

beforeAll(async () => {
  ownRedis = await startRedis({ provider: 'local' }) // local even when INFRA_REDIS_URL points elsewhere
})

afterAll(async () => {
  await ownRedis?.stop()
})

describe('error handling: Redis failures', () => {
  test('Redis killed: the API keeps working in degraded mode, and Redis is rebuilt when it comes back', async ({
    startApp,
    sql,
    openClient,
  }) => {
    const ns = await ownRedis.isolated()
    try {
      const { app, api } = await startApp({ redis: ns })
      await api.map('park')
      const alice = await api.session('alice', 'park')
      const poi = await api.poi('park', 'Bench', alice.id)
      const aliceClient = await openClient(alice, { app })

      await ownRedis.kill()

      // session creation still succeeds: the row is written, presence is marked degraded
      const bobCreated = expectStatus(
        await api.createSession({ userId: 'bob', mapId: 'park', lat: 5, lng: 5 }),
        201,
      )
      expect(bobCreated.presence).toBe('degraded')
      const bob = bobCreated.session
      expect((await sql.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n).toBe(2)
      expect(expectStatus(await api.health(), 200)).toEqual({
        status: 'degraded',
        redis: 'degraded',
        database: 'ok',
      })
      expect(app.presenceStatus()).toBe('degraded')

      // joins and moves are stored and broadcast; reads fall back to Postgres
      expect(expectStatus(await api.joinPoi(poi.id, bob.id), 200)).toMatchObject({
        joined: true,
        presence: 'degraded',
      })
      expect(expectStatus(await api.participants(poi.id), 200)).toEqual({
        participants: [alice.id, bob.id].sort(),
        source: 'database',
      })
      expect(expectStatus(await api.move(alice.id, 7, 7), 200).presence).toBe('degraded')
      await aliceClient.waitForJson({
        type: 'avatar_movement',
        data: { sessionId: alice.id, lat: 7, seq: 1 },
      })
      expect(expectStatus(await api.getSession(alice.id), 200)).toMatchObject({
        presence: null,
        presenceStatus: 'degraded',
      })

      // Redis comes back empty (no persistence): the app notices and rebuilds it from Postgres
      await ownRedis.restart()
      await app.whenPresenceRecovered()
      expect(expectStatus(await api.health(), 200).status).toBe('ok')

      const kv = ns.client()
      expect(await kv.get(presenceKeys.session(bob.id))).toBe('active')
      expect(await kv.ttl(presenceKeys.session(bob.id))).toBeGreaterThan(29 * 60)
      expect(await kv.hgetall(presenceKeys.presence(alice.id))).toMatchObject({
        lat: '7',
        lng: '7',
        seq: '1',
      })
      expect((await kv.smembers(presenceKeys.poiParticipants(poi.id))).sort()).toEqual(
        [alice.id, bob.id].sort(),
      )
      expect(expectStatus(await api.participants(poi.id), 200).source).toBe('redis')
      expect(expectStatus(await api.move(bob.id, 6, 6), 200).presence).toBe('ok')
    } finally {
      await ns.release()
    }
  })

  test('Redis paused (hung): requests degrade after one command timeout instead of hanging, then recover', async ({
    startApp,
    openClient,
  }) => {
    const ns = await ownRedis.isolated()
    try {
      const { app, api } = await startApp({ redis: ns, redisCommandTimeoutMs: 500 })
      await api.map('harbor')
      const alice = await api.session('alice', 'harbor')
      const bob = await api.session('bob', 'harbor')
      const bobClient = await openClient(bob, { app })

      await ownRedis.pause()
      try {
        // the first request waits for one command timeout, then the app stops calling Redis
        expect(expectStatus(await api.move(alice.id, 1, 1), 200).presence).toBe('degraded')
        expect(expectStatus(await api.move(alice.id, 2, 2), 200).presence).toBe('degraded')
        expect(expectStatus(await api.health(), 200).status).toBe('degraded')
        const carol = expectStatus(
          await api.createSession({ userId: 'carol', mapId: 'harbor', lat: 0, lng: 0 }),
          201,
        )
        expect(carol.presence).toBe('degraded')
        await bobClient.waitForJson({ type: 'avatar_movement', data: { sessionId: alice.id, seq: 2 } })
      } finally {
        await ownRedis.resume()
      }

      await app.whenPresenceRecovered()
      expect(expectStatus(await api.health(), 200).status).toBe('ok')
      const read = expectStatus(await api.getSession(alice.id), 200)
      expect(read.presence).toMatchObject({ active: true, position: { lat: 2, lng: 2, seq: 2 } })
      const kv = ns.client()
      expect(await kv.exists(presenceKeys.session(bob.id))).toBe(1)
    } finally {
      await ns.release()
    }
  })

  test('the app starts while Redis is down and recovers without a restart when Redis appears', async ({
    startApp,
  }) => {
    const ns = await ownRedis.isolated()
    try {
      await ownRedis.kill()
      const { app, api } = await startApp({ redis: ns })
      expect(app.presenceStatus()).toBe('degraded')
      await api.map('dock')
      const sailor = expectStatus(
        await api.createSession({ userId: 'sailor', mapId: 'dock', lat: 1, lng: 1 }),
        201,
      )
      expect(sailor.presence).toBe('degraded')

      await ownRedis.restart()
      await app.whenPresenceRecovered()
      expect(app.presenceStatus()).toBe('ok')
      expect(await ns.client().get(presenceKeys.session(sailor.session.id))).toBe('active')
    } finally {
      await ns.release()
    }
  })
})
