import type { Redis } from 'ioredis'
import type { OrderResult } from '../db/orders-repository.js'

/** The Redis idempotency record at `<prefix>idem:<key>`. */
export type IdempotencyRecord =
  | { state: 'pending'; fingerprint: string }
  | { state: 'done'; fingerprint: string; result: OrderResult }

export interface RedisStoreOptions {
  /** Key prefix (a test's namespace prefix, or '' with a database of its own). */
  prefix: string
  /** TTL of a `pending` claim: a crashed executor's claim expires. */
  pendingTtlMs: number
  /** TTL of a `done` record: how long duplicates are answered from Redis. */
  resultTtlSeconds: number
}

/**
 * The fast idempotency store. Every call may throw when Redis is down or hangs (the client has no offline
 * queue and a command timeout): the service then falls back to Postgres.
 */
export class RedisIdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStoreOptions,
  ) {}

  key(idempotencyKey: string): string {
    return `${this.options.prefix}idem:${idempotencyKey}`
  }

  /** Claims the key (SET NX): `claimed`, or the record another submission left. */
  async claim(
    idempotencyKey: string,
    fingerprint: string,
  ): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord | undefined }> {
    const pending: IdempotencyRecord = { state: 'pending', fingerprint }
    const key = this.key(idempotencyKey)
    const ok = await this.redis.set(key, JSON.stringify(pending), 'PX', this.options.pendingTtlMs, 'NX')
    if (ok === 'OK') return { claimed: true }
    return { claimed: false, record: await this.get(idempotencyKey) }
  }

  async get(idempotencyKey: string): Promise<IdempotencyRecord | undefined> {
    const raw = await this.redis.get(this.key(idempotencyKey))
    return raw === null ? undefined : (JSON.parse(raw) as IdempotencyRecord)
  }

  /** Stores the result for duplicates, with the result TTL. */
  async complete(idempotencyKey: string, fingerprint: string, result: OrderResult): Promise<void> {
    const done: IdempotencyRecord = { state: 'done', fingerprint, result }
    await this.redis.set(this.key(idempotencyKey), JSON.stringify(done), 'EX', this.options.resultTtlSeconds)
  }

  /** Drops a claim that was never completed (the execution failed), so a retry may run. */
  async release(idempotencyKey: string): Promise<void> {
    await this.redis.del(this.key(idempotencyKey))
  }
}
