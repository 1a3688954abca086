import { test as baseTest, describe, expect } from 'vitest'
import type { WsClient } from './client/client.js'
import { startWsServer } from './server/server.js'
import { test, type WsConnectionInfo, wsFixtures, wsGlobalSetup } from './vitest.js'

// File-scoped fixtures must be defined at the top level of a file. No type arguments: the context is inferred.
const composed = baseTest.extend({ greeting: 'hello' }).extend(wsFixtures)

let fromFirstTest: WsClient | undefined
let firstServerClients: ReadonlySet<unknown> | undefined

describe('per-test server and tracked clients', () => {
  test('wsServer and connect work together', async ({ wsServer, connect }) => {
    const a = await connect(wsServer.url)
    a.sendJson({ hi: 1 })
    await a.expectJson({ hi: 1 })
    fromFirstTest = a
    firstServerClients = wsServer.clients
  })

  test('after a test its clients are closed and its server stopped (no open handles)', async () => {
    expect(fromFirstTest?.readyState).toBe('closed')
    expect(firstServerClients?.size).toBe(0)
  })

  test('connectMany groups are closed too', async ({ wsServer, connectMany }) => {
    const g = await connectMany(wsServer.url, 10)
    expect(wsServer.clients.size).toBe(10)
    fromFirstTest = g.at(9)
  })

  test('…checked here', () => {
    expect(fromFirstTest?.readyState).toBe('closed')
  })
})

describe('file-scoped server composed with another extension', () => {
  let port = 0

  composed('first test connects', async ({ wsFileServer, connect, greeting }) => {
    port = wsFileServer.port
    const a = await connect(wsFileServer.url)
    a.send(greeting)
    await a.expect('hello')
  })

  composed('same server, and the previous test left no client behind', async ({ wsFileServer }) => {
    expect(wsFileServer.port).toBe(port)
    await wsFileServer.waitForClients(0)
    expect(wsFileServer.connectionCount).toBe(1)
  })
})

describe('shared server', () => {
  composed(
    'without a global setup, wsSharedServer is a server of this worker and wsClient a client of the test’s own',
    async ({ wsSharedServer, wsClient }) => {
      expect(wsSharedServer.provider).toBe('local')
      expect(wsSharedServer.env()).toEqual({ WS_URL: wsSharedServer.url })
      wsClient.send('own')
      await wsClient.expect('own')
    },
  )

  composed(
    'wsSharedUrl falls back to a server for this file when there is no global setup',
    async ({ wsSharedUrl, connect }) => {
      const a = await connect(wsSharedUrl)
      a.send('echo')
      await a.expect('echo')
    },
  )

  composed('wsGlobalSetup starts one server, provides its URL, and tears it down', async ({ connect }) => {
    let provided: WsConnectionInfo | undefined
    const teardown = await wsGlobalSetup({ path: '/shared' })({
      provide: (_key, value) => {
        provided = value
      },
    })
    try {
      expect(provided?.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/shared$/)
      expect(provided?.provider).toBe('local')
      const a = await connect(provided!.url)
      a.send('hi')
      await a.expect('hi')
    } finally {
      await teardown()
    }
    await expect(connect(provided!.url)).rejects.toThrow(/ECONNREFUSED/)
    expect(startWsServer).toBeTypeOf('function')
  })
})
