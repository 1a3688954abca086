import type { IncomingMessage } from 'node:http'
import WebSocket from 'ws'
import type { WsMessage } from '../client/message.js'
import type { MessageInbox } from '../client/message-inbox.js'
import type { CloseInfo } from '../errors.js'
import { WsNotOpenError } from '../errors.js'
import { InboxView } from '../expect/inbox-view.js'

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
  #url: URL | undefined
  readonly #base: string
  /** Your handler's per-connection state. */
  readonly state: Record<string, unknown> = {}
  readonly #closed: Promise<CloseInfo>

  /** @internal */
  constructor(id: number, socket: WebSocket, request: IncomingMessage, base: string, inbox: MessageInbox) {
    super(inbox)
    this.id = id
    this.socket = socket
    this.request = request
    this.#base = base
    this.#closed = new Promise((resolve) => inbox.onClose(resolve))
  }

  /**
   * Calls `handler` for every message from this client, in order, starting with those that arrived
   * before it was registered (the messages also stay queued in the inbox for expectations). A throwing handler closes the connection with 1011 and lands in `server.errors`.
   */
  onMessage(handler: (message: WsMessage) => void): void {
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
    if (!this.#url) this.#url = new URL(this.request.url ?? '/', this.#base)
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
