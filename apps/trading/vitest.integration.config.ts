import { integrationConfig } from '@infra/vitest-config'

// Real PostgreSQL, Redis and InfluxDB servers: one of each per run (global setup), a Postgres schema, a Redis
// database and an InfluxDB database per test, two workers; the fault files start private servers.
export default integrationConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
  },
})
