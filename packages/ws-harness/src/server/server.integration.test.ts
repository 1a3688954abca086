import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { FixtureStateError, InvalidOptionsError, PortInUseError } from '@infra/fixture-core'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, type WsClient } from '../client/client.js'
import { connectMany } from '../client/many.js'
import { WsConnectError } from '../errors.js'
import { KEPT_CLOSED_UNCLAIMED } from './connection-registry.js'
import { startWsServer, type WsServer } from './server.js'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})
async function server(opts?: Parameters<typeof startWsServer>[0]): Promise<WsServer> {
  const s = await startWsServer(opts)
  cleanup.push(() => s.stop())
  return s
}
async function client(url: string, opts?: Parameters<typeof connect>[1]): Promise<WsClient> {
  const c = await connect(url, opts)
  cleanup.push(() => c.close())
  return c
}

describe('startWsServer', () => {
  it('binds 127.0.0.1 on an ephemeral port and serves the given path only', async () => {
    const s = await server({ path: '/ws' })
    expect(s.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/)
    expect(s.port).toBeGreaterThan(0)
    await client(s.url)
    const err = await connect(s.url.replace('/ws', '/other')).catch((e: WsConnectError) => e)
    expect(err).toBeInstanceOf(WsConnectError)
    expect((err as WsConnectError).status).toBe(404)
  })

  it('attaches to an existing http.Server next to its HTTP routes', async () => {
    const http1 = http.createServer((_req, res) => res.end('plain http'))
    await new Promise<void>((r) => http1.listen(0, '127.0.0.1', r))
    cleanup.push(() => new Promise((r) => http1.close(r)))
    const s = await server({ server: http1, path: '/live', onConnection: (c) => c.sendJson({ hello: c.id }) })
    expect(s.port).toBe((http1.address() as AddressInfo).port)
    const a = await client(s.url)
    await a.expectJson({ hello: 1 })
    const res = await fetch(`http://127.0.0.1:${s.port}/`)
    expect(await res.text()).toBe('plain http')
    // restart on an attached server: clients are dropped, upgrades get 503 during the downtime
    const restarting = s.restart({ downtimeMs: 300 })
    await a.expectClosed(1006)
    const refused = await connect(s.url).catch((e: WsConnectError) => e)
    expect((refused as WsConnectError).status).toBe(503)
    await restarting
    const b = await client(s.url)
    await b.expectJson({ hello: 2 })
    await s.stop()
    expect(http1.listening).toBe(true)
  })

  it('validates options before starting', async () => {
    await expect(startWsServer({ path: 'ws' })).rejects.toBeInstanceOf(InvalidOptionsError)
    await expect(startWsServer({ port: 70_000 })).rejects.toThrow(/port/)
    await expect(startWsServer({ heartbeatMs: 0 })).rejects.toThrow(/heartbeatMs/)
    await expect(startWsServer({ port: 0 })).rejects.toThrow(/omit it for an ephemeral port/)
    const err = await startWsServer({ expectTimeout: 10 } as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as Error).message).toContain("Did you mean 'expectTimeoutMs'?")
  })

  it('has the fixture shape: service, provider, env(), isolated() clients that `await using` closes', async () => {
    const s = await server()
    expect([s.service, s.provider]).toEqual(['ws', 'local'])
    expect(s.env()).toEqual({ WS_URL: s.url })
    {
      await using c = await s.isolated()
      c.send('mine')
      await c.expect('mine')
      await s.waitForClients(1)
    }
    await s.waitForClients(0)
  })

  it('a taken fixed port is a PortInUseError', async () => {
    const s = await server()
    await expect(startWsServer({ port: s.port })).rejects.toBeInstanceOf(PortInUseError)
  })
})

