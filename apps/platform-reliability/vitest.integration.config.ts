import { integrationConfig } from '@infra/vitest-config'

// Real PostgreSQL, Redis (a server and a cluster), ClickHouse, Toxiproxy, Jaeger and WebSocket servers: one
// of each shared server per run (global setup), a database / namespace / scope per test, two workers.
export default integrationConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
  },
})
