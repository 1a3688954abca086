import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { WsConnectError, WsExpectationError, WsNotOpenError } from '../errors.js'
import { startWsServer, type WsServer } from '../server/server.js'
import { connect, type WsClient } from './client.js'

let echo: WsServer
const open: WsClient[] = []
async function client(url = echo.url, opts?: Parameters<typeof connect>[1]): Promise<WsClient> {
  const c = await connect(url, opts)
  open.push(c)
  return c
}

beforeAll(async () => {
  echo = await startWsServer()
})
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()))
  await echo.stop()
  expect(echo.clients.size).toBe(0)
})

/** Awaits a rejection and returns the error (fails if it resolves). */
async function failure<E = WsExpectationError>(p: Promise<unknown>): Promise<E> {
  try {
    await p
  } catch (err) {
    return err as E
  }
  throw new Error('expected a rejection')
}

describe('messages: text, JSON, binary', () => {
  it('round-trips text, JSON and binary frames through a real server', async () => {
    const a = await client()
    a.send('hello')
    a.sendJson({ type: 'move', pos: { x: 1, y: 2 } })
    a.sendBinary(Buffer.from([1, 2, 3]))
    expect((await a.expect('hello')).text).toBe('hello')
    expect(await a.expectJson({ type: 'move', pos: { x: 1 } })).toEqual({ type: 'move', pos: { x: 1, y: 2 } })
    const bin = await a.expect(Buffer.from([1, 2, 3]))
    expect(bin.isBinary).toBe(true)
    expect([...bin.data]).toEqual([1, 2, 3])
    expect(a.messages.map((m) => m.seq)).toEqual([1, 2, 3])
  })

  it('matches with regexps and predicates', async () => {
    const a = await client()
    a.send('order-42')
    a.sendJson({ n: 5 })
    await a.expect(/^order-\d+$/)
    const v = await a.expectJson((m: { n: number }) => m.n > 3)
    expect(v).toEqual({ n: 5 })
  })

  it('is FIFO: expect takes the next message, waitFor skips to a match', async () => {
    const a = await client()
    for (let i = 1; i <= 5; i++) a.sendJson({ i })
    await a.expectJson({ i: 1 })
    await a.waitForJson({ i: 4 })
    await a.expectJson({ i: 5 })
    expect(a.pending).toHaveLength(0)
    expect(a.messages).toHaveLength(5)
  })

  it('filter() views consume only their messages and leave the rest queued', async () => {
    const a = await client()
    a.sendJson({ type: 'heartbeat' })
    a.sendJson({ type: 'chat', text: 'hi' })
    a.sendJson({ type: 'heartbeat' })
    const chat = a.filter({ type: 'chat' })
    expect(await chat.expectJson()).toEqual({ type: 'chat', text: 'hi' })
    await chat.expectNoMessage(50)
    expect(a.pending.map((m) => m.json)).toEqual([{ type: 'heartbeat' }, { type: 'heartbeat' }])
    expect(a.filter({ type: 'heartbeat' }).drain()).toHaveLength(2)
  })

  it('expectNoMessage passes on silence', async () => {
    const a = await client()
    await a.expectNoMessage(100)
  })
})

describe('failure messages list what was received', () => {
  it('mismatch: shows the received messages and a JSON diff of the closest one', async () => {
    const a = await client()
    a.sendJson({ type: 'join', user: 'ann' })
    await a.expectJson({ type: 'join' })
    a.sendJson({ type: 'move', pos: { x: 1, y: 2 } })
    const err = await failure(a.expectJson({ type: 'move', pos: { x: 3 } }))
    expect(err).toBeInstanceOf(WsExpectationError)
    expect(err.kind).toBe('mismatch')
    expect(err.message).toContain('expectJson({"type":"move","pos":{"x":3}}) failed')
    expect(err.message).toContain('the next message did not match')
    expect(err.message).toContain('Received 2 messages')
    expect(err.message).toContain('#1 text {"type":"join","user":"ann"}')
    expect(err.message).toContain('* #2 text {"type":"move","pos":{"x":1,"y":2}}')
    expect(err.message).toMatch(
      /Closest is #2; difference[^\n]*\n\s+\$\.pos\.x\n\s+- expected 3\n\s+\+ received 1/,
    )
    expect(err.closest?.diff).toEqual([{ path: '$.pos.x', expected: '3', received: '1' }])
  })

  it('timeout: says how long it waited and lists skipped messages', async () => {
    const a = await client()
    a.sendJson({ type: 'a' })
    a.sendJson({ type: 'b', n: 1 })
    await a.expectJson({ type: 'a' })
    const err = await failure(a.waitForJson({ type: 'b', n: 2 }, { timeoutMs: 150 }))
    expect(err.kind).toBe('timeout')
    expect(err.timeoutMs).toBe(150)
    expect(err.waitedMs).toBeGreaterThanOrEqual(140)
    expect(err.message).toMatch(
      /waitForJson\(\{"type":"b","n":2\}\) timed out after 150 ms \(waited \d+ ms\)/,
    )
    expect(err.message).toContain('Skipped 1 non-matching message(s).')
    expect(err.message).toContain('* #2 text {"type":"b","n":1}')
    expect(err.message).toContain('- expected 2')
  })

  it('timeout with nothing received says so', async () => {
    const a = await client()
    const err = await failure(a.expect('x', { timeoutMs: 50 }))
    expect(err.message).toContain('Received no messages at all.')
  })

  it('expectNoMessage names the unexpected message', async () => {
    const a = await client()
    a.send('surprise')
    const err = await failure(a.expectNoMessage(1_000))
    expect(err.kind).toBe('unexpected-message')
    expect(err.message).toContain('expectNoMessage(1000) failed')
    expect(err.message).toContain('#1 text surprise')
  })

  it('binary and non-JSON messages are shown, and expectJson says when a message is not JSON', async () => {
    const a = await client()
    a.sendBinary(Buffer.from([0xde, 0xad]))
    const err = await failure(a.expectJson({ ok: true }))
    expect(err.message).toContain('binary 2 bytes <de ad>')
    expect(err.message).toContain('#1 is not JSON.')
  })

  it('a close while waiting fails at once with the close code', async () => {
    const server = await startWsServer({
      onConnection: (conn) => {
        setTimeout(() => conn.close(4001, 'kicked'), 30)
      },
    })
    try {
      const a = await client(server.url)
      const err = await failure(a.expect('never', { timeoutMs: 5_000 }))
      expect(err.kind).toBe('closed')
      expect(err.waitedMs).toBeLessThan(4_000)
      expect(err.message).toContain('the socket closed (code 4001 "kicked")')
    } finally {
      await server.stop()
    }
  })
})

