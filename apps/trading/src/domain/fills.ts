import { ValidationError } from '../errors.js'
import { Dec as D, type Dec, floor8, fmt, round8 } from './money.js'
import type { ValidOrder } from './order.js'

/** One simulated fill, amounts as canonical 8-decimal strings. */
export interface Fill {
  seq: number
  quantity: string
  price: string
  notional: string
  fee: string
}

export interface FillPlan {
  fills: Fill[]
  filledQuantity: string
  notional: string
  fees: string
}

/**
 * Splits the order into `fills` fills at its price. The rules, all exact decimal arithmetic:
 * - each fill but the last gets floor8(quantity / fills); the last gets the remainder, so the fills sum to
 *   the quantity exactly;
 * - a fill's notional = round8(quantity × price), half to even (the booked cash amount);
 * - a fill's fee = round8(notional × feeRate), half to even;
 * - the order's notional and fees are the exact sums of its fills' (never re-rounded).
 */
export function planFills(order: ValidOrder, feeRate: Dec): FillPlan {
  const base = floor8(order.quantity.dividedBy(order.fills))
  if (base.isZero()) {
    throw new ValidationError(
      'fills',
      `quantity ${fmt(order.quantity)} is too small for ${order.fills} fills`,
    )
  }
  const fills: Fill[] = []
  let rest = order.quantity
  let notional = new D(0)
  let fees = new D(0)
  for (let seq = 1; seq <= order.fills; seq++) {
    const quantity = seq === order.fills ? rest : base
    rest = rest.minus(quantity)
    const fillNotional = round8(quantity.times(order.price))
    const fee = round8(fillNotional.times(feeRate))
    notional = notional.plus(fillNotional)
    fees = fees.plus(fee)
    fills.push({
      seq,
      quantity: fmt(quantity),
      price: fmt(order.price),
      notional: fmt(fillNotional),
      fee: fmt(fee),
    })
  }
  return { fills, filledQuantity: fmt(order.quantity), notional: fmt(notional), fees: fmt(fees) }
}
