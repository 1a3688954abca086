import type { OrderResult } from '../db/orders-repository.js'
import { Dec, toUnits } from '../domain/money.js'

function tag(value: string): string {
  return value.replace(/[,= \\]/g, (c) => `\\${c}`)
}

function str(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/**
 * One `execution` point per fill. Tags: `symbol`, `side`, `order_id`, `venue`. Fields: the amounts as exact
 * integers in units of 10^-8 (`quantity_e8`, `price_e8`, `notional_e8`, `fee_e8`: InfluxQL sums them
 * exactly) and as the decimal strings (`quantity`, `price`, …), plus `seq` and `idempotency_key`.
 * Timestamp: the execution time in ns plus the fill's seq, so no two fills of an order share a point.
 */
export function executionLines(result: OrderResult, venue: string): string[] {
  const { order } = result
  const tags = `symbol=${tag(order.symbol)},side=${tag(order.side)},order_id=${tag(order.id)},venue=${tag(venue)}`
  return result.executions.map((e) => {
    const ns = BigInt(Date.parse(e.executedAt)) * 1_000_000n + BigInt(e.seq)
    const fields = [
      `seq=${e.seq}i`,
      `quantity_e8=${toUnits(new Dec(e.quantity))}i`,
      `price_e8=${toUnits(new Dec(e.price))}i`,
      `notional_e8=${toUnits(new Dec(e.notional))}i`,
      `fee_e8=${toUnits(new Dec(e.fee))}i`,
      `quantity=${str(e.quantity)}`,
      `price=${str(e.price)}`,
      `notional=${str(e.notional)}`,
      `fee=${str(e.fee)}`,
      `idempotency_key=${str(order.idempotencyKey)}`,
    ]
    return `execution,${tags} ${fields.join(',')} ${ns}`
  })
}
