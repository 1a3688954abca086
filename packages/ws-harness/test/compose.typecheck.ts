// Compile-time check (tsc): wsFixtures composes with vitest's own test and other fixture sets without type
// arguments, in any order (apps/map-presence checks the composition with pg-fixture and redis-fixture).
import { test as base } from 'vitest'
import { type WsFixtures, wsFixtures } from '../src/vitest.js'

export const composed = base.extend(wsFixtures).extend({ answer: 42 })
export const reversed = base.extend({ answer: 42 }).extend(wsFixtures)
export const overridden = reversed.override({ wsServerOptions: { path: '/ws' } })

for (const t of [composed, reversed, overridden]) {
  t(
    'types flow through',
    async ({ wsServer, wsFileServer, wsSharedUrl, wsServerOptions, connect, answer }) => {
      const client = await connect(wsServer.url)
      const port: number = wsFileServer.port
      const url: string = wsSharedUrl
      const path: string | undefined = wsServerOptions.path
      const n: number = answer
      const context: Pick<WsFixtures, 'wsServer'> = { wsServer }
      void [client, port, url, path, n, context]
    },
  )
}
