import { describe, expect, test } from 'vitest'
import { ValidationError } from '../errors.js'
import { Dec, floor8, fmt, parseAmount, round8, sum, toUnits } from './money.js'

describe('rounding rules at the boundaries', () => {
  test('round8 is half to even at the 9th decimal', () => {
    expect(fmt(round8(new Dec('0.000000005')))).toBe('0.00000000') // tie → even (0)
    expect(fmt(round8(new Dec('0.000000015')))).toBe('0.00000002') // tie → even (2)
    expect(fmt(round8(new Dec('0.000000025')))).toBe('0.00000002')
    expect(fmt(round8(new Dec('0.0000000050000001')))).toBe('0.00000001') // just above the tie
    expect(fmt(round8(new Dec('0.0000000049999999')))).toBe('0.00000000') // just below
    expect(fmt(round8(new Dec('-0.000000015')))).toBe('-0.00000002')
  })

  test('floor8 truncates toward zero', () => {
    expect(fmt(floor8(new Dec('0.123456789')))).toBe('0.12345678')
    expect(fmt(floor8(new Dec('1').dividedBy(3)))).toBe('0.33333333')
  })

  test('products keep every digit before rounding (40 significant digits)', () => {
    const product = new Dec('0.12345678').times('45678.12345678')
    expect(product.toString()).toBe('5639.2740384165279684')
    expect(fmt(round8(product))).toBe('5639.27403842') // the seed's 5639.27403841652797, booked at 8 decimals
  })
})

describe('parseAmount', () => {
  test('accepts decimal strings with up to 8 decimals', () => {
    expect(fmt(parseAmount('price', '10.25'))).toBe('10.25000000')
    expect(fmt(parseAmount('price', '0.00000001'))).toBe('0.00000001')
    expect(fmt(parseAmount('price', '999999999999.99999999'))).toBe('999999999999.99999999')
  })

  test.each([
    [10.25, 'decimal string'],
    ['0.000000001', '8 decimals'],
    ['1e5', '8 decimals'],
    ['-1', '8 decimals'],
    ['0', 'greater than 0'],
    ['0.00000000', 'greater than 0'],
    ['1000000000000', '12 integer digits'],
    [' 1', '8 decimals'],
  ])('refuses %j', (value, message) => {
    expect(() => parseAmount('quantity', value)).toThrow(ValidationError)
    expect(() => parseAmount('quantity', value)).toThrow(message)
  })
})

test('sums are exact where floats are not', () => {
  const tenths = Array.from({ length: 10 }, () => '0.1')
  expect(fmt(sum(tenths))).toBe('1.00000000')
  expect(tenths.reduce((a, b) => a + Number(b), 0)).not.toBe(1) // what a float would have booked
})

test('toUnits: exact units of 10^-8, refuses more decimals', () => {
  expect(toUnits(new Dec('5639.27403842'))).toBe(563927403842n)
  expect(toUnits(new Dec('0.00000001'))).toBe(1n)
  expect(() => toUnits(new Dec('0.000000001'))).toThrow(RangeError)
})
