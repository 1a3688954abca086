import {
  ORDER_EVENTS,
  ORDERS_CHANNEL,
  type Order,
  type OrderEventPayload,
  type OrderWriteResult,
} from '../../order.js'
import { CHANNEL_PATTERN } from '../../protocol.js'
import { HttpError, type Router } from '../http/router.js'
import { BroadcastUnavailableError, type RedisBroadcaster } from '../redis-broadcaster.js'
import { isUuid, parseNewOrder, parseOrderChanges } from './order-validation.js'
import type { OrdersRepository } from './orders-repository.js'

/**
 * The orders API and the broadcast endpoint:
 * - `GET /api/orders`, `GET /api/orders/:id`
 * - `POST /api/orders` → 201 and `order.created` on `orders`; `PATCH /api/orders/:id` → `order.updated`
 *   (the broadcast follows the commit, so a client that refetches on it sees the change)
 * - `POST /api/broadcast` `{ channel, event, payload }` → 202, or 503 `broadcast_unavailable`
 */
export function addOrderRoutes(
  router: Router,
  orders: OrdersRepository,
  broadcaster: RedisBroadcaster,
  onError: (error: unknown) => void,
): void {
  const announce = async (event: string, order: Order): Promise<OrderWriteResult> => {
    const payload: OrderEventPayload = { order }
    try {
      await broadcaster.publish(ORDERS_CHANNEL, event, payload)
      return { order, broadcast: 'sent' }
    } catch (error) {
      onError(error)
      return { order, broadcast: 'failed', broadcastError: (error as Error).message }
    }
  }

  router
    .add('GET', '/api/orders', async () => [200, await orders.list()])
    .add('GET', '/api/orders/:id', async ({ params }) => {
      const order = isUuid(params.id) ? await orders.find(params.id.toLowerCase()) : undefined
      if (!order) throw new HttpError(404, 'order_not_found', `no order ${params.id}`)
      return [200, order]
    })
    .add('POST', '/api/orders', async ({ body }) => {
      const order = await orders.create(parseNewOrder(await body()))
      return [201, await announce(ORDER_EVENTS.created, order)]
    })
    .add('PATCH', '/api/orders/:id', async ({ params, body }) => {
      if (!isUuid(params.id)) throw new HttpError(404, 'order_not_found', `no order ${params.id}`)
      const order = await orders.update(params.id.toLowerCase(), parseOrderChanges(await body()))
      return [200, await announce(ORDER_EVENTS.updated, order)]
    })
    .add('POST', '/api/broadcast', async ({ body }) => {
      const input = (await body()) as { channel?: unknown; event?: unknown; payload?: unknown } | undefined
      if (typeof input?.channel !== 'string' || !CHANNEL_PATTERN.test(input.channel)) {
        throw new HttpError(400, 'invalid_broadcast', `\`channel\` must match ${CHANNEL_PATTERN}`)
      }
      if (typeof input.event !== 'string' || input.event === '') {
        throw new HttpError(400, 'invalid_broadcast', '`event` must be a non-empty string')
      }
      try {
        const { event, instances } = await broadcaster.publish(
          input.channel,
          input.event,
          input.payload ?? null,
        )
        return [202, { id: event.id, instances }]
      } catch (error) {
        if (error instanceof BroadcastUnavailableError) throw new HttpError(503, error.code, error.message)
        throw error
      }
    })
}
