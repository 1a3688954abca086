/** An order as the API returns it (and as broadcasts carry it). */
export interface Order {
  id: string
  customer: string
  item: string
  quantity: number
  status: OrderStatus
  /** Starts at 1; every update adds 1 (PATCH may name the version it expects: 409 when stale). */
  version: number
  createdAt: string
  updatedAt: string
}

export const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'cancelled'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** POST /api/orders: the client chooses the id (a UUID), so its optimistic entry already has it. */
export interface NewOrder {
  id: string
  customer: string
  item: string
  quantity: number
}

/** PATCH /api/orders/:id */
export interface OrderChanges {
  status?: OrderStatus
  quantity?: number
  /** The version the client saw; the update is refused (409) when the order has moved on. */
  version?: number
}

/** The channel orders are broadcast on, and its events. */
export const ORDERS_CHANNEL = 'orders'
export const ORDER_EVENTS = { created: 'order.created', updated: 'order.updated' } as const

/** What the orders API broadcasts: the order as stored. */
export interface OrderEventPayload {
  order: Order
}

/** What POST/PATCH answer: the stored order, and whether its broadcast went out (`failed`: Redis down). */
export interface OrderWriteResult {
  order: Order
  broadcast: 'sent' | 'failed'
  broadcastError?: string
}
