import path from 'node:path'
import { check, checkOptions, composeGlobalSetups, lazyCallable } from '@infra/fixture-core'
import { defineServerFixtures, type ProvideTarget } from '@infra/fixture-core/vitest'
import pg from 'pg'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { PostgresConnectionInfo, TestDatabase } from './connection/handles.js'
import { POSTGRES_OPTIONS, type PostgresOptions } from './options.js'
import { resolveConfigPaths } from './server/config-files.js'
import type { Postgres } from './server/postgres.js'
import { connectPostgres, startPostgres } from './server/start.js'

/** The key under which {@link postgresGlobalSetup} provides the server's connection info. */
export const PG_PROVIDE_KEY = 'infraPg'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by `postgresGlobalSetup`: the run's PostgreSQL server and template. */
    infraPg: PostgresConnectionInfo
  }
}

export interface PgFixtureOptions extends PostgresOptions {
  /** `max` of the per-test `pool`. Default 5. */
  poolMax?: number
}

const glue = defineServerFixtures({
  key: PG_PROVIDE_KEY,
  inject: () => inject(PG_PROVIDE_KEY),
  globalSetupName: 'postgresGlobalSetup()',
  fixturesName: 'createPgFixtures()',
  serverFixture: 'pgServer',
  isolatedFixture: 'db',
  start: ({ poolMax: _, ...options }: PgFixtureOptions) => startPostgres(options),
  // the workers hand out databases with pools of their own: the run's handle keeps none ready
  startForRun: ({ poolMax: _, ...options }) => startPostgres({ ...options, poolSize: 0 }),
  info: (server) => server.connectionInfo,
  attach: (info, options) => connectPostgres(info, { poolSize: options.poolSize }),
  perWorkerOptions: ['poolMax', 'poolSize'],
})

/** What a global setup needs of vitest's `TestProject`: `provide`, and `config.root` for relative paths. */
export interface PgGlobalSetupProject extends ProvideTarget<typeof PG_PROVIDE_KEY, PostgresConnectionInfo> {
  config?: { root?: string }
}

/**
 * A vitest global setup: starts one PostgreSQL server (migrations applied into its template) for
 * the whole run, hands its connection info to the workers, and stops it at the end. A relative
 * `migrations` path (and a relative path in `config`, e.g. `ssl_cert_file`) resolves against vitest's
 * `root` (so `vitest --root app` finds `app/migrations`). With
 * other global setups: `composeGlobalSetups(postgresGlobalSetup(…), redisGlobalSetup())`.
 *
 * ```ts
 * // vitest.global-setup.ts
 * export default postgresGlobalSetup({ migrations: './migrations' })
 * ```
 */
export function postgresGlobalSetup(
  options: PostgresOptions = {},
): (project: PgGlobalSetupProject) => Promise<() => Promise<void>> {
  checkOptions('postgresGlobalSetup()', options, POSTGRES_OPTIONS)
  return (project) => {
    const root = project.config?.root
    const migrations =
      options.migrations && root ? path.resolve(root, options.migrations) : options.migrations
    const config = options.config && root ? resolveConfigPaths(options.config, root) : options.config
    return glue.globalSetup({
      ...options,
      ...(migrations ? { migrations } : {}),
      ...(config ? { config } : {}),
    })(project)
  }
}

/** What `pgFixtures` adds to the test context. */
export interface PgFixtures {
  /** The server (worker-scoped): the run's shared one, or one per worker without a global setup. */
  pgServer: Postgres
  /** A database of its own for this test (a template clone), dropped after the test. */
  db: TestDatabase
  /** A `pg.Pool` on `db`, ended after the test. */
  pool: pg.Pool
}

/**
 * `test.extend` fixtures: `pgServer` (worker-scoped server handle), `db` (own database per test) and
 * `pool` (a `pg.Pool` on it). With `postgresGlobalSetup` the workers share its server, configured there
 * only: server options here (`migrations`, `durable`, …) then throw `InvalidOptionsError` (`poolMax` and
 * `poolSize` still apply per worker). Without it each worker starts its own server with `options` (a
 * relative `migrations` path then resolves against `process.cwd()`).
 */
export function createPgFixtures(options: PgFixtureOptions = {}) {
  checkOptions('createPgFixtures()', options, { ...POSTGRES_OPTIONS, poolMax: check.int(1, 1000) })
  const poolMax = options.poolMax ?? 5
  return {
    ...glue.fixtures(options),
    pool: async ({ db }: { db: TestDatabase }, use: (pool: pg.Pool) => Promise<void>) => {
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

export { poolStats } from './connection/handles.js'
export { composeGlobalSetups }
