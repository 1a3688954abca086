// Seed 002, isolation: every test has its own Postgres schema test_<id> (pg fixture's schema()), its own
// Redis database and its own InfluxDB database; two tests running at the same time never see each other's
// orders, even under the same idempotency key.
import { describe, expect } from 'vitest'
import { test } from './support/app-test.js'

function barrier(parties: number) {
  let arrived = 0
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return () => {
    arrived++
    if (arrived === parties) open()
    return opened
  }
}

test('the app’s tables live in the test’s own test_<id> schema', async ({ schema, sql, api }) => {
  expect(schema.name).toMatch(/^test_[0-9a-z]+$/)
  await api.submit('iso-1', { symbol: 'ACME', side: 'buy', quantity: '1', price: '1' })
  const tables = await sql.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
     WHERE table_name IN ('orders', 'executions') AND table_schema = $1 ORDER BY table_name`,
    [schema.name],
  )
  expect(tables.rows.map((r) => r.table_name)).toEqual(['executions', 'orders'])
  const { rows } = await sql.query(`SELECT count(*)::int AS n FROM ${schema.name}.orders`)
  expect(rows[0].n).toBe(1)
})

describe.concurrent('two tests at the same time', () => {
  const bothSubmitted = barrier(2)

  for (const side of ['buy', 'sell'] as const) {
    test(`a ${side} order under the shared key is the only order its test sees`, async ({
      api,
      sql,
      redis,
      influx,
      app,
      schema,
    }) => {
      const [price, stored] = side === 'buy' ? ['100.5', '100.50000000'] : ['200.25', '200.25000000']
      const first = await api.submit('shared-key', { symbol: 'ACME', side, quantity: '2', price })
      expect(first.status).toBe(201) // not a duplicate of the other test's order, not a conflict
      await bothSubmitted() // the other test's order exists now, in its own schema, Redis DB and InfluxDB

      const orders = await sql.query('SELECT idempotency_key, side, price FROM orders')
      expect(orders.rows).toEqual([{ idempotency_key: 'shared-key', side, price: stored }])
      expect(await redis.client().keys('*')).toEqual(['idem:shared-key'])
      await app.metrics.flush()
      const points = await influx.query('SELECT side, price FROM execution')
      expect(points.map((p) => p.side)).toEqual([side])
      expect(schema.name).toMatch(/^test_/)
      const again = await api.submit('shared-key', { symbol: 'ACME', side, quantity: '2', price })
      expect(again.status).toBe(200)
      expect(again.body.result).toEqual(first.body.result)
    })
  }
})
