// Seed 002, persistence: every order is checked where it lives — the order and its executions in Postgres,
// the idempotency record (with its TTL) in Redis, the execution points (with their tags) in InfluxDB — and an
// InfluxQL aggregate over a run of executions returns the exact totals.
import { expect } from 'vitest'
import { Dec, fmt, type IdempotencyRecord, sum } from '../src/index.js'
import { test } from './support/app-test.js'
import { orderNo } from './support/orders-client.js'

test('an order is in Postgres, in its Redis record with the result TTL, and in InfluxDB', async ({
  api,
  app,
  sql,
  redis,
  influx,
}) => {
  const { status, body } = await api.submit('persist-1', {
    symbol: 'ACME',
    side: 'buy',
    quantity: '3',
    price: '10.25',
    fills: 2,
  })
  expect(status).toBe(201)
  const { order, executions } = body.result

  const stored = await sql.query(
    'SELECT id, idempotency_key, quantity, price, notional, fees, status FROM orders',
  )
  expect(stored.rows).toEqual([
    {
      id: order.id,
      idempotency_key: 'persist-1',
      quantity: '3.00000000',
      price: '10.25000000',
      notional: '30.75000000',
      fees: '0.03075000',
      status: 'filled',
    },
  ])
  const fills = await sql.query(
    'SELECT seq, quantity, notional, fee FROM executions WHERE order_id = $1 ORDER BY seq',
    [order.id],
  )
  expect(fills.rows).toEqual([
    { seq: 1, quantity: '1.50000000', notional: '15.37500000', fee: '0.01537500' },
    { seq: 2, quantity: '1.50000000', notional: '15.37500000', fee: '0.01537500' },
  ])

  const client = redis.client()
  const record = JSON.parse((await client.get('idem:persist-1')) ?? 'null') as IdempotencyRecord
  expect(record).toMatchObject({ state: 'done', result: body.result })
  const ttl = await client.ttl('idem:persist-1')
  expect(ttl).toBeGreaterThan(86_400 - 60)
  expect(ttl).toBeLessThanOrEqual(86_400)

  await app.metrics.flush()
  const points = await influx.query('SELECT * FROM execution GROUP BY *')
  expect(points).toHaveLength(2)
  for (const [i, point] of points.entries()) {
    expect(point).toMatchObject({
      symbol: 'ACME',
      side: 'buy',
      venue: 'SIM',
      order_id: order.id,
      seq: i + 1,
      quantity: executions[i]?.quantity,
      notional: executions[i]?.notional,
      fee_e8: 1_537_500,
      idempotency_key: 'persist-1',
    })
  }
  expect(points[1]!.time! - points[0]!.time!).toBe(1n) // executed together, one ns apart by seq
  expect(app.stats().metrics).toMatchObject({ written: 2, buffered: 0, lost: 0 })
})

test('a short result TTL: the Redis record expires, Postgres still answers the duplicate', async ({
  startApp,
  redis,
}) => {
  const app = await startApp({ resultTtlSeconds: 1 })
  const { OrdersClient } = await import('./support/orders-client.js')
  const api = new OrdersClient(app.url)
  const first = await api.submit('ttl-1', orderNo(1))
  const ttl = await redis.client().pttl('idem:ttl-1')
  expect(ttl).toBeGreaterThan(0)
  expect(ttl).toBeLessThanOrEqual(1000)
  await expect.poll(() => redis.client().exists('idem:ttl-1'), { timeout: 10_000, interval: 100 }).toBe(0)
  const again = await api.submit('ttl-1', orderNo(1))
  expect(again.status).toBe(200)
  expect(again.body).toMatchObject({ duplicate: true, answeredBy: 'postgres' })
  expect(again.body.result).toEqual(first.body.result)
})

test('an InfluxQL aggregate over a run of executions returns the exact totals', async ({
  api,
  app,
  sql,
  influx,
}) => {
  const results = []
  for (let n = 1; n <= 12; n++)
    results.push((await api.submit(`run-${n}`, orderNo(n, (n % 4) + 1))).body.result)
  const executions = results.flatMap((r) => r.executions)
  await app.metrics.flush()

  const [totals] = await influx.query(
    'SELECT count(seq) AS fills, sum(quantity_e8) AS quantity, sum(notional_e8) AS notional, sum(fee_e8) AS fees FROM execution',
  )
  const units = (v: unknown) => fmt(new Dec(String(v)).dividedBy(1e8))
  expect(totals?.fills).toBe(executions.length)
  expect(units(totals?.quantity)).toBe(fmt(sum(executions.map((e) => e.quantity))))
  expect(units(totals?.notional)).toBe(fmt(sum(executions.map((e) => e.notional))))
  expect(units(totals?.fees)).toBe(fmt(sum(executions.map((e) => e.fee))))

  const pg = await sql.query('SELECT sum(notional) AS notional, sum(fees) AS fees FROM orders')
  expect(units(totals?.notional)).toBe(pg.rows[0].notional)
  expect(units(totals?.fees)).toBe(pg.rows[0].fees)

  const bySymbol = await influx.query('SELECT sum(notional_e8) AS notional FROM execution GROUP BY symbol')
  for (const row of bySymbol) {
    const expected = sum(results.filter((r) => r.order.symbol === row.symbol).map((r) => r.order.notional))
    expect(units(row.notional)).toBe(fmt(expected))
  }
  expect(bySymbol.map((r) => r.symbol).sort()).toEqual(['ACME', 'INIT'])
})

test('GET /orders/:id returns the stored order; unknown ids are 404', async ({ api }) => {
  const { body } = await api.submit('get-1', orderNo(7, 3))
  const found = await api.get(body.result.order.id)
  expect(found.status).toBe(200)
  expect(found.body).toEqual(body.result)
  expect((await api.get('00000000-0000-0000-0000-000000000000')).status).toBe(404)
  expect((await api.get('not-a-uuid')).status).toBe(404)
})
