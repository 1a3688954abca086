import http, { type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  checkOptions,
  debugLogger,
  FixtureLifecycle,
  type FixtureServer,
  LOOPBACK,
} from '@infra/fixture-core'
import { type WebSocket, WebSocketServer } from 'ws'
import { type ConnectOptions, connect, type WsClient } from '../client/client.js'
import { DEFAULT_EXPECT_TIMEOUT_MS } from '../expect/await-match.js'
import { AcceptContext, acceptConnection } from './accept-connection.js'
import { broadcast } from './broadcast.js'
import { ConnectionRegistry } from './connection-registry.js'
import {
  DEFAULT_DROP_TIMEOUT_MS,
  type DropTarget,
  dropConnections,
  selectConnections,
} from './drop-connections.js'
import { Heartbeat } from './heartbeat.js'
import { listenAgain, listenOnce, rejectUpgrade, waitUntilListening } from './http-listen.js'
import type { ServerConnection } from './server-connection.js'
import {
  DROP_OPTIONS,
  type DropOptions,
  RESTART_OPTIONS,
  type RestartOptions,
  validateServerOptions,
  type WsServerOptions,
} from './server-options.js'

const debug = debugLogger('infra:ws')

/** Error listener of an upgrade socket that waits or is refused (shared, not a closure per socket). */
const ignoreSocketError = (): void => {}

/** How long an attached http.Server may take to start listening, and a restart to get its port back. */
const LISTEN_TIMEOUT_MS = 5_000

/**
 * A real `ws` WebSocket server on 127.0.0.1 (or attached to your `http.Server`) with server-side control
 * for tests: list, drop and broadcast to clients, restart on the same port, heartbeat, stop.
 * Create with {@link startWsServer}. `isolated()` gives a test a client of its own.
 */
export class WsServer implements FixtureServer<WsClient> {
  readonly service = 'ws'
  /** Always `local`: the server runs in this process. */
  readonly provider = 'local' as const
  readonly wss: WebSocketServer
  /** The HTTP server carrying the upgrades (yours when attached). */
  readonly httpServer: http.Server
  readonly host: string
  readonly path: string | undefined
  /** Errors thrown by `onConnection`/`onMessage` handlers (the connection was closed with 1011). */
  readonly errors: unknown[] = []
  #port = 0
  #owned: boolean
  #opts: WsServerOptions
  #connections = new ConnectionRegistry()
  #heartbeat: Heartbeat
  #down = false
  #paused = false
  #held: (() => void)[] = []
  readonly #life = new FixtureLifecycle('ws')
  #restarts = 0
  #onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  /** What every accepted socket is wired into (one per server). */
  readonly #accept: AcceptContext
  readonly #onAccepted: (ws: WebSocket, req: IncomingMessage) => void

