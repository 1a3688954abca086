import { defineConfig } from 'vitest/config'

// A small suite run by src/global-setup.integration.test.ts: one Toxiproxy for the run, two workers.
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
