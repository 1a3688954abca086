import { test as baseTest, inject } from 'vitest'
import { type ConnectOptions, connect as connectClient, type WsClient } from './client.js'
import { type ConnectManyOptions, connectMany as connectGroup, type WsClientGroup } from './many.js'
import { startWsServer, type WsServer, type WsServerOptions } from './server.js'

const CLEANUP_CLOSE_TIMEOUT_MS = 1_000

/** The key under which {@link wsGlobalSetup} provides the shared server's URL. */
export const WS_PROVIDE_KEY = 'infraWs'

/** What {@link wsGlobalSetup} hands to workers. */
export interface WsConnectionInfo {
  url: string
}

declare module 'vitest' {
  interface ProvidedContext {
    infraWs: WsConnectionInfo
  }
}

/** The part of vitest's `TestProject` the global setup needs. */
export interface ProvideTarget {
  provide(key: typeof WS_PROVIDE_KEY, value: WsConnectionInfo): void
}

/**
 * A vitest global setup that starts one WebSocket server for the whole run (in the main process, so
 * `onConnection` handlers work but share no memory with tests) and provides its URL to workers as
 * `wsSharedUrl` / `inject('infraWs')`. In your setup file: `export default wsGlobalSetup({ ... })`.
 * Most tests want their own server instead (`wsServer`, `wsFileServer`): it costs about a millisecond.
 */
export function wsGlobalSetup(
  options: WsServerOptions = {},
): (project: ProvideTarget) => Promise<() => Promise<void>> {
  return async function setup(project: ProvideTarget) {
    const server = await startWsServer(options)
    project.provide(WS_PROVIDE_KEY, { url: server.url })
    return () => server.stop()
  }
}

function injected(): WsConnectionInfo | undefined {
  try {
    return inject(WS_PROVIDE_KEY)
  } catch {
    return undefined
  }
}

export interface WsFixtures {
  /** Options for `wsServer`/`wsFileServer`; override with `test.override({ wsServerOptions: {...} })`. */
  wsServerOptions: WsServerOptions
  /** A server started for this test and stopped after it (only when the test uses it). */
  wsServer: WsServer
  /** One server for the whole file (started on first use, stopped after the file). */
  wsFileServer: WsServer
  /** The run's server from {@link wsGlobalSetup}, or else a server for this file (with `wsServerOptions`). */
  wsSharedUrl: string
  /** `connect()` whose clients are closed after the test. */
  connect: (url: string, opts?: ConnectOptions) => Promise<WsClient>
  /** `connectMany()` whose clients are closed after the test. */
  connectMany: (url: string, count: number, opts?: ConnectManyOptions) => Promise<WsClientGroup>
}

type Use<T> = (value: T) => Promise<void>
type FileFixture<T, Ctx = object> = [(context: Ctx, use: Use<T>) => Promise<void>, { scope: 'file' }]
type TestFixture<T, Ctx = object> = (context: Ctx, use: Use<T>) => Promise<void>
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
 * outlives its test. Compose with other packages (at the top level of a file, as some are file-scoped):
 * `baseTest.extend(pgFixtures).extend(wsFixtures)`.
 */
export const wsFixtures: {
  wsServerOptions: FileFixture<WsServerOptions>
  wsServer: TestFixture<WsServer, WithOptions>
  wsFileServer: FileFixture<WsServer, WithOptions>
  wsSharedUrl: FileFixture<string, WithOptions>
  connect: TestFixture<WsFixtures['connect']>
  connectMany: TestFixture<WsFixtures['connectMany']>
} = {
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  wsServerOptions: [async ({}, use) => use({}), { scope: 'file' }],
  wsServer: async ({ wsServerOptions }, use) => serve(wsServerOptions, use),
  wsFileServer: [async ({ wsServerOptions }, use) => serve(wsServerOptions, use), { scope: 'file' }],
  wsSharedUrl: [
    async ({ wsServerOptions }, use) => {
      const info = injected()
      if (info) await use(info.url)
      else await serve(wsServerOptions, (server) => use(server.url))
    },
    { scope: 'file' },
  ],
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  connect: async ({}, use) => {
    const opened: WsClient[] = []
    try {
      await use(async (url, opts) => {
        const client = await connectClient(url, opts)
        opened.push(client)
        return client
      })
    } finally {
      await Promise.all(opened.map((c) => c.close(1000, undefined, { timeout: CLEANUP_CLOSE_TIMEOUT_MS })))
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  connectMany: async ({}, use) => {
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

/** vitest's `test` with {@link wsFixtures}. */
export const test = baseTest.extend<WsFixtures>(wsFixtures)
