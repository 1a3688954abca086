import { WaitTimeoutError, waitFor } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { connect } from '../client/client.js'
import { connectMany } from '../client/many.js'
import { startWsServer } from '../server/server.js'
import { measureBroadcast, measureRoundtrip } from './measure.js'

describe('latency and throughput helpers', () => {
  it('measureBroadcast returns per-delivery and per-round latencies', async () => {
    await using server = await startWsServer({ onConnection: () => {} })
    await using group = await connectMany(server.url, 20)
    const m = await measureBroadcast(group, (round) => server.broadcast({ round }), { rounds: 10, warmup: 1 })
    expect(m).toMatchObject({ rounds: 10, clients: 20, count: 200 })
    expect(m.p50).toBeGreaterThanOrEqual(0)
    expect(m.p99).toBeGreaterThanOrEqual(m.p50)
    expect(m.roundCompletion.count).toBe(10)
    expect(group.at(0).messages.at(-1)?.json).toEqual({ round: 9 })
  })

  it('measureBroadcast refuses clients with unconsumed messages', async () => {
    await using server = await startWsServer({ onConnection: () => {} })
    await using group = await connectMany(server.url, 2)
    server.broadcast('stale', (c) => c.id === 2)
    await waitFor(() => group.at(1).pending.length === 1, { what: 'the stale message to arrive' })
    await expect(measureBroadcast(group, () => server.broadcast('x'), { rounds: 1 })).rejects.toThrow(
      /client #1 has 1 unconsumed message\(s\); drain\(\) the clients first/,
    )
  })

  it('measureBroadcast works with a client-triggered fan-out', async () => {
    await using server = await startWsServer({
      onConnection: (conn) => conn.onMessage((m) => server.broadcast(m.text)),
    })
    await using group = await connectMany(server.url, 5)
    const m = await measureBroadcast(group, (round) => group.at(0).send(`r${round}`), { rounds: 5 })
    expect(m.count).toBe(25)
  })

  it('measureRoundtrip returns msgs/s and latency', async () => {
    await using server = await startWsServer()
    await using client = await connect(server.url)
    const r = await measureRoundtrip(client, { messages: 500 })
    expect(r.messages).toBe(500)
    expect(r.msgsPerSec).toBeGreaterThan(0)
    expect(r.latency.count).toBe(500)
    const pipelined = await measureRoundtrip(client, { messages: 500, window: 16, payload: (i) => `m${i}` })
    expect(pipelined.messages).toBe(500)
  })

  it('a silent endpoint fails with a bounded, descriptive timeout', async () => {
    await using server = await startWsServer({ onConnection: () => {} })
    await using client = await connect(server.url)
    const err = await measureRoundtrip(client, { messages: 10, timeoutMs: 200 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect((err as Error).message).toContain('0 of 10 replies arrived.')
    await using group = await connectMany(server.url, 3)
    const err2 = await measureBroadcast(group, () => server.broadcast('x', (c) => c.id !== 2), {
      rounds: 1,
      warmup: 0,
      roundTimeoutMs: 200,
    }).catch((e: unknown) => e)
    expect((err2 as Error).message).toContain('2 of 3 clients received it.')
  })
})
