import { describe, expect, it } from 'vitest'
import { HttpError } from '../http/router.js'
import { parseNewOrder, parseOrderChanges } from './order-validation.js'

const id = '3f2b8c1e-8d5a-4c3b-9f1e-2a4b6c8d0e1f'

function rejection(fn: () => unknown): HttpError {
  try {
    fn()
  } catch (error) {
    if (error instanceof HttpError) return error
    throw error
  }
  throw new Error('expected an HttpError')
}

describe('parseNewOrder', () => {
  it('accepts a valid order and trims text', () => {
    expect(parseNewOrder({ id: id.toUpperCase(), customer: ' Ann ', item: 'tea', quantity: 2 })).toEqual({
      id,
      customer: 'Ann',
      item: 'tea',
      quantity: 2,
    })
  })

  it.each([
    [{ customer: 'a', item: 'b', quantity: 1 }, /id/],
    [{ id: 'x', customer: 'a', item: 'b', quantity: 1 }, /UUID/],
    [{ id, customer: '', item: 'b', quantity: 1 }, /customer/],
    [{ id, customer: 'a', item: 'b', quantity: 0 }, /quantity/],
    [{ id, customer: 'a', item: 'b', quantity: 1.5 }, /quantity/],
    [{ id, customer: 'a', item: 'b', quantity: 1, price: 3 }, /unknown field.*price/],
    [[1], /object/],
  ])('rejects %j with 400', (body, message) => {
    const error = rejection(() => parseNewOrder(body))
    expect(error.status).toBe(400)
    expect(error.code).toBe('invalid_order')
    expect(error.message).toMatch(message)
  })
})

describe('parseOrderChanges', () => {
  it('accepts status, quantity and version', () => {
    expect(parseOrderChanges({ status: 'shipped', quantity: 3, version: 2 })).toEqual({
      status: 'shipped',
      quantity: 3,
      version: 2,
    })
  })

  it('rejects an unknown status, an empty change and a bad version', () => {
    expect(rejection(() => parseOrderChanges({ status: 'lost' })).message).toMatch(/status/)
    expect(rejection(() => parseOrderChanges({})).message).toMatch(/nothing to change/)
    expect(rejection(() => parseOrderChanges({ status: 'shipped', version: 'x' })).message).toMatch(/version/)
  })
})
