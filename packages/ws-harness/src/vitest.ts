import { rejectServerOptions } from '@infra/fixture-core'
import {
  type ProvideTarget as CoreProvideTarget,
  composeGlobalSetups,
  defineServerFixtures,
  fileScoped,
  lazyCallable,
} from '@infra/fixture-core/vitest'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import { type ConnectOptions, connect as connectClient, type WsClient } from './client/client.js'
import { type ConnectManyOptions, connectMany as connectGroup, type WsClientGroup } from './client/many.js'
import { attachWsServer, type SharedWsServer, type WsConnectionInfo } from './server/attached-server.js'
import { startWsServer, type WsServer } from './server/server.js'
import type { WsServerOptions } from './server/server-options.js'

const CLEANUP_CLOSE_TIMEOUT_MS = 1_000

/** The key under which {@link wsGlobalSetup} provides the shared server's URL. */
export const WS_PROVIDE_KEY = 'infraWs'

declare module 'vitest' {
  interface ProvidedContext {
    infraWs: WsConnectionInfo
  }
}

/** The part of vitest's `TestProject` the global setup needs. */
export type ProvideTarget = CoreProvideTarget<typeof WS_PROVIDE_KEY, WsConnectionInfo>

const glue = defineServerFixtures({
  key: WS_PROVIDE_KEY,
  inject: () => inject(WS_PROVIDE_KEY),
  globalSetupName: 'wsGlobalSetup()',
  fixturesName: 'wsFixtures',
  serverFixture: 'wsSharedServer',
  isolatedFixture: 'wsClient',
  start: (options: WsServerOptions): Promise<SharedWsServer> => startWsServer(options),
  info: (server) => ({ url: server.url, provider: server.provider }),
  attach: (info) => attachWsServer(info),
})

/**
 * A vitest global setup that starts one WebSocket server for the whole run (in the main process, so
 * `onConnection` handlers work but share no memory with tests) and provides its URL to workers
 * (`wsSharedServer`, `wsSharedUrl`, `inject('infraWs')`). In your setup file: `export default wsGlobalSetup({ ... })`
 * (with other global setups: `composeGlobalSetups(…, wsGlobalSetup({ ... }))`).
 * Most tests want their own server instead (`wsServer`, `wsFileServer`): it costs about a millisecond.
 */
export const wsGlobalSetup: (
  options?: WsServerOptions,
) => (project: ProvideTarget) => Promise<() => Promise<void>> = glue.globalSetup

/** What `wsFixtures` adds to the test context. */
export interface WsFixtures {
  /** Options for `wsServer`/`wsFileServer`; override with `test.override({ wsServerOptions: {...} })`. */
  wsServerOptions: WsServerOptions
  /** A server started for this test and stopped after it (only when the test uses it). */
  wsServer: WsServer
  /** One server for the whole file (started on first use, stopped after the file). */
  wsFileServer: WsServer
  /**
   * The run's server (worker-scoped): a handle on {@link wsGlobalSetup}'s (clients only; it reports that
   * server's provider), or else a server started for this worker with default options.
   */
  wsSharedServer: SharedWsServer
  /** A client of this test's own on `wsSharedServer` (`wsSharedServer.isolated()`), closed after the test. */
  wsClient: WsClient
  /** The run's server URL from {@link wsGlobalSetup}, or else a server for this file (with `wsServerOptions`). */
  wsSharedUrl: string
  /** `connect()` whose clients are closed after the test. */
  connect: (url: string, opts?: ConnectOptions) => Promise<WsClient>
  /** `connectMany()` whose clients are closed after the test. */
  connectMany: (url: string, count: number, opts?: ConnectManyOptions) => Promise<WsClientGroup>
}

type Use<T> = (value: T) => Promise<void>
type WithOptions = { wsServerOptions: WsServerOptions }

async function serve(options: WsServerOptions, use: Use<WsServer>): Promise<void> {
  const server = await startWsServer(options)
  try {
    await use(server)
  } finally {
    await server.stop()
  }
}

/**
 * Fixtures for `test.extend(wsFixtures)`: servers and clients with automatic cleanup, so that no socket
 * outlives its test. Compose with other packages without type arguments, in any order (at the top level of a
 * file, as some are file-scoped): `baseTest.extend(pgFixtures).extend(redisFixtures).extend(wsFixtures)`.
 * The file- and worker-scoped ones are vitest tuples typed as their functions (see `fileScoped` in
 * @infra/fixture-core).
 */
export const wsFixtures = {
  ...glue.fixtures(),
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  wsServerOptions: fileScoped<WsServerOptions>(async ({}, use) => use({})),
  wsServer: async ({ wsServerOptions }: WithOptions, use: Use<WsServer>) => serve(wsServerOptions, use),
  wsFileServer: fileScoped<WsServer, WithOptions>(async ({ wsServerOptions }, use) =>
    serve(wsServerOptions, use),
  ),
  wsSharedUrl: fileScoped<string, WithOptions>(async ({ wsServerOptions }, use) => {
    const info = inject(WS_PROVIDE_KEY)
    if (!info) return serve(wsServerOptions, (server) => use(server.url))
    // the shared server is the global setup's: options given for it here could not apply
    rejectServerOptions(wsServerOptions, {
      fixtures: 'test.override({ wsServerOptions })',
      globalSetup: 'wsGlobalSetup()',
      remedy:
        'wsSharedUrl is that server (its options are given to wsGlobalSetup()); for a server with these ' +
        'options use wsFileServer or wsServer in this file.',
    })
    await use(info.url)
  }),
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  connect: async ({}, use: Use<WsFixtures['connect']>) => {
    const opened: WsClient[] = []
    try {
      await use(async (url, opts) => {
        const client = await connectClient(url, opts)
        opened.push(client)
        return client
      })
    } finally {
      await Promise.all(opened.map((c) => c.close(1000, undefined, { timeoutMs: CLEANUP_CLOSE_TIMEOUT_MS })))
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  connectMany: async ({}, use: Use<WsFixtures['connectMany']>) => {
    const groups: WsClientGroup[] = []
    try {
      await use(async (url, count, opts) => {
        const group = await connectGroup(url, count, opts)
        groups.push(group)
        return group
      })
    } finally {
      await Promise.all(groups.map((g) => g.closeAll()))
    }
  },
}

/** The fixture definitions as `test.extend` sees them (infers {@link WsFixtures} without a type argument). */
export type WsFixtureDefinitions = typeof wsFixtures

/** vitest's `test` with {@link wsFixtures}. */
export const test: TestAPI<WsFixtures> = lazyCallable(() => baseTest.extend(wsFixtures))

export type { SharedWsServer, WsConnectionInfo }
export { composeGlobalSetups }
