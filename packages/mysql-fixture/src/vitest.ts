import {
  composeGlobalSetups,
  defineServerFixtures,
  dependsOn,
  lazyCallable,
} from '@infra/fixture-core/vitest'
import mysql from 'mysql2/promise'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { MysqlConnectionInfo, TestDatabase } from './handles.js'
import type { Mysql } from './mysql.js'
import type { MysqlOptions } from './options.js'
import { attachMysql, startMysql } from './start.js'

/** The key under which {@link mysqlGlobalSetup} provides the server's connection info. */
export const MYSQL_PROVIDE_KEY = 'infraMysql'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by `mysqlGlobalSetup`: the run's MariaDB/MySQL server and template database. */
    infraMysql: MysqlConnectionInfo
  }
}

export interface MysqlFixtureOptions extends MysqlOptions {
  /** `connectionLimit` of the per-test `pool`. Default 10. */
  poolConnectionLimit?: number
}

const glue = defineServerFixtures({
  key: MYSQL_PROVIDE_KEY,
  inject: () => inject(MYSQL_PROVIDE_KEY),
  globalSetupName: 'mysqlGlobalSetup()',
  fixturesName: 'createMysqlFixtures()',
  serverFixture: 'mysqlServer',
  isolatedFixture: 'db',
  start: (options: MysqlOptions) => startMysql(options),
  // the workers hand out databases with pools of their own: the run's handle keeps none ready
  startForRun: (options: MysqlOptions) => startMysql({ ...options, poolSize: 0 }),
  info: (server: Mysql) => server.connectionInfo,
  attach: (info: MysqlConnectionInfo, options: MysqlOptions) =>
    attachMysql(info, { poolSize: options.poolSize }),
  perWorkerOptions: ['poolSize'],
})

/**
 * A vitest global setup: one MariaDB server (migrations applied into its template) for the whole run, its
 * connection info provided to the workers, stopped at the end. With others:
 * `composeGlobalSetups(mysqlGlobalSetup(…), redisGlobalSetup())`.
 */
export const mysqlGlobalSetup = glue.globalSetup

/** What `mysqlFixtures` adds to the test context. */
export interface MysqlFixtures {
  /** The server (worker-scoped): the run's shared one, or one per worker without a global setup. */
  mysqlServer: Mysql
  /** A database of its own for this test (migrations applied), dropped after the test. */
  db: TestDatabase
  /** A mysql2 promise pool on `db`, ended after the test. */
  pool: mysql.Pool
}

/**
 * `test.extend` fixtures: `mysqlServer` (worker-scoped), `db` (own database per test) and `pool` (a mysql2
 * pool on it). With `mysqlGlobalSetup` the workers share its server, configured there only: server options
 * here then throw `InvalidOptionsError` (`poolSize` and `poolConnectionLimit` still apply per worker).
 */
export function createMysqlFixtures(options: MysqlFixtureOptions = {}) {
  const { poolConnectionLimit = 10, ...serverOptions } = options
  return {
    ...glue.fixtures(serverOptions),
    pool: dependsOn<mysql.Pool, { db: TestDatabase }>(['db'], async ({ db }, use) => {
      const pool = mysql.createPool({ uri: db.url, connectionLimit: poolConnectionLimit })
      try {
        await use(pool)
      } finally {
        await pool.end()
      }
    }),
  }
}

/** The fixture definitions as `test.extend` sees them. */
export type MysqlFixtureDefinitions = ReturnType<typeof createMysqlFixtures>

/** The fixtures with default options (see {@link createMysqlFixtures}). */
export const mysqlFixtures: MysqlFixtureDefinitions = createMysqlFixtures()

/** vitest's `test` with `mysqlServer`, `db` and `pool` (compose: `baseTest.extend(mysqlFixtures).extend(…)`). */
export const test: TestAPI<MysqlFixtures> = lazyCallable(() => baseTest.extend(mysqlFixtures))

export { composeGlobalSetups }
