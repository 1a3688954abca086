import type { OrderResult, OrdersRepository, StoredResult } from './db/orders-repository.js'
import { planFills } from './domain/fills.js'
import type { Dec } from './domain/money.js'
import { validateKey, validateOrder } from './domain/order.js'
import { IdempotencyConflictError } from './errors.js'
import type { RedisIdempotencyStore } from './idempotency/redis-store.js'
import type { ExecutionMetrics } from './metrics/execution-metrics.js'
import { executionLines } from './metrics/line-protocol.js'

/** What `submit()` answers: the order's result, the same for the original and every duplicate. */
export interface SubmitOutcome {
  result: OrderResult
  /** False for the one submission that executed the order. */
  duplicate: boolean
  /** Which store answered: Redis (a `done` record) or Postgres (executed there, or found there). */
  answeredBy: 'redis' | 'postgres'
  /** True when Redis failed during this submission and Postgres alone decided. */
  degraded: boolean
}

export interface IdempotencyStats {
  executed: number
  duplicates: number
  redisHits: number
  /** Submissions during which a Redis command failed (down, hung, timed out). */
  redisFailures: number
}

export interface TradingServiceOptions {
  feeRate: Dec
  venue: string
  /** How long a duplicate waits for a `pending` claim to complete before asking Postgres. */
  pendingWaitMs: number
  /** Longest wait for one Redis step before Postgres decides alone. */
  redisTimeoutMs: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Idempotent order execution. Postgres decides (`orders.idempotency_key` is UNIQUE and the order and its
 * executions commit in one transaction), so an order executes at most once whatever Redis does; Redis
 * answers duplicates fast and keeps concurrent duplicates off Postgres while it works.
 */
export class TradingService {
  private readonly counts: IdempotencyStats = { executed: 0, duplicates: 0, redisHits: 0, redisFailures: 0 }

  constructor(
    private readonly orders: OrdersRepository,
    private readonly store: RedisIdempotencyStore,
    private readonly metrics: ExecutionMetrics,
    private readonly options: TradingServiceOptions,
  ) {}

  stats(): IdempotencyStats {
    return { ...this.counts }
  }

  async submit(idempotencyKey: unknown, body: unknown): Promise<SubmitOutcome> {
    const key = validateKey(idempotencyKey)
    const order = validateOrder(body)
    const plan = planFills(order, this.options.feeRate)
    let degraded = false
    const redisStep = async <T>(step: () => Promise<T>): Promise<T | undefined> => {
      if (degraded) return undefined
      let timer: NodeJS.Timeout | undefined
      try {
        // a bound of our own besides the client's command timeout: a Redis outage never holds an order
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('Redis did not answer')), this.options.redisTimeoutMs)
        })
        return await Promise.race([step(), timeout])
      } catch {
        degraded = true
        this.counts.redisFailures++
        return undefined
      } finally {
        clearTimeout(timer)
      }
    }

    const claim = await redisStep(() => this.store.claim(key, order.fingerprint))
    if (claim && !claim.claimed) {
      const record = claim.record?.state === 'pending' ? await this.awaitDone(key, redisStep) : claim.record
      if (record?.state === 'done') {
        if (record.fingerprint !== order.fingerprint) throw new IdempotencyConflictError(key)
        this.counts.redisHits++
        this.counts.duplicates++
        return { result: record.result, duplicate: true, answeredBy: 'redis', degraded }
      }
    }

    let outcome: { created: boolean; stored: StoredResult }
    try {
      outcome = await this.orders.executeOnce(key, order, plan)
    } catch (err) {
      if (claim?.claimed) await redisStep(() => this.store.release(key))
      throw err
    }
    const { created, stored } = outcome
    if (stored.fingerprint !== order.fingerprint) throw new IdempotencyConflictError(key)
    const result: OrderResult = { order: stored.order, executions: stored.executions }
    await redisStep(() => this.store.complete(key, stored.fingerprint, result))
    if (created) {
      this.counts.executed++
      this.metrics.record(executionLines(result, this.options.venue))
    } else {
      this.counts.duplicates++
    }
    return { result, duplicate: !created, answeredBy: 'postgres', degraded }
  }

  async find(id: string): Promise<OrderResult | undefined> {
    const stored = await this.orders.findById(id)
    return stored && { order: stored.order, executions: stored.executions }
  }

  /** Polls a `pending` record until it is `done`, gone, or `pendingWaitMs` passed (then Postgres decides). */
  private async awaitDone(
    key: string,
    redisStep: <T>(step: () => Promise<T>) => Promise<T | undefined>,
  ): ReturnType<RedisIdempotencyStore['get']> {
    const deadline = Date.now() + this.options.pendingWaitMs
    while (Date.now() < deadline) {
      await sleep(10)
      const record = await redisStep(() => this.store.get(key))
      if (record?.state !== 'pending') return record
    }
    return undefined
  }
}
