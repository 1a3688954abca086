import { InvalidOptionsError } from '@infra/fixture-core'
import type pg from 'pg'

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
  /** A directory of `.sql` files, applied in lexical order into the template database. */
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
}

const KNOWN = new Set([
  'provider',
  'url',
  'migrations',
  'migrate',
  'migrationsKey',
  'durable',
  'poolSize',
  'binDir',
  'config',
  'startTimeoutMs',
  'tmpDir',
])

const SETTING_NAME = /^[a-z_][a-z0-9_.]*$/i

/** Validates options before anything starts; throws {@link InvalidOptionsError}. */
export function resolveOptions(
  options: PostgresOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionsError(
      'options',
      `expected an object, got ${options === null ? 'null' : typeof options}`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new InvalidOptionsError(key, `unknown option; known options: ${[...KNOWN].join(', ')}`)
    }
  }
  const provider = options.provider ?? (options.url || env.INFRA_PG_URL ? 'external' : 'local')
  if (provider !== 'local' && provider !== 'external') {
    throw new InvalidOptionsError(
      'provider',
      `expected 'local' or 'external', got ${JSON.stringify(provider)}`,
    )
  }
  const url = options.url ?? env.INFRA_PG_URL
  if (provider === 'external') {
    if (!url)
      throw new InvalidOptionsError(
        'url',
        "provider 'external' needs `url` or the INFRA_PG_URL environment variable",
      )
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new InvalidOptionsError('url', `not a valid URL: ${JSON.stringify(url)}`)
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new InvalidOptionsError('url', `expected a postgres:// URL, got ${parsed.protocol}`)
    }
  }
  if (
    options.migrations !== undefined &&
    (typeof options.migrations !== 'string' || options.migrations === '')
  ) {
    throw new InvalidOptionsError('migrations', 'expected a directory path of .sql files')
  }
  if (options.migrate !== undefined && typeof options.migrate !== 'function') {
    throw new InvalidOptionsError('migrate', 'expected an async function (client) => void')
  }
  if (options.migrationsKey !== undefined && typeof options.migrationsKey !== 'string') {
    throw new InvalidOptionsError('migrationsKey', 'expected a string')
  }
  if (options.durable !== undefined && typeof options.durable !== 'boolean') {
    throw new InvalidOptionsError('durable', 'expected a boolean')
  }
  const poolSize = options.poolSize ?? 3
  if (!Number.isInteger(poolSize) || poolSize < 0 || poolSize > 64) {
    throw new InvalidOptionsError('poolSize', `expected an integer 0..64, got ${options.poolSize}`)
  }
  const startTimeoutMs = options.startTimeoutMs ?? 30_000
  if (!(Number.isFinite(startTimeoutMs) && startTimeoutMs > 0)) {
    throw new InvalidOptionsError(
      'startTimeoutMs',
      `expected a finite number > 0, got ${options.startTimeoutMs}`,
    )
  }
  if (options.binDir !== undefined && (typeof options.binDir !== 'string' || options.binDir === '')) {
    throw new InvalidOptionsError('binDir', 'expected a directory path')
  }
  if (options.tmpDir !== undefined && (typeof options.tmpDir !== 'string' || options.tmpDir === '')) {
    throw new InvalidOptionsError('tmpDir', 'expected a directory path')
  }
  const config: Record<string, string> = {}
  for (const [k, v] of Object.entries(options.config ?? {})) {
    if (!SETTING_NAME.test(k)) throw new InvalidOptionsError(`config.${k}`, 'not a valid setting name')
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new InvalidOptionsError(`config.${k}`, `expected a string, number or boolean, got ${typeof v}`)
    }
    if (k === 'port' || k === 'listen_addresses') {
      throw new InvalidOptionsError(`config.${k}`, 'is managed by the fixture (127.0.0.1, ephemeral port)')
    }
    config[k] = typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)
  }
  return {
    provider,
    url,
    migrations: options.migrations,
    migrate: options.migrate,
    migrationsKey: options.migrationsKey,
    durable: options.durable ?? false,
    poolSize,
    binDir: options.binDir,
    config,
    startTimeoutMs,
    tmpDir: options.tmpDir,
  }
}
