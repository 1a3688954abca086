import { randomUUID } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'

type RedisLike = Redis | Cluster

export interface TwoLevelCacheOptions {
  /** Commands (GET/SET/DEL/PUBLISH). A cluster client is fine: every command names one key. */
  redis: RedisLike
  /** A second connection for SUBSCRIBE (a subscribed connection can run nothing else). */
  subscriber: RedisLike
  /** The pub/sub channel on which instances tell each other which keys changed. */
  channel: string
  /** Seconds a value lives in Redis. Default 300. */
  ttlSeconds?: number
  /** Milliseconds a value lives in this instance's memory. Default 30 000. */
  localTtlMs?: number
}

/** The cache's own counters: the hit ratio is computed from these, never from outside. */
export interface CacheMetrics {
  localHits: number
  remoteHits: number
  misses: number
  invalidationsSent: number
  invalidationsReceived: number
  /** Redis commands that failed (the read then went to the loader). */
  redisErrors: number
  /** (localHits + remoteHits) / reads; 0 before the first read. */
  hitRatio: number
}

/**
 * Read-through cache in two levels: this process's memory, then Redis, then the loader (the database).
 * A write through `invalidate` deletes the Redis key and publishes the key, so every other instance drops
 * it from memory too. When Redis fails the read falls back to the loader and counts the error.
 */
export class TwoLevelCache<T> {
  readonly origin = randomUUID()
  readonly #local = new Map<string, { value: T; expires: number }>()
  readonly #opts: Required<TwoLevelCacheOptions>
  #counts = emptyCounts()

  constructor(options: TwoLevelCacheOptions) {
    this.#opts = { ttlSeconds: 300, localTtlMs: 30_000, ...options }
  }

  /** Subscribes to the invalidation channel; resolves once the subscription is active. */
  async start(): Promise<void> {
    this.#opts.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#opts.channel) return
      const { key, origin } = JSON.parse(message) as { key: string; origin: string }
      if (origin === this.origin) return
      this.#counts.invalidationsReceived++
      this.#local.delete(key)
    })
    await this.#opts.subscriber.subscribe(this.#opts.channel)
  }

  async get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const local = this.#local.get(key)
    if (local && local.expires > Date.now()) {
      this.#counts.localHits++
      return local.value
    }
    const cached = await this.#redis((r) => r.get(key))
    if (cached != null) {
      this.#counts.remoteHits++
      const value = JSON.parse(cached) as T
      this.#remember(key, value)
      return value
    }
    this.#counts.misses++
    const value = await load()
    if (value !== undefined) {
      this.#remember(key, value)
      await this.#redis((r) => r.set(key, JSON.stringify(value), 'EX', this.#opts.ttlSeconds))
    }
    return value
  }

  /** Call after writing `key`'s source: drops it here, in Redis, and (via pub/sub) in every other instance. */
  async invalidate(key: string): Promise<void> {
    this.#local.delete(key)
    await this.#redis((r) => r.del(key))
    await this.#redis((r) => r.publish(this.#opts.channel, JSON.stringify({ key, origin: this.origin })))
    this.#counts.invalidationsSent++
  }

  /** Whether `key` is in this instance's memory (for tests and diagnostics). */
  hasLocal(key: string): boolean {
    return this.#local.has(key)
  }

  metrics(): CacheMetrics {
    const c = this.#counts
    const reads = c.localHits + c.remoteHits + c.misses
    return { ...c, hitRatio: reads === 0 ? 0 : (c.localHits + c.remoteHits) / reads }
  }

  resetMetrics(): void {
    this.#counts = emptyCounts()
  }

  async stop(): Promise<void> {
    await this.#opts.subscriber.unsubscribe(this.#opts.channel).catch(() => {})
  }

  #remember(key: string, value: T): void {
    this.#local.set(key, { value, expires: Date.now() + this.#opts.localTtlMs })
  }

  async #redis<R>(command: (redis: RedisLike) => Promise<R>): Promise<R | undefined> {
    try {
      return await command(this.#opts.redis)
    } catch {
      this.#counts.redisErrors++
      return undefined
    }
  }
}

function emptyCounts() {
  return {
    localHits: 0,
    remoteHits: 0,
    misses: 0,
    invalidationsSent: 0,
    invalidationsReceived: 0,
    redisErrors: 0,
  }
}
