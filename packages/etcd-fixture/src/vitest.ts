// @infra/etcd-fixture/vitest (ESM only): one etcd cluster per test run, one namespace per test.
import { composeGlobalSetups, defineServerFixtures, lazyCallable } from '@infra/fixture-core/vitest'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { EtcdNamespace } from './client/namespace.js'
import type { Etcd, EtcdConnectionInfo } from './etcd.js'
import type { EtcdOptions } from './options.js'
import { connectEtcd, startEtcd } from './start-etcd.js'

/** The key under which {@link etcdGlobalSetup} provides the cluster's endpoints. */
export const ETCD_PROVIDE_KEY = 'infraEtcd'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by `etcdGlobalSetup`: the run's etcd endpoints. */
    infraEtcd: EtcdConnectionInfo
  }
}

const glue = defineServerFixtures({
  key: ETCD_PROVIDE_KEY,
  inject: () => inject(ETCD_PROVIDE_KEY),
  globalSetupName: 'etcdGlobalSetup()',
  fixturesName: 'createEtcdFixtures()',
  serverFixture: 'etcdServer',
  isolatedFixture: 'etcd',
  start: (options: EtcdOptions) => startEtcd(options),
  info: (server) => server.connectionInfo,
  attach: (info, options) =>
    connectEtcd(info, { keyPrefix: options.keyPrefix, clientOptions: options.clientOptions }),
  perWorkerOptions: ['keyPrefix', 'clientOptions'],
})

/**
 * A vitest global setup that starts one etcd (`{ nodes: 3 }` for a cluster) for the whole run and hands its
 * endpoints to the workers (`inject('infraEtcd')`). In your setup file: `export default etcdGlobalSetup()`;
 * with others: `composeGlobalSetups(postgresGlobalSetup(…), etcdGlobalSetup())`.
 */
export const etcdGlobalSetup = glue.globalSetup

/**
 * `test.extend` fixtures: `etcdServer` (worker-scoped: the global setup's cluster, attached without faults,
 * or a cluster started for this worker) and `etcd` (a fresh namespace per test, its keys deleted after it).
 * With `etcdGlobalSetup`, cluster options here throw `InvalidOptionsError` (`keyPrefix` and `clientOptions`
 * still apply per worker).
 */
export const createEtcdFixtures = glue.fixtures

/** What `etcdFixtures` adds to the test context. */
export interface EtcdFixtures {
  etcdServer: Etcd
  etcd: EtcdNamespace
}

/** The fixture definitions as `test.extend` sees them. */
export type EtcdFixtureDefinitions = ReturnType<typeof createEtcdFixtures>

/** The fixtures with default options (compose: `baseTest.extend(pgFixtures).extend(etcdFixtures)`). */
export const etcdFixtures: EtcdFixtureDefinitions = createEtcdFixtures()

/** vitest's `test` with `etcdServer` and `etcd`: `test('x', async ({ etcd }) => { … })`. */
export const test: TestAPI<EtcdFixtures> = lazyCallable(() => baseTest.extend(etcdFixtures))

export type { Etcd, EtcdConnectionInfo, EtcdNamespace, EtcdOptions }
export { composeGlobalSetups }
