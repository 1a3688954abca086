// Seed 000, TestInfrastructureFlow_Performance: 200 users on 10 maps — concurrent database and Redis
// operations, 200 concurrent WebSocket connections, and a burst of moves. Throughput and latency are
// printed; the assertions are on correctness only (every client received exactly its own map's moves,
// in order per sender, once), never on timing: the CI machine is shared.
import { describe, expect } from 'vitest'
import { presenceKeys, type SessionRecord } from '../src/index.js'
import { expectStatus } from './support/api-client.js'
import { test } from './support/map-test.js'

const MAPS = 10
const USERS_PER_MAP = 20
const MOVES_PER_USER = 5

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))))
  }
  return results
}

const ms = (value: number) => `${value.toFixed(1)} ms`

describe('performance under concurrent load', () => {
  test(`${MAPS * USERS_PER_MAP} sessions moving on ${MAPS} maps: each client gets exactly its map's moves, in order`, {
    timeout: 90_000,
  }, async ({ api, app, sql, kv, connectMany }) => {
    const report: string[] = []
    const maps = Array.from({ length: MAPS }, (_, index) => `map-${index}`)
    await Promise.all(maps.map((id) => api.map(id)))

    // 1. concurrent session creation (Postgres transaction + Redis presence per request)
    const specs = maps.flatMap((mapId) =>
      Array.from({ length: USERS_PER_MAP }, (_, index) => ({ mapId, userId: `${mapId}-user-${index}` })),
    )
    const createLatencies: number[] = []
    let started = performance.now()
    const sessions: SessionRecord[] = await inBatches(specs, 25, async ({ mapId, userId }) => {
      const begin = performance.now()
      const body = expectStatus(await api.createSession({ userId, mapId, lat: 0, lng: 0 }), 201)
      createLatencies.push(performance.now() - begin)
      expect(body.presence).toBe('ok')
      return body.session
    })
    let elapsed = performance.now() - started
    report.push(
      `create ${sessions.length} sessions: ${ms(elapsed)} (${((sessions.length / elapsed) * 1000).toFixed(0)}/s), ` +
        `p50 ${ms(percentile(createLatencies, 50))}, p99 ${ms(percentile(createLatencies, 99))}`,
    )

    // 2. concurrent connections, one per session
    started = performance.now()
    const group = await connectMany(app.wsUrl, sessions.length, {
      concurrency: 50,
      expectTimeoutMs: 30_000,
      each: (index) => ({
        query: {
          sessionId: sessions[index]!.id,
          userId: sessions[index]!.userId,
          mapId: sessions[index]!.mapId,
        },
      }),
    })
    {
      const clients = [...group]
      await Promise.all(clients.map((client) => client.waitForJson({ type: 'welcome' })))
      report.push(
        `connect ${clients.length} WebSocket clients (+ welcome): ${ms(performance.now() - started)}`,
      )
      expect(app.clientCount).toBe(sessions.length)

      // 3. everyone moves at once, over WebSocket
      const sentAt = new Map<string, number>()
      started = performance.now()
      for (let step = 1; step <= MOVES_PER_USER; step++) {
        clients.forEach((client, index) => {
          sentAt.set(`${sessions[index]!.id}:${step}`, performance.now())
          client.sendJson({ type: 'avatar_movement', data: { lat: step, lng: index % 180 } })
        })
      }

      const expectedPerClient = USERS_PER_MAP * MOVES_PER_USER
      const latencies: number[] = []
      await Promise.all(
        clients.map(async (client, index) => {
          const own = sessions[index]!
          const moves = client.filter({ type: 'avatar_movement' })
          const received: Array<{ sessionId: string; mapId: string; seq: number; lat: number }> = []
          for (let count = 0; count < expectedPerClient; count++) {
            const message = await moves.next({ timeoutMs: 45_000 })
            const data = (message.json as { data: (typeof received)[number] }).data
            received.push(data)
            latencies.push(message.receivedAt - sentAt.get(`${data.sessionId}:${data.seq}`)!)
          }
          // exactly its map's moves: right map, right senders, each sender's seq 1..N in order
          expect(received.every((move) => move.mapId === own.mapId)).toBe(true)
          const bySender = new Map<string, typeof received>()
          for (const move of received)
            bySender.set(move.sessionId, [...(bySender.get(move.sessionId) ?? []), move])
          const mapSessions = sessions
            .filter((session) => session.mapId === own.mapId)
            .map((session) => session.id)
          expect([...bySender.keys()].sort()).toEqual(mapSessions.sort())
          for (const moves of bySender.values()) {
            expect(moves.map((move) => move.seq)).toEqual([1, 2, 3, 4, 5])
            expect(moves.map((move) => move.lat)).toEqual([1, 2, 3, 4, 5])
          }
        }),
      )
      elapsed = performance.now() - started
      // nothing extra arrived anywhere (duplicates or other maps' moves)
      await group.expectNone(300, { type: 'avatar_movement' })
      const deliveries = latencies.length
      report.push(
        `${sessions.length * MOVES_PER_USER} moves → ${deliveries} deliveries in ${ms(elapsed)} ` +
          `(${((deliveries / elapsed) * 1000).toFixed(0)} deliveries/s), send→receive ` +
          `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`,
      )
      expect(deliveries).toBe(sessions.length * expectedPerClient)
      await group.closeAll()
    }

    // every session's final state agrees in Postgres and Redis
    const { rows } = await sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE move_seq = $1 AND avatar_lat = $1',
      [MOVES_PER_USER],
    )
    expect(rows[0]!.n).toBe(sessions.length)
    const seqs = await Promise.all(
      sessions.map((session) => kv.hget(presenceKeys.presence(session.id), 'seq')),
    )
    expect(seqs).toEqual(sessions.map(() => String(MOVES_PER_USER)))

    // 4. concurrent POI joins: one POI per map, all of the map's users join at once
    started = performance.now()
    await Promise.all(
      maps.map(async (mapId) => {
        const members = sessions.filter((session) => session.mapId === mapId)
        const poi = await api.poi(mapId, `Square of ${mapId}`, members[0]!.id)
        const joins = await Promise.all(members.slice(1).map((member) => api.joinPoi(poi.id, member.id)))
        expect(joins.every((join) => join.status === 200)).toBe(true)
        expect((await kv.smembers(presenceKeys.poiParticipants(poi.id))).sort()).toEqual(
          members.map((member) => member.id).sort(),
        )
      }),
    )
    report.push(`${MAPS} POIs × ${USERS_PER_MAP} concurrent joins: ${ms(performance.now() - started)}`)

    console.log(`[map-presence performance]\n  ${report.join('\n  ')}`)
  })
})
