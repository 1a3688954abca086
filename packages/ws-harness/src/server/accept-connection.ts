import type { IncomingMessage } from 'node:http'
import WebSocket from 'ws'
import { toBuffer } from '../client/message.js'
import { MessageInbox } from '../client/message-inbox.js'
import { DEFAULT_EXPECT_TIMEOUT_MS } from '../expect/await-match.js'
import type { ConnectionRegistry } from './connection-registry.js'
import type { Heartbeat } from './heartbeat.js'
import { ServerConnection } from './server-connection.js'
import type { WsServerOptions } from './server-options.js'

/** The server state a newly accepted socket is wired into. */
export interface AcceptContext {
  opts: WsServerOptions
  /** Base of the connection's `url` (`http://host:port`). */
  baseUrl: string
  /** Handler errors land here (the connection is closed with 1011). */
  errors: unknown[]
  connections: ConnectionRegistry
  heartbeat: Heartbeat
  /** The server is paused: the new socket starts paused too. */
  paused: boolean
}

/**
 * Turns an upgraded socket into a registered {@link ServerConnection}: its inbox records what the client
 * sends (echoing it back if configured), closes and pongs are tracked, and `onConnection` runs.
 */
export function acceptConnection(ws: WebSocket, req: IncomingMessage, ctx: AcceptContext): void {
  const { opts, connections, heartbeat } = ctx
  const id = connections.nextId()
  const inbox = new MessageInbox(
    `server connection #${id} (${req.url ?? '/'})`,
    opts.expectTimeoutMs ?? DEFAULT_EXPECT_TIMEOUT_MS,
  )
  inbox.record = opts.record ?? true
  const conn = new ServerConnection(id, ws, req, ctx.baseUrl, inbox)
  const fail = (err: unknown) => {
    ctx.errors.push(err)
    if (ws.readyState === WebSocket.OPEN) ws.close(1011, 'handler error')
  }
  inbox.onListenerError = fail
  connections.add(conn)
  heartbeat.markAlive(conn)
  if (ctx.paused) ws.pause()
  const echo = opts.echo ?? !opts.onConnection
  ws.on('message', (data, isBinary) => {
    const buf = toBuffer(data)
    inbox.push(buf, isBinary)
    if (echo && ws.readyState === WebSocket.OPEN) ws.send(buf, { binary: isBinary })
  })
  ws.on('pong', () => heartbeat.markAlive(conn))
  ws.on('error', (err) => ctx.errors.push(err))
  ws.on('close', (code, reason) => {
    connections.delete(conn)
    inbox.markClosed({ code, reason: reason.toString('utf8') })
    connections.countChanged()
  })
  connections.announce(conn)
  const handler = opts.onConnection
  if (handler) {
    try {
      const r = handler(conn, req)
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).catch(fail)
    } catch (err) {
      fail(err)
    }
  }
}
