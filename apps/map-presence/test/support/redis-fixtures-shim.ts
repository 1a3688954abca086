// TEMPORARY: @infra/redis-fixture/vitest does not export `redisFixtures` yet. The same shape built on the
// package's public `startRedis()` / `isolated()`: one server per worker, a namespace per test.
import { type RedisNamespace, type RedisServer, startRedis } from '@infra/redis-fixture'

type Use<T> = (value: T) => Promise<void>

export const redisFixtures = {
  redisServer: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
    async ({}: object, use: Use<RedisServer>) => {
      const server = await startRedis()
      try {
        await use(server)
      } finally {
        await server.stop()
      }
    },
    { scope: 'worker' },
  ] as [(ctx: object, use: Use<RedisServer>) => Promise<void>, { scope: 'worker' }],
  redisNs: async ({ redisServer }: { redisServer: RedisServer }, use: Use<RedisNamespace>) => {
    const ns = await redisServer.isolated()
    try {
      await use(ns)
    } finally {
      await ns.release()
    }
  },
}
