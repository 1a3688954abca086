import {
  composeGlobalSetups,
  lazyCallable,
  serverGlobalSetup,
  sharedServerFixture,
} from '@infra/fixture-core'
import pg from 'pg'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { PostgresConnectionInfo, TestDatabase } from './handles.js'
import type { PostgresOptions } from './options.js'
import type { Postgres } from './postgres.js'
import { attachPostgres, startPostgres } from './start.js'

/** The key under which {@link postgresGlobalSetup} provides the server's connection info. */
export const PG_PROVIDE_KEY = 'infraPg'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by `postgresGlobalSetup`: the run's PostgreSQL server and template. */
    infraPg: PostgresConnectionInfo
  }
}

/** The part of vitest's `TestProject` a global setup needs. */
export interface ProvideTarget {
  provide(key: typeof PG_PROVIDE_KEY, value: PostgresConnectionInfo): void
}

/**
 * A vitest global setup: starts one PostgreSQL server (migrations applied into its template) for
 * the whole run, hands its connection info to the workers, and stops it at the end. With other
 * global setups: `composeGlobalSetups(postgresGlobalSetup(…), redisGlobalSetup())`.
 *
 * ```ts
 * // vitest.global-setup.ts
 * export default postgresGlobalSetup({ migrations: './migrations' })
 * ```
 */
export function postgresGlobalSetup(
  options: PostgresOptions = {},
): (project: ProvideTarget) => Promise<() => Promise<void>> {
  return serverGlobalSetup(
    // the workers hand out databases with pools of their own: this handle keeps none ready
    () => startPostgres({ ...options, poolSize: 0 }),
    (project: ProvideTarget, server) => project.provide(PG_PROVIDE_KEY, server.connectionInfo),
  )
}

type Use<T> = (value: T) => Promise<void>

/** What `pgFixtures` adds to the test context. */
export interface PgFixtures {
  /** The server (worker-scoped): the run's shared one, or one per worker without a global setup. */
  pgServer: Postgres
  /** A database of its own for this test (a template clone), dropped after the test. */
  db: TestDatabase
  /** A `pg.Pool` on `db`, ended after the test. */
  pool: pg.Pool
}

export interface PgFixtureOptions extends PostgresOptions {
  /** `max` of the per-test `pool`. Default 5. */
  poolMax?: number
}

/** Options of {@link createPgFixtures} that apply per worker, also with a global setup. */
const PER_WORKER_OPTIONS = ['poolMax', 'poolSize'] as const

/**
 * `test.extend` fixtures: `pgServer` (worker-scoped server handle), `db` (own database per test) and
 * `pool` (a `pg.Pool` on it). With `postgresGlobalSetup` the workers share its server, configured there
 * only: server options here (`migrations`, `durable`, …) then throw `InvalidOptionsError` (`poolMax` and
 * `poolSize` still apply per worker). Without it each worker starts its own server with `options`.
 */
export function createPgFixtures(options: PgFixtureOptions = {}) {
  const { poolMax = 5, ...serverOptions } = options
  return {
    pgServer: sharedServerFixture<PostgresConnectionInfo, Postgres>({
      fixtures: 'createPgFixtures()',
      globalSetup: 'postgresGlobalSetup()',
      injected: () => inject(PG_PROVIDE_KEY),
      attach: (info) => attachPostgres(info, { poolSize: serverOptions.poolSize }),
      start: () => startPostgres(serverOptions),
      serverOptions,
      perWorkerOptions: PER_WORKER_OPTIONS,
    }),
    db: async ({ pgServer }: { pgServer: Postgres }, use: Use<TestDatabase>) => {
      const db = await pgServer.database()
      try {
        await use(db)
      } finally {
        await db.drop()
      }
    },
    pool: async ({ db }: { db: TestDatabase }, use: Use<pg.Pool>) => {
      const pool = new pg.Pool({ connectionString: db.url, max: poolMax })
      pool.on('error', () => {})
      try {
        await use(pool)
      } finally {
        await pool.end()
      }
    },
  }
}

/**
 * The fixture definitions as `test.extend` sees them (the worker-scoped `pgServer` is typed as its
 * function, so `baseTest.extend(pgFixtures)` infers {@link PgFixtures} without a type argument).
 */
export type PgFixtureDefinitions = ReturnType<typeof createPgFixtures>

/** The fixtures with default options (see {@link createPgFixtures}). */
export const pgFixtures: PgFixtureDefinitions = createPgFixtures()

/** vitest's `test` with `pgServer`, `db` and `pool` (compose: `baseTest.extend(pgFixtures).extend(...)`). */
export const test: TestAPI<PgFixtures> = lazyCallable(() => baseTest.extend(pgFixtures))

export { poolStats } from './handles.js'
export { composeGlobalSetups }
