import { defineConfig } from 'vitest/config'

// Run by src/workers.integration.test.ts: one server for the run, 2 workers × 20 tests.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.check.ts'],
    globalSetup: ['./setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
