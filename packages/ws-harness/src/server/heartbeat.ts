import type { ServerConnection } from './server-connection.js'

/**
 * Server-side heartbeat: every `intervalMs`, terminates the connections that did not answer the previous
 * ping and pings the others. Without an interval it only tracks liveness.
 */
export class Heartbeat {
  #alive = new WeakSet<ServerConnection>()
  #timer: NodeJS.Timeout | undefined
  /**
   * Liveness is only read by the beat: without an interval, marking is skipped (one WeakSet insert per
   * connection) and sockets need no pong listener.
   */
  readonly tracking: boolean

  constructor(intervalMs: number | undefined, connections: Iterable<ServerConnection>) {
    this.tracking = !!intervalMs
    if (intervalMs) {
      this.#timer = setInterval(() => this.#beat(connections), intervalMs)
      this.#timer.unref()
    }
  }

  /** A new connection, or one that answered a ping (pong). */
  markAlive(conn: ServerConnection): void {
    if (this.tracking) this.#alive.add(conn)
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  #beat(connections: Iterable<ServerConnection>): void {
    for (const conn of connections) {
      if (!this.#alive.has(conn)) {
        conn.terminate()
        continue
      }
      this.#alive.delete(conn)
      conn.ping()
    }
  }
}
