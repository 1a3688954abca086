import { randomUUID } from 'node:crypto'
import type { RedisNamespace } from '@infra/redis-fixture'
import type { ConnectionOptions } from 'bullmq'
import { TaskQueue } from '../../src/index.js'

/** BullMQ connection options for the test's Redis namespace (its own DB). */
export function connectionFor(redis: RedisNamespace): ConnectionOptions & { host: string; port: number } {
  const url = new URL(redis.url)
  return {
    host: redis.host,
    port: redis.port,
    db: redis.db,
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    maxRetriesPerRequest: null,
  }
}

/** A task queue in the test's namespace, closed by the returned `close` (use with try/finally). */
export function queueFor<T, R>(redis: RedisNamespace): TaskQueue<T, R> {
  return new TaskQueue<T, R>({
    connection: connectionFor(redis),
    name: `tasks-${randomUUID().slice(0, 8)}`,
    prefix: `${redis.prefix}bull`,
  })
}
