// Seed 002, high frequency: 70 orders — 50 unique and 20 duplicates of them — submitted at once. Exactly 50
// orders and 50 executions exist, every duplicate returns the original order's result, and InfluxDB holds
// exactly 50 points.
import { expect } from 'vitest'
import { test } from './support/app-test.js'
import { orderNo } from './support/orders-client.js'

test('70 concurrent submissions, 20 of them duplicates: 50 orders, 50 executions', async ({
  api,
  app,
  sql,
  redis,
  influx,
}) => {
  const unique = Array.from({ length: 50 }, (_, i) => ({ key: `hft-${i}`, order: orderNo(i + 1) }))
  const duplicates = Array.from({ length: 20 }, (_, i) => unique[(i * 7) % 50]!) // 20 distinct originals
  const burst = [...unique, ...duplicates].sort(() => Math.random() - 0.5) // no fixed order
  const answers = await Promise.all(
    burst.map(({ key, order }) => api.submit(key, order).then((a) => ({ key, a }))),
  )

  expect(answers.filter(({ a }) => a.status === 201)).toHaveLength(50)
  expect(answers.filter(({ a }) => a.status === 200 && a.replayed)).toHaveLength(20)
  const counts = await sql.query(
    'SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM executions) AS executions',
  )
  expect(counts.rows[0]).toEqual({ orders: 50, executions: 50 })

  // every answer for a key — original or duplicate — is the one stored result for that key
  const byKey = new Map<string, unknown[]>()
  for (const { key, a } of answers) byKey.set(key, [...(byKey.get(key) ?? []), a.body.result])
  for (const [key, results] of byKey) {
    const stored = await api.get((results[0] as { order: { id: string } }).order.id)
    for (const result of results) expect(result, key).toEqual(stored.body)
  }
  expect([...byKey.values()].filter((r) => r.length === 2)).toHaveLength(20)

  expect(app.stats().idempotency).toMatchObject({ executed: 50, duplicates: 20, redisFailures: 0 })
  expect(await redis.client().dbsize()).toBe(50)
  await app.metrics.flush()
  const [points] = await influx.query('SELECT count(seq) AS n FROM execution')
  expect(points?.n).toBe(50)
})

test('the same key sent 20 times at once executes once; a different body under it is a 422', async ({
  api,
  sql,
}) => {
  const answers = await Promise.all(Array.from({ length: 20 }, () => api.submit('same', orderNo(3))))
  expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
  expect(answers.filter((a) => a.status === 200)).toHaveLength(19)
  for (const a of answers) expect(a.body.result).toEqual(answers[0]?.body.result)
  const other = await api.submit('same', orderNo(4))
  expect(other.status).toBe(422)
  const { rows } = await sql.query('SELECT count(*)::int AS n FROM executions')
  expect(rows[0].n).toBe(1)
})

test('two instances of the service share the stores: duplicates across them still execute once', async ({
  startApp,
  sql,
}) => {
  const { OrdersClient } = await import('./support/orders-client.js')
  const [a, b] = await Promise.all([startApp(), startApp()])
  const apis = [new OrdersClient(a.url), new OrdersClient(b.url)]
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) => apis[i % 2]!.submit(`multi-${i % 10}`, orderNo(i % 10))),
  )
  expect(answers.filter((x) => x.status === 201)).toHaveLength(10)
  const { rows } = await sql.query(
    'SELECT count(*)::int AS orders, count(DISTINCT idempotency_key)::int AS keys FROM orders',
  )
  expect(rows[0]).toEqual({ orders: 10, keys: 10 })
})
