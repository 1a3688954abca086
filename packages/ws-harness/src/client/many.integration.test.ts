import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WsConnectError, WsGroupExpectationError } from '../errors.js'
import type { WsServer } from '../server/server.js'
import { startWsServer } from '../server/server.js'
import { startChannelServer } from '../test-helpers.js'
import { connectMany } from './many.js'

let server: WsServer
beforeAll(async () => {
  server = await startChannelServer()
})
afterAll(async () => {
  await server.stop()
})

async function failure(p: Promise<unknown>): Promise<WsGroupExpectationError> {
  try {
    await p
  } catch (err) {
    return err as WsGroupExpectationError
  }
  throw new Error('expected a rejection')
}

describe('connectMany', () => {
  it('connects many clients with bounded concurrency', async () => {
    let inFlight = 0
    let peak = 0
    const s = await startWsServer({
      onConnection: () => {},
      authorize: async () => {
        peak = Math.max(peak, ++inFlight)
        await new Promise((r) => setTimeout(r, 5))
        inFlight--
        return true
      },
    })
    try {
      const group = await connectMany(s.url, 64, { concurrency: 8 })
      expect(group.size).toBe(64)
      expect(s.clients.size).toBe(64)
      expect(peak).toBeLessThanOrEqual(8)
      expect(peak).toBeGreaterThan(1)
      await group.closeAll()
      await s.waitForClients(0)
    } finally {
      await s.stop()
    }
  })

  it('closes what it opened and says how many failed when some clients are refused', async () => {
    const s = await startWsServer({
      onConnection: () => {},
      authorize: (req) => !req.url?.includes('i=7'),
    })
    try {
      const err = await connectMany(s.url, 20, { concurrency: 4, each: (i) => ({ query: { i } }) }).catch(
        (e: WsConnectError) => e,
      )
      expect(err).toBeInstanceOf(WsConnectError)
      expect((err as WsConnectError).message).toMatch(/1 of 20 clients failed to connect .*HTTP 401/)
      await s.waitForClients(0)
    } finally {
      await s.stop()
    }
  })
})

describe('broadcast and isolation', () => {
  it('every subscriber gets each event once and in order; other channels get nothing', async () => {
    const red = await connectMany(server.url, 50)
    const blue = await connectMany(server.url, 20)
    try {
      red.sendJsonAll({ type: 'subscribe', channel: 'red' })
      blue.sendJsonAll({ type: 'subscribe', channel: 'blue' })
      await red.expectAll({ type: 'subscribed', channel: 'red' })
      await blue.expectAll({ type: 'subscribed', channel: 'blue' })

      const publisher = red.at(0)
      for (let i = 1; i <= 3; i++) publisher.sendJson({ type: 'publish', channel: 'red', data: { i } })
      const got = await red.expectAllInOrder(
        [1, 2, 3].map((i) => ({ type: 'event', channel: 'red', data: { i } })),
        { duplicateWindowMs: 50 },
      )
      expect(got).toHaveLength(50)
      await blue.expectNone(100)
    } finally {
      await red.closeAll()
      await blue.closeAll()
    }
  })

  it('failure: expectAll names the clients that missed it and what they got instead', async () => {
    const group = await connectMany(server.url, 5)
    try {
      group.clients.forEach((c, i) => {
        c.sendJson({ type: 'subscribe', channel: i < 3 ? 'on' : 'off' })
      })
      await group.expectAll({ type: 'subscribed' })
      group.at(0).sendJson({ type: 'publish', channel: 'on', data: 'x' })
      const err = await failure(group.expectAll({ type: 'event', data: 'x' }, { timeoutMs: 300 }))
      expect(err).toBeInstanceOf(WsGroupExpectationError)
      expect(err.failures.map((f) => f.index)).toEqual([3, 4])
      expect(err.message).toContain(
        'expectAll({"type":"event","data":"x"}) failed for 2 of 5 clients (indexes 3, 4)',
      )
      expect(err.message).toContain('--- client #3 ---')
      expect(err.message).toMatch(/timed out after \d+ ms \(waited \d+ ms\)/)
      expect(err.message).toContain('#1 text {"type":"subscribed","channel":"off"}')
    } finally {
      await group.closeAll()
    }
  })

  it('failure: a duplicate delivery is reported', async () => {
    const s = await startWsServer({ onConnection: () => {} })
    try {
      const group = await connectMany(s.url, 3)
      s.broadcast({ n: 1 })
      s.broadcast({ n: 1 }, (c) => c.id === 2)
      await s.connectionOf(group.at(1))!.socket.ping() // flush ordering: the duplicate is sent before this
      const err = await failure(group.expectAll({ n: 1 }, { duplicateWindowMs: 100 }))
      expect(err.failures.map((f) => f.index)).toEqual([1])
      expect(err.message).toContain('the message arrived more than once')
      expect(err.message).toContain('#2 matches again after the expected sequence.')
      await group.closeAll()
    } finally {
      await s.stop()
    }
  })

  it('failure: expectNone lists the leaked message', async () => {
    const group = await connectMany(server.url, 3)
    try {
      group.sendJsonAll({ type: 'subscribe', channel: 'leaky' })
      await group.expectAll({ type: 'subscribed' })
      group.at(2).sendJson({ type: 'publish', channel: 'leaky', data: 1 })
      const err = await failure(group.expectNone(300))
      expect(err.failures).toHaveLength(3)
      expect(err.message).toContain('expectNone(300) failed for 3 of 3 clients')
      expect(err.message).toContain('"type":"event","channel":"leaky"')
    } finally {
      await group.closeAll()
    }
  })
})
