import { defineConfig } from 'vitest/config'

// Run by src/global-setup.integration.test.ts: a composed global setup that imports the vitest subpath.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.check.ts'],
    globalSetup: ['./setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
