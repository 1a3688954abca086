// The consumer's vitest config: one PostgreSQL and one Redis for the whole run (global setups from the
// installed packages), a database and a Redis namespace per test (test.extend fixtures).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
  },
})
