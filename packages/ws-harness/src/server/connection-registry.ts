import { WaitTimeoutError } from '@infra/fixture-core'
import type { ServerConnection } from './server-connection.js'

/** How many closed connections that `expectConnection` never claimed a server keeps for it. */
export const KEPT_CLOSED_UNCLAIMED = 1_000

/**
 * The server's open connections, in order of acceptance, plus the waits on them: the FIFO of accepted
 * connections not yet handed out by `expectConnection`, and waits for a given number of open ones.
 * An unclaimed connection stays in that FIFO after it closes (a test may claim a client that came and
 * went), but only the latest {@link KEPT_CLOSED_UNCLAIMED} closed ones: a long-lived shared server
 * whose tests never call `expectConnection` does not grow without bound.
 */
export class ConnectionRegistry {
  /** Open connections, in order of acceptance. */
  readonly open = new Set<ServerConnection>()
  #accepted = 0
  #unclaimed: ServerConnection[] = []
  /** The unclaimed connections that have closed. */
  #closedUnclaimed = new Set<ServerConnection>()
  #unclaimedSet = new Set<ServerConnection>()
  #connWaiters: (() => void)[] = []
  #sizeWaiters: (() => void)[] = []

  constructor(private readonly keepClosedUnclaimed = KEPT_CLOSED_UNCLAIMED) {}

  /** How many connections were accepted so far. */
  get acceptedCount(): number {
    return this.#accepted
  }

  /** The id of the next accepted connection (1-based). */
  nextId(): number {
    return ++this.#accepted
  }

  /** Counts a just-accepted connection as open. */
  add(conn: ServerConnection): void {
    this.open.add(conn)
  }

  /** Offers a (wired) connection to `expectConnection` and wakes the waits. */
  announce(conn: ServerConnection): void {
    this.#unclaimed.push(conn)
    this.#unclaimedSet.add(conn)
    // no copy of the (usually empty) waiter lists per connection
    if (this.#connWaiters.length > 0) for (const w of this.#connWaiters.slice()) w()
    this.countChanged()
  }

  /** Forgets a closed connection (call {@link countChanged} once its close is recorded). */
  delete(conn: ServerConnection): void {
    this.open.delete(conn)
    if (!this.#unclaimedSet.has(conn)) return
    this.#closedUnclaimed.add(conn)
    if (this.#closedUnclaimed.size > this.keepClosedUnclaimed) this.#forgetOldestClosed()
  }

  /** How many accepted connections `expectConnection` could still hand out. */
  get unclaimedCount(): number {
    return this.#unclaimed.length
  }

  /** Drops the closed unclaimed connection accepted first (the FIFO stays in order of acceptance). */
  #forgetOldestClosed(): void {
    // in a long-lived server the front of the FIFO is closed connections: the scan ends early
    const i = this.#unclaimed.findIndex((c) => this.#closedUnclaimed.has(c))
    if (i < 0) return
    const [oldest] = this.#unclaimed.splice(i, 1) as [ServerConnection]
    this.#closedUnclaimed.delete(oldest)
    this.#unclaimedSet.delete(oldest)
  }

  /** Wakes the waits for a number of open connections. */
  countChanged(): void {
    if (this.#sizeWaiters.length > 0) for (const w of this.#sizeWaiters.slice()) w()
  }

  /** The open connection whose client uses TCP port `port`. */
  byRemotePort(port: number): ServerConnection | undefined {
    for (const c of this.open) if (c.remotePort === port) return c
    return undefined
  }

  /** The next unclaimed connection (optionally matching `filter`); `url()` names the server in a timeout. */
  expectConnection(
    timeoutMs: number,
    filter: ((conn: ServerConnection) => boolean) | undefined,
    url: () => string,
  ): Promise<ServerConnection> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const i = filter ? this.#unclaimed.findIndex(filter) : this.#unclaimed.length ? 0 : -1
        if (i < 0) return false
        const [conn] = this.#unclaimed.splice(i, 1) as [ServerConnection]
        this.#unclaimedSet.delete(conn)
        this.#closedUnclaimed.delete(conn)
        resolve(conn)
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
          new WaitTimeoutError(`a new connection on ${url()}`, timeoutMs, {
            detail: `Accepted so far: ${this.#accepted}; open now: ${this.open.size}.`,
          }),
        )
      }, timeoutMs)
      this.#connWaiters.push(waiter)
    })
  }

  /** Waits until exactly `count` connections are open. */
  waitForCount(count: number, timeoutMs: number, url: () => string): Promise<void> {
    if (this.open.size === count) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (this.open.size !== count) return
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
          new WaitTimeoutError(`${count} open connection(s) on ${url()}`, timeoutMs, {
            detail: `Open now: ${this.open.size}.`,
          }),
        )
      }, timeoutMs)
      this.#sizeWaiters.push(waiter)
    })
  }
}
