import { inject, test as baseTest } from 'vitest'
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
 * workers (`inject('infraRedis')`). In your setup file: `export default redisGlobalSetup({ ... })`.
 */
export function redisGlobalSetup(options: RedisServerOptions = {}): (project: ProvideTarget) => Promise<() => Promise<void>> {
  return async function setup(project: ProvideTarget) {
    const server = await startRedis(options)
    try {
      await server.preparePool()
      project.provide(REDIS_PROVIDE_KEY, server.connectionInfo)
    } catch (err) {
      await server.stop()
      throw err
    }
    return () => server.stop()
  }
}

function injected(): RedisConnectionInfo | undefined {
  try {
    return inject(REDIS_PROVIDE_KEY)
  } catch {
    return undefined
  }
}

export interface RedisFixtures {
  /** The run's Redis (from the global setup), or one started for this worker when there is none. */
  redisServer: RedisServer
  /** An isolated namespace for this test (own DB or key prefix), released after the test. */
  redis: RedisNamespace
}

type WorkerFixture = [
  (context: object, use: (value: RedisServer) => Promise<void>) => Promise<void>,
  { scope: 'worker' },
]
type TestFixture = (context: { redisServer: RedisServer }, use: (value: RedisNamespace) => Promise<void>) => Promise<void>

/**
 * Fixtures for `test.extend(redisFixtures)`: `redis` (per test) and `redisServer` (per worker).
 * Compose them with other packages' fixtures: `baseTest.extend(pgFixtures).extend(redisFixtures)`.
 */
export const redisFixtures: { redisServer: WorkerFixture; redis: TestFixture } = {
  redisServer: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
    async ({}, use) => {
      const info = injected()
      const server = info ? connectRedis(info) : await startRedis()
      try {
        await use(server)
      } finally {
        await server.stop()
      }
    },
    { scope: 'worker' },
  ],
  redis: async ({ redisServer }, use) => {
    const ns = await redisServer.isolated()
    try {
      await use(ns)
    } finally {
      await ns.release()
    }
  },
}

/** `test` with the Redis fixtures: `test('x', async ({ redis }) => { await redis.client().ping() })`. */
export const test = baseTest.extend<RedisFixtures>(redisFixtures)

export type { RedisConnectionInfo, RedisNamespace, RedisServer }
