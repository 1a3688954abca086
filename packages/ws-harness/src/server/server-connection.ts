import type { IncomingMessage } from 'node:http'
import WebSocket from 'ws'
import type { WsMessage } from '../client/message.js'
import { MessageInbox } from '../client/message-inbox.js'
import type { CloseInfo } from '../errors.js'
import { WsNotOpenError } from '../errors.js'
import { InboxView } from '../expect/inbox-view.js'
import type { AcceptContext } from './accept-connection.js'

/**
 * The server side of one accepted WebSocket: the raw socket, the upgrade request, a FIFO inbox of what
 * the client sent (same expectations as a client), and a free-form `state` bag for your handler
 * (e.g. subscribed channels).
 */
export class ServerConnection extends InboxView {
  /** 1-based, in order of acceptance, unique per server. */
  readonly id: number
  readonly socket: WebSocket
  readonly request: IncomingMessage
  /** @internal the server state this connection reports to */
  readonly _ctx: AcceptContext
  // created on first use (like the inbox): most connections of a load test never read them
  #url: URL | undefined
  #state: Record<string, unknown> | undefined
  #closed: Promise<CloseInfo> | undefined

  /** @internal */
  constructor(id: number, socket: WebSocket, request: IncomingMessage, ctx: AcceptContext) {
    super(undefined)
    this.id = id
    this.socket = socket
    this.request = request
    this._ctx = ctx
  }

  /** @internal the inbox is created when a message arrives, the socket closes, or someone asks */
  protected override createInbox(): MessageInbox {
    const inbox = new MessageInbox(
      `server connection #${this.id} (${this.request.url ?? '/'})`,
      this._ctx.expectTimeoutMs,
    )
    inbox.record = this._ctx.record
    return inbox
  }

  /** Your handler's per-connection state. */
  get state(): Record<string, unknown> {
    if (!this.#state) this.#state = {}
    return this.#state
  }

  /** @internal a message from the client: recorded, handed to `onMessage` handlers, echoed if configured */
  _received(data: Buffer, isBinary: boolean): void {
    this.inbox.push(data, isBinary)
    if (this._ctx.echo && this.socket.readyState === WebSocket.OPEN)
      this.socket.send(data, { binary: isBinary })
  }

  /** @internal the socket closed */
  _closed(code: number, reason: Buffer): void {
    const { connections } = this._ctx
    connections.delete(this)
    this.inbox.markClosed({ code, reason: reason.toString('utf8') })
    connections.countChanged()
  }

  /** @internal a handler threw: the error lands in `server.errors`, the connection is closed with 1011 */
  _fail(err: unknown): void {
    this._ctx.errors.push(err)
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1011, 'handler error')
  }

  /**
   * Calls `handler` for every message from this client, in order, starting with those that arrived
   * before it was registered (the messages also stay queued in the inbox for expectations). A throwing handler closes the connection with 1011 and lands in `server.errors`.
   */
  onMessage(handler: (message: WsMessage) => void): void {
    if (this.inbox.listeners.length === 0) this.inbox.onListenerError = (err) => this._fail(err)
    // replay what arrived before the handler was registered (e.g. after an await in onConnection)
    for (const m of this.inbox.history) {
      try {
        handler(m)
      } catch (err) {
        this.inbox.onListenerError(err)
      }
    }
    this.inbox.listeners.push(handler)
  }

  /** The request URL (path and query), resolved against the server URL (parsed on first use). */
  get url(): URL {
    if (!this.#url) this.#url = new URL(this.request.url ?? '/', this._ctx.baseUrl())
    return this.#url
  }

  get headers(): IncomingMessage['headers'] {
    return this.request.headers
  }

  /** The client's TCP port (matches `WsClient.localPort`). */
  get remotePort(): number | undefined {
    return this.request.socket.remotePort
  }

  get query(): URLSearchParams {
    return this.url.searchParams
  }

  /** The negotiated subprotocol ('' when none). */
  get protocol(): string {
    return this.socket.protocol
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  /** Resolves once the connection has closed. */
  get closed(): Promise<CloseInfo> {
    if (!this.#closed) {
      const inbox = this.inbox
      this.#closed = new Promise((resolve) => inbox.onClose(resolve))
    }
    return this.#closed
  }

  send(data: string | Buffer | ArrayBuffer | ArrayBufferView): void {
    if (this.socket.readyState !== WebSocket.OPEN)
      throw new WsNotOpenError(`connection #${this.id}`, 'not open')
    this.socket.send(data)
  }

  sendJson(value: unknown): void {
    this.send(JSON.stringify(value))
  }

  sendBinary(data: Buffer | ArrayBuffer | ArrayBufferView): void {
    if (this.socket.readyState !== WebSocket.OPEN)
      throw new WsNotOpenError(`connection #${this.id}`, 'not open')
    this.socket.send(data, { binary: true })
  }

  /** Starts a close handshake with `code` (default 1000). */
  close(code = 1000, reason?: string): void {
    this.socket.close(code, reason)
  }

  /** Destroys the connection without a handshake (the client sees 1006). */
  terminate(): void {
    this.socket.terminate()
  }

  ping(data?: string | Buffer): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping(data)
  }
}
