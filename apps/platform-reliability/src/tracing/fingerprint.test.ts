import { describe, expect, test } from 'vitest'
import { fingerprint, normalizeMessage } from './fingerprint.js'

function chargeCard(orderId: number): Error {
  return new Error(`card declined for order ${orderId}`)
}

function reserveStock(sku: string): Error {
  return new Error(`no stock for '${sku}'`)
}

describe('fingerprint', () => {
  test('normalizes ids, numbers and quoted values', () => {
    expect(normalizeMessage('order 42 of user "ada" (7f9c1e2a-0b1c-4d2e-8f3a-1234567890ab)')).toBe(
      'order <n> of user <str> (<uuid>)',
    )
  })

  test('the same error with other ids groups together; another error does not', () => {
    expect(fingerprint(chargeCard(1))).toBe(fingerprint(chargeCard(2)))
    expect(fingerprint(reserveStock('A-1'))).toBe(fingerprint(reserveStock('B-2')))
    expect(fingerprint(chargeCard(1))).not.toBe(fingerprint(reserveStock('A-1')))
    const other = new TypeError('card declined for order 1')
    expect(fingerprint(other)).not.toBe(fingerprint(chargeCard(1)))
    expect(fingerprint(chargeCard(1))).toMatch(/^[0-9a-f]{16}$/)
  })
})
