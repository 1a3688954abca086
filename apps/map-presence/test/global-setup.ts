// One PostgreSQL server (migrations applied once into its template) and one Redis server for the whole
// run; every test then takes its own database and Redis namespace from them (see support/map-test.ts).
//
// WORKAROUND: `postgresGlobalSetup` cannot be imported here — '@infra/pg-fixture/vitest' runs
// `baseTest.extend(...)` at import time, which throws "Vitest failed to find the current suite" inside a
// globalSetup. The same thing, done with the package's main entry: start, provide, stop.
import { startPostgres } from '@infra/pg-fixture'
import { migrationsDir } from '../src/db/migrate.js'

interface Project {
  provide(key: 'infraPg', value: unknown): void
}

export default async function setup(project: Project): Promise<() => Promise<void>> {
  const started = await Promise.allSettled([
    startPostgres({ migrations: migrationsDir }),
    // TEMPORARY: redisGlobalSetup() once @infra/redis-fixture/vitest exports it
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
  const [postgres] = servers
  project.provide('infraPg', postgres!.connectionInfo)
  return teardown
}
