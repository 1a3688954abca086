import { composeGlobalSetups, defineServerFixtures, lazyCallable } from '@infra/fixture-core/vitest'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { ToxiproxyScope } from './links/scope.js'
import type { ToxiproxyOptions } from './options.js'
import {
  connectToxiproxy,
  startToxiproxy,
  type Toxiproxy,
  type ToxiproxyConnectionInfo,
} from './toxiproxy.js'

/** The key under which the global setup provides the server's connection info. */
export const TOXIPROXY_PROVIDE_KEY = 'infraToxiproxy'

declare module 'vitest' {
  interface ProvidedContext {
    infraToxiproxy: ToxiproxyConnectionInfo
  }
}

const glue = defineServerFixtures({
  key: TOXIPROXY_PROVIDE_KEY,
  inject: () => inject(TOXIPROXY_PROVIDE_KEY),
  globalSetupName: 'toxiproxyGlobalSetup()',
  fixturesName: 'createToxiproxyFixtures()',
  serverFixture: 'toxiproxyServer',
  isolatedFixture: 'toxiproxy',
  start: (options: ToxiproxyOptions) => startToxiproxy(options),
  info: (server: Toxiproxy) => server.connectionInfo,
  attach: (info: ToxiproxyConnectionInfo, options: ToxiproxyOptions) =>
    connectToxiproxy(info, { apiTimeoutMs: options.apiTimeoutMs }),
  perWorkerOptions: ['apiTimeoutMs'],
})

/**
 * A vitest global setup that starts one Toxiproxy for the run and hands its API to the workers. In your
 * setup file: `export default toxiproxyGlobalSetup()`, or inside `composeGlobalSetups(…)`.
 */
export const toxiproxyGlobalSetup = glue.globalSetup

/**
 * `test.extend` fixtures: `toxiproxyServer` (worker-scoped: the global setup's server, or one per worker) and
 * `toxiproxy` (a {@link ToxiproxyScope} per test whose links are deleted after it: every test starts with
 * no toxics and no partitions).
 */
export const createToxiproxyFixtures = glue.fixtures

/** The fixture definitions as `test.extend` sees them. */
export type ToxiproxyFixtureDefinitions = ReturnType<typeof createToxiproxyFixtures>

/** What `toxiproxyFixtures` adds to the test context. */
export interface ToxiproxyFixtures {
  toxiproxyServer: Toxiproxy
  toxiproxy: ToxiproxyScope
}

/** The fixtures with default options (compose: `baseTest.extend(redisFixtures).extend(toxiproxyFixtures)`). */
export const toxiproxyFixtures: ToxiproxyFixtureDefinitions = createToxiproxyFixtures()

/** vitest's `test` with `toxiproxyServer` and `toxiproxy`. */
export const test: TestAPI<ToxiproxyFixtures> = lazyCallable(() => baseTest.extend(toxiproxyFixtures))

export type { Toxiproxy, ToxiproxyConnectionInfo, ToxiproxyScope }
export { composeGlobalSetups }
