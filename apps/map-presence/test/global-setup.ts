// One PostgreSQL server (migrations applied once into its template) and one Redis server for the whole
// run; every test then takes its own database and Redis namespace from them (see support/map-test.ts).
// composeGlobalSetups starts them in order and stops Postgres again if Redis fails to start.
import { composeGlobalSetups, postgresGlobalSetup } from '@infra/pg-fixture/vitest'
import { redisGlobalSetup } from '@infra/redis-fixture/vitest'
import { migrationsDir } from '../src/db/migrate.js'

export default composeGlobalSetups(postgresGlobalSetup({ migrations: migrationsDir }), redisGlobalSetup())
