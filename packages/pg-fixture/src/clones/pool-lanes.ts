import type { AdminConnection } from '../connection/admin-connection.js'

/** One piece of the clone pool's background work, run on one lane (admin connection). */
export type LaneJob = (lane: AdminConnection) => Promise<void>

/**
 * The clone pool's lanes: its admin connection plus up to `max - 1` more, opened one at a time when the
 * work calls for them. When the server refuses one (`max_connections` reached by many workers' pools, or
 * the server is down) the job waits for a lane it has and the pool keeps to those until {@link restore}.
 */
export class PoolLanes {
  private readonly idle: AdminConnection[]
  private readonly extra: AdminConnection[] = []
  private readonly inflight = new Set<Promise<void>>()
  private readonly retry: LaneJob[] = []
  private allowed: number
  private busy = 0
  private opening = false

  constructor(
    admin: AdminConnection,
    private readonly connect: (() => AdminConnection) | undefined,
    private readonly max: number,
    private readonly onConnectError: (err: unknown) => void,
  ) {
    this.idle = [admin]
    this.allowed = this.limit()
  }

  private limit(): number {
    return this.connect ? Math.max(1, this.max) : 1
  }

  /** Lanes busy at once at most, now. */
  get parallel(): number {
    return this.allowed
  }

  /** A job may start now: a lane is free, or another may be opened (one at a time). */
  get free(): boolean {
    return this.busy < this.allowed && (this.idle.length > 0 || !this.opening)
  }

  /** A job that could not run for want of a connection, to run before anything else. */
  takeRetry(): LaneJob | undefined {
    return this.retry.shift()
  }

  /** Runs `job` on a free lane (opening one if none is idle); `done` after it, whatever happened. */
  run(job: LaneJob, done: () => void): void {
    this.busy++
    const idle = this.idle.pop()
    if (!idle) this.opening = true
    const work = async () => {
      const lane = idle ?? (await this.open())
      if (!lane) return void this.retry.push(job)
      try {
        await job(lane)
      } finally {
        this.idle.push(lane)
      }
    }
    // jobs report their own failures (the pool's onError); none may leave a rejection behind
    const p: Promise<void> = work()
      .catch(() => {})
      .finally(() => {
        this.busy--
        this.inflight.delete(p)
        done()
      })
    this.inflight.add(p)
  }

  private async open(): Promise<AdminConnection | undefined> {
    const lane = this.connect!()
    try {
      await lane.query('SELECT 1')
    } catch (err) {
      this.allowed = 1 + this.extra.length
      this.onConnectError(err)
      await lane.close().catch(() => {})
      return undefined
    } finally {
      this.opening = false
    }
    this.extra.push(lane)
    return lane
  }

  /** Allows every lane again (after a server restart). */
  restore(): void {
    this.allowed = this.limit()
  }

  /** Forgets the extra connections (after the server was killed or restarted); the next query reconnects. */
  reset(): void {
    for (const lane of this.extra) lane.reset()
  }

  /** Waits for the jobs in flight (and those they start), then closes the extra connections. */
  async close(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
    for (const lane of this.extra.splice(0)) await lane.close().catch(() => {})
  }
}
