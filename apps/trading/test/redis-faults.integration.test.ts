// Seed 002, fault tolerance (Redis): a private Redis server (never the run's shared one) is killed or paused
// in the middle of a run of submissions. The service degrades to the Postgres store, never executes an order
// twice, and uses Redis again once it is back.
import { type RedisServer, startRedis } from '@infra/redis-fixture'
import { afterAll, beforeAll, expect } from 'vitest'
import type { TradingApp } from '../src/index.js'
import { test } from './support/app-test.js'
import { OrdersClient, orderNo } from './support/orders-client.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedis()
})
afterAll(async () => {
  await server?.stop()
})

async function privateApp(startApp: (o: object) => Promise<TradingApp>) {
  const ns = await server.isolated()
  const app = await startApp({ redisUrl: ns.url, redisCommandTimeoutMs: 300, pendingWaitMs: 500 })
  return { app, ns, api: new OrdersClient(app.url) }
}

/** Releases a namespace; bounded, since a release against a killed server would wait for it forever. */
async function releaseIn(ns: { release(): Promise<void> }) {
  await Promise.race([
    ns.release().catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, 5000).unref()),
  ])
}

async function countRows(sql: import('pg').Pool) {
  const { rows } = await sql.query(
    'SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM executions) AS executions',
  )
  return rows[0] as { orders: number; executions: number }
}

test('Redis killed mid-run: Postgres decides, nothing executes twice, Redis is used again after restart', async ({
  startApp,
  sql,
}) => {
  const { app, ns, api } = await privateApp(startApp)
  try {
    const before = await Promise.all([0, 1, 2, 3, 4].map((i) => api.submit(`k-${i}`, orderNo(i + 1))))
    expect(before.every((a) => a.status === 201 && !a.body.degraded)).toBe(true)

    // the kill lands while a burst (new keys and duplicates of the first five) is in flight
    const burst = Promise.all(
      Array.from({ length: 20 }, (_, i) => api.submit(`k-${i % 10}`, orderNo((i % 10) + 1))),
    )
    await server.kill()
    const during = await burst
    expect(during.every((a) => a.status === 200 || a.status === 201)).toBe(true)
    // with Redis gone (its data too: no persistence), duplicates are answered from Postgres
    const down = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => api.submit(`k-${i}`, orderNo(i + 1))))
    expect(down.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(down.every((a) => a.body.degraded && a.body.answeredBy === 'postgres')).toBe(true)
    const fresh = await api.submit('k-down', orderNo(20))
    expect(fresh).toMatchObject({ status: 201, body: { degraded: true } })
    expect(await countRows(sql)).toEqual({ orders: 11, executions: 11 })

    for (const a of [...during, ...down]) {
      const first = before.find(
        (b) => b.body.result.order.idempotencyKey === a.body.result.order.idempotencyKey,
      )
      if (first) expect(a.body.result).toEqual(first.body.result)
    }

    await server.restart()
    // the client reconnects by itself; a submission no longer degrades and leaves its record in Redis
    await expect
      .poll(async () => (await api.submit('k-after', orderNo(30))).body.degraded, {
        timeout: 15_000,
        interval: 200,
      })
      .toBe(false)
    expect(await ns.client().get('idem:k-after')).toContain('"state":"done"')
    const replay = await api.submit('k-after', orderNo(30))
    expect(replay.body).toMatchObject({ duplicate: true, answeredBy: 'redis', degraded: false })
    expect(await countRows(sql)).toEqual({ orders: 12, executions: 12 })
    expect(app.stats().idempotency.redisFailures).toBeGreaterThan(0)
  } finally {
    await releaseIn(ns)
  }
})

test('Redis paused (hung) mid-run: commands time out, Postgres decides, recovery after resume', async ({
  startApp,
  sql,
}) => {
  const { app, ns, api } = await privateApp(startApp)
  try {
    const first = await api.submit('p-1', orderNo(1))
    expect(first.status).toBe(201)
    await server.pause()
    try {
      const during = await Promise.all([
        api.submit('p-1', orderNo(1)),
        api.submit('p-1', orderNo(1)),
        api.submit('p-2', orderNo(2)),
        api.submit('p-2', orderNo(2)),
      ])
      expect(during.map((a) => a.status).sort()).toEqual([200, 200, 200, 201])
      expect(during.every((a) => a.body.degraded)).toBe(true)
      expect(during[0]?.body.result).toEqual(first.body.result)
      expect(during[2]?.body.result).toEqual(during[3]?.body.result)
    } finally {
      await server.resume()
    }
    expect(await countRows(sql)).toEqual({ orders: 2, executions: 2 })
    await expect
      .poll(async () => (await api.submit('p-3', orderNo(3))).body.degraded, {
        timeout: 15_000,
        interval: 200,
      })
      .toBe(false)
    // claims sent while Redis hung may land on resume as stale `pending` records: they expire, and a
    // duplicate meanwhile waits pendingWaitMs and is answered by Postgres, never executed twice
    const late = await api.submit('p-2', orderNo(2))
    expect(late.status).toBe(200)
    expect(await countRows(sql)).toEqual({ orders: 3, executions: 3 })
    expect(app.stats().idempotency.executed).toBe(3)
  } finally {
    await releaseIn(ns)
  }
})

test('Redis down before the service starts: it starts degraded and executes orders exactly once', async ({
  startApp,
  sql,
}) => {
  const dead = await startRedis()
  const url = dead.url
  await dead.stop()
  const app = await startApp({ redisUrl: url, redisCommandTimeoutMs: 300 })
  const api = new OrdersClient(app.url)
  const answers = await Promise.all(Array.from({ length: 6 }, () => api.submit('cold', orderNo(5))))
  expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
  expect(answers.every((a) => a.body.degraded)).toBe(true)
  expect(await countRows(sql)).toEqual({ orders: 1, executions: 1 })
})
