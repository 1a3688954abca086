// One PostgreSQL server (migrations applied once into its template) and one Redis server for the whole
// run; every test then takes its own database and Redis namespace from them (see support/map-test.ts).
//
// WORKAROUND: `postgresGlobalSetup` / `redisGlobalSetup` cannot be imported here — the '/vitest' subpaths
// run `baseTest.extend(...)` at import time, which throws "Vitest failed to find the current suite" inside
// a globalSetup. The same thing, done with the packages' main entries: start, provide, stop.
import { startPostgres } from '@infra/pg-fixture'
import { startRedis } from '@infra/redis-fixture'
import { migrationsDir } from '../src/db/migrate.js'

interface Project {
  provide(key: 'infraPg' | 'infraRedis', value: unknown): void
}

interface Server {
  connectionInfo: unknown
  stop(): Promise<void>
}

export default async function setup(project: Project): Promise<() => Promise<void>> {
  const started: PromiseSettledResult<Server>[] = await Promise.allSettled([
    startPostgres({ migrations: migrationsDir }),
    startRedis().then(async (redis) => {
      await redis.preparePool().catch(async (error) => {
        await redis.stop()
        throw error
      })
      return redis
    }),
  ])
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const teardown = async () => {
    await Promise.all(servers.map((server) => server.stop()))
  }
  const failed = started.find((result) => result.status === 'rejected')
  if (failed) {
    await teardown()
    throw failed.reason
  }
  const [postgres, redis] = started.map((result) => (result as PromiseFulfilledResult<Server>).value)
  project.provide('infraPg', postgres!.connectionInfo)
  project.provide('infraRedis', redis!.connectionInfo)
  return teardown
}
