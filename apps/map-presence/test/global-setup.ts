// One PostgreSQL server (migrations applied once into its template) and one Redis server for the whole
// run; every test then takes its own database and Redis namespace from them (see support/map-test.ts).
import { postgresGlobalSetup } from '@infra/pg-fixture/vitest'
import { redisGlobalSetup } from '@infra/redis-fixture/vitest'
import { migrationsDir } from '../src/db/migrate.js'

type Project = Parameters<ReturnType<typeof postgresGlobalSetup>>[0] &
  Parameters<ReturnType<typeof redisGlobalSetup>>[0]

export default async function setup(project: Project): Promise<() => Promise<void>> {
  // both at once; if one fails, stop the other before reporting
  const started = await Promise.allSettled([
    postgresGlobalSetup({ migrations: migrationsDir })(project),
    redisGlobalSetup()(project),
  ])
  const teardowns = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const teardown = async () => {
    await Promise.all(teardowns.map((stop) => stop()))
  }
  const failed = started.find((result) => result.status === 'rejected')
  if (failed) {
    await teardown()
    throw failed.reason
  }
  return teardown
}
