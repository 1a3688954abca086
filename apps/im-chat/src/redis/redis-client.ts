import { Redis, type RedisOptions } from 'ioredis'

export type RedisTarget =
  | { url: string }
  | { sentinels: { host: string; port: number }[]; name: string; password?: string }

/** Bounded ioredis settings: a command fails after `commandTimeoutMs` instead of waiting for a reconnect. */
export function createRedis(target: RedisTarget, commandTimeoutMs: number, extra: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
    lazyConnect: false,
    ...extra,
  }
  const client =
    'url' in target ? new Redis(target.url, base) : new Redis({ ...base, ...sentinelOptions(target) })
  // connection errors surface on the commands (each under a deadline); the event itself is not a crash
  client.on('error', () => undefined)
  return client
}

function sentinelOptions(target: Extract<RedisTarget, { sentinels: unknown }>): RedisOptions {
  return {
    sentinels: target.sentinels,
    name: target.name,
    password: target.password,
    sentinelPassword: target.password,
    sentinelRetryStrategy: (attempt) => Math.min(100 * attempt, 500),
  }
}
