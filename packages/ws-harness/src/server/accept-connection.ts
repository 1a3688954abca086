import type { IncomingMessage } from 'node:http'
import type WebSocket from 'ws'
import { toBuffer } from '../client/message.js'
import { DEFAULT_EXPECT_TIMEOUT_MS } from '../expect/await-match.js'
import type { ConnectionRegistry } from './connection-registry.js'
import type { Heartbeat } from './heartbeat.js'
import { ServerConnection } from './server-connection.js'
import type { WsServerOptions } from './server-options.js'

/**
 * The server state every accepted socket is wired into: one object per server, shared by its sockets
 * (nothing here is allocated per connection).
 */
export class AcceptContext {
  /** Handler errors land here (the connection is closed with 1011). */
  readonly errors: unknown[]
  readonly connections: ConnectionRegistry
  readonly heartbeat: Heartbeat
  readonly onConnection: WsServerOptions['onConnection']
  readonly echo: boolean
  readonly record: boolean
  readonly expectTimeoutMs: number
  /** Base of the connections' `url` (`http://host:port`); read when a connection's url is first used. */
  readonly baseUrl: () => string

  constructor(
    opts: WsServerOptions,
    state: Pick<AcceptContext, 'errors' | 'connections' | 'heartbeat' | 'baseUrl'>,
  ) {
    this.errors = state.errors
    this.connections = state.connections
    this.heartbeat = state.heartbeat
    this.baseUrl = state.baseUrl
    this.onConnection = opts.onConnection
    this.echo = opts.echo ?? !opts.onConnection
    this.record = opts.record ?? true
    this.expectTimeoutMs = opts.expectTimeoutMs ?? DEFAULT_EXPECT_TIMEOUT_MS
  }
}

/** The connection an accepted socket belongs to: one shared set of listeners serves every socket. */
const CONNECTION: unique symbol = Symbol('ws-harness connection')
interface WiredSocket extends WebSocket {
  [CONNECTION]: ServerConnection
}

/**
 * Turns an upgraded socket into a registered {@link ServerConnection}: its inbox (created with the first
 * message or read) records what the client sends (echoing it back if configured), closes and pongs are
 * tracked, and `onConnection` runs.
 * The socket's listeners are module functions (`this` is the socket), not closures per connection.
 */
export function acceptConnection(
  ws: WebSocket,
  req: IncomingMessage,
  ctx: AcceptContext,
  paused: boolean,
): void {
  const { connections, heartbeat } = ctx
  const id = connections.nextId()
  const conn = new ServerConnection(id, ws, req, ctx)
  ;(ws as WiredSocket)[CONNECTION] = conn
  connections.add(conn)
  heartbeat.markAlive(conn)
  if (paused) ws.pause()
  ws.on('message', onMessage)
  if (heartbeat.tracking) ws.on('pong', onPong)
  ws.on('error', onError)
  ws.on('close', onClose)
  connections.announce(conn)
  const handler = ctx.onConnection
  if (handler) {
    try {
      const r = handler(conn, req)
      if (r && typeof (r as Promise<void>).then === 'function') {
        ;(r as Promise<void>).catch((err: unknown) => conn._fail(err))
      }
    } catch (err) {
      conn._fail(err)
    }
  }
}

const connectionOf = (ws: WebSocket): ServerConnection => (ws as WiredSocket)[CONNECTION]

function onMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  connectionOf(this)._received(toBuffer(data), isBinary)
}

function onPong(this: WebSocket): void {
  const conn = connectionOf(this)
  conn._ctx.heartbeat.markAlive(conn)
}

function onError(this: WebSocket, err: Error): void {
  connectionOf(this)._ctx.errors.push(err)
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  connectionOf(this)._closed(code, reason)
}
