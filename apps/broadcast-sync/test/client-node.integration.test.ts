// Layer 2.3 — the frontend library in Node against the real backend: the seed's scenarios.
import { randomUUID } from 'node:crypto'
import { describe, expect } from 'vitest'
import { ApiError, OrdersApi, type SyncActivity } from '../src/index.js'
import { test } from './support/app-test.js'
import { holdOrderWrites, orderCount } from './support/hold-writes.js'

const order = (overrides = {}) => ({ customer: 'Ann', item: 'tea', quantity: 2, ...overrides })
const steps = (log: SyncActivity[], orderId?: string) =>
  log.filter((a) => orderId === undefined || a.orderId === orderId).map((a) => `${a.source}:${a.type}`)

describe('BroadcastClient + OrdersSync in Node', () => {
  test('goes connecting → open, and closed on close()', async ({ app, newSync }) => {
    const { client } = await newSync({ app, start: false })
    const states: string[] = [client.state]
    client.onState((state) => states.push(state))

    await client.waitForState('open', 5_000)
    client.close()

    // connect() ran inside newSync: its 'connecting' came before this listener
    expect(states).toEqual(['connecting', 'open', 'closed'])
  })

  test('scenario 1 — single client: the order shows at once as pending, then as stored', async ({
    app,
    newSync,
    sql,
  }) => {
    const { sync, log } = await newSync({ app })
    const release = await holdOrderWrites(sql)
    try {
      const id = randomUUID()
      const saving = sync.createOrder(order({ id }))

      const shown = await sync.waitFor((orders) => orders.some((o) => o.id === id), 5_000)
      expect(shown.find((o) => o.id === id)).toMatchObject({ pending: true, customer: 'Ann' })
      expect(await orderCount(sql)).toBe(0) // the server does not have it yet
      await release()

      const result = await saving
      expect(result).toMatchObject({ broadcast: 'sent', order: { id, version: 1 } })
      await sync.waitFor((orders) => orders.some((o) => o.id === id && !o.pending && o.version === 1))
      await expect.poll(() => steps(log, id)).toContain('ws:order.created') // its own broadcast came back too
    } finally {
      await release()
    }
  })

  test('scenario 2 — multi-client sync across two instances: both show the same list', async ({
    startApp,
    newSync,
  }) => {
    const [one, two] = [await startApp(), await startApp()]
    const a = await newSync({ app: one })
    const b = await newSync({ app: two })

    const { order: created } = await a.sync.createOrder(order({ customer: 'Bea' }))

    const seen = await b.sync.waitFor((orders) => orders.some((o) => o.id === created.id), 10_000)
    expect(seen).toEqual([{ ...created, pending: false }])
    expect(steps(b.log, created.id)).toEqual(['ws:order.created'])
    // and an update through B reaches A the same way
    await b.sync.updateOrder(created.id, { status: 'shipped' })
    await a.sync.waitFor((orders) => orders.some((o) => o.id === created.id && o.status === 'shipped'))
    expect(a.sync.view()).toEqual(b.sync.view())
  })

  test('scenario 4 — reconnection: the server drops the client; it reconnects, resubscribes, and messages flow', async ({
    app,
    api,
    newSync,
  }) => {
    const { client, sync, log } = await newSync({ app })
    await client.waitForSubscribed('orders')
    const states: string[] = []
    client.onState((state) => states.push(state))

    expect(app.dropClients()).toBe(1) // a cut: no close handshake

    await client.waitForState('reconnecting', 5_000)
    await client.waitForState('open', 10_000)
    await client.waitForSubscribed('orders', 10_000)
    expect(states).toEqual(['reconnecting', 'open'])
    expect(client.reconnects).toBe(1)
    expect(app.hub.subscriberCount('orders')).toBe(1)

    const { order: created } = await api.create({ id: randomUUID(), ...order() })
    await sync.waitFor((orders) => orders.some((o) => o.id === created.id))
    expect(steps(log)).toContain('resync:resubscribed')
  })

  test('after a reconnect the client subscribes again to every channel it had', async ({
    startApp,
    newSync,
  }) => {
    const [near, far] = [await startApp(), await startApp()]
    const { client } = await newSync({ app: near, start: false })
    const heard: string[] = []
    for (const channel of ['alpha', 'beta', 'gamma']) {
      client.subscribe(channel, (event) => heard.push(`${event.channel}:${event.event}`))
    }
    await Promise.all(['alpha', 'beta', 'gamma'].map((channel) => client.waitForSubscribed(channel)))

    near.dropClients(4000, 'go away') // with a close code this time
    await client.waitForState('reconnecting', 5_000)
    await Promise.all(['alpha', 'beta', 'gamma'].map((channel) => client.waitForSubscribed(channel, 10_000)))

    const remote = new OrdersApi(far.url) // published on the other instance, through Redis
    for (const channel of ['gamma', 'alpha', 'beta']) await remote.broadcast(channel, 'again', null)
    await expect.poll(() => heard.slice().sort()).toEqual(['alpha:again', 'beta:again', 'gamma:again'])
    expect(near.hub.subscriberCount('beta')).toBe(1)
  })

  test('events missed while disconnected are caught up by a refetch after the reconnect', async ({
    startApp,
    newSync,
  }) => {
    const first = await startApp()
    const other = await startApp()
    const { client, sync } = await newSync({ app: first })
    await client.waitForSubscribed('orders')

    await first.close() // the instance goes away; the client keeps retrying with backoff
    await client.waitForState('reconnecting', 5_000)
    const { order: missed } = await new OrdersApi(other.url).create({ id: randomUUID(), ...order() })
    await startApp({ port: first.port }) // back on the same port

    await client.waitForState('open', 15_000)
    const orders = await sync.waitFor((list) => list.some((o) => o.id === missed.id), 10_000)
    expect(orders.map((o) => o.id)).toEqual([missed.id])
  })

  test('an optimistic create that the API rejects is rolled back', async ({ app, newSync, sql }) => {
    const { sync, log } = await newSync({ app })
    const kept = await sync.createOrder(order({ customer: 'Kept' }))
    const id = randomUUID()

    const error = await sync.createOrder(order({ id, quantity: 0 })).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_order' })
    expect(steps(log, id)).toEqual(['mutation:order.create.optimistic', 'mutation:order.create.rolledBack'])
    expect(sync.view().map((o) => o.id)).toEqual([kept.order.id])
    expect(await orderCount(sql)).toBe(1)
  })

  test('an optimistic update that the API rejects (stale version) is rolled back', async ({
    app,
    newSync,
  }) => {
    const { sync, log } = await newSync({ app })
    const { order: created } = await sync.createOrder(order())

    const error = await sync.updateOrder(created.id, { status: 'cancelled', version: 99 }).catch((e) => e)

    expect(error).toMatchObject({ status: 409, code: 'version_conflict' })
    expect(steps(log, created.id)).toContain('mutation:order.update.rolledBack')
    expect(sync.view()).toEqual([expect.objectContaining({ id: created.id, status: 'pending', version: 1 })])
  })

  test('another tab of the same "browser" hears the optimistic order before the server has it', async ({
    app,
    newSync,
    sql,
  }) => {
    const tabs = `orders-${randomUUID()}`
    const one = await newSync({ app, crossTab: tabs })
    const two = await newSync({ app, crossTab: tabs })
    const release = await holdOrderWrites(sql)
    try {
      const id = randomUUID()
      const saving = one.sync.createOrder(order({ id }))

      await two.sync.waitFor((orders) => orders.some((o) => o.id === id && o.pending), 5_000)
      expect(await orderCount(sql)).toBe(0)
      await release()
      await saving

      await two.sync.waitFor((orders) => orders.some((o) => o.id === id && !o.pending))
      await expect.poll(() => steps(two.log, id)).toContain('ws:order.created')
      const seen = steps(two.log, id)
      expect(seen.indexOf('crosstab:order.optimistic')).toBeLessThan(seen.indexOf('ws:order.created'))
    } finally {
      await release()
    }
  })
})
