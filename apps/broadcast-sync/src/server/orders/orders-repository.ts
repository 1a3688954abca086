import type pg from 'pg'
import type { NewOrder, Order, OrderChanges } from '../../order.js'
import { HttpError } from '../http/router.js'

interface OrderRow {
  id: string
  customer: string
  item: string
  quantity: number
  status: Order['status']
  version: number
  created_at: Date
  updated_at: Date
}

const COLUMNS = 'id, customer, item, quantity, status, version, created_at, updated_at'

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    customer: row.customer,
    item: row.item,
    quantity: row.quantity,
    status: row.status,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/** Orders in Postgres. Integrity errors become 409/422 HttpErrors. */
export class OrdersRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<Order[]> {
    const { rows } = await this.pool.query<OrderRow>(`SELECT ${COLUMNS} FROM orders ORDER BY created_at, id`)
    return rows.map(toOrder)
  }

  async find(id: string): Promise<Order | undefined> {
    const { rows } = await this.pool.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id])
    return rows[0] && toOrder(rows[0])
  }

  async create(order: NewOrder): Promise<Order> {
    try {
      const { rows } = await this.pool.query<OrderRow>(
        `INSERT INTO orders (id, customer, item, quantity) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [order.id, order.customer, order.item, order.quantity],
      )
      return toOrder(rows[0]!)
    } catch (error) {
      throw integrityError(error, `order ${order.id}`) ?? error
    }
  }

  /** Applies `changes`; 404 for an unknown id, 409 when `changes.version` is not the current version. */
  async update(id: string, changes: OrderChanges): Promise<Order> {
    try {
      const { rows } = await this.pool.query<OrderRow>(
        `UPDATE orders
            SET status = COALESCE($2, status), quantity = COALESCE($3, quantity),
                version = version + 1, updated_at = clock_timestamp()
          WHERE id = $1 AND ($4::int IS NULL OR version = $4)
          RETURNING ${COLUMNS}`,
        [id, changes.status ?? null, changes.quantity ?? null, changes.version ?? null],
      )
      if (rows[0]) return toOrder(rows[0])
    } catch (error) {
      throw integrityError(error, `order ${id}`) ?? error
    }
    const current = await this.find(id)
    if (!current) throw new HttpError(404, 'order_not_found', `no order ${id}`)
    throw new HttpError(
      409,
      'version_conflict',
      `order ${id} is at version ${current.version}, not ${changes.version}`,
    )
  }
}

function integrityError(error: unknown, what: string): HttpError | undefined {
  const code = (error as { code?: string }).code
  if (code === '23505') return new HttpError(409, 'order_exists', `${what} already exists`)
  if (code === '23514') return new HttpError(422, 'constraint_violation', `${what} breaks a constraint`)
  return undefined
}
