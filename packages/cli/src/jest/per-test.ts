import { createRequire } from 'node:module'
import { EnvironmentError } from '@infra/fixture-core'
import { infoEnvName } from './global.js'

// Jest's test globals (the helpers register hooks; they run only inside a Jest test file)
declare const beforeAll: (fn: () => unknown, timeout?: number) => void
declare const beforeEach: (fn: () => unknown, timeout?: number) => void
declare const afterEach: (fn: () => unknown, timeout?: number) => void
declare const afterAll: (fn: () => unknown, timeout?: number) => void

// Node's own require: the fixture packages load as plain CommonJS, outside Jest's module registry
const nodeRequire = createRequire(import.meta.url)

interface Attachable {
  isolated(): Promise<AsyncDisposable>
  stop(): Promise<void>
}

function perTest<T>(service: string, packageName: string, connect: string): () => T {
  let server: Attachable | undefined
  let current: AsyncDisposable | undefined
  beforeAll(() => {
    const raw = process.env[infoEnvName(service)]
    if (!raw) {
      throw new EnvironmentError(
        `${infoEnvName(service)} is not set: add globalSetup(['${service}', …]) from @infra/cli/jest to jest.config`,
      )
    }
    server = (nodeRequire(packageName)[connect] as (info: unknown) => Attachable)(JSON.parse(raw))
  })
  beforeEach(async () => {
    current = await server!.isolated()
  }, 30_000)
  afterEach(async () => {
    await current?.[Symbol.asyncDispose]()
    current = undefined
  }, 30_000)
  afterAll(() => server?.stop(), 30_000)
  return () => {
    if (!current) throw new EnvironmentError(`the per-test ${service} exists only inside a test`)
    return current as T
  }
}

/**
 * Per-test PostgreSQL database for Jest: call at the top of a test file; the returned getter gives the
 * current test's own database (`.url`, `.query()`), made fresh before each test and dropped after it.
 * Needs `globalSetup(['pg', …])`. Typed loosely: cast to `TestDatabase` from @infra/pg-fixture.
 */
export function isolatedPostgres<T = { url: string }>(service = 'pg'): () => T {
  return perTest<T>(service, '@infra/pg-fixture', 'connectPostgres')
}

/** Per-test Redis namespace for Jest (`.url`, `.prefix`, `.client()`), flushed after each test. */
export function isolatedRedis<T = { url: string }>(service = 'redis'): () => T {
  return perTest<T>(service, '@infra/redis-fixture', 'connectRedis')
}
