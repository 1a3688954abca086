// One PostgreSQL, one Redis and one InfluxDB for the whole run; every test takes its own Postgres schema
// (`test_<id>`, pg fixture's schema()), Redis database and InfluxDB database from them (support/app-test.ts).
// The fault suites start private servers of their own to kill and pause.
// composeGlobalSetups starts them in order and stops the started ones if a later one fails.
import { influxGlobalSetup } from '@infra/influxdb-fixture/vitest'
import { composeGlobalSetups, postgresGlobalSetup } from '@infra/pg-fixture/vitest'
import { redisGlobalSetup } from '@infra/redis-fixture/vitest'

export default composeGlobalSetups(postgresGlobalSetup(), redisGlobalSetup(), influxGlobalSetup())
