import { type BroadcastEvent, parseServerFrame, type ServerFrame } from '../protocol.js'
import { type BackoffOptions, backoffDelay } from './backoff.js'
import { Listeners, waitUntil } from './wait.js'

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** The part of the WebSocket API the client uses: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

export type WebSocketConstructor = new (url: string) => WebSocketLike

export interface BroadcastClientOptions {
  /** Default: `globalThis.WebSocket` (browsers, Node ≥ 22); in Node 20 pass `ws`'s `WebSocket`. */
  WebSocket?: WebSocketConstructor
  backoff?: BackoffOptions
  /** A handshake not done within this time is abandoned and retried. Default 5 000 ms. */
  connectTimeoutMs?: number
}

export type EventHandler = (event: BroadcastEvent) => void

const OPEN = 1

/**
 * A WebSocket client for the /ws channel protocol: `connect()`, `subscribe(channel, handler)`, states
 * `connecting → open → reconnecting → open … → closed`. When the connection drops it reconnects with
 * exponential backoff and subscribes again to every channel it had; `subscribed` reports the server's acks.
 */
export class BroadcastClient {
  private socket: WebSocketLike | undefined
  private currentState: ConnectionState = 'closed'
  private readonly handlers = new Map<string, Set<EventHandler>>()
  private readonly acked = new Set<string>()
  private readonly stateListeners = new Listeners<ConnectionState>()
  private readonly subscribedListeners = new Listeners<string[]>()
  private readonly errorListeners = new Listeners<{ code: string; message: string }>()
  private attempt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private connectTimer: ReturnType<typeof setTimeout> | undefined
  /** Connections opened after a drop. */
  reconnects = 0

  constructor(
    readonly url: string,
    private readonly options: BroadcastClientOptions = {},
  ) {
    let protocol: string
    try {
      protocol = new URL(url).protocol
    } catch {
      throw new TypeError(`BroadcastClient: invalid URL ${JSON.stringify(url)}`)
    }
    if (protocol !== 'ws:' && protocol !== 'wss:') {
      throw new TypeError(`BroadcastClient: expected a ws:// or wss:// URL, got ${JSON.stringify(url)}`)
    }
  }

  get state(): ConnectionState {
    return this.currentState
  }

  /** Channels with handlers. */
  get channels(): string[] {
    return [...this.handlers.keys()]
  }

  /** The server acknowledged `channel` on the current connection. */
  isSubscribed(channel: string): boolean {
    return this.acked.has(channel)
  }

  connect(): void {
    if (this.currentState !== 'closed') return
    this.attempt = 0
    this.open('connecting')
  }

  /** Closes for good (no reconnect); handlers are kept for a later `connect()`. */
  close(): void {
    clearTimeout(this.retryTimer)
    clearTimeout(this.connectTimer)
    const socket = this.socket
    this.socket = undefined
    this.acked.clear()
    if (socket) {
      socket.onclose = socket.onmessage = socket.onopen = null
      socket.close(1000, 'client closed')
    }
    this.setState('closed')
  }

  /** Listens to `channel`; returns the function that stops listening. */
  subscribe(channel: string, handler: EventHandler): () => void {
    let set = this.handlers.get(channel)
    if (!set) {
      set = new Set()
      this.handlers.set(channel, set)
      this.send({ type: 'subscribe', channels: [channel] })
    }
    set.add(handler)
    return () => {
      const current = this.handlers.get(channel)
      if (!current?.delete(handler) || current.size > 0) return
      this.handlers.delete(channel)
      this.acked.delete(channel)
      this.send({ type: 'unsubscribe', channels: [channel] })
    }
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    return this.stateListeners.add(listener)
  }

  /** The server acknowledged a subscription (also after every reconnect). */
  onSubscribed(listener: (channels: string[]) => void): () => void {
    return this.subscribedListeners.add(listener)
  }

  /** `error` frames from the server. */
  onError(listener: (error: { code: string; message: string }) => void): () => void {
    return this.errorListeners.add(listener)
  }

  waitForState(state: ConnectionState, timeoutMs = 10_000): Promise<ConnectionState> {
    return waitUntil(
      `state ${state} (now ${this.currentState})`,
      timeoutMs,
      () => this.currentState,
      (l) => this.onState(l),
      (s) => s === state,
    )
  }

  /** Resolves when the server has acknowledged `channel` on the current connection. */
  async waitForSubscribed(channel: string, timeoutMs = 10_000): Promise<void> {
    await waitUntil(
      `the server to acknowledge channel ${channel}`,
      timeoutMs,
      () => this.acked.has(channel),
      (l) => this.onSubscribed(() => l(this.acked.has(channel))),
      Boolean,
    )
  }

  private open(state: 'connecting' | 'reconnecting'): void {
    this.setState(state)
    const Impl = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
    if (!Impl)
      throw new Error('no WebSocket implementation: pass options.WebSocket (e.g. from the ws package)')
    const socket = new Impl(this.url)
    this.socket = socket
    this.connectTimer = setTimeout(() => socket.close(), this.options.connectTimeoutMs ?? 5_000)
    socket.onopen = () => {
      clearTimeout(this.connectTimer)
      if (state === 'reconnecting') this.reconnects++
      this.attempt = 0
      this.setState('open')
      if (this.handlers.size > 0) this.send({ type: 'subscribe', channels: [...this.handlers.keys()] })
    }
    socket.onmessage = (event) => this.onFrame(parseServerFrame(String(event.data)))
    socket.onerror = () => {} // a close follows
    socket.onclose = () => {
      clearTimeout(this.connectTimer)
      if (this.socket !== socket) return
      this.socket = undefined
      this.acked.clear()
      this.setState('reconnecting')
      const delay = backoffDelay(this.attempt++, this.options.backoff)
      this.retryTimer = setTimeout(() => this.open('reconnecting'), delay)
    }
  }

  private onFrame(frame: ServerFrame | undefined): void {
    if (!frame) return
    switch (frame.type) {
      case 'subscribed': {
        const live = frame.channels.filter((c) => this.handlers.has(c))
        for (const channel of live) this.acked.add(channel)
        if (live.length > 0) this.subscribedListeners.emit(live)
        return
      }
      case 'event': {
        const { type: _type, ...event } = frame
        for (const handler of [...(this.handlers.get(frame.channel) ?? [])]) handler(event)
        return
      }
      case 'error':
        this.errorListeners.emit({ code: frame.code, message: frame.message })
        return
      default:
        return
    }
  }

  private send(frame: { type: 'subscribe' | 'unsubscribe'; channels: string[] }): void {
    if (this.socket?.readyState === OPEN && this.currentState === 'open')
      this.socket.send(JSON.stringify(frame))
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return
    this.currentState = state
    this.stateListeners.emit(state)
  }
}
