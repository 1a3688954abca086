// Seed 002, financial precision: amounts are decimal strings end to end (NUMERIC(30,8) in Postgres, read
// back as text), sums and fees over many small fills equal the exact decimal result, and the rounding rules
// (notional and fee per fill: 8 decimals, half to even) hold at their boundaries.
import { expect } from 'vitest'
import { Dec, fmt, round8, sum } from '../src/index.js'
import { test } from './support/app-test.js'

test('1000 small fills: Postgres sums equal the exact decimal sums and the order totals', async ({
  api,
  sql,
}) => {
  const { status, body } = await api.submit('many-fills', {
    symbol: 'BTC',
    side: 'buy',
    quantity: '0.12345678',
    price: '45678.12345678',
    fills: 1000,
  })
  expect(status).toBe(201)
  const { order, executions } = body.result
  expect(executions).toHaveLength(1000)
  // independent oracle: the same rules with decimal.js over the fills as the API returned them
  const expectedNotional = sum(executions.map((e) => fmt(round8(new Dec(e.quantity).times(e.price)))))
  const expectedFees = sum(executions.map((e) => fmt(round8(new Dec(e.notional).times('0.001')))))
  expect(order.notional).toBe(fmt(expectedNotional))
  expect(order.fees).toBe(fmt(expectedFees))
  expect(order.fees).toBe('5.63926970')
  expect(fmt(sum(executions.map((e) => e.quantity)))).toBe('0.12345678')

  const totals = await sql.query(
    `SELECT sum(quantity) AS quantity, sum(notional) AS notional, sum(fee) AS fees, pg_typeof(sum(fee))::text AS type
     FROM executions`,
  )
  expect(totals.rows[0]).toEqual({
    quantity: '0.12345678',
    notional: order.notional,
    fees: order.fees,
    type: 'numeric',
  })
  // 999 fills of 0.00012345 and one of 0.00013023: each notional rounded, then summed
  expect(order.notional).toBe('5639.27403768') // Python's decimal module, same rules
})

test('rounding boundaries: a fee exactly at half a unit rounds to even, one unit above rounds up', async ({
  api,
}) => {
  // notional 0.000005 → fee 0.000000005 (a tie) → 0.00000000
  const tieDown = await api.submit('tie-down', {
    symbol: 'X',
    side: 'buy',
    quantity: '0.001',
    price: '0.005',
  })
  expect(tieDown.body.result.order).toMatchObject({ notional: '0.00000500', fees: '0.00000000' })
  // notional 0.000015 → fee 0.000000015 (a tie) → 0.00000002
  const tieUp = await api.submit('tie-up', { symbol: 'X', side: 'buy', quantity: '0.001', price: '0.015' })
  expect(tieUp.body.result.order).toMatchObject({ notional: '0.00001500', fees: '0.00000002' })
  // notional 0.00000501 → fee 0.00000000501 → above the tie → 0.00000001
  const above = await api.submit('above', { symbol: 'X', side: 'buy', quantity: '0.00000501', price: '1' })
  expect(above.body.result.order).toMatchObject({ notional: '0.00000501', fees: '0.00000001' })
  // the notional itself: 0.00000001 × 0.5 = 0.000000005 → 0.00000000 (tie to even), × 1.5 → 0.00000002
  const n1 = await api.submit('n-half', { symbol: 'X', side: 'buy', quantity: '0.00000001', price: '0.5' })
  expect(n1.body.result.order.notional).toBe('0.00000000')
  const n2 = await api.submit('n-three-halves', {
    symbol: 'X',
    side: 'buy',
    quantity: '0.00000001',
    price: '1.5',
  })
  expect(n2.body.result.order.notional).toBe('0.00000002')
})

test('floats and extra decimals are refused before anything is stored', async ({ api, sql }) => {
  const float = await api.submit('float', { symbol: 'X', side: 'buy', quantity: 0.1, price: '1' })
  expect(float.status).toBe(400)
  expect(float.body).toMatchObject({ error: 'invalid', field: 'quantity' })
  const nine = await api.submit('nine', { symbol: 'X', side: 'buy', quantity: '1', price: '0.123456789' })
  expect(nine.status).toBe(400)
  expect(nine.body).toMatchObject({ field: 'price' })
  const { rows } = await sql.query('SELECT count(*)::int AS n FROM orders')
  expect(rows[0].n).toBe(0)
})

test('the largest amounts survive the round trip digit for digit', async ({ api, sql }) => {
  const { body } = await api.submit('big', {
    symbol: 'X',
    side: 'sell',
    quantity: '99999.99999999',
    price: '99999.99999999',
  })
  expect(body.result.order).toMatchObject({
    quantity: '99999.99999999',
    price: '99999.99999999',
    notional: '9999999999.99800000', // 9999999999.9980000000000001 rounded half to even at 8 decimals
  })
  const { rows } = await sql.query('SELECT quantity * price AS exact FROM orders')
  expect(rows[0].exact).toBe('9999999999.9980000000000001')
})
