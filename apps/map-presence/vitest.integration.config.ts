import { integrationConfig } from '@infra/vitest-config'

// Real PostgreSQL, Redis and WebSocket servers: one Postgres and one Redis per run (global setup), a
// database and Redis namespace per test, two workers.
export default integrationConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
  },
})
