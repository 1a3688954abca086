import http, { type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { InvalidOptionsError, LOOPBACK, PortInUseError, WaitTimeoutError } from '@infra/fixture-core'
import WebSocket, { type ServerOptions, WebSocketServer } from 'ws'
import { DEFAULT_EXPECT_TIMEOUT_MS, MessageInbox } from './inbox.js'
import { toBuffer } from './message.js'
import { ServerConnection } from './server-connection.js'

export interface WsServerOptions {
  /**
   * Called for every accepted connection. Without it the server echoes every message back
   * (set `echo` to change that).
   */
  onConnection?: (conn: ServerConnection, request: IncomingMessage) => void | Promise<void>
  /** Only accept upgrades on this path (e.g. `/ws`); other paths get 404. Default: any path. */
  path?: string
  /** Attach to an existing (listening) HTTP server instead of starting one. */
  server?: http.Server
  /** Fixed port (default: an ephemeral one chosen by the kernel). Ignored with `server`. */
  port?: number
  /** Bind address. Default 127.0.0.1. */
  host?: string
  /** Echo every message back to its sender. Default: true when there is no `onConnection`. */
  echo?: boolean
  /**
   * Decides on each upgrade: `true` accepts, `false` answers 401, a number answers that HTTP status.
   * Use it to test authentication (headers, query tokens).
   */
  authorize?: (request: IncomingMessage) => boolean | number | Promise<boolean | number>
  /** Picks the subprotocol from the client's offer (default: the first offered). */
  handleProtocols?: (protocols: Set<string>, request: IncomingMessage) => string | false
  /**
   * Server heartbeat: ping every client every `heartbeatMs` and terminate those that did not answer the
   * previous ping. Off by default.
   */
  heartbeatMs?: number
  /** Default timeout of server-side connection expectations (ms). Default 3 000. */
  expectTimeout?: number
  /** Keep what clients send in each connection's inbox (default true). Turn off for long load runs. */
  record?: boolean
  /** Passed through to `ws`'s WebSocketServer (e.g. `perMessageDeflate`, `maxPayload`). */
  ws?: Omit<ServerOptions, 'server' | 'port' | 'host' | 'noServer' | 'path' | 'handleProtocols'>
}

export interface DropOptions {
  /** How long to wait for the close handshake before terminating (ms). Default 2 000. */
  timeout?: number
}

export interface RestartOptions {
  /** Time the server stays down before listening again (ms). Default 0. */
  downtimeMs?: number
  /** Close clients with this code (clean handshake) instead of cutting connections (clients see 1006). */
  code?: number
  reason?: string
}

type Target = ServerConnection | Iterable<ServerConnection> | ((conn: ServerConnection) => boolean)

const DEFAULT_DROP_TIMEOUT_MS = 2_000

function validate(o: WsServerOptions): void {
  if (o.path !== undefined && (typeof o.path !== 'string' || !o.path.startsWith('/'))) {
    throw new InvalidOptionsError('path', `must start with '/', got ${String(o.path)}`)
  }
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) {
    throw new InvalidOptionsError('port', `expected an integer 0..65535, got ${o.port}`)
  }
  if (o.heartbeatMs !== undefined && !(o.heartbeatMs > 0 && Number.isFinite(o.heartbeatMs))) {
    throw new InvalidOptionsError('heartbeatMs', `expected a finite number > 0, got ${o.heartbeatMs}`)
  }
  if (o.onConnection !== undefined && typeof o.onConnection !== 'function') {
    throw new InvalidOptionsError('onConnection', 'expected a function')
  }
  if (o.server !== undefined && !(o.server instanceof http.Server)) {
    throw new InvalidOptionsError('server', 'expected an http.Server (or https.Server)')
  }
}

function rejectUpgrade(socket: Duplex, status: number): void {
  const text = http.STATUS_CODES[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  )
  setTimeout(() => socket.destroy(), 100).unref()
}

