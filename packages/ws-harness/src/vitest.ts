import { test as baseTest } from 'vitest'
import { type ConnectOptions, connect as connectClient, type WsClient } from './client.js'
import { type ConnectManyOptions, connectMany as connectGroup, type WsClientGroup } from './many.js'
import { startWsServer, type WsServer, type WsServerOptions } from './server.js'

const CLEANUP_CLOSE_TIMEOUT_MS = 1_000

export interface WsFixtures {
  /** Options for `wsServer`/`wsFileServer`; override with `test.override({ wsServerOptions: {...} })`. */
  wsServerOptions: WsServerOptions
  /** A server started for this test and stopped after it (only when the test uses it). */
  wsServer: WsServer
  /** One server for the whole file (started on first use, stopped after the file). */
  wsFileServer: WsServer
  /** `connect()` whose clients are closed after the test. */
  connect: (url: string, opts?: ConnectOptions) => Promise<WsClient>
  /** `connectMany()` whose clients are closed after the test. */
  connectMany: (url: string, count: number, opts?: ConnectManyOptions) => Promise<WsClientGroup>
}

/**
 * Fixtures for `test.extend(wsFixtures)`: servers and clients with automatic cleanup, so that no socket
 * outlives its test. Compose with other packages: `baseTest.extend(pgFixtures).extend(wsFixtures)`.
 */
export const wsFixtures = {
  wsServerOptions: [{} as WsServerOptions, { scope: 'file' as const }] as [
    WsServerOptions,
    { scope: 'file' },
  ],
  wsServer: async (
    { wsServerOptions }: { wsServerOptions: WsServerOptions },
    use: (server: WsServer) => Promise<void>,
  ) => {
    const server = await startWsServer(wsServerOptions)
    try {
      await use(server)
    } finally {
      await server.stop()
    }
  },
  wsFileServer: [
    async (
      { wsServerOptions }: { wsServerOptions: WsServerOptions },
      use: (server: WsServer) => Promise<void>,
    ) => {
      const server = await startWsServer(wsServerOptions)
      try {
        await use(server)
      } finally {
        await server.stop()
      }
    },
    { scope: 'file' as const },
  ] as [
    (ctx: { wsServerOptions: WsServerOptions }, use: (server: WsServer) => Promise<void>) => Promise<void>,
    { scope: 'file' },
  ],
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures must destructure their context
  connect: async ({}, use: (fn: WsFixtures['connect']) => Promise<void>) => {
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
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures must destructure their context
  connectMany: async ({}, use: (fn: WsFixtures['connectMany']) => Promise<void>) => {
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

/** `test` with {@link wsFixtures}. */
export const test = baseTest.extend<WsFixtures>(wsFixtures)
