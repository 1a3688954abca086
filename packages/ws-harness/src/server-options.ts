import http, { type IncomingMessage } from 'node:http'
import { InvalidOptionsError } from '@infra/fixture-core'
import type { ServerOptions } from 'ws'
import type { ServerConnection } from './server-connection.js'

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

/** Throws {@link InvalidOptionsError} before anything starts. */
export function validateServerOptions(o: WsServerOptions): void {
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
