import { createHash } from 'node:crypto'
import { ValidationError } from '../errors.js'
import { Dec as D, type Dec, fmt, parseAmount } from './money.js'

export type Side = 'buy' | 'sell'

/** An order as a client sends it: amounts as decimal strings. */
export interface OrderRequest {
  symbol: string
  side: Side
  quantity: string
  price: string
  /** Into how many fills the simulated venue splits the order (1..1000). Default 1. */
  fills?: number
}

/** A validated order: canonical strings plus the parsed decimals. */
export interface ValidOrder {
  symbol: string
  side: Side
  quantity: Dec
  price: Dec
  fills: number
  /** sha256 of the canonical body: the same key with another body is a conflict. */
  fingerprint: string
}

const SYMBOL = /^[A-Z][A-Z0-9.]{0,11}$/
const KEY = /^[\w.:-]{1,128}$/
/** The largest order value accepted (keeps every amount in units of 10^-8 inside an int64). */
export const MAX_NOTIONAL = new D('10000000000')
const KNOWN = new Set(['symbol', 'side', 'quantity', 'price', 'fills'])

export function validateKey(key: unknown): string {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new ValidationError('idempotencyKey', 'must be 1-128 characters of [A-Za-z0-9_.:-]')
  }
  return key
}

export function validateOrder(body: unknown): ValidOrder {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('order', 'must be a JSON object')
  }
  const input = body as Record<string, unknown>
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) throw new ValidationError(key, `is not an order field (${[...KNOWN].join(', ')})`)
  }
  if (typeof input.symbol !== 'string' || !SYMBOL.test(input.symbol)) {
    throw new ValidationError(
      'symbol',
      'must be 1-12 upper-case letters, digits or dots, starting with a letter',
    )
  }
  if (input.side !== 'buy' && input.side !== 'sell')
    throw new ValidationError('side', "must be 'buy' or 'sell'")
  const quantity = parseAmount('quantity', input.quantity)
  const price = parseAmount('price', input.price)
  const fills = input.fills ?? 1
  if (typeof fills !== 'number' || !Number.isInteger(fills) || fills < 1 || fills > 1000) {
    throw new ValidationError('fills', 'must be an integer from 1 to 1000')
  }
  if (quantity.times(price).greaterThan(MAX_NOTIONAL)) {
    throw new ValidationError('quantity', `quantity × price exceeds the limit of ${MAX_NOTIONAL.toString()}`)
  }
  const canonical = JSON.stringify([input.symbol, input.side, fmt(quantity), fmt(price), fills])
  return {
    symbol: input.symbol,
    side: input.side,
    quantity,
    price,
    fills,
    fingerprint: createHash('sha256').update(canonical).digest('hex'),
  }
}