  /** @internal use {@link startWsServer} */
  constructor(opts: WsServerOptions) {
    this.#opts = opts
    this.#owned = !opts.server
    this.host = opts.host ?? LOOPBACK
    this.path = opts.path
    this.httpServer =
      opts.server ??
      http.createServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required')
      })
    this.wss = new WebSocketServer({
      ...opts.ws,
      noServer: true,
      // without one, ws itself picks the first offered subprotocol
      ...(opts.handleProtocols && { handleProtocols: opts.handleProtocols }),
    })
    this.#onUpgrade = (req, socket, head) => this.#handleUpgrade(req, socket, head)
    this.#heartbeat = new Heartbeat(opts.heartbeatMs, this.#connections.open)
    this.#accept = new AcceptContext(opts, {
      errors: this.errors,
      connections: this.#connections,
      heartbeat: this.#heartbeat,
      baseUrl: () => `http://${this.host}:${this.#port}`,
    })
    this.#onAccepted = (ws, req) => acceptConnection(ws, req, this.#accept, this.#paused)
    this.httpServer.on('upgrade', this.#onUpgrade)
  }

  /** @internal */
  async listen(): Promise<void> {
    if (this.#owned) {
      await listenOnce(this.httpServer, this.#opts.port ?? 0, this.host)
    } else if (!this.httpServer.listening) {
      await waitUntilListening(this.httpServer, LISTEN_TIMEOUT_MS)
    }
    this.#port = (this.httpServer.address() as AddressInfo).port
    debug?.(`${this.#owned ? 'listening' : 'attached to your http.Server'} on ${this.url}`)
  }

  get port(): number {
    return this.#port
  }

  /** `ws://127.0.0.1:<port><path>` */
  get url(): string {
    const addr = this.httpServer.address() as AddressInfo | null
    let host = addr?.address ?? this.host
    if (host === '::' || host === '0.0.0.0') host = LOOPBACK
    if (host.includes(':')) host = `[${host}]`
    return `ws://${host}:${this.#port}${this.path ?? '/'}`
  }

  /** Open connections, in order of acceptance. */
  get clients(): ReadonlySet<ServerConnection> {
    return this.#connections.open
  }

  /** How many connections were accepted since start (across restarts). */
  get connectionCount(): number {
    return this.#connections.acceptedCount
  }

  /** How many times `restart()` ran. */
  get restarts(): number {
    return this.#restarts
  }

  /** False between `kill()` (or a restart's downtime) and the next listen, and after `stop()`. */
  get isUp(): boolean {
    return !this.#down && this.#life.isRunning
  }

  /** Connection info for another process: `{ WS_URL: 'ws://127.0.0.1:<port>/…' }`. */
  env(): Record<string, string> {
    return { WS_URL: this.url }
  }

  /**
   * A client of its own for one test, connected to this server (`await using client = await server.isolated()`
   * closes it).
   */
  async isolated(opts: ConnectOptions = {}): Promise<WsClient> {
    this.#life.assertRunning('isolated')
    return connect(this.url, opts)
  }

  #handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.path !== undefined) {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname
      if (pathname !== this.path) {
        // On a shared server other upgrade handlers may own this path.
        if (this.#owned) rejectUpgrade(socket, 404)
        return
      }
    }
    const authorize = this.#opts.authorize
    if (!authorize && !this.#down && !this.#paused && this.#life.isRunning) {
      // the hot path: ws takes the socket (and its errors) at once, nothing is allocated here
      this.wss.handleUpgrade(req, socket, head, this.#onAccepted)
      return
    }
    // the socket waits (held, authorize) or is refused: its errors must not crash the process
    socket.on('error', ignoreSocketError)
    if (this.#down || !this.#life.isRunning) {
      rejectUpgrade(socket, 503)
      return
    }
    if (this.#paused) {
      // like a stopped process: the TCP connection is there, the handshake is not answered
      this.#held.push(() => this.#handleUpgrade(req, socket, head))
      return
    }
    Promise.resolve()
      .then(() => authorize?.(req))
      .then(
        (verdict) => {
          if (verdict === true) this.wss.handleUpgrade(req, socket, head, this.#onAccepted)
          else rejectUpgrade(socket, typeof verdict === 'number' ? verdict : 401)
        },
        (err) => {
          this.errors.push(err)
          rejectUpgrade(socket, 500)
        },
      )
  }

  /**
   * The next accepted connection not yet returned by this method (FIFO, including connections accepted
   * before the call), optionally the next one matching `filter`. Of the connections that closed before
   * anyone claimed them, the 1,000 accepted last are kept.
   */
  expectConnection(
    opts: { timeoutMs?: number; filter?: (conn: ServerConnection) => boolean } = {},
  ): Promise<ServerConnection> {
    this.#life.assertRunning('expectConnection')
    const timeoutMs = opts.timeoutMs ?? this.#opts.expectTimeoutMs ?? DEFAULT_EXPECT_TIMEOUT_MS
    return this.#connections.expectConnection(timeoutMs, opts.filter, () => this.url)
  }

  /**
   * The server side of a harness client connected to this server (matched by TCP port), or undefined.
   * Available as soon as `connect()` resolved.
   */
  connectionOf(client: { localPort: number | undefined }): ServerConnection | undefined {
    if (client.localPort === undefined) return undefined
    return this.#connections.byRemotePort(client.localPort)
  }

  /** Waits until exactly `count` connections are open. */
  waitForClients(count: number, opts: { timeoutMs?: number } = {}): Promise<void> {
    this.#life.assertRunning('waitForClients')
    const timeoutMs = opts.timeoutMs ?? this.#opts.expectTimeoutMs ?? DEFAULT_EXPECT_TIMEOUT_MS
    return this.#connections.waitForCount(count, timeoutMs, () => this.url)
  }

  /**
   * Sends one message to every open connection (or those `filter` accepts); returns how many got it.
   * Strings go as text, Buffers/Uint8Arrays as binary, anything else as JSON text. Encoded once.
   */
  broadcast(data: unknown, filter?: (conn: ServerConnection) => boolean): number {
    return broadcast(this.#connections.open, data, filter)
  }

  /**
   * Disconnects some clients server-side: with `code` by a close handshake (clients see that code and
   * `reason`), without it by cutting the TCP connection (clients see 1006). Resolves once they are closed;
   * returns how many were dropped.
   */
  async drop(target: DropTarget, code?: number, reason?: string, opts: DropOptions = {}): Promise<number> {
    checkOptions('drop()', opts, DROP_OPTIONS)
    const conns = selectConnections(target, this.#connections.open)
    return dropConnections(conns, code, reason, opts.timeoutMs ?? DEFAULT_DROP_TIMEOUT_MS)
  }

  /** Drops every open connection (see {@link drop}). */
  dropAll(code?: number, reason?: string, opts?: DropOptions): Promise<number> {
    return this.drop(this.#connections.open, code, reason, opts)
  }

  async #goDown(code?: number, reason?: string): Promise<void> {
    this.#down = true
    this.#paused = false
    for (const h of this.#held.splice(0)) h() // answered with 503 now
    if (this.#owned && this.httpServer.listening) {
      const closed = new Promise<void>((resolve) => this.httpServer.close(() => resolve()))
      await this.dropAll(code, reason)
      this.httpServer.closeAllConnections()
      await closed
    } else {
      await this.dropAll(code, reason)
    }
  }

  /** True between `pause()` and `resume()`. */
  get isPaused(): boolean {
    return this.#paused
  }

  /**
   * Simulates a hung server (like SIGSTOP): stops reading from every connection (no messages handled, no
   * pongs) and leaves new handshakes unanswered until `resume()`. Clients see timeouts, not closes.
   */
  async pause(): Promise<void> {
    this.#life.assertRunning('pause')
    if (this.#paused) return
    this.#paused = true
    for (const c of this.#connections.open) c.socket.pause()
  }

  /** Continues after `pause()`: buffered messages are handled, held handshakes answered. */
  async resume(): Promise<void> {
    this.#life.assertRunning('resume')
    if (!this.#paused) return
    this.#paused = false
    for (const c of this.#connections.open) c.socket.resume()
    for (const h of this.#held.splice(0)) h()
  }

  /**
   * Simulates a crash: cuts every connection and stops listening (attached servers answer 503).
   * `restart()` brings it back on the same port.
   */
  async kill(): Promise<void> {
    this.#life.assertRunning('kill')
    await this.#goDown()
  }

  /**
   * Restarts on the same port: drops every client (cut, or closed with `code`), stops listening for
   * `downtimeMs`, then listens again. Clients see a close and must reconnect.
   */
  async restart(opts: RestartOptions = {}): Promise<void> {
    this.#life.assertRunning('restart')
    checkOptions('restart()', opts, RESTART_OPTIONS)
    await this.#goDown(opts.code, opts.reason)
    if (opts.downtimeMs) await sleep(opts.downtimeMs)
    if (this.#owned) await listenAgain(this.httpServer, this.#port, this.host, LISTEN_TIMEOUT_MS)
    this.#down = false
    this.#restarts++
    debug?.(`restarted on port ${this.#port} (restart ${this.#restarts})`)
  }

  /**
   * Stops for good: closes clients with 1001 (cut after `timeoutMs`, default 1 000), stops listening (or
   * detaches from your server, which keeps running). Idempotent; anything else afterwards throws
   * `FixtureStateError`.
   */
  stop(opts: DropOptions = {}): Promise<void> {
    checkOptions('stop()', opts, DROP_OPTIONS)
    return this.#life.stopOnce(() => this.#stop(opts))
  }

  async #stop(opts: DropOptions): Promise<void> {
    this.#paused = false
    for (const h of this.#held.splice(0)) h() // answered with 503 now
    this.#heartbeat.stop()
    this.httpServer.off('upgrade', this.#onUpgrade)
    const closed =
      this.#owned && this.httpServer.listening
        ? new Promise<void>((resolve) => this.httpServer.close(() => resolve()))
        : Promise.resolve()
    await this.dropAll(1001, 'server stopping', { timeoutMs: opts.timeoutMs ?? 1_000 })
    if (this.#owned) this.httpServer.closeAllConnections()
    await closed
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

/** Starts a real WebSocket server (see {@link WsServerOptions}); resolves once it listens. */
export async function startWsServer(opts: WsServerOptions = {}): Promise<WsServer> {
  validateServerOptions(opts)
  const server = new WsServer(opts)
  try {
    await server.listen()
  } catch (err) {
    await server.stop()
    throw err
  }
  return server
}
