import { type NewOrder, ORDER_STATUSES, type OrderChanges, type OrderStatus } from '../../order.js'
import { HttpError } from '../http/router.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_order', message)
}

function record(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('expected a JSON object')
  return body as Record<string, unknown>
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) {
    throw invalid(`\`${field}\` must be a non-empty string of at most 100 characters`)
  }
  return value.trim()
}

function quantity(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1000) {
    throw invalid('`quantity` must be an integer from 1 to 1000')
  }
  return value as number
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

export function parseNewOrder(body: unknown): NewOrder {
  const input = record(body)
  const unknown = Object.keys(input).filter((key) => !['id', 'customer', 'item', 'quantity'].includes(key))
  if (unknown.length > 0) throw invalid(`unknown field(s): ${unknown.join(', ')}`)
  if (!isUuid(input.id)) throw invalid('`id` must be a UUID (the client chooses it)')
  return {
    id: input.id.toLowerCase(),
    customer: text(input.customer, 'customer'),
    item: text(input.item, 'item'),
    quantity: quantity(input.quantity),
  }
}

export function parseOrderChanges(body: unknown): OrderChanges {
  const input = record(body)
  const unknown = Object.keys(input).filter((key) => !['status', 'quantity', 'version'].includes(key))
  if (unknown.length > 0) throw invalid(`unknown field(s): ${unknown.join(', ')}`)
  const changes: OrderChanges = {}
  if (input.status !== undefined) {
    if (!ORDER_STATUSES.includes(input.status as OrderStatus)) {
      throw invalid(`\`status\` must be one of ${ORDER_STATUSES.join(', ')}`)
    }
    changes.status = input.status as OrderStatus
  }
  if (input.quantity !== undefined) changes.quantity = quantity(input.quantity)
  if (input.version !== undefined) {
    if (!Number.isInteger(input.version)) throw invalid('`version` must be an integer')
    changes.version = input.version as number
  }
  if (changes.status === undefined && changes.quantity === undefined) {
    throw invalid('nothing to change: give `status` and/or `quantity`')
  }
  return changes
}
