import type { IncomingMessage } from 'node:http'
import {
  check,
  checkOptions,
  InvalidOptionsError,
  type OptionCheck,
  type OptionSchema,
} from '@infra/fixture-core'
import WebSocket, { type ClientOptions } from 'ws'
import { type CloseInfo, WsConnectError, WsExpectationError, WsNotOpenError } from '../errors.js'
import { DEFAULT_EXPECT_TIMEOUT_MS, type ExpectOptions } from '../expect/await-match.js'
import { InboxView } from '../expect/inbox-view.js'
import { MessageInbox } from './message-inbox.js'
import { awaitOpen, type Opening, type Upgrade } from './opening.js'

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000
const DEFAULT_CLOSE_TIMEOUT_MS = 2_000

export interface ConnectOptions {
  /** Extra handshake headers, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>
  /** Subprotocols to offer; the negotiated one is `client.protocol`. */
  protocols?: string | string[]
  /** Query parameters appended to the URL. */
  query?: Record<string, string | number | boolean>
  /** Handshake timeout (ms). Default 5 000. */
  timeoutMs?: number
  /** Default timeout of this client's expectations (ms). Default 3 000. */
  expectTimeoutMs?: number
  /** Answer server pings automatically (default true). Set false to test a server's heartbeat eviction. */
  autoPong?: boolean
  /** How many received messages `messages` keeps (default: all). */
  historyLimit?: number
  /** A name for error messages (default: the URL). */
  name?: string
  /** Passed through to the `ws` client constructor (e.g. `perMessageDeflate`, `maxPayload`). */
  ws?: ClientOptions
}

const protocols: OptionCheck = (value, key) => {
  if (value === undefined || typeof value === 'string') return
  check.arrayOf(check.string())(value, key)
}

/** The checks of {@link ConnectOptions} (also the shared part of `connectMany`'s). */
export const CONNECT_OPTIONS: OptionSchema<ConnectOptions> = {
  headers: check.configMap(),
  protocols,
  query: check.configMap(),
  timeoutMs: check.ms(),
  expectTimeoutMs: check.ms(),
  autoPong: check.boolean(),
  historyLimit: check.int(0),
  name: check.string(),
  // ws's own client options: ws checks them
  ws: check.any(),
}

function withQuery(url: string, query: ConnectOptions['query']): string {
  if (!query) return url
  const u = new URL(url)
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v))
  return u.toString()
}

const STATES = ['connecting', 'open', 'closing', 'closed'] as const

/**
 * A WebSocket client with a FIFO inbox (see {@link InboxView} for `expect`, `expectJson`, `waitFor`,
 * `filter`, `expectNoMessage`, `expectClosed`). Create with {@link connect}.
 */
export class WsClient extends InboxView implements AsyncDisposable {
  /** The underlying `ws` socket (escape hatch). */
  readonly socket: WebSocket
  readonly url: string
  /** Headers of the server's 101 response. */
  readonly upgradeHeaders: IncomingMessage['headers']
  #tcp: { localPort?: number } | undefined
  #localPort: number | undefined
  #pings = 0
  // created on first use: most clients of a load test never ping or wait for pings
  #pingWaiters: (() => void)[] | undefined
  #pongWaiters: Map<string, () => void> | undefined
  #pingSeq = 0
  #closePromise: Promise<CloseInfo> | undefined

  /** @internal use {@link connect} */
  constructor(socket: WebSocket, inbox: MessageInbox, url: string, upgrade: Upgrade) {
    super(inbox)
    this.#tcp = upgrade.tcp
    this.socket = socket
    this.url = url
    this.upgradeHeaders = upgrade.headers
    ;(socket as OwnedSocket)[CLIENT] = this
    socket.on('ping', onPing)
    socket.on('pong', onPong)
  }

