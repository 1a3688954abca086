import type pg from 'pg'

/** A database of its own for one test. */
export interface TestDatabase extends AsyncDisposable {
  readonly name: string
  /** Connection URL of this database. */
  readonly url: string
  /** Hands the database back; it is dropped in the background (`{ wait: true }` waits for the drop). */
  drop(opts?: { wait?: boolean }): Promise<void>
}

/** A `test_<id>` schema of its own in a shared database; `url` sets `search_path` to it. */
export interface TestSchema extends AsyncDisposable {
  /** Schema name, `test_<id>`. */
  readonly name: string
  /** The shared database holding the schema. */
  readonly database: string
  /** Connection URL whose `search_path` is the schema (then `public`). */
  readonly url: string
  /** `DROP SCHEMA … CASCADE`. Idempotent. */
  drop(): Promise<void>
}

/** One connection inside `BEGIN`; everything it did is rolled back at the end. */
export interface TestTransaction extends AsyncDisposable {
  readonly client: pg.Client
  /** The database the transaction runs in. */
  readonly database: string
  /** `ROLLBACK` and close the connection. Idempotent. */
  rollback(): Promise<void>
}

/** What workers need to hand out databases from a server they did not start (vitest provide/inject). */
export interface PostgresConnectionInfo {
  provider: 'local' | 'external'
  /** Admin URL (database `postgres` for local servers). */
  url: string
  /** Template database every clone is made from. */
  template: string
  /** `server_version_num`, e.g. 170010. */
  serverVersionNum: number
  /** Data dir of a local server (same machine): workers size their clone pools by its free space. */
  dataDir?: string
  /** URLs of the `users` created at start, by name (database `postgres`). */
  users?: Record<string, string>
}

/** Counts of a `pg.Pool`, for connection-leak checks. */
export interface PoolStats {
  total: number
  idle: number
  /** Clients checked out and not yet released (leaks when non-zero after a test). */
  checkedOut: number
  /** Callers waiting for a client. */
  waiting: number
}

/** Connection counts of a `pg.Pool` (see {@link PoolStats}). */
export function poolStats(pool: pg.Pool): PoolStats {
  return {
    total: pool.totalCount,
    idle: pool.idleCount,
    checkedOut: pool.totalCount - pool.idleCount,
    waiting: pool.waitingCount,
  }
}
