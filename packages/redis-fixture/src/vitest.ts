import { checkOptions, composeGlobalSetups, lazyCallable } from '@infra/fixture-core'
import { defineServerFixtures, type ProvideTarget } from '@infra/fixture-core/vitest'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { RedisNamespace } from './isolation/namespace.js'
import { type RedisServerOptions, SERVER_OPTIONS } from './server/options.js'
import type { RedisConnectionInfo, RedisServer } from './server/redis-server.js'
import { connectRedis, startRedis } from './server/start.js'

/** The key under which the global setup provides the server's connection info. */
export const REDIS_PROVIDE_KEY = 'infraRedis'

declare module 'vitest' {
  interface ProvidedContext {
    infraRedis: RedisConnectionInfo
  }
}

const glue = defineServerFixtures({
  key: REDIS_PROVIDE_KEY,
  inject: () => inject(REDIS_PROVIDE_KEY),
  globalSetupName: 'redisGlobalSetup()',
  fixturesName: 'createRedisFixtures()',
  serverFixture: 'redisServer',
  isolatedFixture: 'redis',
  start: (options: RedisServerOptions) => startRedis(options),
  info: async (server) => {
    // seed the DB pool once, before any worker takes a DB from it
    await server.preparePool()
    return server.connectionInfo
  },
  attach: (info) => connectRedis(info),
})

/**
 * A vitest global setup that starts one Redis for the whole run and hands its connection info to the
 * workers (`inject('infraRedis')`). In your setup file: `export default redisGlobalSetup({ ... })`; with
 * other global setups: `composeGlobalSetups(postgresGlobalSetup(…), redisGlobalSetup())`.
 */
export function redisGlobalSetup(
  options: RedisServerOptions = {},
): (project: ProvideTarget<typeof REDIS_PROVIDE_KEY, RedisConnectionInfo>) => Promise<() => Promise<void>> {
  checkOptions('redisGlobalSetup()', options, SERVER_OPTIONS)
  return glue.globalSetup(options)
}

/** What `redisFixtures` adds to the test context. */
export interface RedisFixtures {
  /** The run's Redis (from the global setup), or one started for this worker when there is none. */
  redisServer: RedisServer
  /** An isolated namespace for this test (own DB or key prefix), released after the test. */
  redis: RedisNamespace
}

/**
 * `test.extend` fixtures: `redisServer` (worker-scoped) and `redis` (an isolated namespace per test). With
 * `redisGlobalSetup` the workers share its server, configured there only: options here then throw
 * `InvalidOptionsError`. Without it each worker starts its own server with `options`.
 */
export function createRedisFixtures(options: RedisServerOptions = {}) {
  checkOptions('createRedisFixtures()', options, SERVER_OPTIONS)
  return glue.fixtures(options)
}

/**
 * The fixture definitions as `test.extend` sees them (the worker-scoped `redisServer` is typed as its
 * function, so `baseTest.extend(redisFixtures)` infers {@link RedisFixtures} without a type argument).
 */
export type RedisFixtureDefinitions = ReturnType<typeof createRedisFixtures>

/** The fixtures with default options (compose: `baseTest.extend(pgFixtures).extend(redisFixtures)`). */
export const redisFixtures: RedisFixtureDefinitions = createRedisFixtures()

/** vitest's `test` with `redisServer` and `redis`: `test('x', async ({ redis }) => { ... })`. */
export const test: TestAPI<RedisFixtures> = lazyCallable(() => baseTest.extend(redisFixtures))

export type { RedisConnectionInfo, RedisNamespace, RedisServer }
export { composeGlobalSetups }
