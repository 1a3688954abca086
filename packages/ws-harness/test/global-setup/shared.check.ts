import { InvalidOptionsError, UnsupportedOperationError } from '@infra/fixture-core'
import { expect, inject } from 'vitest'
import { test, wsFixtures } from '../../src/vitest.js'

test('the ready test works in a run whose global setup imports @infra/ws-harness/vitest', async ({
  wsSharedUrl,
  wsSharedServer,
  wsClient,
  connect,
}) => {
  // the worker's handle on the global setup's server: its URL and provider, clients, no server control
  expect(wsSharedServer.url).toBe(inject('infraWs').url)
  expect(wsSharedServer.provider).toBe('local')
  await expect(wsSharedServer.restart()).rejects.toBeInstanceOf(UnsupportedOperationError)
  wsClient.send('own client')
  await wsClient.expect('own client')
  expect(inject('otherSetup')).toBe('started after ws')
  expect(wsSharedUrl).toBe(inject('infraWs').url)
  expect(wsSharedUrl).toMatch(/\/shared$/)
  const client = await connect(wsSharedUrl)
  client.send('echo')
  await client.expect('echo')
})

type FileFixture = [
  (ctx: { wsServerOptions: object }, use: (url: string) => Promise<void>) => Promise<void>,
  object,
]

test('options for the shared server from a test file are an error, not ignored', async () => {
  const [sharedUrl] = wsFixtures.wsSharedUrl as unknown as FileFixture
  let used = false
  const error = await sharedUrl({ wsServerOptions: { path: '/custom' } }, async () => {
    used = true
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InvalidOptionsError)
  expect((error as Error).message).toMatch(/wsServerOptions.*'path'.*wsGlobalSetup\(\) provides/)
  expect(used).toBe(false)
})
