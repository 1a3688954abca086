import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis'
import {
  ClientRegistry,
  type ConnectTarget,
  createRedisClient,
  formatRedisUrl,
} from '../client/client-factory.js'

/** How `isolated()` separates tests: a logical database of its own, or a key prefix of its own. */
export type Isolation = 'db' | 'prefix'

/**
 * An isolated slice of a Redis deployment for one test: its own keys, released (deleted) by `release()` or
 * `await using`. `C` is the client type (`Redis` for a server or a sentinel group, `Cluster` for a cluster).
 */
export interface RedisKeyspace<C = Redis, O = RedisOptions> extends AsyncDisposable {
  /**
   * Key prefix every key of this namespace must carry: `''` with DB isolation, `infra:<id>:` with prefix
   * isolation (the clients from `client()` add it themselves through ioredis `keyPrefix`).
   */
  readonly prefix: string
  /** `db` (own logical database) or `prefix` (shared keyspace, own key prefix). */
  readonly mode: Isolation
  /** A new ioredis client bound to this namespace; closed on `release()`. */
  client(options?: O): C
  /** `prefix + name`: the full key name as stored on the server. */
  key(name: string): string
  /**
   * The keys of this namespace that match `pattern` (a `KEYS`/`SCAN` glob, without the prefix), named
   * without the prefix, sorted: the same answer in `db` and `prefix` mode. (ioredis' `keyPrefix` does not
   * apply to `KEYS`/`SCAN` patterns, so `client().keys('user:*')` finds nothing in prefix mode; with your own
   * client scan `MATCH ns.key(pattern)` instead.) Uses `SCAN`, not `KEYS`.
   */
  keys(pattern?: string): Promise<string[]>
  /** A pub/sub channel name private to this namespace (pub/sub is server-wide, not per DB). */
  channel(name: string): string
  /** Closes this namespace's clients and deletes its data. Idempotent. */
  release(): Promise<void>
}

/** An isolated slice of one Redis server for one test: its own DB index (local) or key prefix (external). */
export interface RedisNamespace extends RedisKeyspace<Redis, RedisOptions> {
  /** Connection URL including the DB index: hand it to the code under test. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The logical DB of this namespace. */
  readonly db: number
}

/** A sentinel group's namespace: a key prefix; `client()` is sentinel-aware (follows failovers). */
export type RedisSentinelNamespace = RedisKeyspace<Redis, RedisOptions>

/** A cluster's namespace: a key prefix; `client()` is an ioredis `Cluster`. */
export type RedisClusterNamespace = RedisKeyspace<Cluster, ClusterOptions>

type AnyClient = Redis | Cluster

export interface KeyspaceInit<C extends AnyClient, O> {
  mode: Isolation
  prefix: string
  channelPrefix: string
  /** A new client on the keyspace with `options` (the prefix is added by the keyspace). */
  connect: (options: O) => C
  /** Every stored key name matching the glob `match`; `plain()` is a client of the keyspace without prefix. */
  scan: (match: string, plain: () => C) => Promise<string[]>
  /** Deletes the namespace's data (FLUSHDB of its DB, or UNLINK of its prefixed keys). */
  cleanup: () => Promise<void>
}

/** The one implementation of {@link RedisKeyspace}: tracks its clients, scans, releases once. */
export class Keyspace<C extends AnyClient, O extends { keyPrefix?: string }> implements RedisKeyspace<C, O> {
  readonly prefix: string
  readonly mode: Isolation
  private readonly clients = new ClientRegistry<AnyClient>()
  private released: Promise<void> | undefined
  private plain: C | undefined

  constructor(private readonly init: KeyspaceInit<C, O>) {
    this.prefix = init.prefix
    this.mode = init.mode
  }

  client(options?: O): C {
    this.assertOpen()
    const prefixed = { ...(this.prefix ? { keyPrefix: this.prefix } : {}), ...options } as O
    return this.clients.add(this.init.connect(prefixed))
  }

  key(name: string): string {
    return `${this.prefix}${name}`
  }

  async keys(pattern = '*'): Promise<string[]> {
    this.assertOpen()
    // SCAN patterns get no keyPrefix: scan the stored names (which carry the prefix) with a plain client
    const plain = () => (this.plain ??= this.clients.add(this.init.connect({} as O)))
    const found = await this.init.scan(`${escapeGlob(this.prefix)}${pattern}`, plain)
    return [...new Set(found.map((key) => key.slice(this.prefix.length)))].sort()
  }

  channel(name: string): string {
    return `${this.init.channelPrefix}${name}`
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      this.clients.closeAll()
      await this.init.cleanup()
    })()
    return this.released
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release()
  }

  private assertOpen(): void {
    if (this.released) throw new Error('this Redis namespace was released; get a new one with isolated()')
  }
}

export interface NamespaceInit {
  target: ConnectTarget
  db: number
  mode: Isolation
  prefix: string
  channelPrefix: string
  cleanup: () => Promise<void>
}

/** A namespace on one server: a {@link Keyspace} on DB `db` of `target`. */
export class IsolatedNamespace extends Keyspace<Redis, RedisOptions> implements RedisNamespace {
  readonly url: string
  readonly host: string
  readonly port: number
  readonly db: number

  constructor(init: NamespaceInit) {
    const target = { ...init.target, db: init.db }
    super({
      ...init,
      connect: (options) => createRedisClient(target, options),
      scan: (match, plain) => scanAll(plain(), match),
    })
    this.db = init.db
    this.host = init.target.host
    this.port = init.target.port
    this.url = formatRedisUrl(target)
  }
}

/** `text` as a literal in a Redis glob pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}

/** Every key of `conn`'s DB matching `match` (SCAN, 1 000 at a time). */
export async function scanAll(conn: Redis, match: string): Promise<string[]> {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await conn.scan(cursor, 'MATCH', match, 'COUNT', 1000)
    cursor = next
    found.push(...keys)
  } while (cursor !== '0')
  return found
}

/** Deletes every key under `prefix` (SCAN + UNLINK in batches); never touches anything else. */
export async function unlinkPrefix(conn: Redis, prefix: string): Promise<number> {
  const pattern = `${escapeGlob(prefix)}*`
  let cursor = '0'
  let removed = 0
  do {
    const [next, keys] = await conn.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) removed += await conn.unlink(...keys)
  } while (cursor !== '0')
  return removed
}
