import { integrationConfig } from '@infra/vitest-config'

// Real PostgreSQL, Redis and WebSocket servers and a real Chromium: one Postgres and one Redis per run
// (global setup, which also bundles the page), a database and Redis namespace per test, two workers,
// one browser per browser file.
export default integrationConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
  },
})