describe('server-side control', () => {
  it('sees what clients send through per-connection inboxes; expectConnection is FIFO', async () => {
    const s = await server({ onConnection: () => {} })
    const a = await client(s.url, { query: { user: 'a' } })
    const b = await client(s.url, { query: { user: 'b' } })
    const ca = await s.expectConnection()
    const cb = await s.expectConnection()
    expect([ca.query.get('user'), cb.query.get('user')]).toEqual(['a', 'b'])
    expect(s.connectionOf(b)).toBe(cb)
    a.sendJson({ type: 'subscribe', channel: 'x' })
    await ca.expectJson({ type: 'subscribe', channel: 'x' })
    await cb.expectNoMessage(50)
    await expect(s.expectConnection({ timeoutMs: 50 })).rejects.toThrow(
      /a new connection on ws:\/\/127\.0\.0\.1/,
    )
  })

  it('keeps the latest 1,000 closed connections nobody claimed; the oldest are forgotten', async () => {
    const s = await server({ record: false })
    const group = await connectMany(s.url, KEPT_CLOSED_UNCLAIMED + 5)
    await group.closeAll()
    await s.waitForClients(0)
    const claimed = await s.expectConnection()
    expect(claimed.id).toBe(6)
    const live = await client(s.url)
    const rest: number[] = []
    for (let i = 0; i < KEPT_CLOSED_UNCLAIMED; i++) rest.push((await s.expectConnection()).id)
    expect(rest.at(-1)).toBe(KEPT_CLOSED_UNCLAIMED + 6)
    expect(s.connectionOf(live)).toBeDefined()
  })

  it('broadcast reaches every open client, or those a filter selects; text, JSON and binary', async () => {
    const s = await server({ onConnection: () => {} })
    const a = await client(s.url, { query: { room: '1' } })
    const b = await client(s.url, { query: { room: '2' } })
    expect(s.broadcast({ type: 'all' })).toBe(2)
    expect(s.broadcast('room one', (c) => c.query.get('room') === '1')).toBe(1)
    s.broadcast(Buffer.from([7]))
    await a.expectJson({ type: 'all' })
    await a.expect('room one')
    await a.expect(Buffer.from([7]))
    await b.expectJson({ type: 'all' })
    expect((await b.expect()).isBinary).toBe(true)
    await b.expectNoMessage(50)
  })

  it('drop: some clients with a code and reason, others cut; dropAll; waitForClients', async () => {
    const s = await server({ onConnection: () => {} })
    const a = await client(s.url, { query: { n: 1 } })
    const b = await client(s.url, { query: { n: 2 } })
    const c = await client(s.url, { query: { n: 3 } })
    expect(await s.drop((conn) => conn.query.get('n') === '1', 4001, 'kicked')).toBe(1)
    await a.expectClosed(4001, { reason: 'kicked' })
    expect(b.isOpen && c.isOpen).toBe(true)
    await s.drop(s.connectionOf(b)!)
    await b.expectClosed(1006)
    expect(s.clients.size).toBe(1)
    expect(await s.dropAll(1012, 'restarting')).toBe(1)
    await c.expectClosed(1012)
    await s.waitForClients(0)
    await expect(s.waitForClients(5, { timeoutMs: 50 })).rejects.toThrow(
      /5 open connection\(s\).*\n?.*Open now: 0/,
    )
  })

  it('restart keeps the port; clients see a close and can reconnect', async () => {
    const s = await server()
    const port = s.port
    const a = await client(s.url)
    await s.restart({ downtimeMs: 100 })
    await a.expectClosed(1006)
    expect(s.port).toBe(port)
    expect(s.restarts).toBe(1)
    const b = await client(s.url)
    b.send('after restart')
    await b.expect('after restart')
  })

  it('restart with a close code: clients see it', async () => {
    const s = await server()
    const a = await client(s.url)
    await s.restart({ code: 1012, reason: 'service restart' })
    await a.expectClosed(1012, { reason: 'service restart' })
  })

  it('kill: connections cut, nothing listens until restart', async () => {
    const s = await server()
    const a = await client(s.url)
    await s.kill()
    await a.expectClosed(1006)
    expect(s.isUp).toBe(false)
    await expect(connect(s.url)).rejects.toThrow(/ECONNREFUSED/)
    await s.restart()
    expect(s.isUp).toBe(true)
    await client(s.url)
  })

  it('pause: nothing is handled and handshakes hang until resume', async () => {
    const s = await server()
    const a = await client(s.url)
    await s.pause()
    expect(s.isPaused).toBe(true)
    a.send('while paused')
    await a.expectNoMessage(150)
    await expect(a.ping({ timeoutMs: 150 })).rejects.toThrow(/no pong arrived/)
    const late = connect(s.url)
    await expect(Promise.race([late, new Promise((r) => setTimeout(() => r('pending'), 150))])).resolves.toBe(
      'pending',
    )
    await s.resume()
    await a.expect('while paused')
    const b = await late
    cleanup.push(() => b.close())
    b.send('after resume')
    await b.expect('after resume')
  })

  it('onMessage replays messages that arrived before an async handler registered it', async () => {
    const s = await server({
      onConnection: async (conn) => {
        await new Promise((r) => setTimeout(r, 100))
        conn.onMessage((m) => conn.send(`got ${m.text}`))
      },
    })
    const a = await client(s.url)
    a.send('early')
    await a.expect('got early')
  })

  it('a throwing handler closes that connection with 1011 and is recorded in errors', async () => {
    const s = await server({
      onConnection: (conn) => {
        conn.onMessage((m) => {
          if (m.text === 'boom') throw new Error('handler exploded')
          conn.send(`ok ${m.text}`)
        })
      },
    })
    const a = await client(s.url)
    a.send('1')
    await a.expect('ok 1')
    a.send('boom')
    await a.expectClosed(1011, { reason: 'handler error' })
    expect(String(s.errors[0])).toContain('handler exploded')
  })

  it('a rejecting async onConnection closes that connection with 1011 and is recorded in errors', async () => {
    const s = await server({
      onConnection: async () => {
        await new Promise((r) => setTimeout(r, 10))
        throw new Error('async handler exploded')
      },
    })
    const a = await client(s.url)
    await a.expectClosed(1011, { reason: 'handler error' })
    expect(String(s.errors[0])).toContain('async handler exploded')
  })

  it('without handleProtocols the first offered subprotocol is chosen', async () => {
    const s = await server()
    const a = await client(s.url, { protocols: ['chat.v1', 'chat.v2'] })
    const conn = await s.expectConnection()
    expect(a.protocol).toBe('chat.v1')
    expect(conn.protocol).toBe('chat.v1')
  })

  it('closed resolves also when first read after the close; state is per connection', async () => {
    const s = await server({ onConnection: () => {} })
    const a = await client(s.url)
    const b = await client(s.url)
    const [ca, cb] = [await s.expectConnection(), await s.expectConnection()]
    ca.state.name = 'a'
    expect(cb.state).toEqual({})
    expect(ca.state).toBe(ca.state)
    await a.close(4001, 'bye')
    await s.waitForClients(1)
    await expect(ca.closed).resolves.toEqual({ code: 4001, reason: 'bye' })
    expect(ca.closed).toBe(ca.closed)
    expect(cb.isOpen).toBe(true)
    await b.close()
    await expect(cb.closed).resolves.toEqual({ code: 1000, reason: '' })
  })

  it('stop closes clients with 1001, is idempotent, and anything else after it is a FixtureStateError', async () => {
    const s = await server()
    const a = await client(s.url)
    await Promise.all([s.stop(), s.stop()])
    await s.stop()
    await a.expectClosed(1001)
    expect(s.clients.size).toBe(0)
    expect(s.isUp).toBe(false)
    await expect(s.restart()).rejects.toBeInstanceOf(FixtureStateError)
    await expect(s.kill()).rejects.toThrow(/Cannot kill\(\) the ws fixture: it is stopped/)
    await expect(s.pause()).rejects.toBeInstanceOf(FixtureStateError)
    await expect(s.isolated()).rejects.toBeInstanceOf(FixtureStateError)
  })

  it('await using disposes the server', async () => {
    let url: string
    {
      await using s = await startWsServer()
      url = s.url
      await client(url)
    }
    await expect(connect(url)).rejects.toThrow(/ECONNREFUSED/)
  })
})
