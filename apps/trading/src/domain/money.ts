// The money path: decimal.js only, never a JS number. Every amount is a string with exactly SCALE decimals.
import { Decimal } from 'decimal.js'
import { ValidationError } from '../errors.js'

/** Decimals of every stored quantity, price, notional and fee (NUMERIC(30,8) in Postgres). */
export const SCALE = 8

/** A private Decimal constructor: 40 significant digits, so no intermediate product is ever rounded. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN })
export type Dec = Decimal

const AMOUNT = /^(0|[1-9]\d{0,11})(\.\d{1,8})?$/

/**
 * Parses a positive amount given as a decimal string, at most 12 integer digits and 8 decimals. Numbers are
 * refused (a JSON number is a float), and so are more decimals: nothing is rounded silently on input.
 */
export function parseAmount(field: string, value: unknown): Dec {
  if (typeof value !== 'string') {
    throw new ValidationError(field, `must be a decimal string such as "10.25", got ${typeof value}`)
  }
  if (!AMOUNT.test(value)) {
    throw new ValidationError(
      field,
      `must be a plain decimal with at most 12 integer digits and ${SCALE} decimals`,
    )
  }
  const amount = new Dec(value)
  if (amount.isZero()) throw new ValidationError(field, 'must be greater than 0')
  return amount
}

/** Rounds to SCALE decimals, half to even (banker's rounding): the one rounding rule of booked amounts. */
export function round8(value: Dec): Dec {
  return value.toDecimalPlaces(SCALE, Decimal.ROUND_HALF_EVEN)
}

/** Truncates to SCALE decimals (toward zero): how a quantity is split into fills. */
export function floor8(value: Dec): Dec {
  return value.toDecimalPlaces(SCALE, Decimal.ROUND_DOWN)
}

/** The canonical text of an amount: exactly SCALE decimals, as Postgres returns NUMERIC(30,8). */
export function fmt(value: Dec): string {
  return value.toFixed(SCALE)
}

/** An amount in units of 10^-SCALE as a bigint (InfluxDB integer fields): exact, or throws. */
export function toUnits(value: Dec): bigint {
  const scaled = value.times(new Dec(10).pow(SCALE))
  if (!scaled.isInteger()) throw new RangeError(`${value.toString()} has more than ${SCALE} decimals`)
  return BigInt(scaled.toFixed(0))
}

/** Sums decimal strings exactly. */
export function sum(values: readonly string[]): Dec {
  return values.reduce((acc, v) => acc.plus(v), new Dec(0))
}