describe('connecting', () => {
  it('sends headers and query strings, and negotiates subprotocols', async () => {
    const server = await startWsServer({
      authorize: (req) => req.headers.authorization === 'Bearer good',
      handleProtocols: (protocols) => (protocols.has('v2') ? 'v2' : false),
      onConnection: (conn) =>
        conn.sendJson({ room: conn.query.get('room'), protocol: conn.protocol, ua: conn.headers['x-test'] }),
    })
    try {
      const a = await client(server.url, {
        headers: { authorization: 'Bearer good', 'x-test': 'yes' },
        protocols: ['v1', 'v2'],
        query: { room: 'lobby' },
      })
      expect(a.protocol).toBe('v2')
      expect(a.url).toContain('?room=lobby')
      await a.expectJson({ room: 'lobby', protocol: 'v2', ua: 'yes' })

      const err = await failure<WsConnectError>(
        connect(server.url, { headers: { authorization: 'Bearer bad' } }),
      )
      expect(err).toBeInstanceOf(WsConnectError)
      expect(err.status).toBe(401)
      expect(err.message).toContain('HTTP 401')
      expect(err.body).toBe('Unauthorized')
    } finally {
      await server.stop()
    }
  })

  it('works against any ws:// server, not only its own', async () => {
    const wss = await new Promise<WebSocketServer>((resolve) => {
      const s: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => resolve(s))
    })
    wss.on('connection', (ws, req) => ws.send(`hi ${req.url}`))
    try {
      const port = (wss.address() as { port: number }).port
      const a = await client(`ws://127.0.0.1:${port}/raw`, { query: { q: 1 } })
      await a.expect('hi /raw?q=1')
    } finally {
      for (const c of wss.clients) c.terminate()
      await new Promise((r) => wss.close(r))
    }
  })

  it('fails fast with a typed error when nothing listens, and rejects bad options', async () => {
    const server = await startWsServer()
    const url = server.url
    await server.stop()
    const err = await failure<WsConnectError>(connect(url))
    expect(err).toBeInstanceOf(WsConnectError)
    expect(err.message).toContain('ECONNREFUSED')
    await expect(connect('http://127.0.0.1:1')).rejects.toThrow(/ws:\/\/ or wss:\/\//)
    await expect(connect(url, { timeoutMs: 0 })).rejects.toThrow(/timeout/)
  })
})

describe('closing and heartbeats', () => {
  it('terminate: both sides see 1006; sending afterwards throws WsNotOpenError', async () => {
    const a = await client()
    const conn = echo.connectionOf(a)!
    expect(conn.remotePort).toBe(a.localPort)
    a.terminate()
    expect((await a.expectClosed(1006)).code).toBe(1006)
    expect(() => a.send('x')).toThrow(WsNotOpenError)
    await conn.expectClosed(1006)
  })

  it('close(code, reason) reaches the server; expectClosed checks code and reason', async () => {
    const a = await client()
    const conn = echo.connectionOf(a)!
    await a.close(4000, 'bye')
    await conn.expectClosed(4000, { reason: 'bye' })
    const err = await failure(conn.expectClosed(1000))
    expect(err.kind).toBe('close-code')
    expect(err.message).toContain('Expected close code 1000, got 4000.')
  })

  it('expectClosed on an open socket times out saying it is still open', async () => {
    const a = await client()
    a.send('last words')
    const err = await failure(a.expectClosed(undefined, { timeoutMs: 50 }))
    expect(err.kind).toBe('not-closed')
    expect(err.message).toContain('the socket is still open')
    expect(err.message).toContain('#1 text last words')
  })

  it('ping() measures a round trip to the server', async () => {
    const a = await client()
    const rtt = await a.ping()
    expect(rtt).toBeGreaterThanOrEqual(0)
  })

  it('server heartbeat: answered pings keep a client, a client that stops answering is evicted', async () => {
    // generous interval: a loaded machine must not make the answering client miss a beat
    const server = await startWsServer({ heartbeatMs: 250 })
    try {
      const good = await client(server.url)
      const silent = await client(server.url, { autoPong: false })
      await good.expectPing({ count: 2, timeoutMs: 10_000 })
      await silent.expectClosed(1006, { timeoutMs: 10_000 })
      expect(good.isOpen).toBe(true)
      expect(silent.pingsReceived).toBeGreaterThanOrEqual(1)
    } finally {
      await server.stop()
    }
  })

  it('expectPing fails with a count when the server never pings', async () => {
    const a = await client()
    const err = await failure(a.expectPing({ timeoutMs: 50 }))
    expect(err.message).toContain('0 ping(s) received, wanted 1')
  })
})
