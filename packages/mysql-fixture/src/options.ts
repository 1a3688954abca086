import { check, checkOptions, InvalidOptionsError } from '@infra/fixture-core'
import type { Connection } from 'mysql2/promise'

/** A migration function: runs once on a connection to the template database (its source text is hashed). */
export type MigrateFn = (connection: Connection) => Promise<void>

/** An extra account created on a local server at each start. */
export interface MysqlUser {
  name: string
  password: string
  /** What to grant, e.g. `'SELECT, INSERT ON *.*'`. Default `'ALL PRIVILEGES ON *.*'`. */
  grant?: string
}

export interface MysqlOptions {
  /**
   * `local` (default): an own `mariadbd` on 127.0.0.1 and an ephemeral port.
   * `external`: the server at `url` / `INFRA_MYSQL_URL` (MySQL 8 or MariaDB); only its own databases are
   * created and dropped. Default: `external` when `INFRA_MYSQL_URL` is set, else `local`.
   */
  provider?: 'local' | 'external'
  /** Admin URL of an external server (`mysql://user:password@host:port/`). Default `$INFRA_MYSQL_URL`. */
  url?: string
  /** A directory of `.sql` files (applied in lexical order) or a function, applied once into the template. */
  migrations?: string | MigrateFn
  /** Extra cache key for what a migrations function depends on beyond its own source. */
  migrationsKey?: string
  /** Server directives as in my.cnf: `{ max_connections: 300, 'sql-mode': 'ANSI' }`; `false` = `skip-`. */
  config?: Record<string, string | number | boolean>
  /** A fixed port instead of an ephemeral one (local). */
  port?: number
  /** Finite start timeout (ms). Default 30 000. */
  startTimeoutMs?: number
  /** Keep InnoDB's durability settings (flush at commit, doublewrite). Default false. */
  durable?: boolean
  /** Extra accounts (local): created at start with these passwords and grants. */
  users?: MysqlUser[]
  /** Ready databases kept by the background pool behind `database()`. Default 3. */
  poolSize?: number
  /** Where server data directories go. Default `/dev/shm` when it is a tmpfs, else the run directory. */
  tmpDir?: string
}

export interface ResolvedOptions {
  provider: 'local' | 'external'
  url: string | undefined
  migrations: string | MigrateFn | undefined
  migrationsKey: string | undefined
  config: Record<string, string | number | boolean>
  port: number | undefined
  startTimeoutMs: number
  durable: boolean
  users: MysqlUser[]
  poolSize: number
  tmpDir: string | undefined
}

const SCHEMA = {
  provider: check.oneOf('local', 'external'),
  url: check.string(),
  migrations: check.pathOrFunction(),
  migrationsKey: check.string(),
  config: check.configMap(),
  port: check.port(),
  startTimeoutMs: check.ms(),
  durable: check.boolean(),
  users: check.arrayOf(
    check.object<MysqlUser>({ name: check.string(), password: check.string(), grant: check.string() }),
  ),
  poolSize: check.int(0, 64),
  tmpDir: check.string(),
}

/** Directives the fixture owns: a server on 127.0.0.1, its own port, socket and files. */
const MANAGED = new Set([
  'port',
  'bind_address',
  'socket',
  'datadir',
  'pid_file',
  'user',
  'init_file',
  'tmpdir',
  'skip_networking',
])
const DIRECTIVE = /^[a-z][a-z0-9_-]*$/i

/** Validates options before anything starts; throws `InvalidOptionsError`. */
export function resolveOptions(
  options: MysqlOptions | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  const o = checkOptions('startMysql()', options, SCHEMA)
  for (const [i, user] of (o.users ?? []).entries()) {
    if (user.name === undefined || user.password === undefined) {
      throw new InvalidOptionsError(`users[${i}]`, 'needs a name and a password')
    }
    if (!/^[a-zA-Z0-9_]{1,80}$/.test(user.name) || user.name === 'root') {
      throw new InvalidOptionsError(`users[${i}].name`, 'letters, digits and _ only, and not root')
    }
  }
  for (const key of Object.keys(o.config ?? {})) {
    if (!DIRECTIVE.test(key)) throw new InvalidOptionsError(`config.${key}`, 'not a valid directive name')
    if (MANAGED.has(key.replace(/-/g, '_').toLowerCase())) {
      throw new InvalidOptionsError(
        `config.${key}`,
        'is managed by the fixture (127.0.0.1, ephemeral port, own socket and data dir); use the port option',
      )
    }
  }
  const url = o.url ?? env.INFRA_MYSQL_URL
  const provider = o.provider ?? (url ? 'external' : 'local')
  if (provider === 'external') {
    if (!url) {
      throw new InvalidOptionsError('url', "provider 'external' needs `url` or INFRA_MYSQL_URL")
    }
    checkMysqlUrl(url)
    for (const key of ['config', 'port', 'durable', 'users', 'tmpDir'] as const) {
      if (o[key] !== undefined) {
        throw new InvalidOptionsError(key, "applies to a local server only, not to provider 'external'")
      }
    }
  }
  return {
    provider,
    url: provider === 'external' ? url : undefined,
    migrations: o.migrations,
    migrationsKey: o.migrationsKey,
    config: o.config ?? {},
    port: o.port,
    startTimeoutMs: o.startTimeoutMs ?? 30_000,
    durable: o.durable ?? false,
    users: o.users ?? [],
    poolSize: o.poolSize ?? 3,
    tmpDir: o.tmpDir,
  }
}

function checkMysqlUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidOptionsError(
      'url',
      `not a valid URL: ${JSON.stringify(url.replace(/:[^@/]*@/, ':***@'))}`,
    )
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new InvalidOptionsError('url', `expected a mysql:// or mariadb:// URL, got ${parsed.protocol}`)
  }
}
