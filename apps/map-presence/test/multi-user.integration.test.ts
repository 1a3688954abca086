// Seed 000, multi-user scenarios: concurrent sessions, shared POIs, isolation between maps, real-time sync.
import { type WsClient, WsClientGroup } from '@infra/ws-harness'
import { describe, expect } from 'vitest'
import { presenceKeys } from '../src/index.js'
import { expectStatus } from './support/api-client.js'
import { test } from './support/map-test.js'

describe('multi-user scenarios', () => {
  test('concurrent sessions: 12 users join one map at once, each once, in Postgres and Redis', async ({
    api,
    sql,
    kv,
  }) => {
    await api.map('plaza')
    const users = Array.from({ length: 12 }, (_, index) => `user-${index}`)
    const created = await Promise.all(
      users.map((userId, index) => api.createSession({ userId, mapId: 'plaza', lat: index, lng: -index })),
    )
    expect(created.map((response) => response.status)).toEqual(users.map(() => 201))
    const ids = created.map((response) => response.body.session.id)
    expect(new Set(ids).size).toBe(12)

    const { rows } = await sql.query("SELECT user_id FROM sessions WHERE map_id = 'plaza' ORDER BY user_id")
    expect(rows.map((row) => row.user_id)).toEqual([...users].sort())
    const active = await Promise.all(ids.map((id) => kv.get(presenceKeys.session(id))))
    expect(active).toEqual(ids.map(() => 'active'))

    // the same users racing for a second session on the same map: every one refused, nothing added
    const again = await Promise.all(
      users.map((userId) => api.createSession({ userId, mapId: 'plaza', lat: 0, lng: 0 })),
    )
    expect(again.map((response) => response.status)).toEqual(users.map(() => 409))
    expect((await sql.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n).toBe(12)
  })

  test('shared POI: concurrent joins leave Redis and Postgres with the same participants; joins are idempotent', async ({
    api,
    sql,
    kv,
    openClient,
  }) => {
    await api.map('museum')
    const host = await api.session('host', 'museum')
    const poi = await api.poi('museum', 'Mona Lisa', host.id)
    const observer = await openClient(host)
    const guests = await Promise.all(
      Array.from({ length: 8 }, (_, index) => api.session(`guest-${index}`, 'museum')),
    )

    const joins = await Promise.all(guests.map((guest) => api.joinPoi(poi.id, guest.id)))
    expect(joins.map((response) => [response.status, response.body.joined])).toEqual(
      guests.map(() => [200, true]),
    )

    const expected = [host.id, ...guests.map((guest) => guest.id)].sort()
    expect((await kv.smembers(presenceKeys.poiParticipants(poi.id))).sort()).toEqual(expected)
    const { rows } = await sql.query('SELECT session_id FROM poi_participants WHERE poi_id = $1 ORDER BY 1', [
      poi.id,
    ])
    expect(rows.map((row) => row.session_id)).toEqual(expected)
    expect(expectStatus(await api.participants(poi.id), 200)).toEqual({
      participants: expected,
      source: 'redis',
    })

    // one poi_joined per guest reached the map
    const announced = []
    for (let index = 0; index < guests.length; index++) {
      announced.push((await observer.waitForJson({ type: 'poi_joined' })).data.sessionId)
    }
    expect(announced.sort()).toEqual(guests.map((guest) => guest.id).sort())

    // joining again changes nothing and announces nothing
    const again = expectStatus(await api.joinPoi(poi.id, guests[0]!.id), 200)
    expect(again).toMatchObject({ joined: false, participants: expected })
    await observer.expectNoMessage(300, { type: 'poi_joined' })
    expect(await kv.scard(presenceKeys.poiParticipants(poi.id))).toBe(expected.length)
  })

  test('isolation between maps: moves reach only clients on the same map', async ({ api, openClient }) => {
    await api.map('north')
    await api.map('south')
    const [n1, n2, s1, s2] = await Promise.all([
      api.session('n1', 'north'),
      api.session('n2', 'north'),
      api.session('s1', 'south'),
      api.session('s2', 'south'),
    ])
    const north1 = await openClient(n1)
    const north2 = await openClient(n2)
    const south1 = await openClient(s1)
    const south2 = await openClient(s2)
    await north1.waitForJson({ type: 'presence_joined', data: { sessionId: n2.id } })
    await south1.waitForJson({ type: 'presence_joined', data: { sessionId: s2.id } })

    north1.sendJson({ type: 'avatar_movement', data: { lat: 10, lng: 10 } })
    expectStatus(await api.move(n2.id, 11, 11), 200)

    for (const client of [north1, north2]) {
      // the two senders race each other: collect both moves, in whichever order they came
      const moves = client.filter({ type: 'avatar_movement' })
      const senders = [(await moves.expectJson()).data.sessionId, (await moves.expectJson()).data.sessionId]
      expect(senders.sort()).toEqual([n1.id, n2.id].sort())
    }
    await new WsClientGroup([south1, south2]).expectNone(300, { type: 'avatar_movement' })
    expect(south1.messages.map((message) => (message.json as { type: string }).type)).not.toContain(
      'avatar_movement',
    )

    // and the other way round
    south2.sendJson({ type: 'avatar_movement', data: { lat: -10, lng: -10 } })
    await south1.waitForJson({ type: 'avatar_movement', data: { sessionId: s2.id, mapId: 'south' } })
    await north2.expectNoMessage(300, { type: 'avatar_movement', data: { mapId: 'south' } })

    // a POI on one map cannot be joined from the other
    const poi = await api.poi('north', 'Fountain', n1.id)
    const crossed = await api.joinPoi(poi.id, s1.id)
    expect(crossed.status).toBe(422)
    expect(crossed.body.error.constraint).toBe('poi_participants_session_on_map')
  })

  test('real-time sync: every client on the map sees every move, in order per sender, and the stores agree', async ({
    api,
    sql,
    kv,
    openClient,
  }) => {
    await api.map('arena')
    const sessions = await Promise.all(['ann', 'ben', 'cai', 'dee'].map((user) => api.session(user, 'arena')))
    const clients: WsClient[] = []
    for (const session of sessions) clients.push(await openClient(session))
    const movesPerSender = 15

    // everyone moves at once: half over WebSocket, half over HTTP
    await Promise.all(
      sessions.map(async (session, index) => {
        for (let step = 1; step <= movesPerSender; step++) {
          if (index % 2 === 0)
            clients[index]!.sendJson({ type: 'avatar_movement', data: { lat: step, lng: index } })
          else expectStatus(await api.move(session.id, step, index), 200)
        }
      }),
    )

    const total = sessions.length * movesPerSender
    for (const client of clients) {
      const moves = client.filter({ type: 'avatar_movement' })
      const received: Array<{ sessionId: string; seq: number; lat: number }> = []
      for (let index = 0; index < total; index++)
        received.push((await moves.expectJson(undefined, { timeoutMs: 15_000 })).data)
      for (const session of sessions) {
        const own = received.filter((move) => move.sessionId === session.id)
        expect(own.map((move) => move.seq)).toEqual(Array.from({ length: movesPerSender }, (_, i) => i + 1))
        expect(own.map((move) => move.lat)).toEqual(Array.from({ length: movesPerSender }, (_, i) => i + 1))
      }
      await moves.expectNoMessage(200)
    }

    for (const [index, session] of sessions.entries()) {
      const { rows } = await sql.query(
        'SELECT avatar_lat, avatar_lng, move_seq FROM sessions WHERE id = $1',
        [session.id],
      )
      expect(rows[0]).toEqual({
        avatar_lat: movesPerSender,
        avatar_lng: index,
        move_seq: String(movesPerSender),
      })
      expect(await kv.hgetall(presenceKeys.presence(session.id))).toMatchObject({
        lat: String(movesPerSender),
        lng: String(index),
        seq: String(movesPerSender),
      })
    }
  })

  test('a late joiner gets the current positions of everyone on the map in its welcome', async ({
    api,
    openClient,
  }) => {
    await api.map('lobby')
    const early = await api.session('early', 'lobby', 0, 0)
    expectStatus(await api.move(early.id, 5, 6), 200)
    expectStatus(await api.move(early.id, 7, 8), 200)

    const late = await api.session('late', 'lobby', 1, 1)
    const client = await openClient(late, { welcome: false })
    const welcome = await client.expectJson({ type: 'welcome' })
    expect(welcome.data.peers).toEqual(
      expect.arrayContaining([
        { sessionId: early.id, userId: 'early', lat: 7, lng: 8, seq: 2 },
        { sessionId: late.id, userId: 'late', lat: 1, lng: 1, seq: 0 },
      ]),
    )
    expect(welcome.data.peers).toHaveLength(2)
  })
})
