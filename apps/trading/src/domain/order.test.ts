import { expect, test } from 'vitest'
import { ValidationError } from '../errors.js'
import { validateKey, validateOrder } from './order.js'

const order = { symbol: 'ACME', side: 'buy', quantity: '10', price: '10.25' }

test('the fingerprint ignores how amounts are written, not what they are', () => {
  const a = validateOrder(order)
  expect(validateOrder({ ...order, quantity: '10.00', price: '10.250' }).fingerprint).toBe(a.fingerprint)
  expect(validateOrder({ ...order, fills: 1 }).fingerprint).toBe(a.fingerprint)
  expect(validateOrder({ ...order, price: '10.26' }).fingerprint).not.toBe(a.fingerprint)
  expect(validateOrder({ ...order, side: 'sell' }).fingerprint).not.toBe(a.fingerprint)
})

test.each([
  [{ ...order, symbol: 'acme' }, 'symbol'],
  [{ ...order, side: 'short' }, 'side'],
  [{ ...order, quantity: 10 }, 'quantity'],
  [{ ...order, fills: 0 }, 'fills'],
  [{ ...order, fills: 1.5 }, 'fills'],
  [{ ...order, quantity: '1000000000', price: '11' }, 'quantity'],
  [{ ...order, qty: '1' }, 'qty'],
  [null, 'order'],
])('refuses %j naming %s', (body, field) => {
  try {
    validateOrder(body)
    expect.unreachable()
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).field).toBe(field)
  }
})

test('idempotency keys', () => {
  expect(validateKey('order-1:a.b_c')).toBe('order-1:a.b_c')
  expect(() => validateKey('')).toThrow(ValidationError)
  expect(() => validateKey('has space')).toThrow(ValidationError)
  expect(() => validateKey(undefined)).toThrow(ValidationError)
  expect(() => validateKey('k'.repeat(129))).toThrow(ValidationError)
})
