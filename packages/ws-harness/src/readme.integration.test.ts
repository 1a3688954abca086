// The README's example, kept runnable.
import { expect, it } from 'vitest'
import { connect } from './client/client.js'
import { connectMany } from './client/many.js'
import { startWsServer } from './server/server.js'

it('broadcasts to subscribers only', async () => {
  await using server = await startWsServer({
    path: '/ws',
    onConnection: (conn) => {
      conn.onMessage((m) => {
        const msg = m.json as { type: string; channel: string }
        if (msg.type === 'subscribe') {
          conn.state.channel = msg.channel
          conn.sendJson({ type: 'subscribed', channel: msg.channel })
        }
      })
    },
  })
  await using red = await connectMany(server.url, 100)
  await using blue = await connect(server.url, { headers: { authorization: 'Bearer t' } })

  red.sendJsonAll({ type: 'subscribe', channel: 'red' })
  await red.expectAll({ type: 'subscribed', channel: 'red' })

  server.broadcast({ type: 'tick', n: 1 }, (c) => c.state.channel === 'red')
  await red.expectAll({ type: 'tick', n: 1 }) // every client, once, in order
  await blue.expectNoMessage(200) // isolation

  await server.restart() // same port; clients see 1006 and must reconnect
  await blue.expectClosed(1006)
  expect(server.clients.size).toBe(0)
})
