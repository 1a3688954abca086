import { check, checkOptions, InvalidOptionsError, type OptionCheck } from '@infra/fixture-core'
import type { ClickHouseDatabase } from './database/database.js'
import { isXmlTree, type XmlTree, xmlProblem } from './server/xml.js'

/** A migration function: runs against each new database, after the `.sql` files. */
export type ClickHouseMigrate = (db: ClickHouseDatabase) => Promise<void>

export interface ClickHouseOptions {
  /**
   * `local` (default): an own clickhouse-server on 127.0.0.1 and ephemeral ports. `external`: the server at
   * `url` / `$INFRA_CLICKHOUSE_URL`, where only the fixture's own databases are created and dropped.
   * Default: `external` when `url` or `$INFRA_CLICKHOUSE_URL` is set, else `local`.
   */
  provider?: 'local' | 'external'
  /** External provider: `http://user:password@host:8123` (default `$INFRA_CLICKHOUSE_URL`). */
  url?: string
  /**
   * Server settings merged into the generated `config.xml`, e.g. `{ max_concurrent_queries: 20,
   * merge_tree: { parts_to_throw_insert: 600 } }`. Paths, ports, listen host and logger are the fixture's.
   */
  config?: XmlTree
  /**
   * Merged into the generated `users.xml`: `{ profiles: { default: { max_memory_usage: 2e9 } } }` sets a
   * setting for every query; `{ users: { reader: { … } } }` adds a user. The `default` user's password is the
   * fixture's (a random one per server, in `.url`).
   */
  users?: XmlTree
  /**
   * A directory of `.sql` files (lexical order; statements separated by `;`) or a function, applied to every
   * database `database()` creates.
   */
  migrations?: string | ClickHouseMigrate
  /**
   * Databases `database()` keeps ready, made (and migrated) in the background so that a test takes one in
   * about the time of a queue pop. Default 2; 0 makes each one on demand.
   */
  poolSize?: number
  /** Fixed HTTP port (default: ephemeral, retried on "address in use"). The TCP port is always ephemeral. */
  port?: number
  /** Finite start timeout (ms). Default 30 000. */
  startTimeoutMs?: number
  /** Graceful stop grace period before SIGKILL (ms). Default 10 000. */
  stopGraceMs?: number
}

/** Elements of config.xml the fixture sets itself: an override would move the server out of its run dir. */
export const OWNED_CONFIG = [
  'path',
  'tmp_path',
  'user_files_path',
  'format_schema_path',
  'users_config',
  'include_from',
  'listen_host',
  'http_port',
  'tcp_port',
  'interserver_http_port',
  'logger',
] as const

function xmlTree(owned: readonly string[] = []): OptionCheck {
  return (value, key) => {
    if (value === undefined) return
    if (!isXmlTree(value)) throw new InvalidOptionsError(key, 'expected an object of { element: value }')
    const problem = xmlProblem(value, key)
    if (problem) throw new InvalidOptionsError(key, problem)
    for (const k of owned) {
      if (k in value)
        throw new InvalidOptionsError(`${key}.${k}`, 'is set by the fixture (it owns paths and ports)')
    }
  }
}

function usersTree(): OptionCheck {
  const tree = xmlTree()
  return (value, key) => {
    tree(value, key)
    const users = (value as XmlTree | undefined)?.users
    const def = isXmlTree(users) ? users.default : undefined
    if (!isXmlTree(def)) return
    for (const k of ['password', 'password_sha256_hex', 'password_double_sha1_hex']) {
      if (k in def) {
        throw new InvalidOptionsError(
          `${key}.users.default.${k}`,
          "the fixture sets the default user's password (a random one, carried in .url)",
        )
      }
    }
  }
}

/** Checks `options` (unknown keys throw `InvalidOptionsError` naming the nearest known one). */
export function checkClickHouseOptions(options: ClickHouseOptions | undefined): ClickHouseOptions {
  return checkOptions('startClickHouse()', options, {
    provider: check.oneOf('local', 'external'),
    url: check.url(),
    config: xmlTree(OWNED_CONFIG),
    users: usersTree(),
    migrations: check.pathOrFunction(),
    poolSize: check.int(0, 32),
    port: check.port(),
    startTimeoutMs: check.ms(),
    stopGraceMs: check.ms({ allowZero: true }),
  })
}
