// One PostgreSQL (migrations applied once into its template), one Redis (the task queues), one ClickHouse
// (the analytics tables applied in every test database) and one Toxiproxy for the whole run; every test
// then takes its own database, Redis namespace, ClickHouse database and Toxiproxy scope from them (see
// support/fixtures.ts). The Redis cluster (cache suite) and Jaeger (tracing suite) are started by the files
// that use them. composeGlobalSetups starts them in order and stops the started ones if a later one fails.
import { clickhouseGlobalSetup } from '@infra/clickhouse-fixture/vitest'
import { composeGlobalSetups, postgresGlobalSetup } from '@infra/pg-fixture/vitest'
import { redisGlobalSetup } from '@infra/redis-fixture/vitest'
import { toxiproxyGlobalSetup } from '@infra/toxiproxy-fixture/vitest'
import { clickhouseMigrationsDir, migrationsDir } from '../src/db/migrate.js'

export default composeGlobalSetups(
  postgresGlobalSetup({ migrations: migrationsDir }),
  redisGlobalSetup(),
  clickhouseGlobalSetup({ migrations: clickhouseMigrationsDir }),
  toxiproxyGlobalSetup(),
)
