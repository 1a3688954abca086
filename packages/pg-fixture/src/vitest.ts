import pg from 'pg'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { PostgresConnectionInfo, TestDatabase } from './handles.js'
import type { PostgresOptions } from './options.js'
import type { Postgres } from './postgres.js'
import { attachPostgres, startPostgres } from './start.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by `postgresGlobalSetup`: the run's PostgreSQL server and template. */
    infraPg: PostgresConnectionInfo
  }
}

/** The part of vitest's `TestProject` a global setup needs. */
export interface ProvideTarget {
  provide(key: 'infraPg', value: PostgresConnectionInfo): void
}

/**
 * A vitest global setup: starts one PostgreSQL server (migrations applied into its template) for
 * the whole run, hands its connection info to the workers, and stops it at the end.
 *
 * ```ts
 * // vitest.global-setup.ts
 * export default postgresGlobalSetup({ migrations: './migrations' })
 * ```
 */
export function postgresGlobalSetup(options: PostgresOptions = {}) {
  return async (project: ProvideTarget): Promise<() => Promise<void>> => {
    // the workers hand out databases with pools of their own: this handle keeps none ready
    const server = await startPostgres({ ...options, poolSize: 0 })
    project.provide('infraPg', server.connectionInfo)
    return () => server.stop()
  }
}

type Use<T> = (value: T) => Promise<void>

/** What `pgFixtures` adds to the test context. */
export interface PgTestContext {
  /** The server (worker-scoped): the run's shared one, or one per worker without a global setup. */
  pg: Postgres
  /** A database of its own for this test (a template clone), dropped after the test. */
  db: TestDatabase
  /** A `pg.Pool` on `db`, ended after the test. */
  pool: pg.Pool
}

export interface PgFixtureOptions extends PostgresOptions {
  /** `max` of the per-test `pool`. Default 5. */
  poolMax?: number
}

/**
 * `test.extend` fixtures: `pg` (worker-scoped server handle), `db` (own database per test) and
 * `pool` (a `pg.Pool` on it). With `postgresGlobalSetup` the workers share its server; without it each
 * worker starts its own with `options`.
 */
export function createPgFixtures(options: PgFixtureOptions = {}): PgFixtureDefinitions {
  const { poolMax = 5, ...serverOptions } = options
  const fixtures = {
    pg: [
      // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
      async ({}: object, use: Use<Postgres>) => {
        const info = inject('infraPg') as PostgresConnectionInfo | undefined
        const server = info
          ? attachPostgres(info, { poolSize: serverOptions.poolSize })
          : await startPostgres(serverOptions)
        try {
          await use(server)
        } finally {
          await server.stop()
        }
      },
      { scope: 'worker' },
    ] as [(ctx: object, use: Use<Postgres>) => Promise<void>, { scope: 'worker' }],
    db: async ({ pg: server }: { pg: Postgres }, use: Use<TestDatabase>) => {
      const db = await server.database()
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
  return fixtures as unknown as PgFixtureDefinitions
}

/**
 * How the fixtures are typed for `test.extend` inference. At runtime `pg` is the vitest tuple
 * `[fn, { scope: 'worker' }]`; typed as its function, `baseTest.extend(pgFixtures)` infers
 * `{ pg; db; pool }` without a type argument (a tuple makes vitest infer the tuple itself).
 */
export interface PgFixtureDefinitions {
  pg: (ctx: object, use: Use<Postgres>) => Promise<void>
  db: (ctx: { pg: Postgres }, use: Use<TestDatabase>) => Promise<void>
  pool: (ctx: { db: TestDatabase }, use: Use<pg.Pool>) => Promise<void>
}

/** The fixtures with default options (see {@link createPgFixtures}). */
export const pgFixtures = createPgFixtures()

type PgTest = TestAPI<PgTestContext>
let extended: PgTest | undefined
// `test.extend` needs a test file being collected, and this module is also imported by global-setup
// files (for postgresGlobalSetup), where none is: extend at import when possible, else on first use
try {
  extended = baseTest.extend<PgTestContext>(pgFixtures)
} catch {
  extended = undefined
}
const realTest = (): PgTest => {
  extended ??= baseTest.extend<PgTestContext>(pgFixtures)
  return extended
}

/** vitest's `test` with `pg`, `db` and `pool` (compose: `baseTest.extend(pgFixtures).extend(...)`). */
export const test: PgTest = new Proxy(function pgTest() {} as unknown as PgTest, {
  apply: (_target, thisArg, args) =>
    Reflect.apply(realTest() as unknown as (...a: unknown[]) => unknown, thisArg, args),
  get: (_target, prop) => Reflect.get(realTest() as object, prop),
  has: (_target, prop) => Reflect.has(realTest() as object, prop),
})

export { poolStats } from './handles.js'
