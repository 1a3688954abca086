// Shared vitest presets. The machine this runs on has 2 cores: keep workers low,
// and give integration tests (real servers) generous but finite timeouts.
import { defineConfig, mergeConfig } from 'vitest/config'

const unitExcludes = ['**/*.integration.test.ts', '**/node_modules/**', '**/dist/**']

/** Unit tests: no services needed. */
export function unitConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        exclude: unitExcludes,
        testTimeout: 10_000,
        hookTimeout: 10_000,
        pool: 'forks',
        maxWorkers: 2,
      },
    }),
    overrides,
  )
}

/** Integration tests: real servers, finite timeouts, at most 2 workers on 2 cores. */
export function integrationConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      test: {
        include: ['src/**/*.integration.test.ts', 'test/**/*.integration.test.ts'],
        exclude: ['**/node_modules/**', '**/dist/**'],
        testTimeout: 60_000,
        hookTimeout: 90_000,
        teardownTimeout: 30_000,
        pool: 'forks',
        maxWorkers: 2,
        fileParallelism: true,
      },
    }),
    overrides,
  )
}
