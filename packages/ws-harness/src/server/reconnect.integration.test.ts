// A small reconnecting client, like the ones in the seed apps, tested against server drops and restarts.
import { waitFor } from '@infra/fixture-core'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { connect } from '../client/client.js'
import { WsExpectationError } from '../errors.js'
import { startChannelServer } from '../test-helpers.js'
import type { WsServer } from './server.js'

/** Reconnects with capped exponential backoff and (unless told otherwise) re-sends its subscriptions. */
class ReconnectingClient {
  readonly events: unknown[] = []
  readonly subscriptions = new Set<string>()
  connects = 0
  #ws: WebSocket | undefined
  #stopped = false
  #attempt = 0
  #timer: NodeJS.Timeout | undefined

  constructor(
    private readonly url: string,
    private readonly opts: { resubscribe?: boolean; baseDelayMs?: number } = {},
  ) {}

  start(): void {
    const ws = new WebSocket(this.url)
    this.#ws = ws
    ws.on('open', () => {
      this.#attempt = 0
      this.connects++
      if (this.connects === 1 || this.opts.resubscribe !== false) {
        for (const channel of this.subscriptions) ws.send(JSON.stringify({ type: 'subscribe', channel }))
      }
    })
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string }
      if (msg.type === 'event') this.events.push(msg)
    })
    ws.on('error', () => {})
    ws.on('close', () => {
      if (this.#stopped) return
      const delay = Math.min(500, (this.opts.baseDelayMs ?? 20) * 2 ** this.#attempt++)
      this.#timer = setTimeout(() => this.start(), delay)
    })
  }

  subscribe(channel: string): void {
    this.subscriptions.add(channel)
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify({ type: 'subscribe', channel }))
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#ws?.terminate()
  }
}

let server: WsServer | undefined
let rc: ReconnectingClient | undefined
afterEach(async () => {
  rc?.stop()
  await server?.stop()
})

async function setup(opts?: { resubscribe?: boolean }) {
  server = await startChannelServer()
  rc = new ReconnectingClient(server.url, opts)
  rc.subscribe('news')
  rc.start()
  const first = await next(server)
  await first.expectJson({ type: 'subscribe', channel: 'news' })
  return { server, rc, first }
}

/** The next connection that is not a publisher. */
function next(s: WsServer) {
  return s.expectConnection({ timeoutMs: 5_000, filter: (c) => !c.query.has('publisher') })
}

async function publishAndReceive(s: WsServer, c: ReconnectingClient, data: string) {
  await using publisher = await connect(s.url, { query: { publisher: 1 } })
  publisher.sendJson({ type: 'publish', channel: 'news', data })
  await waitFor(() => c.events.some((e) => (e as { data: string }).data === data), {
    what: `the reconnecting client to receive "${data}"`,
    timeoutMs: 5_000,
  })
}

describe('reconnect and resubscribe', () => {
  it('after restart() on the same port (with downtime) it reconnects and resubscribes', async () => {
    const { server, rc } = await setup()
    await publishAndReceive(server, rc, 'before')
    await server.restart({ downtimeMs: 200 })
    const again = await next(server)
    await again.expectJson({ type: 'subscribe', channel: 'news' })
    await publishAndReceive(server, rc, 'after')
    expect(rc.connects).toBe(2)
  })

  it('after dropAll(1012) it reconnects and resubscribes', async () => {
    const { server, rc, first } = await setup()
    await server.dropAll(1012, 'service restart')
    await first.expectClosed(1012)
    const again = await next(server)
    await again.expectJson({ type: 'subscribe', channel: 'news' })
    await publishAndReceive(server, rc, 'after drop')
  })

  it('survives repeated drops (backoff resets after each success)', async () => {
    const { server, rc } = await setup()
    for (let i = 0; i < 3; i++) {
      await server.dropAll()
      const conn = await next(server)
      await conn.expectJson({ type: 'subscribe', channel: 'news' })
    }
    await publishAndReceive(server, rc, 'after 3 drops')
    expect(rc.connects).toBe(4)
  })

  it('catches a client that reconnects but forgets to resubscribe', async () => {
    const { server } = await setup({ resubscribe: false })
    await server.dropAll()
    const again = await next(server)
    const err = await again.expectJson({ type: 'subscribe' }, { timeoutMs: 300 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WsExpectationError)
    expect((err as Error).message).toContain('Received no messages at all.')
  })
})
