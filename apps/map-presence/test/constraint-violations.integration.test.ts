// Seed 000, error handling (1/3): database constraint violations come back as 4xx naming the constraint,
// and nothing is half-written — not in Postgres, not in Redis, not on the WebSocket.
import { describe, expect } from 'vitest'
import { presenceKeys } from '../src/index.js'
import { expectRefused, expectStatus } from './support/api-client.js'
import { test } from './support/map-test.js'

async function counts(sql: { query: (text: string) => Promise<{ rows: unknown[] }> }) {
  const { rows } = await sql.query(`SELECT
    (SELECT count(*) FROM maps)::int AS maps,
    (SELECT count(*) FROM users)::int AS users,
    (SELECT count(*) FROM sessions)::int AS sessions,
    (SELECT count(*) FROM pois)::int AS pois,
    (SELECT count(*) FROM poi_participants)::int AS participants`)
  return rows[0] as { maps: number; users: number; sessions: number; pois: number; participants: number }
}

describe('error handling: constraint violations', () => {
  test('a session on a map that does not exist: 422, and the user row of the same transaction is rolled back', async ({
    api,
    sql,
    redisKeys,
  }) => {
    const response = await api.createSession({ userId: 'ghost', mapId: 'atlantis', lat: 0, lng: 0 })
    expect(response.status).toBe(422)
    expect(response.body.error).toEqual({
      code: 'foreign_key_violation',
      constraint: 'sessions_map_id_fkey',
      message: 'the map does not exist',
    })
    expect(await counts(sql)).toEqual({ maps: 0, users: 0, sessions: 0, pois: 0, participants: 0 })
    expect(await redisKeys('session:*')).toEqual([])
  })

  test('coordinates out of range are refused by the check constraints (422) with nothing written', async ({
    api,
    sql,
    redisKeys,
  }) => {
    await api.map('globe')
    const cases = [
      [{ lat: 90.0001, lng: 0 }, 'sessions_avatar_lat_range'],
      [{ lat: -91, lng: 0 }, 'sessions_avatar_lat_range'],
      [{ lat: 0, lng: 180.5 }, 'sessions_avatar_lng_range'],
    ] as const
    for (const [position, constraint] of cases) {
      const response = await api.createSession({ userId: 'wanderer', mapId: 'globe', ...position })
      expectRefused(response, 422, { code: 'check_violation', constraint })
    }
    // the edges are valid
    expectStatus(await api.createSession({ userId: 'edge', mapId: 'globe', lat: 90, lng: -180 }), 201)
    expect(await counts(sql)).toMatchObject({ users: 1, sessions: 1 })
    expect(await redisKeys('session:*')).toHaveLength(1)
  })

  test('a second active session for the same user and map: 409; other maps and ended sessions are fine', async ({
    api,
    sql,
  }) => {
    await api.map('one')
    await api.map('two')
    const first = await api.session('alice', 'one')
    const duplicate = await api.createSession({ userId: 'alice', mapId: 'one', lat: 1, lng: 1 })
    expectRefused(duplicate, 409, {
      code: 'unique_violation',
      constraint: 'sessions_one_active_per_user_map',
    })
    await api.session('alice', 'two')
    expectStatus(await api.endSession(first.id), 200)
    await api.session('alice', 'one')
    expect(await counts(sql)).toMatchObject({ users: 1, sessions: 3 })
  })

  test('duplicate POI name on a map: 409, no POI and no participant row written; same name elsewhere is fine', async ({
    api,
    sql,
    redisKeys,
  }) => {
    await api.map('city')
    await api.map('town')
    const alice = await api.session('alice', 'city')
    const bob = await api.session('bob', 'town')
    const first = await api.poi('city', 'Station', alice.id)
    const before = await counts(sql)

    const duplicate = await api.createPoi('city', { name: 'Station', lat: 1, lng: 1, createdBy: alice.id })
    expectRefused(duplicate, 409, {
      code: 'unique_violation',
      constraint: 'pois_name_unique_per_map',
    })
    expect(await counts(sql)).toEqual(before)
    expect(await redisKeys('poi:participants:*')).toEqual([presenceKeys.poiParticipants(first.id)])

    await api.poi('town', 'Station', bob.id)
    expect(await counts(sql)).toMatchObject({ pois: 2, participants: 2 })
  })

  test('a POI created by a session of another map, or out of range: 422 and nothing written', async ({
    api,
    sql,
    redisKeys,
  }) => {
    await api.map('city')
    await api.map('town')
    const townie = await api.session('townie', 'town')
    const before = await counts(sql)

    const foreign = await api.createPoi('city', { name: 'Bridge', lat: 1, lng: 1, createdBy: townie.id })
    expectRefused(foreign, 422, {
      code: 'foreign_key_violation',
      constraint: 'pois_created_by_session_on_map',
    })
    const outOfRange = await api.createPoi('town', { name: 'Pole', lat: 100, lng: 1, createdBy: townie.id })
    expect(outOfRange.status).toBe(422)
    expect(outOfRange.body.error.constraint).toBe('pois_lat_range')
    const tooLong = await api.createPoi('town', {
      name: 'x'.repeat(101),
      lat: 1,
      lng: 1,
      createdBy: townie.id,
    })
    expect(tooLong.body.error).toMatchObject({ code: 'check_violation', constraint: 'pois_name_length' })

    expect(await counts(sql)).toEqual(before)
    expect(await redisKeys('poi:participants:*')).toEqual([])
  })

  test('a move out of range: 422; position, sequence, Redis presence and subscribers all unchanged', async ({
    api,
    sql,
    kv,
    openClient,
  }) => {
    await api.map('sea')
    const sailor = await api.session('sailor', 'sea', 10, 20)
    const watcher = await openClient(await api.session('watcher', 'sea'))
    const presenceBefore = await kv.hgetall(presenceKeys.presence(sailor.id))

    const response = await api.move(sailor.id, 10, 181)
    expectRefused(response, 422, {
      code: 'check_violation',
      constraint: 'sessions_avatar_lng_range',
    })

    const { rows } = await sql.query('SELECT avatar_lat, avatar_lng, move_seq FROM sessions WHERE id = $1', [
      sailor.id,
    ])
    expect(rows[0]).toEqual({ avatar_lat: 10, avatar_lng: 20, move_seq: '0' })
    expect(await kv.hgetall(presenceKeys.presence(sailor.id))).toEqual(presenceBefore)
    await watcher.expectNoMessage(300, { type: 'avatar_movement' })

    // over WebSocket the sender gets an error frame and the connection stays usable
    const sailorClient = await openClient(sailor)
    sailorClient.sendJson({ type: 'avatar_movement', data: { lat: -95, lng: 0 } })
    await sailorClient.expectJson({ type: 'error', data: { code: 'check_violation' } })
    sailorClient.sendJson({ type: 'avatar_movement', data: { lat: 11, lng: 21 } })
    await sailorClient.expectJson({ type: 'avatar_movement', data: { seq: 1, lat: 11 } })
    await watcher.waitForJson({ type: 'avatar_movement', data: { sessionId: sailor.id, seq: 1 } })
  })

  test('bad requests and unknown resources: 400 / 404 / 405 / 409 with a JSON error body', async ({
    api,
  }) => {
    await api.map('m')
    const session = await api.session('u', 'm')
    const missing = '00000000-0000-4000-8000-000000000000'

    expect((await api.request('POST', '/sessions', '{not json')).body.error.code).toBe('invalid_json')
    expect(
      (await api.request('POST', '/sessions', { userId: 'u', mapId: 'm', lat: '1', lng: 2 })).status,
    ).toBe(400)
    expect((await api.request('POST', '/maps', [])).status).toBe(400)
    expect((await api.createMap('Not Valid!')).body.error).toMatchObject({ constraint: 'maps_id_format' })
    expect((await api.createMap('m')).status).toBe(409)
    expect((await api.move(missing, 1, 1)).status).toBe(404)
    expect((await api.move('not-a-uuid', 1, 1)).status).toBe(404)
    expect((await api.joinPoi(missing, session.id)).status).toBe(404)
    expect((await api.participants(missing)).status).toBe(404)
    expect((await api.request('POST', `/pois/${missing}/join`, { sessionId: 'nope' })).status).toBe(400)
    expect((await api.request('PUT', '/sessions')).status).toBe(405)
    expect((await api.request('GET', '/nowhere')).status).toBe(404)

    expectStatus(await api.endSession(session.id), 200)
    expect((await api.move(session.id, 1, 1)).body.error.code).toBe('session_ended')
    expect((await api.endSession(session.id)).status).toBe(409)
  })
})
