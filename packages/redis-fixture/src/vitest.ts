import {
  composeGlobalSetups,
  lazyCallable,
  serverGlobalSetup,
  sharedServerFixture,
} from '@infra/fixture-core'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { RedisNamespace } from './namespace.js'
import type { RedisServerOptions } from './options.js'
import { connectRedis, type RedisConnectionInfo, type RedisServer, startRedis } from './redis-server.js'

/** The key under which the global setup provides the server's connection info. */
export const REDIS_PROVIDE_KEY = 'infraRedis'

declare module 'vitest' {
  interface ProvidedContext {
    infraRedis: RedisConnectionInfo
  }
}

/** The part of vitest's `TestProject` the global setup needs. */
export interface ProvideTarget {
  provide(key: typeof REDIS_PROVIDE_KEY, value: RedisConnectionInfo): void
}

/**
 * A vitest global setup that starts one Redis for the whole run and hands its connection info to the
 * workers (`inject('infraRedis')`). In your setup file: `export default redisGlobalSetup({ ... })`; with
 * other global setups: `composeGlobalSetups(postgresGlobalSetup(…), redisGlobalSetup())`.
 */
export function redisGlobalSetup(
  options: RedisServerOptions = {},
): (project: ProvideTarget) => Promise<() => Promise<void>> {
  return serverGlobalSetup(
    () => startRedis(options),
    async (project: ProvideTarget, server) => {
      await server.preparePool()
      project.provide(REDIS_PROVIDE_KEY, server.connectionInfo)
    },
  )
}

type Use<T> = (value: T) => Promise<void>

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
  return {
    redisServer: sharedServerFixture<RedisConnectionInfo, RedisServer>({
      fixtures: 'createRedisFixtures()',
      globalSetup: 'redisGlobalSetup()',
      injected: () => inject(REDIS_PROVIDE_KEY),
      attach: (info) => connectRedis(info),
      start: () => startRedis(options),
      serverOptions: options,
    }),
    redis: async ({ redisServer }: { redisServer: RedisServer }, use: Use<RedisNamespace>) => {
      const ns = await redisServer.isolated()
      try {
        await use(ns)
      } finally {
        await ns.release()
      }
    },
  }
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
