// One MariaDB server (migrations applied once into its template) and one Redis server for the whole run.
import { mysqlGlobalSetup } from '@infra/mysql-fixture/vitest'
import { composeGlobalSetups, redisGlobalSetup } from '@infra/redis-fixture/vitest'
import { migrationsDir } from '../src/index.js'

export default composeGlobalSetups(mysqlGlobalSetup({ migrations: migrationsDir }), redisGlobalSetup())
