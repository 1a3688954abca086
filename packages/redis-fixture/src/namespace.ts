import type { Redis, RedisOptions } from 'ioredis'
import { ClientRegistry, type ConnectTarget, createRedisClient, formatRedisUrl } from './client-factory.js'

/** An isolated slice of a Redis server for one test: its own DB index (local) or key prefix (external). */
export interface RedisNamespace extends AsyncDisposable {
  /** Connection URL including the DB index: hand it to the code under test. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The logical DB of this namespace. */
  readonly db: number
  /**
   * Key prefix every key of this namespace must carry: `''` with DB isolation, `infra:<id>:` with prefix
   * isolation (the clients from `client()` add it themselves through ioredis `keyPrefix`).
   */
  readonly prefix: string
  /** `db` (own logical database) or `prefix` (shared DB, own key prefix). */
  readonly mode: 'db' | 'prefix'
  /** A new ioredis client bound to this namespace; closed on `release()`. */
  client(options?: RedisOptions): Redis
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

export interface NamespaceInit {
  target: ConnectTarget
  db: number
  mode: 'db' | 'prefix'
  prefix: string
  channelPrefix: string
  /** Deletes the namespace's data (FLUSHDB of its DB, or UNLINK of its prefixed keys). */
  cleanup: () => Promise<void>
  connectionName?: string
}

export class IsolatedNamespace implements RedisNamespace {
  readonly url: string
  readonly host: string
  readonly port: number
  readonly db: number
  readonly prefix: string
  readonly mode: 'db' | 'prefix'
  private readonly clients = new ClientRegistry<Redis>()
  private scanClient: Redis | undefined
  private released: Promise<void> | undefined

  constructor(private readonly init: NamespaceInit) {
    this.db = init.db
    this.prefix = init.prefix
    this.mode = init.mode
    this.host = init.target.host
    this.port = init.target.port
    this.url = formatRedisUrl({ ...init.target, db: init.db })
  }

  client(options: RedisOptions = {}): Redis {
    return this.connect({ ...(this.prefix ? { keyPrefix: this.prefix } : {}), ...options })
  }

  /** A tracked client on this namespace's DB (closed on `release()`). */
  private connect(options: RedisOptions): Redis {
    this.assertOpen()
    return this.clients.add(
      createRedisClient(
        { ...this.init.target, db: this.db },
        { ...(this.init.connectionName ? { connectionName: this.init.connectionName } : {}), ...options },
      ),
    )
  }

  private assertOpen(): void {
    if (this.released) throw new Error('this Redis namespace was released; get a new one with isolated()')
  }

  key(name: string): string {
    return `${this.prefix}${name}`
  }

  async keys(pattern = '*'): Promise<string[]> {
    this.assertOpen()
    // a client without keyPrefix: SCAN returns the stored names, which carry the prefix
    this.scanClient ??= this.connect({})
    const found = new Set<string>()
    let cursor = '0'
    do {
      const [next, keys] = await this.scanClient.scan(
        cursor,
        'MATCH',
        `${escapeGlob(this.prefix)}${pattern}`,
        'COUNT',
        1000,
      )
      cursor = next
      for (const key of keys) found.add(key.slice(this.prefix.length))
    } while (cursor !== '0')
    return [...found].sort()
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
}

/** `text` as a literal in a Redis glob pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
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
