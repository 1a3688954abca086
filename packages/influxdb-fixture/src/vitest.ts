import { composeGlobalSetups, defineServerFixtures, lazyCallable } from '@infra/fixture-core/vitest'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { InfluxDatabase } from './database/database.js'
import type { InfluxConnectionInfo, InfluxDB } from './influxdb.js'
import type { InfluxDBOptions } from './options.js'
import { connectInfluxDB, startInfluxDB } from './start.js'

/** The key under which the global setup provides the server's connection info. */
export const INFLUXDB_PROVIDE_KEY = 'infraInfluxDB'

declare module 'vitest' {
  interface ProvidedContext {
    infraInfluxDB: InfluxConnectionInfo
  }
}

const glue = defineServerFixtures({
  key: INFLUXDB_PROVIDE_KEY,
  inject: () => inject(INFLUXDB_PROVIDE_KEY),
  globalSetupName: 'influxGlobalSetup()',
  fixturesName: 'createInfluxFixtures()',
  serverFixture: 'influxServer',
  isolatedFixture: 'influx',
  start: (options: InfluxDBOptions) => startInfluxDB(options),
  info: (server) => server.connectionInfo,
  attach: (info, options) => connectInfluxDB(info, { poolSize: options.poolSize }),
  perWorkerOptions: ['poolSize'],
})

/**
 * A vitest global setup: one InfluxDB for the whole run, its connection info provided to the workers
 * (`inject('infraInfluxDB')`). In your setup file: `export default influxGlobalSetup({ … })`.
 */
export const influxGlobalSetup = glue.globalSetup

/**
 * `test.extend` fixtures: `influxServer` (worker-scoped: the global setup's server, or one per worker) and
 * `influx` (a database of the test's own, dropped after it). With a global setup only `poolSize` (each
 * worker's ready databases) may be given here; other server options throw `InvalidOptionsError`.
 */
export const createInfluxFixtures = glue.fixtures

/** The fixture definitions as `test.extend` sees them. */
export type InfluxFixtureDefinitions = ReturnType<typeof createInfluxFixtures>

/** What the fixtures add to the test context. */
export interface InfluxFixtures {
  influxServer: InfluxDB
  influx: InfluxDatabase
}

/** The fixtures with default options: `baseTest.extend(influxFixtures)`. */
export const influxFixtures: InfluxFixtureDefinitions = createInfluxFixtures()

/** vitest's `test` with `influxServer` and `influx`. */
export const test: TestAPI<InfluxFixtures> = lazyCallable(() => baseTest.extend(influxFixtures))

export type { InfluxConnectionInfo, InfluxDatabase, InfluxDB }
export { composeGlobalSetups }
