import http, { type IncomingMessage } from 'node:http'
import { check, checkOptions, InvalidOptionsError, type OptionSchema } from '@infra/fixture-core'
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
  /** Fixed port, 1..65535 (omit it for an ephemeral one chosen by the kernel). Ignored with `server`. */
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
  expectTimeoutMs?: number
  /** Keep what clients send in each connection's inbox (default true). Turn off for long load runs. */
  record?: boolean
  /** Passed through to `ws`'s WebSocketServer (e.g. `perMessageDeflate`, `maxPayload`). */
  ws?: Omit<ServerOptions, 'server' | 'port' | 'host' | 'noServer' | 'path' | 'handleProtocols'>
}

export interface DropOptions {
  /** How long to wait for the close handshake before terminating (ms). Default 2 000 (stop(): 1 000). */
  timeoutMs?: number
}

export interface RestartOptions {
  /** Time the server stays down before listening again (ms). Default 0. */
  downtimeMs?: number
  /** Close clients with this code (clean handshake) instead of cutting connections (clients see 1006). */
  code?: number
  reason?: string
}

const SERVER_OPTIONS: OptionSchema<WsServerOptions> = {
  onConnection: check.func(),
  path: (value, key) => {
    if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/'))) {
      throw new InvalidOptionsError(key, `must start with '/', got ${String(value)}`)
    }
  },
  server: (value, key) => {
    if (value !== undefined && !(value instanceof http.Server)) {
      throw new InvalidOptionsError(key, 'expected an http.Server (or https.Server)')
    }
  },
  port: check.port(),
  host: check.string(),
  echo: check.boolean(),
  authorize: check.func(),
  handleProtocols: check.func(),
  heartbeatMs: check.ms(),
  expectTimeoutMs: check.ms(),
  record: check.boolean(),
  // ws's own server options: ws checks them
  ws: check.any(),
}

export const DROP_OPTIONS: OptionSchema<DropOptions> = { timeoutMs: check.ms({ allowZero: true }) }

export const RESTART_OPTIONS: OptionSchema<RestartOptions> = {
  downtimeMs: check.ms({ allowZero: true }),
  code: check.int(1000, 4999),
  reason: check.string({ allowEmpty: true }),
}

/** Throws {@link InvalidOptionsError} before anything starts (an unknown key names the nearest option). */
export function validateServerOptions(o: WsServerOptions): void {
  checkOptions('startWsServer()', o, SERVER_OPTIONS)
}
