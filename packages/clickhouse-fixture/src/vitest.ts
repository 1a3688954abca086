import { InvalidOptionsError } from '@infra/fixture-core'
import { composeGlobalSetups, defineServerFixtures, lazyCallable } from '@infra/fixture-core/vitest'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { ClickHouse, ClickHouseConnectionInfo } from './clickhouse.js'
import type { ClickHouseDatabase } from './database/database.js'
import type { ClickHouseOptions } from './options.js'
import { connectClickHouse, startClickHouse } from './start.js'

/** The key under which the global setup provides the server's connection info. */
export const CLICKHOUSE_PROVIDE_KEY = 'infraClickHouse'

declare module 'vitest' {
  interface ProvidedContext {
    infraClickHouse: ClickHouseConnectionInfo
  }
}

const glue = defineServerFixtures({
  key: CLICKHOUSE_PROVIDE_KEY,
  inject: () => inject(CLICKHOUSE_PROVIDE_KEY),
  globalSetupName: 'clickhouseGlobalSetup()',
  fixturesName: 'createClickHouseFixtures()',
  serverFixture: 'clickhouseServer',
  isolatedFixture: 'clickhouse',
  start: startClickHouse,
  startForRun: (options: ClickHouseOptions) => {
    if (typeof options.migrations === 'function') {
      throw new InvalidOptionsError(
        'migrations',
        'a global setup hands its server to other processes, which cannot run a function: give a directory ' +
          'of .sql files here, or the function to createClickHouseFixtures({ migrations })',
      )
    }
    return startClickHouse(options)
  },
  info: (server) => server.connectionInfo,
  attach: (info, options) =>
    connectClickHouse(info, {
      migrations: options.migrations ?? info.migrations,
      poolSize: options.poolSize,
    }),
  perWorkerOptions: ['migrations', 'poolSize'],
})

/**
 * A vitest global setup: one ClickHouse for the whole run, its connection info provided to the workers
 * (`inject('infraClickHouse')`). In your setup file: `export default clickhouseGlobalSetup({ … })`.
 */
export const clickhouseGlobalSetup = glue.globalSetup

/**
 * `test.extend` fixtures: `clickhouseServer` (worker-scoped: the global setup's server, or one per worker)
 * and `clickhouse` (a database of the test's own, dropped after it). With a global setup only `migrations`
 * and `poolSize` may be given here; other server options throw `InvalidOptionsError`.
 */
export const createClickHouseFixtures = glue.fixtures

/** The fixture definitions as `test.extend` sees them. */
export type ClickHouseFixtureDefinitions = ReturnType<typeof createClickHouseFixtures>

/** What the fixtures add to the test context. */
export interface ClickHouseFixtures {
  clickhouseServer: ClickHouse
  clickhouse: ClickHouseDatabase
}

/** The fixtures with default options: `baseTest.extend(clickhouseFixtures)`. */
export const clickhouseFixtures: ClickHouseFixtureDefinitions = createClickHouseFixtures()

/** vitest's `test` with `clickhouseServer` and `clickhouse`. */
export const test: TestAPI<ClickHouseFixtures> = lazyCallable(() => baseTest.extend(clickhouseFixtures))

export type { ClickHouse, ClickHouseConnectionInfo, ClickHouseDatabase }
export { composeGlobalSetups }
