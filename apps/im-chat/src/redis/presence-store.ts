import type { Redis } from 'ioredis'
import { withDeadline } from '../errors.js'

export interface PresenceSettings {
  /** How long a heartbeat keeps a user online. */
  presenceTtlMs: number
  /** Messages a user may send per window. */
  rateLimit: number
  rateWindowMs: number
  /** Deadline of every Redis call. */
  timeoutMs: number
}

export const DEFAULT_PRESENCE: PresenceSettings = {
  presenceTtlMs: 30_000,
  rateLimit: 20,
  rateWindowMs: 1_000,
  timeoutMs: 1_000,
}

/** Presence (a key per user with a TTL) and fixed-window rate limits (INCR + PEXPIRE), all with TTLs. */
export class PresenceStore {
  constructor(
    private readonly redis: Redis,
    readonly settings: PresenceSettings = DEFAULT_PRESENCE,
  ) {}

  heartbeat(userId: string): Promise<void> {
    return this.call('presence heartbeat', async () => {
      await this.redis.set(`presence:${userId}`, Date.now().toString(), 'PX', this.settings.presenceTtlMs)
    })
  }

  /** `ttlMs` left, or null when offline. */
  presence(userId: string): Promise<{ online: boolean; ttlMs: number | null }> {
    return this.call('presence read', async () => {
      const ttl = await this.redis.pttl(`presence:${userId}`)
      return ttl > 0 ? { online: true, ttlMs: ttl } : { online: false, ttlMs: null }
    })
  }

  /** Counts one message; true when the user is still within the limit. */
  allowMessage(userId: string): Promise<boolean> {
    return this.call('rate limit', async () => {
      const window = Math.floor(Date.now() / this.settings.rateWindowMs)
      const key = `rate:${userId}:${window}`
      const result = await this.redis.multi().incr(key).pexpire(key, this.settings.rateWindowMs).exec()
      const count = Number(result?.[0]?.[1] ?? 0)
      return count <= this.settings.rateLimit
    })
  }

  ping(): Promise<void> {
    return this.call('ping', async () => {
      await this.redis.ping()
    })
  }

  private call<T>(what: string, work: () => Promise<T>): Promise<T> {
    return withDeadline('redis', what, this.settings.timeoutMs, work)
  }
}
