// One PostgreSQL server (the migrations applied once into its template) and one Redis server for the whole
// run; every test takes its own database and Redis namespace from them (see support/app-test.ts). Before
// them, the page's script is bundled, so the browser suites never load a stale page.
// composeGlobalSetups runs them in order and tears down the started ones if a later one fails.
import { composeGlobalSetups, postgresGlobalSetup } from '@infra/pg-fixture/vitest'
import { redisGlobalSetup } from '@infra/redis-fixture/vitest'
import { bundlePage } from '../src/page/bundle.js'
import { migrationsDir } from '../src/server/migrate.js'

async function pageBundleSetup(): Promise<() => Promise<void>> {
  await bundlePage()
  return async () => {}
}

export default composeGlobalSetups(
  pageBundleSetup,
  postgresGlobalSetup({ migrations: migrationsDir }),
  redisGlobalSetup(),
)
