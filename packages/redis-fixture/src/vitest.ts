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
 * workers (`inject('infraRedis')`). In your setup file: `export default redisGlobalSetup({ ... })`.
 */
export function redisGlobalSetup(
  options: RedisServerOptions = {},
): (project: ProvideTarget) => Promise<() => Promise<void>> {
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
    return inject(REDIS_PROVIDE_KEY) as RedisConnectionInfo | undefined
  } catch {
    return undefined
  }
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
 * `redisGlobalSetup` the workers share its server; without it each worker starts its own with `options`.
 */
export function createRedisFixtures(options: RedisServerOptions = {}) {
  return {
    redisServer: [
      // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
      async ({}: object, use: Use<RedisServer>) => {
        const info = injected()
        const server = info ? connectRedis(info) : await startRedis(options)
        try {
          await use(server)
        } finally {
          await server.stop()
        }
      },
      { scope: 'worker' },
    ] as [(ctx: object, use: Use<RedisServer>) => Promise<void>, { scope: 'worker' }],
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
 * How the fixtures are typed for `test.extend` inference. At runtime `redisServer` is the vitest tuple
 * `[fn, { scope: 'worker' }]`; typed as its function, vitest's `extend(fixtures)` infers
 * `{ redisServer: RedisServer; redis: RedisNamespace }` without an explicit type argument (a tuple makes it
 * infer the tuple itself).
 */
export interface RedisFixtureDefinitions {
  redisServer: (ctx: object, use: Use<RedisServer>) => Promise<void>
  redis: (ctx: { redisServer: RedisServer }, use: Use<RedisNamespace>) => Promise<void>
}

/** The fixtures with default options (compose: `baseTest.extend(pgFixtures).extend(redisFixtures)`). */
export const redisFixtures = createRedisFixtures() as unknown as RedisFixtureDefinitions

type RedisTest = TestAPI<RedisFixtures>
let extended: RedisTest | undefined
// `test.extend` needs a test file being collected, and this module is also imported by global-setup
// files (for redisGlobalSetup), where none is: extend at import when possible, else on first use
try {
  extended = baseTest.extend<RedisFixtures>(redisFixtures)
} catch {
  extended = undefined
}
const realTest = (): RedisTest => {
  extended ??= baseTest.extend<RedisFixtures>(redisFixtures)
  return extended
}

/** vitest's `test` with `redisServer` and `redis`: `test('x', async ({ redis }) => { ... })`. */
export const test: RedisTest = new Proxy(function redisTest() {} as unknown as RedisTest, {
  apply: (_target, thisArg, args) =>
    Reflect.apply(realTest() as unknown as (...a: unknown[]) => unknown, thisArg, args),
  get: (_target, prop) => Reflect.get(realTest() as object, prop),
  has: (_target, prop) => Reflect.has(realTest() as object, prop),
})

export type { RedisConnectionInfo, RedisNamespace, RedisServer }