/**
 * A real `ws` WebSocket server on 127.0.0.1 (or attached to your `http.Server`) with server-side control
 * for tests: list, drop and broadcast to clients, restart on the same port, heartbeat, stop.
 * Create with {@link startWsServer}.
 */
export class WsServer implements AsyncDisposable {
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
  #clients = new Set<ServerConnection>()
  #seq = 0
  #unclaimed: ServerConnection[] = []
  #connWaiters: (() => void)[] = []
  #sizeWaiters: (() => void)[] = []
  #alive = new WeakSet<ServerConnection>()
  #heartbeat: NodeJS.Timeout | undefined
  #down = false
  #paused = false
  #held: (() => void)[] = []
  #stopped = false
  #restarts = 0
  #onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void

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
      handleProtocols: opts.handleProtocols ?? ((protocols) => protocols.values().next().value ?? false),
    })
    this.#onUpgrade = (req, socket, head) => this.#handleUpgrade(req, socket, head)
    this.httpServer.on('upgrade', this.#onUpgrade)
    if (opts.heartbeatMs) {
      this.#heartbeat = setInterval(() => this.#beat(), opts.heartbeatMs)
      this.#heartbeat.unref()
    }
  }

  /** @internal */
  async listen(): Promise<void> {
    if (this.#owned) {
      await this.#listenOnce(this.#opts.port ?? 0)
    } else if (!this.httpServer.listening) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new WaitTimeoutError('the attached http.Server to start listening', 5_000)),
          5_000,
        )
        this.httpServer.once('listening', () => {
          clearTimeout(t)
          resolve()
        })
      })
    }
    this.#port = (this.httpServer.address() as AddressInfo).port
  }

  #listenOnce(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        this.httpServer.off('listening', onListening)
        reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, err.message) : err)
      }
      const onListening = () => {
        this.httpServer.off('error', onError)
        resolve()
      }
      this.httpServer.once('error', onError)
      this.httpServer.once('listening', onListening)
      this.httpServer.listen({ port, host: this.host, exclusive: true })
    })
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
    return this.#clients
  }

  /** How many connections were accepted since start (across restarts). */
  get connectionCount(): number {
    return this.#seq
  }

  /** How many times `restart()` ran. */
  get restarts(): number {
    return this.#restarts
  }

  /** False between `kill()` (or a restart's downtime) and the next listen. */
  get isUp(): boolean {
    return !this.#down && !this.#stopped
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
    socket.on('error', () => {})
    if (this.#down || this.#stopped) {
      rejectUpgrade(socket, 503)
      return
    }
    if (this.#paused) {
      // like a stopped process: the TCP connection is there, the handshake is not answered
      this.#held.push(() => this.#handleUpgrade(req, socket, head))
      return
    }
    const accept = () => this.wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req))
    const authorize = this.#opts.authorize
    if (!authorize) {
      accept()
      return
    }
    Promise.resolve()
      .then(() => authorize(req))
      .then(
        (verdict) => {
          if (verdict === true) accept()
          else rejectUpgrade(socket, typeof verdict === 'number' ? verdict : 401)
        },
        (err) => {
          this.errors.push(err)
          rejectUpgrade(socket, 500)
        },
      )
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const id = ++this.#seq
    const inbox = new MessageInbox(
      `server connection #${id} (${req.url ?? '/'})`,
      this.#opts.expectTimeout ?? DEFAULT_EXPECT_TIMEOUT_MS,
    )
    inbox.record = this.#opts.record ?? true
    const conn = new ServerConnection(id, ws, req, `http://${this.host}:${this.#port}`, inbox)
    const fail = (err: unknown) => {
      this.errors.push(err)
      if (ws.readyState === WebSocket.OPEN) ws.close(1011, 'handler error')
    }
    inbox.onListenerError = fail
    this.#clients.add(conn)
    this.#alive.add(conn)
    if (this.#paused) ws.pause()
    const echo = this.#opts.echo ?? !this.#opts.onConnection
    ws.on('message', (data, isBinary) => {
      const buf = toBuffer(data)
      inbox.push(buf, isBinary)
      if (echo && ws.readyState === WebSocket.OPEN) ws.send(buf, { binary: isBinary })
    })
    ws.on('pong', () => this.#alive.add(conn))
    ws.on('error', (err) => this.errors.push(err))
    ws.on('close', (code, reason) => {
      this.#clients.delete(conn)
      inbox.markClosed({ code, reason: reason.toString('utf8') })
      for (const w of this.#sizeWaiters.slice()) w()
    })
    this.#unclaimed.push(conn)
    for (const w of this.#connWaiters.slice()) w()
    for (const w of this.#sizeWaiters.slice()) w()
    const handler = this.#opts.onConnection
    if (handler) {
      try {
        const r = handler(conn, req)
        if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).catch(fail)
      } catch (err) {
        fail(err)
      }
    }
  }

  #beat(): void {
    for (const conn of this.#clients) {
      if (!this.#alive.has(conn)) {
        conn.terminate()
        continue
      }
      this.#alive.delete(conn)
      conn.ping()
    }
  }

  /**
   * The next accepted connection not yet returned by this method (FIFO, including connections accepted
   * before the call), optionally the next one matching `filter`.
   */
  expectConnection(
    opts: { timeout?: number; filter?: (conn: ServerConnection) => boolean } = {},
  ): Promise<ServerConnection> {
    const timeoutMs = opts.timeout ?? this.#opts.expectTimeout ?? DEFAULT_EXPECT_TIMEOUT_MS
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const i = opts.filter ? this.#unclaimed.findIndex(opts.filter) : this.#unclaimed.length ? 0 : -1
        if (i < 0) return false
        const [conn] = this.#unclaimed.splice(i, 1)
        resolve(conn!)
        return true
      }
      if (check()) return
      const waiter = () => {
        if (check()) done()
      }
      const done = () => {
        clearTimeout(timer)
        this.#connWaiters = this.#connWaiters.filter((w) => w !== waiter)
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new WaitTimeoutError(`a new connection on ${this.url}`, timeoutMs, {
            detail: `Accepted so far: ${this.#seq}; open now: ${this.#clients.size}.`,
          }),
        )
      }, timeoutMs)
      this.#connWaiters.push(waiter)
    })
  }

  /**
   * The server side of a harness client connected to this server (matched by TCP port), or undefined.
   * Available as soon as `connect()` resolved.
   */
  connectionOf(client: { localPort: number | undefined }): ServerConnection | undefined {
    if (client.localPort === undefined) return undefined
    for (const c of this.#clients) if (c.remotePort === client.localPort) return c
    return undefined
  }

  /** Waits until exactly `count` connections are open. */
  waitForClients(count: number, opts: { timeout?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeout ?? this.#opts.expectTimeout ?? DEFAULT_EXPECT_TIMEOUT_MS
    if (this.#clients.size === count) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (this.#clients.size !== count) return
        done()
        resolve()
      }
      const done = () => {
        clearTimeout(timer)
        this.#sizeWaiters = this.#sizeWaiters.filter((w) => w !== waiter)
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new WaitTimeoutError(`${count} open connection(s) on ${this.url}`, timeoutMs, {
            detail: `Open now: ${this.#clients.size}.`,
          }),
        )
      }, timeoutMs)
      this.#sizeWaiters.push(waiter)
    })
  }

  /**
   * Sends one message to every open connection (or those `filter` accepts); returns how many got it.
   * Strings go as text, Buffers/Uint8Arrays as binary, anything else as JSON text. Encoded once.
   */
  broadcast(data: unknown, filter?: (conn: ServerConnection) => boolean): number {
    const binary = data instanceof Uint8Array
    const payload = binary
      ? data
      : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8')
    let n = 0
    for (const conn of this.#clients) {
      if (filter && !filter(conn)) continue
      if (conn.socket.readyState !== WebSocket.OPEN) continue
      conn.socket.send(payload, { binary })
      n++
    }
    return n
  }

  #select(target: Target): ServerConnection[] {
    if (target instanceof ServerConnection) return [target]
    if (typeof target === 'function') return [...this.#clients].filter(target)
    return [...target]
  }

  /**
   * Disconnects some clients server-side: with `code` by a close handshake (clients see that code and
   * `reason`), without it by cutting the TCP connection (clients see 1006). Resolves once they are closed;
   * returns how many were dropped.
   */
  async drop(target: Target, code?: number, reason?: string, opts: DropOptions = {}): Promise<number> {
    const conns = this.#select(target).filter((c) => c.socket.readyState !== WebSocket.CLOSED)
    for (const c of conns) {
      if (code === undefined) c.terminate()
      else c.close(code, reason)
    }
    await Promise.all(
      conns.map(async (c) => {
        let timer: NodeJS.Timeout | undefined
        const timedOut = await Promise.race([
          c.closed.then(() => false),
          new Promise<boolean>((r) => {
            timer = setTimeout(() => r(true), opts.timeout ?? DEFAULT_DROP_TIMEOUT_MS)
          }),
        ])
        clearTimeout(timer)
        if (timedOut) {
          c.terminate()
          await c.closed
        }
      }),
    )
    return conns.length
  }

  /** Drops every open connection (see {@link drop}). */
  dropAll(code?: number, reason?: string, opts?: DropOptions): Promise<number> {
    return this.drop(this.#clients, code, reason, opts)
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
    if (this.#stopped || this.#paused) return
    this.#paused = true
    for (const c of this.#clients) c.socket.pause()
  }

  /** Continues after `pause()`: buffered messages are handled, held handshakes answered. */
  async resume(): Promise<void> {
    if (!this.#paused) return
    this.#paused = false
    for (const c of this.#clients) c.socket.resume()
    for (const h of this.#held.splice(0)) h()
  }

  /**
   * Simulates a crash: cuts every connection and stops listening (attached servers answer 503).
   * `restart()` brings it back on the same port.
   */
  async kill(): Promise<void> {
    if (this.#stopped) return
    await this.#goDown()
  }

  /**
   * Restarts on the same port: drops every client (cut, or closed with `code`), stops listening for
   * `downtimeMs`, then listens again. Clients see a close and must reconnect.
   */
  async restart(opts: RestartOptions = {}): Promise<void> {
    if (this.#stopped) throw new InvalidOptionsError('restart', 'the server was stopped; start a new one')
    await this.#goDown(opts.code, opts.reason)
    if (opts.downtimeMs) await sleep(opts.downtimeMs)
    if (this.#owned) {
      const deadline = Date.now() + 5_000
      for (;;) {
        try {
          await this.#listenOnce(this.#port)
          break
        } catch (err) {
          if (!(err instanceof PortInUseError) || Date.now() > deadline) throw err
          await sleep(50)
        }
      }
    }
    this.#down = false
    this.#restarts++
  }

  /**
   * Stops for good: closes clients with 1001 (cut after `timeout`), stops listening (or detaches from
   * your server, which keeps running). Idempotent.
   */
  async stop(opts: DropOptions = {}): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#paused = false
    for (const h of this.#held.splice(0)) h() // answered with 503 now
    clearInterval(this.#heartbeat)
    this.httpServer.off('upgrade', this.#onUpgrade)
    const closed =
      this.#owned && this.httpServer.listening
        ? new Promise<void>((resolve) => this.httpServer.close(() => resolve()))
        : Promise.resolve()
    await this.dropAll(1001, 'server stopping', { timeout: opts.timeout ?? 1_000 })
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
  validate(opts)
  const server = new WsServer(opts)
  try {
    await server.listen()
  } catch (err) {
    await server.stop()
    throw err
  }
  return server
}
