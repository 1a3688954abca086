import {
  FixtureLifecycle,
  type FixtureServer,
  type Provider,
  UnsupportedOperationError,
} from '@infra/fixture-core'
import { type ConnectOptions, connect, type WsClient } from '../client/client.js'

/** What `wsGlobalSetup` hands to the workers. */
export interface WsConnectionInfo {
  url: string
  /** Who runs the server: `local` for a server started by the global setup. */
  provider: Provider
}

/**
 * A WebSocket server as a test worker sees it: its URL, the provider of whoever runs it, and a client of its
 * own per test. Both a {@link WsServer} (started in this process) and a worker's handle on a global setup's
 * server ({@link attachWsServer}) are one.
 */
export interface SharedWsServer extends FixtureServer<WsClient> {
  readonly url: string
  isolated(opts?: ConnectOptions): Promise<WsClient>
}

/**
 * A handle on a WebSocket server another process runs (the vitest global setup's): clients, no server-side
 * control — kill/pause/resume/restart throw `UnsupportedOperationError`; `stop()` only ends the handle.
 */
class AttachedWsServer implements SharedWsServer {
  readonly service = 'ws'
  readonly url: string
  readonly provider: Provider
  readonly #life = new FixtureLifecycle('ws')

  constructor(info: WsConnectionInfo) {
    this.url = info.url
    this.provider = info.provider
  }

  env(): Record<string, string> {
    return { WS_URL: this.url }
  }

  async isolated(opts: ConnectOptions = {}): Promise<WsClient> {
    this.#life.assertRunning('isolated')
    return connect(this.url, opts)
  }

  async #notHere(operation: string): Promise<never> {
    this.#life.assertRunning(operation)
    throw new UnsupportedOperationError(
      'ws',
      operation,
      this.provider,
      'the server belongs to the global setup process; start your own (wsServer, startWsServer()) to control it',
    )
  }

  kill(): Promise<void> {
    return this.#notHere('kill')
  }
  pause(): Promise<void> {
    return this.#notHere('pause')
  }
  resume(): Promise<void> {
    return this.#notHere('resume')
  }
  restart(): Promise<void> {
    return this.#notHere('restart')
  }

  stop(): Promise<void> {
    return this.#life.stopOnce(async () => {})
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }
}

/** A worker's handle on the server a global setup provided (`inject('infraWs')`). */
export function attachWsServer(info: WsConnectionInfo): SharedWsServer {
  return new AttachedWsServer(info)
}
