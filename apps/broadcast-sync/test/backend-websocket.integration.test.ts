// Layer 2.1 — the backend's WebSocket endpoint against real clients (ws-harness), a real Redis and Postgres.
import { describe, expect } from 'vitest'
import { subscribe, test } from './support/app-test.js'

describe('backend WebSocket', () => {
  test('a subscribed client receives what is broadcast on its channel', async ({ app, api, openClient }) => {
    const client = await openClient(app)
    await subscribe(client, 'news')

    const { id } = await api.broadcast('news', 'headline', { title: 'hello' })

    await client.expectJson({
      type: 'event',
      channel: 'news',
      event: 'headline',
      payload: { title: 'hello' },
      id,
    })
    expect(app.hub.subscriberCount('news')).toBe(1)
  })

  test('after unsubscribe nothing more arrives', async ({ app, api, openClient }) => {
    const client = await openClient(app)
    await subscribe(client, 'news')
    await api.broadcast('news', 'first', 1)
    await client.expectJson({ type: 'event', event: 'first' })

    client.sendJson({ type: 'unsubscribe', channels: ['news'] })
    await client.expectJson({ type: 'unsubscribed', channels: ['news'] })
    await api.broadcast('news', 'second', 2)

    await client.expectNoMessage(300)
    expect(app.hub.subscriberCount('news')).toBe(0)
    expect(app.broadcaster.channels()).not.toContain('news') // the instance left the Redis channel too
  })

  test('one client on several channels gets each channel’s events, and no others', async ({
    app,
    api,
    openClient,
  }) => {
    const client = await openClient(app)
    await subscribe(client, 'a', 'b')
    await subscribe(client, 'c')

    for (const channel of ['a', 'b', 'zzz', 'c']) await api.broadcast(channel, 'tick', channel)

    for (const channel of ['a', 'b', 'c']) {
      await client.expectJson({ type: 'event', channel, event: 'tick', payload: channel })
    }
    await client.expectNoMessage(200)
  })

  test('100 subscribers all receive a broadcast, once; clients on other channels get nothing', async ({
    app,
    api,
    connectMany,
  }) => {
    const listeners = await connectMany(app.wsUrl, 100, { expectTimeoutMs: 10_000 })
    const others = await connectMany(app.wsUrl, 5)
    await listeners.expectAll({ type: 'welcome' })
    await others.expectAll({ type: 'welcome' })
    listeners.sendJsonAll({ type: 'subscribe', channels: ['orders'] })
    others.sendJsonAll({ type: 'subscribe', channels: ['elsewhere'] })
    await listeners.expectAll({ type: 'subscribed', channels: ['orders'] })
    await others.expectAll({ type: 'subscribed', channels: ['elsewhere'] })
    expect(app.hub.subscriberCount('orders')).toBe(100)

    await api.broadcast('orders', 'order.created', { n: 1 })

    await listeners.expectAll({ type: 'event', event: 'order.created', payload: { n: 1 } })
    await others.expectNone(300)
  })

  test('malformed frames get an error frame; the connection and the server stay up', async ({
    app,
    api,
    openClient,
  }) => {
    const client = await openClient(app)
    const cases: Array<[string | Buffer, string]> = [
      ['this is not json', 'invalid_json'],
      ['{"type":"dance"}', 'invalid_frame'],
      ['{"type":"subscribe","channels":"orders"}', 'invalid_frame'],
      ['{"type":"subscribe","channels":["no spaces allowed"]}', 'invalid_frame'],
      [Buffer.from([1, 2, 3]), 'binary_not_supported'],
    ]
    for (const [frame, code] of cases) {
      if (typeof frame === 'string') client.send(frame)
      else client.sendBinary(frame)
      await client.expectJson({ type: 'error', code, message: expect.any(String) })
    }

    // the same connection still works …
    await subscribe(client, 'orders')
    await api.broadcast('orders', 'still-here', null)
    await client.expectJson({ type: 'event', event: 'still-here' })
    // … and so does the server, for new clients
    const fresh = await openClient(app)
    fresh.sendJson({ type: 'ping', id: 1 })
    await fresh.expectJson({ type: 'pong', id: 1 })
  })

  test('an oversized frame closes only that connection (1009)', async ({ app, openClient }) => {
    const big = await openClient(app)
    const bystander = await openClient(app)
    await subscribe(bystander, 'orders')

    big.send('x'.repeat(65 * 1024))

    await big.expectClosed(1009)
    bystander.sendJson({ type: 'ping', id: 'b' })
    await bystander.expectJson({ type: 'pong', id: 'b' })
  })

  test('a disconnected client is forgotten, and the instance leaves the Redis channel', async ({
    app,
    openClient,
    redis,
    redisTarget,
  }) => {
    const client = await openClient(app)
    await subscribe(client, 'leaving')
    const channel = `${redisTarget.channelPrefix}bsync:leaving`
    const admin = redis.client() // PUBSUB is server-wide: any client of the run's Redis sees the channel
    const numsub = async () => ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1]
    expect(await numsub()).toBe(1)

    await client.terminate()

    await expect.poll(() => app.hub.subscriberCount('leaving'), { timeout: 5_000 }).toBe(0)
    await expect.poll(numsub, { timeout: 5_000 }).toBe(0)
    expect(app.hub.clientCount).toBe(0)
  })
})
