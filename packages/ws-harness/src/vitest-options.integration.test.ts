import { expect } from 'vitest'
import { test } from './vitest.js'

// Options of the file-scoped `wsServerOptions` are overridden at the top level of a file.
const custom = test.override({ wsServerOptions: { path: '/custom', echo: false } })

custom('wsServer uses the overridden options', async ({ wsServer, connect }) => {
  expect(wsServer.url).toMatch(/\/custom$/)
  const a = await connect(wsServer.url)
  a.send('no echo')
  await a.expectNoMessage(100)
})

custom('wsFileServer too', async ({ wsFileServer }) => {
  expect(wsFileServer.path).toBe('/custom')
})
