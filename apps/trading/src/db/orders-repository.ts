import type pg from 'pg'
import type { FillPlan } from '../domain/fills.js'
import { fmt } from '../domain/money.js'
import type { ValidOrder } from '../domain/order.js'

/** An order as stored: every amount the NUMERIC(30,8) text Postgres returns (never parsed to a number). */
export interface OrderView {
  id: string
  idempotencyKey: string
  symbol: string
  side: string
  quantity: string
  price: string
  filledQuantity: string
  notional: string
  fees: string
  status: string
  createdAt: string
}

export interface ExecutionView {
  seq: number
  quantity: string
  price: string
  notional: string
  fee: string
  executedAt: string
}

/** What a submission returns; a duplicate returns the original's, field for field. */
export interface OrderResult {
  order: OrderView
  executions: ExecutionView[]
}

export interface StoredResult extends OrderResult {
  fingerprint: string
}

const ORDER_COLUMNS = `id, idempotency_key, fingerprint, symbol, side, quantity, price, filled_quantity, notional,
  fees, status, created_at`

function toOrder(row: Record<string, unknown>): OrderView {
  return {
    id: row.id as string,
    idempotencyKey: row.idempotency_key as string,
    symbol: row.symbol as string,
    side: row.side as string,
    quantity: row.quantity as string,
    price: row.price as string,
    filledQuantity: row.filled_quantity as string,
    notional: row.notional as string,
    fees: row.fees as string,
    status: row.status as string,
    createdAt: (row.created_at as Date).toISOString(),
  }
}

function toExecution(row: Record<string, unknown>): ExecutionView {
  return {
    seq: row.seq as number,
    quantity: row.quantity as string,
    price: row.price as string,
    notional: row.notional as string,
    fee: row.fee as string,
    executedAt: (row.executed_at as Date).toISOString(),
  }
}

/** The durable idempotency store and the order book: `orders.idempotency_key` is UNIQUE. */
export class OrdersRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Inserts the order and its executions in one transaction, unless an order with this key exists
   * (`ON CONFLICT DO NOTHING`: a concurrent insert of the same key waits for the first to commit, then
   * finds it). `created` says whether this call executed the order.
   */
  async executeOnce(
    key: string,
    order: ValidOrder,
    plan: FillPlan,
  ): Promise<{ created: boolean; stored: StoredResult }> {
    const client = await this.pool.connect()
    let released = false
    try {
      await client.query('BEGIN')
      const inserted = await client.query(
        `INSERT INTO orders (idempotency_key, fingerprint, symbol, side, quantity, price, filled_quantity, notional, fees, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'filled')
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING ${ORDER_COLUMNS}`,
        [
          key,
          order.fingerprint,
          order.symbol,
          order.side,
          fmt(order.quantity),
          fmt(order.price),
          plan.filledQuantity,
          plan.notional,
          plan.fees,
        ],
      )
      const row = inserted.rows[0]
      if (!row) {
        await client.query('ROLLBACK')
        // read the original on another connection only after this one is back in the pool: holding it
        // while waiting for a second one deadlocks a pool whose connections all wait the same way
        client.release()
        released = true
        const stored = await this.findByKey(key)
        if (!stored) throw new Error(`order with idempotency key ${key} conflicted but was not found`)
        return { created: false, stored }
      }
      const executions = await client.query(
        `INSERT INTO executions (order_id, seq, quantity, price, notional, fee)
         SELECT $1, * FROM unnest($2::int[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[])
         RETURNING seq, quantity, price, notional, fee, executed_at`,
        [
          row.id,
          plan.fills.map((f) => f.seq),
          plan.fills.map((f) => f.quantity),
          plan.fills.map((f) => f.price),
          plan.fills.map((f) => f.notional),
          plan.fills.map((f) => f.fee),
        ],
      )
      await client.query('COMMIT')
      return {
        created: true,
        stored: {
          fingerprint: row.fingerprint,
          order: toOrder(row),
          executions: executions.rows.map(toExecution).sort((a, b) => a.seq - b.seq),
        },
      }
    } catch (err) {
      if (!released) await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      if (!released) client.release()
    }
  }

  async findByKey(key: string): Promise<StoredResult | undefined> {
    const orders = await this.pool.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE idempotency_key = $1`, [
      key,
    ])
    return orders.rows[0] ? this.withExecutions(orders.rows[0]) : undefined
  }

  async findById(id: string): Promise<StoredResult | undefined> {
    const orders = await this.pool.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [id])
    return orders.rows[0] ? this.withExecutions(orders.rows[0]) : undefined
  }

  private async withExecutions(row: Record<string, unknown>): Promise<StoredResult> {
    const executions = await this.pool.query(
      'SELECT seq, quantity, price, notional, fee, executed_at FROM executions WHERE order_id = $1 ORDER BY seq',
      [row.id],
    )
    return {
      fingerprint: row.fingerprint as string,
      order: toOrder(row),
      executions: executions.rows.map(toExecution),
    }
  }
}
