import { expect, test } from 'vitest'
import { ValidationError } from '../errors.js'
import { planFills } from './fills.js'
import { Dec, fmt, sum } from './money.js'
import { validateOrder } from './order.js'

const fee = new Dec('0.001')

test('one fill: notional and fee rounded half to even', () => {
  const plan = planFills(
    validateOrder({ symbol: 'BTC', side: 'buy', quantity: '0.12345678', price: '45678.12345678' }),
    fee,
  )
  expect(plan.fills).toEqual([
    { seq: 1, quantity: '0.12345678', price: '45678.12345678', notional: '5639.27403842', fee: '5.63927404' },
  ])
  expect(plan).toMatchObject({ filledQuantity: '0.12345678', notional: '5639.27403842', fees: '5.63927404' })
})

test('the last fill takes the remainder, so fills sum to the quantity exactly', () => {
  const plan = planFills(
    validateOrder({ symbol: 'ETH', side: 'sell', quantity: '1', price: '3', fills: 3 }),
    fee,
  )
  expect(plan.fills.map((f) => f.quantity)).toEqual(['0.33333333', '0.33333333', '0.33333334'])
  expect(fmt(sum(plan.fills.map((f) => f.quantity)))).toBe('1.00000000')
  expect(plan.notional).toBe(fmt(sum(plan.fills.map((f) => f.notional))))
  expect(plan.notional).toBe('3.00000000')
})

test('fees are rounded per fill: 1000 fills of a tie round to even each time', () => {
  // each fill: 0.001 × 0.005 = 0.000005 notional; fee 0.000000005 → ties to 0.00000000
  const plan = planFills(
    validateOrder({ symbol: 'X', side: 'buy', quantity: '1', price: '0.005', fills: 1000 }),
    fee,
  )
  expect(plan.fills).toHaveLength(1000)
  expect(plan.notional).toBe('0.00500000')
  expect(plan.fees).toBe('0.00000000')
  // at 0.015 every fill's fee is 0.000000015 → 0.00000002, so the order pays 1000 × 0.00000002
  const odd = planFills(
    validateOrder({ symbol: 'X', side: 'buy', quantity: '1', price: '0.015', fills: 1000 }),
    fee,
  )
  expect(odd.fees).toBe('0.00002000')
})

test('a quantity too small for its fills is refused', () => {
  const order = validateOrder({ symbol: 'X', side: 'buy', quantity: '0.00000002', price: '1', fills: 3 })
  expect(() => planFills(order, fee)).toThrow(ValidationError)
})
