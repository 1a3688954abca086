// Layer 2.2 — several instances on one Redis: fan-out between instances, a Redis restart, Redis down.
import { randomUUID } from 'node:crypto'
import { startRedis } from '@infra/redis-fixture'
import type { WsClient } from '@infra/ws-harness'
import { describe, expect, onTestFinished } from 'vitest'
import { ApiError, type BroadcastSyncApp, OrdersApi } from '../src/index.js'
import { type RedisTarget, subscribe, test } from './support/app-test.js'

/** A Redis of this test's own (the run's shared one must not be restarted under other tests). */
async function privateRedis() {
  const server = await startRedis()
  onTestFinished(() => server.stop())
  const target: RedisTarget = { url: server.url, channelPrefix: '' }
  return { server, target }
}

async function subscribedClients(
  openClient: (app?: BroadcastSyncApp) => Promise<WsClient>,
  apps: BroadcastSyncApp[],
): Promise<WsClient[]> {
  const clients = await Promise.all(apps.map((app) => openClient(app)))
  await Promise.all(clients.map((client) => subscribe(client, 'orders')))
  return clients
}

describe('Redis + WebSocket', () => {
  test('a broadcast published on one instance reaches the clients of the other', async ({
    startApp,
    openClient,
  }) => {
    const [a, b] = [await startApp(), await startApp()]
    const [onA, onB] = await subscribedClients(openClient, [a, b])

    const sent = await new OrdersApi(a.url).broadcast('orders', 'hello', { from: 'a' })

    expect(sent.instances).toBe(2) // both instances listen on the Redis channel
    await onB!.expectJson({ type: 'event', event: 'hello', payload: { from: 'a' }, id: sent.id })
    await onA!.expectJson({ type: 'event', event: 'hello', id: sent.id })
  })

  test('an order created through one instance is announced to the clients of every instance', async ({
    startApp,
    openClient,
  }) => {
    const apps = [await startApp(), await startApp(), await startApp()]
    const clients = await subscribedClients(openClient, apps)

    const { order } = await new OrdersApi(apps[2]!.url).create({
      id: randomUUID(),
      customer: 'Bo',
      item: 'cake',
      quantity: 1,
    })

    for (const client of clients) {
      await client.expectJson({ type: 'event', event: 'order.created', payload: { order: { id: order.id } } })
    }
  })

  test('Redis restarted: the instances subscribe again and messages flow again', async ({
    startApp,
    openClient,
  }) => {
    const { server, target } = await privateRedis()
    const [a, b] = [await startApp({ redis: target }), await startApp({ redis: target })]
    const [onA, onB] = await subscribedClients(openClient, [a, b])

    await server.restart() // a new process on the same port: it knows no subscriptions

    await expect
      .poll(() => Math.min(a.broadcaster.reconnects, b.broadcaster.reconnects), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(1)
    await Promise.all([a.broadcaster.whenUp(10_000), b.broadcaster.whenUp(10_000)])
    const sent = await new OrdersApi(a.url).broadcast('orders', 'after-restart', 1)
    expect(sent.instances).toBe(2)
    await onB!.expectJson({ type: 'event', event: 'after-restart' })
    await onA!.expectJson({ type: 'event', event: 'after-restart' })
  })

  test('while Redis is down publishing fails clearly, and nothing is delivered silently later', async ({
    startApp,
    openClient,
    sql,
  }) => {
    const { server, target } = await privateRedis()
    const a = await startApp({ redis: target })
    const b = await startApp({ redis: target })
    const [, onB] = await subscribedClients(openClient, [a, b])
    const api = new OrdersApi(a.url)

    await server.kill()
    await expect.poll(() => a.broadcaster.status, { timeout: 5_000 }).toBe('down')

    const refused = await api.broadcast('orders', 'lost', 1).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ApiError)
    expect(refused).toMatchObject({ status: 503, code: 'broadcast_unavailable' })
    expect((refused as ApiError).message).toMatch(/Redis unavailable/)
    // the order is stored; the answer says its broadcast failed
    const created = await api.create({ id: randomUUID(), customer: 'Cy', item: 'pie', quantity: 3 })
    expect(created).toMatchObject({ broadcast: 'failed', broadcastError: expect.stringMatching(/Redis/) })
    expect((await sql.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(1)

    await server.restart()
    await Promise.all([a.broadcaster.whenUp(10_000), b.broadcaster.whenUp(10_000)])
    await api.broadcast('orders', 'back', 2)
    // the first event B sees is the one sent after the restart: the refused ones were not queued
    await onB!.expectJson({ type: 'event', event: 'back' })
  })
})
