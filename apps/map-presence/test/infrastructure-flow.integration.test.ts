// Seed 000, TestInfrastructureFlow_DatabaseRedisWebSocketIntegration: the layers one by one, then the
// complete flow through the HTTP API, checking Postgres, Redis and the WebSocket broadcast at each step.
import { describe, expect } from 'vitest'
import { presenceKeys } from '../src/index.js'
import { expectStatus } from './support/api-client.js'
import { test } from './support/map-test.js'

describe('infrastructure flow: database + redis + websocket', () => {
  test('database + redis: a session is a row in Postgres and an active key with a 30-minute TTL in Redis', async ({
    api,
    sql,
    kv,
  }) => {
    await api.map('paris')
    const created = expectStatus(
      await api.createSession({ userId: 'alice', mapId: 'paris', lat: 48.8566, lng: 2.3522 }),
      201,
    )
    expect(created.presence).toBe('ok')
    const { id } = created.session

    const { rows } = await sql.query(
      'SELECT user_id, map_id, avatar_lat, avatar_lng FROM sessions WHERE id = $1',
      [id],
    )
    expect(rows).toEqual([{ user_id: 'alice', map_id: 'paris', avatar_lat: 48.8566, avatar_lng: 2.3522 }])

    expect(await kv.get(presenceKeys.session(id))).toBe('active')
    const ttl = await kv.ttl(presenceKeys.session(id))
    expect(ttl).toBeGreaterThan(29 * 60)
    expect(ttl).toBeLessThanOrEqual(30 * 60)
    expect(await kv.hgetall(presenceKeys.presence(id))).toMatchObject({
      lat: '48.8566',
      lng: '2.3522',
      seq: '0',
    })
  })

  test('database + redis: a POI is a row in Postgres and its creator is in the Redis participant set', async ({
    api,
    sql,
    kv,
  }) => {
    await api.map('paris')
    const alice = await api.session('alice', 'paris')
    const created = expectStatus(
      await api.createPoi('paris', { name: 'Louvre', lat: 48.8606, lng: 2.3376, createdBy: alice.id }),
      201,
    )
    expect(created).toMatchObject({ participants: [alice.id], presence: 'ok' })

    const { rows } = await sql.query('SELECT map_id, name, created_by FROM pois WHERE id = $1', [
      created.poi.id,
    ])
    expect(rows).toEqual([{ map_id: 'paris', name: 'Louvre', created_by: alice.id }])
    expect(await kv.smembers(presenceKeys.poiParticipants(created.poi.id))).toEqual([alice.id])
    expect(expectStatus(await api.listPois('paris'), 200).pois.map((poi) => poi.name)).toEqual(['Louvre'])
  })

  test('websocket: a client connects with session, user and map, gets a welcome and its own moves back', async ({
    api,
    openClient,
  }) => {
    await api.map('paris')
    const alice = await api.session('alice', 'paris', 1, 2)
    const client = await openClient(alice, { welcome: false })
    const welcome = await client.expectJson({ type: 'welcome' })
    expect(welcome.data).toEqual({
      sessionId: alice.id,
      mapId: 'paris',
      peers: [{ sessionId: alice.id, userId: 'alice', lat: 1, lng: 2, seq: 0 }],
    })

    client.sendJson({ type: 'ping', data: { id: 7 } })
    await client.expectJson({ type: 'pong', data: { id: 7 } })

    client.sendJson({ type: 'avatar_movement', data: { lat: 3, lng: 4 } })
    await client.expectJson({
      type: 'avatar_movement',
      data: { sessionId: alice.id, userId: 'alice', mapId: 'paris', lat: 3, lng: 4, seq: 1 },
    })
  })

  test('complete flow: session → WebSocket → POI → join → move, consistent across all three layers', async ({
    api,
    sql,
    kv,
    openClient,
  }) => {
    await api.map('paris')

    // 1. user session (Database + Redis)
    const alice = expectStatus(
      await api.createSession({
        userId: 'alice',
        mapId: 'paris',
        lat: 48.85,
        lng: 2.35,
        displayName: 'Alice',
      }),
      201,
    )
    expect(alice.presence).toBe('ok')
    const sessionId = alice.session.id
    expect(await kv.get(presenceKeys.session(sessionId))).toBe('active')

    // 2. WebSocket connections: alice and an observer on the same map
    const aliceClient = await openClient(alice.session)
    const bob = await api.session('bob', 'paris')
    const bobClient = await openClient(bob)
    await aliceClient.expectJson({ type: 'presence_joined', data: { sessionId: bob.id, userId: 'bob' } })

    // 3. POI (Database)
    const poi = await api.poi('paris', 'Eiffel Tower', bob.id, 48.8584, 2.2945)
    expect((await sql.query('SELECT count(*)::int AS n FROM pois')).rows[0].n).toBe(1)

    // 4. alice joins the POI (Database + Redis + broadcast)
    const joined = expectStatus(await api.joinPoi(poi.id, sessionId), 200)
    expect(joined).toMatchObject({ joined: true, presence: 'ok', participants: [bob.id, sessionId].sort() })
    expect((await kv.smembers(presenceKeys.poiParticipants(poi.id))).sort()).toEqual(
      [bob.id, sessionId].sort(),
    )
    const { rows: members } = await sql.query(
      'SELECT session_id FROM poi_participants WHERE poi_id = $1 ORDER BY session_id',
      [poi.id],
    )
    expect(members.map((row) => row.session_id)).toEqual([bob.id, sessionId].sort())
    await bobClient.expectJson({ type: 'poi_joined', data: { poiId: poi.id, sessionId } })
    await aliceClient.expectJson({ type: 'poi_joined', data: { poiId: poi.id, sessionId } })

    // 5. alice moves (Database + Redis + WebSocket)
    const moved = expectStatus(await api.move(sessionId, 48.8584, 2.2945), 200)
    expect(moved).toMatchObject({ presence: 'ok', session: { lat: 48.8584, lng: 2.2945, moveSeq: 1 } })
    const { rows } = await sql.query('SELECT avatar_lat, avatar_lng, move_seq FROM sessions WHERE id = $1', [
      sessionId,
    ])
    expect(rows[0]).toEqual({ avatar_lat: 48.8584, avatar_lng: 2.2945, move_seq: '1' })
    expect(await kv.hgetall(presenceKeys.presence(sessionId))).toMatchObject({
      lat: '48.8584',
      lng: '2.2945',
      seq: '1',
      mapId: 'paris',
      userId: 'alice',
    })
    const movement = { type: 'avatar_movement', data: { sessionId, lat: 48.8584, lng: 2.2945, seq: 1 } }
    await bobClient.expectJson(movement)
    await aliceClient.expectJson(movement)

    // the read model agrees
    const read = expectStatus(await api.getSession(sessionId), 200)
    expect(read.presence).toMatchObject({ active: true, position: { lat: 48.8584, lng: 2.2945, seq: 1 } })
    expect(expectStatus(await api.participants(poi.id), 200)).toEqual({
      participants: [bob.id, sessionId].sort(),
      source: 'redis',
    })
  })

  test('ending a session: row ended, Redis keys and POI membership removed, sockets closed, peers told', async ({
    api,
    sql,
    kv,
    openClient,
  }) => {
    await api.map('paris')
    const alice = await api.session('alice', 'paris')
    const bob = await api.session('bob', 'paris')
    const poi = await api.poi('paris', 'Cafe', bob.id)
    expectStatus(await api.joinPoi(poi.id, alice.id), 200)
    const aliceClient = await openClient(alice)
    const bobClient = await openClient(bob)

    expect(expectStatus(await api.endSession(alice.id), 200).presence).toBe('ok')

    await aliceClient.expectClosed(4000)
    await bobClient.waitForJson({ type: 'presence_left', data: { sessionId: alice.id } })
    expect(
      (await sql.query('SELECT ended_at FROM sessions WHERE id = $1', [alice.id])).rows[0].ended_at,
    ).not.toBeNull()
    expect(await kv.exists(presenceKeys.session(alice.id), presenceKeys.presence(alice.id))).toBe(0)
    expect(await kv.smembers(presenceKeys.poiParticipants(poi.id))).toEqual([bob.id])
    expect(expectStatus(await api.participants(poi.id), 200).participants).toEqual([bob.id])
    // the user can start a new session on the map once the old one ended
    expect((await api.createSession({ userId: 'alice', mapId: 'paris', lat: 0, lng: 0 })).status).toBe(201)
  })

  test('key expiration: a session without activity stops being active when its TTL runs out', async ({
    api,
    startApp,
    kv,
  }) => {
    const shortLived = await startApp({ presenceTtlSeconds: 2 })
    await shortLived.api.map('paris')
    const created = expectStatus(
      await shortLived.api.createSession({ userId: 'alice', mapId: 'paris', lat: 0, lng: 0 }),
      201,
    )
    expect(created.presence).toBe('ok') // Redis took SET … EX 2
    const alice = created.session
    expect(await kv.ttl(presenceKeys.session(alice.id))).toBeLessThanOrEqual(2) // -2 if already gone

    await expect
      .poll(() => kv.exists(presenceKeys.session(alice.id), presenceKeys.presence(alice.id)), {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(0)
    const read = expectStatus(await api.getSession(alice.id), 200)
    expect(read.presence).toEqual({ active: false, ttlSeconds: 0, position: null })

    // activity makes it active again
    expectStatus(await shortLived.api.move(alice.id, 1, 1), 200)
    expect(await kv.get(presenceKeys.session(alice.id))).toBe('active')
  })
})