  /** @internal the server pinged */
  _pinged(): void {
    this.#pings++
    if (this.#pingWaiters?.length) for (const w of this.#pingWaiters.splice(0)) w()
  }

  /** @internal a pong arrived */
  _ponged(data: Buffer): void {
    if (!this.#pongWaiters?.size) return
    const key = data.toString('utf8')
    const w = this.#pongWaiters.get(key)
    if (w) {
      this.#pongWaiters.delete(key)
      w()
    }
  }

  get #closed(): Promise<CloseInfo> {
    if (!this.#closePromise) {
      const inbox = this.inbox
      this.#closePromise = new Promise((resolve) => inbox.onClose(resolve))
    }
    return this.#closePromise
  }

  /**
   * The local TCP port of this connection (what the server sees as the remote port). Read from the
   * socket on first use (a getsockname call, kept off the connect path) and remembered; `close()` and
   * `terminate()` read it before the socket goes.
   */
  get localPort(): number | undefined {
    if (this.#localPort === undefined && this.#tcp) {
      this.#localPort = this.#tcp.localPort
      this.#tcp = undefined
    }
    return this.#localPort
  }

  /** The negotiated subprotocol ('' when none). */
  get protocol(): string {
    return this.socket.protocol
  }

  get readyState(): 'connecting' | 'open' | 'closing' | 'closed' {
    return STATES[this.socket.readyState]!
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  /** Resolves with the close code and reason once the socket has closed. Never rejects. */
  get closed(): Promise<CloseInfo> {
    return this.#closed
  }

  /** How many pings the server has sent this client. */
  get pingsReceived(): number {
    return this.#pings
  }

  #assertOpen(): void {
    if (this.socket.readyState !== WebSocket.OPEN) {
      throw new WsNotOpenError(this.inbox.label, STATES[this.socket.readyState]!)
    }
  }

  /** Sends a text frame (strings) or a binary frame (bytes). Throws {@link WsNotOpenError} when not open. */
  send(data: string | Buffer | ArrayBuffer | ArrayBufferView): void {
    this.#assertOpen()
    this.socket.send(data)
  }

  /** Sends `JSON.stringify(value)` as a text frame. */
  sendJson(value: unknown): void {
    this.send(JSON.stringify(value))
  }

  /** Sends bytes (or a string's UTF-8 bytes) as a binary frame. */
  sendBinary(data: string | Buffer | ArrayBuffer | ArrayBufferView): void {
    this.#assertOpen()
    this.socket.send(typeof data === 'string' ? Buffer.from(data) : data, { binary: true })
  }

  /** Sends a ping and resolves with the round-trip time in ms once the matching pong arrives. */
  ping(opts?: ExpectOptions): Promise<number> {
    this.#assertOpen()
    const key = `ws-harness-${++this.#pingSeq}`
    const timeoutMs = opts?.timeoutMs ?? this.inbox.expectTimeoutMs
    const start = performance.now()
    if (!this.#pongWaiters) this.#pongWaiters = new Map()
    const waiters = this.#pongWaiters
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(key)
        reject(this.#heartbeatError(`ping()`, 'no pong arrived', start, timeoutMs))
      }, timeoutMs)
      waiters.set(key, () => {
        clearTimeout(timer)
        resolve(performance.now() - start)
      })
      this.socket.ping(key)
    })
  }

  /** Sends an unsolicited pong (or answers pings yourself with `autoPong: false`). */
  pong(data?: string | Buffer): void {
    this.#assertOpen()
    this.socket.pong(data)
  }

  /** Waits until the server has sent `count` pings in total (default: one more than now). */
  expectPing(opts?: ExpectOptions & { count?: number }): Promise<number> {
    const target = opts?.count ?? this.#pings + 1
    const timeoutMs = opts?.timeoutMs ?? this.inbox.expectTimeoutMs
    const start = performance.now()
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#pings >= target) {
          clearTimeout(timer)
          resolve(this.#pings)
        } else {
          if (!this.#pingWaiters) this.#pingWaiters = []
          this.#pingWaiters.push(check)
        }
      }
      const timer = setTimeout(() => {
        this.#pingWaiters = this.#pingWaiters?.filter((w) => w !== check)
        reject(
          this.#heartbeatError(
            `expectPing(${target})`,
            `${this.#pings} ping(s) received, wanted ${target}`,
            start,
            timeoutMs,
          ),
        )
      }, timeoutMs)
      check()
    })
  }

  #heartbeatError(operation: string, detail: string, start: number, timeoutMs: number): WsExpectationError {
    return new WsExpectationError({
      kind: 'timeout',
      operation,
      target: this.inbox.label,
      received: this.inbox.messages(),
      examined: [],
      waitedMs: performance.now() - start,
      timeoutMs,
      detail: `${detail}.`,
    })
  }

  /** Destroys the TCP connection at once, without a close handshake (the server sees code 1006). */
  terminate(): void {
    void this.localPort
    this.socket.terminate()
  }

  /**
   * Closes with a handshake (default code 1000) and waits for the socket to close; terminates it when
   * the server does not answer within `timeoutMs` (default 2 000 ms). Idempotent.
   */
  async close(code = 1000, reason?: string, opts?: { timeoutMs?: number }): Promise<CloseInfo> {
    const s = this.socket
    void this.localPort
    const state = (): number => s.readyState
    if (state() === WebSocket.CONNECTING || state() === WebSocket.OPEN) s.close(code, reason)
    if (state() !== WebSocket.CLOSED) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, opts?.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS)
      })
      await Promise.race([this.#closed, timeout])
      clearTimeout(timer)
      if (state() !== WebSocket.CLOSED) {
        s.terminate()
        await this.#closed
      }
    }
    return this.#closed
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

/**
 * Opens a WebSocket to any `ws://`/`wss://` URL and resolves once it is open. Rejects with a
 * {@link WsConnectError} (with the HTTP status and body when the server refused the upgrade).
 */
export function connect(url: string, opts: ConnectOptions = {}): Promise<WsClient> {
  try {
    checkConnect(url, opts)
  } catch (err) {
    return Promise.reject(err)
  }
  return openClient(url, opts)
}

/** Throws {@link InvalidOptionsError} for a bad URL or options (what `connect` checks first). */
export function checkConnect(url: string, opts: ConnectOptions): void {
  if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) {
    throw new InvalidOptionsError('url', `expected a ws:// or wss:// URL, got ${String(url)}`)
  }
  checkOptions('connect()', opts, CONNECT_OPTIONS)
}

