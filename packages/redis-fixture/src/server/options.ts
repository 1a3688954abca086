import { check, InvalidOptionsError, type OptionCheck, type OptionSchema } from '@infra/fixture-core'
import { parseVersionSpec } from '../node/servers.js'

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
  /**
   * Which server to start when several are installed (local provider): `'7'`, `'6.2'`, `'7.0.15'`,
   * `'redis-6.2'`, `'valkey'`, `'valkey-8.1'` — the newest match of `$REDIS_SERVER_BIN`, PATH, well-known
   * dirs and `tooling/redis/fetch-servers.sh`'s installs. Default: `$REDIS_SERVER_BIN` → PATH (Debian's 7.0).
   */
  version?: string
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

/** Options of the data nodes (master and replicas) that make sense in a sentinel group. */
export type DataNodeOptions = Pick<
  RedisServerOptions,
  'persistence' | 'appendfsync' | 'maxmemory' | 'maxmemoryPolicy' | 'maxclients' | 'databases' | 'config'
>

const SIZE = /^\d+(?:[kmg]b?)?$/i
const NAME = /^[A-Za-z0-9_.-]+$/

function noNewline(option: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new InvalidOptionsError(option, 'must not contain line breaks')
}

/** A check that also rejects what `fits` says no to (after the type checks of `base`). */
function refine(base: OptionCheck, fits: (value: never, key: string) => void): OptionCheck {
  return (value, key) => {
    base(value, key)
    if (value !== undefined) fits(value as never, key)
  }
}

const ACL_USER: OptionSchema<RedisAclUser> = {
  name: refine(check.string(), (name: string, key) => {
    if (!/^[A-Za-z0-9_.:-]+$/.test(name) || name === 'default') {
      throw new InvalidOptionsError(key, 'expected a user name of [A-Za-z0-9_.:-], not "default"')
    }
  }),
  password: refine(check.string(), (password: string, key) => {
    if (/\s/.test(password))
      throw new InvalidOptionsError(key, 'expected a non-empty string without whitespace')
  }),
  rules: refine(check.string({ allowEmpty: true }), (rules: string, key) => noNewline(key, rules)),
}

/** The options of a data node (a server, or a node of a sentinel group or cluster). */
export const DATA_NODE_OPTIONS: OptionSchema<DataNodeOptions> = {
  persistence: check.oneOf('none', 'rdb', 'aof'),
  appendfsync: check.oneOf('always', 'everysec', 'no'),
  maxmemory: (value: unknown, key: string) => {
    if (value === undefined) return
    const ok =
      (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
      (typeof value === 'string' && SIZE.test(value))
    if (!ok)
      throw new InvalidOptionsError(key, `expected bytes or a size like '32mb', got ${JSON.stringify(value)}`)
  },
  maxmemoryPolicy: check.oneOf(...EVICTION_POLICIES),
  maxclients: check.int(1, 100_000),
  databases: check.int(3, 100_000),
  config: refine(check.configMap(), (config: Record<string, unknown>, key) => {
    for (const [k, v] of Object.entries(config)) {
      if (!/^[a-z][a-z0-9-]*$/.test(k))
        throw new InvalidOptionsError(`${key}.${k}`, 'not a redis.conf directive name')
      noNewline(`${key}.${k}`, String(v))
    }
  }),
}

/** A `version` option: `'7'`, `'6.2'`, `'redis-6.2'`, `'valkey-8'` … */
export const checkVersion = refine(check.string(), (version: string, key) => {
  parseVersionSpec(version, key)
})

/** Every option of {@link RedisServerOptions} and its check (the compiler reports a forgotten key). */
export const SERVER_OPTIONS: OptionSchema<RedisServerOptions> = {
  ...DATA_NODE_OPTIONS,
  provider: check.oneOf('local', 'external'),
  url: refine(check.string(), (url: string, key) => checkRedisUrl(url, key)),
  port: check.port(),
  version: checkVersion,
  password: refine(check.string(), (password: string, key) => noNewline(key, password)),
  users: check.arrayOf(check.object(ACL_USER)),
  isolation: check.oneOf('db', 'prefix'),
  startTimeoutMs: check.ms(),
  stopGraceMs: check.ms({ allowZero: true }),
  name: refine(check.string(), (name: string, key) => {
    if (!NAME.test(name)) throw new InvalidOptionsError(key, 'expected [A-Za-z0-9_.-]+')
  }),
}

/** Throws {@link InvalidOptionsError} unless `url` is a `redis://` or `rediss://` URL. */
export function checkRedisUrl(url: string, option = 'url'): void {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new InvalidOptionsError(option, `not a URL: ${JSON.stringify(url)}`)
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new InvalidOptionsError(option, `expected redis:// or rediss://, got ${u.protocol}`)
  }
}

/** A name (a sentinel master name): `[A-Za-z0-9_.-]+`. */
export const checkName = refine(check.string(), (name: string, key) => {
  if (!NAME.test(name)) throw new InvalidOptionsError(key, 'expected [A-Za-z0-9_.-]+')
})

/** The password of a sentinel group's or cluster's nodes. */
export const checkPassword = SERVER_OPTIONS.password
