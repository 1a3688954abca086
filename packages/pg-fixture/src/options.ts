import {
  check,
  checkOptions,
  InvalidOptionsError,
  type OptionCheck,
  type OptionSchema,
} from '@infra/fixture-core'
import type pg from 'pg'
import { PASSWORD, type PostgresUser, USERS } from './security/auth.js'
import { PG_MAJORS, type PgMajor } from './server/binaries.js'
import { resolveConfigPaths } from './server/config-files.js'

/** A migration function: runs against the template database once per migrations hash. */
export type MigrateFn = (client: pg.Client) => Promise<void>

export interface PostgresOptions {
  /**
   * `local` (default): an own server on 127.0.0.1 and an ephemeral port.
   * `external`: a server given by `url` / `INFRA_PG_URL`; only its own databases are created and dropped.
   * Default: `external` when `INFRA_PG_URL` is set, else `local`.
   */
  provider?: 'local' | 'external'
  /** Admin URL of an external server (provider `external`). Default `INFRA_PG_URL`. */
  url?: string
  /**
   * A directory of `.sql` files, applied in lexical order into the template database. A relative path
   * resolves against `process.cwd()` — in `postgresGlobalSetup()` against vitest's `root`.
   */
  migrations?: string
  /** A function applied after the `.sql` files. Its source text is part of the cache key (see `migrationsKey`). */
  migrate?: MigrateFn
  /** Extra cache key for what `migrate` depends on beyond its own source (e.g. a schema version). */
  migrationsKey?: string
  /** Keep fsync, synchronous_commit and full_page_writes on (slower; for crash-durability tests). Default false. */
  durable?: boolean
  /** Ready clones kept by the background pool behind `database()`. Default 3. */
  poolSize?: number
  /** Directory holding `postgres` and `initdb` (overrides `PG_BIN_DIR` and the embedded binaries). */
  binDir?: string
  /** Extra server settings (`-c key=value`), e.g. `{ max_connections: 300 }`. */
  config?: Record<string, string | number | boolean>
  /** Finite start timeout (ms). Default 30 000. */
  startTimeoutMs?: number
  /** Where server data directories go. Default: `/dev/shm` when it is a tmpfs, else the run directory. */
  tmpDir?: string
  /**
   * PostgreSQL major, 14–18. Default: the binaries found as today (the embedded 17). Another major comes
   * from an npm alias of the embedded package (see `embeddedAliasLine`), `PG_BIN_DIR_<major>`, `PG_BIN_DIR`
   * of that major, or /usr/lib/postgresql/<major>; missing, it is a `BinaryNotFoundError` naming the line to add.
   */
  version?: PgMajor | `${PgMajor}`
  /**
   * TLS (local servers): a test CA and server certificate made once per user; `.url` then verifies the server
   * (`sslmode=verify-full&sslrootcert=<ca>`). `{ require: true }`: connections without TLS are refused.
   */
  tls?: boolean | { require?: boolean }
  /** The admin user's (`postgres`) password, carried in `.url` (local servers). Default: random per server. */
  password?: string
  /** Login roles created at start (local servers), each with its URL from `userUrl(name)`. */
  users?: PostgresUser[]
}

export interface ResolvedOptions {
  provider: 'local' | 'external'
  url: string | undefined
  migrations: string | undefined
  migrate: MigrateFn | undefined
  migrationsKey: string | undefined
  durable: boolean
  poolSize: number
  binDir: string | undefined
  config: Record<string, string>
  startTimeoutMs: number
  tmpDir: string | undefined
  version: PgMajor | undefined
  tls: { require: boolean } | undefined
  password: string | undefined
  users: PostgresUser[]
}

/** The clone pool's size: 0 (no clones made ahead) to 64. */
export const POOL_SIZE = check.int(0, 64)

const TLS: OptionCheck = (value, key) => {
  if (value === undefined || typeof value === 'boolean') return
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionsError(
      key,
      `expected true, false or { require?: boolean }, got ${JSON.stringify(value)}`,
    )
  }
  checkOptions(key, value as { require?: boolean }, { require: check.boolean() }, key)
}

/** Every option of {@link PostgresOptions} and its check (the compiler reports a forgotten key). */
export const POSTGRES_OPTIONS: OptionSchema<PostgresOptions> = {
  provider: check.oneOf('local', 'external'),
  url: check.string(),
  migrations: check.string(),
  migrate: check.func(),
  migrationsKey: check.string(),
  durable: check.boolean(),
  poolSize: POOL_SIZE,
  binDir: check.string(),
  config: check.configMap(),
  startTimeoutMs: check.ms(),
  tmpDir: check.string(),
  version: check.oneOf(...PG_MAJORS, ...PG_MAJORS.map(String)),
  tls: TLS,
  password: PASSWORD,
  users: USERS,
}

/** Options that shape a server this fixture starts: with provider `external` they are an error. */
const LOCAL_ONLY = ['tls', 'password', 'users'] as const

const SETTING_NAME = /^[a-z_][a-z0-9_.]*$/i

/** Throws {@link InvalidOptionsError} unless `url` is a `postgres://` URL. */
export function checkPostgresUrl(url: string, option = 'url'): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidOptionsError(option, `not a valid URL: ${JSON.stringify(url)}`)
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidOptionsError(option, `expected a postgres:// URL, got ${parsed.protocol}`)
  }
}

/** Checks `options` (unknown keys, types, ranges) before anything starts and fills in the defaults. */
export function resolveOptions(
  options: PostgresOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  where = 'startPostgres()',
  cwd = process.cwd(),
): ResolvedOptions {
  const o = checkOptions(where, options, POSTGRES_OPTIONS)
  const provider = o.provider ?? (o.url || env.INFRA_PG_URL ? 'external' : 'local')
  const url = o.url ?? env.INFRA_PG_URL
  if (provider === 'external') {
    if (!url) {
      throw new InvalidOptionsError(
        'url',
        "provider 'external' needs `url` or the INFRA_PG_URL environment variable",
      )
    }
    checkPostgresUrl(url, o.url ? 'url' : 'INFRA_PG_URL')
    for (const key of LOCAL_ONLY) {
      if (o[key] !== undefined) {
        throw new InvalidOptionsError(
          key,
          "applies to a server the fixture starts (provider 'local'), not to an external one",
        )
      }
    }
  }
  const config: Record<string, string> = {}
  for (const [k, v] of Object.entries(o.config ?? {})) {
    if (!SETTING_NAME.test(k)) throw new InvalidOptionsError(`config.${k}`, 'not a valid setting name')
    if (k === 'port' || k === 'listen_addresses') {
      throw new InvalidOptionsError(`config.${k}`, 'is managed by the fixture (127.0.0.1, ephemeral port)')
    }
    config[k] = typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)
  }
  return {
    provider,
    url,
    migrations: o.migrations,
    migrate: o.migrate,
    migrationsKey: o.migrationsKey,
    durable: o.durable ?? false,
    poolSize: o.poolSize ?? 3,
    binDir: o.binDir,
    config: resolveConfigPaths(config, cwd),
    startTimeoutMs: o.startTimeoutMs ?? 30_000,
    tmpDir: o.tmpDir,
    version: o.version === undefined ? undefined : (Number(o.version) as PgMajor),
    tls: o.tls ? { require: o.tls === true ? false : (o.tls.require ?? false) } : undefined,
    password: o.password,
    users: o.users ?? [],
  }
}