const CLIENT: unique symbol = Symbol('ws-harness client')
interface OwnedSocket extends WebSocket {
  [CLIENT]: WsClient
}

function onPing(this: WebSocket): void {
  ;(this as OwnedSocket)[CLIENT]._pinged()
}

function onPong(this: WebSocket, data: Buffer): void {
  ;(this as OwnedSocket)[CLIENT]._ponged(data)
}

/** @internal {@link connect} without the checks, for callers that made them once (`connectMany`). */
export function openClient(url: string, opts: ConnectOptions): Promise<WsClient> {
  const timeout = opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const fullUrl = withQuery(url, opts.query)
  const inbox = new MessageInbox(
    opts.name ?? `client ${fullUrl}`,
    opts.expectTimeoutMs ?? DEFAULT_EXPECT_TIMEOUT_MS,
    opts.historyLimit ?? Number.POSITIVE_INFINITY,
  )
  const socket = new WebSocket(fullUrl, opts.protocols, {
    ...opts.ws,
    headers: { ...opts.ws?.headers, ...opts.headers },
    handshakeTimeout: timeout,
    autoPong: opts.autoPong ?? true,
  })
  return awaitOpen(socket, fullUrl, inbox, makeClient)
}

const makeClient = (socket: WebSocket, opening: Opening): WsClient =>
  new WsClient(socket, opening.inbox, opening.url, opening)
