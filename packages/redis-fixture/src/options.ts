import { InvalidOptionsError } from '@infra/fixture-core'

export const EVICTION_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number]

export type Persistence = 'none' | 'rdb' | 'aof'

/** An extra ACL user: `rules` default to full access (`~* &* +@all`). */
export interface RedisAclUser {
  name: string
  password: string
  rules?: string
}

export interface RedisServerOptions {
  /**
   * `local` (default): own redis-server on 127.0.0.1 and an ephemeral port. `external`: use the server at
   * `url` / `$INFRA_REDIS_URL` (never flushed; isolation by key prefix). Default: `external` when
   * `$INFRA_REDIS_URL` is set, else `local`.
   */
  provider?: 'local' | 'external'
  /** External provider: server URL (default `$INFRA_REDIS_URL`). */
  url?: string
  /** Fixed port (default: ephemeral, retried on "address in use"). */
  port?: number
  /** `none` (default, pure in-memory), `rdb` (snapshot on graceful stop) or `aof` (append-only file). */
  persistence?: Persistence
  /** AOF fsync policy (default `everysec`). */
  appendfsync?: 'always' | 'everysec' | 'no'
  /** Password of the `default` user (`requirepass`). */
  password?: string
  /** Extra ACL users. */
  users?: readonly RedisAclUser[]
  /** `maxmemory`, e.g. `'32mb'` or a number of bytes. */
  maxmemory?: string | number
  /** `maxmemory-policy` (default `noeviction`). */
  maxmemoryPolicy?: EvictionPolicy
  /** `maxclients`: exercise pool exhaustion. The fixture's own admin connection counts as one. */
  maxclients?: number
  /**
   * Number of logical databases (default 256). DB 0 is `client()`'s, the last one holds the isolation
   * pool's bookkeeping, the rest are handed out by `isolated()`.
   */
  databases?: number
  /** Extra `redis.conf` directives, e.g. `{ 'notify-keyspace-events': 'Ex' }`. */
  config?: Readonly<Record<string, string | number | boolean>>
  /**
   * How `isolated()` separates tests: `db` (default for local servers: a logical DB per test, FLUSHDB on
   * release) or `prefix` (a key prefix per test; the only mode for external servers).
   */
  isolation?: 'db' | 'prefix'
  /** Start timeout (default 20 000 ms). */
  startTimeoutMs?: number
  /** Graceful stop grace period before SIGKILL (default 5 000 ms). */
  stopGraceMs?: number
  /** Service name in logs/errors and DEBUG namespace `infra:<name>` (default `redis`). */
  name?: string
}

const SIZE = /^\d+(?:[kmg]b?)?$/i

/** Throws {@link InvalidOptionsError} unless `value` is undefined or an integer in `min..max`. */
export function intInRange(option: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionsError(option, `expected an integer ${min}..${max}, got ${JSON.stringify(value)}`)
  }
}

function positiveInt(option: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void {
  intInRange(option, value, 1, max)
}

function noNewline(option: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new InvalidOptionsError(option, 'must not contain line breaks')
}

/** Validates the data-node options of a cluster or sentinel group, with the group's password. */
export function validateDataNodeOptions(server: object | undefined, password: string | undefined): void {
  validateServerOptions({ ...(server ?? {}), ...(password !== undefined ? { password } : {}) })
}

/** Checks options before anything starts; throws {@link InvalidOptionsError} naming the bad option. */
export function validateServerOptions(o: RedisServerOptions): void {
  if (o === null || typeof o !== 'object') throw new InvalidOptionsError('options', 'expected an object')
  if (o.provider !== undefined && o.provider !== 'local' && o.provider !== 'external') {
    throw new InvalidOptionsError(
      'provider',
      `expected 'local' or 'external', got ${JSON.stringify(o.provider)}`,
    )
  }
  if (o.url !== undefined) {
    let u: URL
    try {
      u = new URL(o.url)
    } catch {
      throw new InvalidOptionsError('url', `not a URL: ${JSON.stringify(o.url)}`)
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
      throw new InvalidOptionsError('url', `expected redis:// or rediss://, got ${u.protocol}`)
    }
  }
  positiveInt('port', o.port, 65535)
  if (o.persistence !== undefined && !['none', 'rdb', 'aof'].includes(o.persistence)) {
    throw new InvalidOptionsError(
      'persistence',
      `expected 'none', 'rdb' or 'aof', got ${JSON.stringify(o.persistence)}`,
    )
  }
  if (o.appendfsync !== undefined && !['always', 'everysec', 'no'].includes(o.appendfsync)) {
    throw new InvalidOptionsError(
      'appendfsync',
      `expected 'always', 'everysec' or 'no', got ${JSON.stringify(o.appendfsync)}`,
    )
  }
  if (o.password !== undefined) {
    if (typeof o.password !== 'string' || o.password.length === 0) {
      throw new InvalidOptionsError('password', 'expected a non-empty string')
    }
    noNewline('password', o.password)
  }
  for (const [i, u] of (o.users ?? []).entries()) {
    if (!u || typeof u.name !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(u.name) || u.name === 'default') {
      throw new InvalidOptionsError(
        `users[${i}].name`,
        'expected a user name of [A-Za-z0-9_.:-], not "default"',
      )
    }
    if (typeof u.password !== 'string' || u.password.length === 0 || /\s/.test(u.password)) {
      throw new InvalidOptionsError(`users[${i}].password`, 'expected a non-empty string without whitespace')
    }
    if (u.rules !== undefined) noNewline(`users[${i}].rules`, u.rules)
  }
  if (o.maxmemory !== undefined) {
    const ok =
      (typeof o.maxmemory === 'number' && Number.isInteger(o.maxmemory) && o.maxmemory >= 0) ||
      (typeof o.maxmemory === 'string' && SIZE.test(o.maxmemory))
    if (!ok)
      throw new InvalidOptionsError(
        'maxmemory',
        `expected bytes or a size like '32mb', got ${JSON.stringify(o.maxmemory)}`,
      )
  }
  if (o.maxmemoryPolicy !== undefined && !EVICTION_POLICIES.includes(o.maxmemoryPolicy)) {
    throw new InvalidOptionsError('maxmemoryPolicy', `expected one of ${EVICTION_POLICIES.join(', ')}`)
  }
  positiveInt('maxclients', o.maxclients, 100_000)
  if (o.databases !== undefined) {
    positiveInt('databases', o.databases, 100_000)
    if (o.databases < 3)
      throw new InvalidOptionsError('databases', 'needs at least 3 (DB 0, the pool, the pool bookkeeping)')
  }
  if (o.isolation !== undefined && o.isolation !== 'db' && o.isolation !== 'prefix') {
    throw new InvalidOptionsError(
      'isolation',
      `expected 'db' or 'prefix', got ${JSON.stringify(o.isolation)}`,
    )
  }
  positiveInt('startTimeoutMs', o.startTimeoutMs)
  if (o.stopGraceMs !== undefined && !(Number.isFinite(o.stopGraceMs) && o.stopGraceMs >= 0)) {
    throw new InvalidOptionsError('stopGraceMs', `expected a finite number >= 0, got ${o.stopGraceMs}`)
  }
  for (const [k, v] of Object.entries(o.config ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(k))
      throw new InvalidOptionsError(`config.${k}`, 'not a redis.conf directive name')
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new InvalidOptionsError(`config.${k}`, 'expected a string, number or boolean')
    }
    noNewline(`config.${k}`, String(v))
  }
  if (o.name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(o.name)) {
    throw new InvalidOptionsError('name', 'expected [A-Za-z0-9_.-]+')
  }
}
