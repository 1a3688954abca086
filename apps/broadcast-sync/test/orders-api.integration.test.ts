// The orders REST API on a real Postgres: persistence, validation, and the broadcasts that follow a commit.
import { randomUUID } from 'node:crypto'
import { describe, expect } from 'vitest'
import { ApiError } from '../src/index.js'
import { subscribe, test } from './support/app-test.js'

const newOrder = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  customer: 'Ann',
  item: 'tea',
  quantity: 2,
  ...overrides,
})

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`)
  return error
}

describe('orders API', () => {
  test('POST stores the order and broadcasts order.created with it', async ({
    app,
    api,
    sql,
    openClient,
  }) => {
    const client = await openClient(app)
    await subscribe(client, 'orders')
    const input = newOrder()

    const result = await api.create(input)

    expect(result).toMatchObject({ broadcast: 'sent', order: { ...input, status: 'pending', version: 1 } })
    await client.expectJson({
      type: 'event',
      channel: 'orders',
      event: 'order.created',
      payload: { order: result.order },
    })
    const { rows } = await sql.query('SELECT customer, quantity FROM orders WHERE id = $1', [input.id])
    expect(rows).toEqual([{ customer: 'Ann', quantity: 2 }])
    expect(await api.list()).toEqual([result.order])
  })

  test('PATCH updates, bumps the version and broadcasts order.updated', async ({ app, api, openClient }) => {
    const { order } = await api.create(newOrder())
    const client = await openClient(app)
    await subscribe(client, 'orders')

    const result = await api.update(order.id, { status: 'shipped', version: 1 })

    expect(result.order).toMatchObject({ id: order.id, status: 'shipped', version: 2 })
    await client.expectJson({ type: 'event', event: 'order.updated', payload: { order: { version: 2 } } })
    expect((await apiError(api.update(order.id, { status: 'cancelled', version: 1 }))).code).toBe(
      'version_conflict',
    )
  })

  test('invalid orders get 400 and are neither stored nor broadcast', async ({
    app,
    api,
    sql,
    openClient,
  }) => {
    const client = await openClient(app)
    await subscribe(client, 'orders')

    for (const bad of [newOrder({ quantity: 0 }), newOrder({ customer: '' }), newOrder({ id: 'nope' })]) {
      const error = await apiError(api.create(bad as never))
      expect(error).toMatchObject({ status: 400, code: 'invalid_order' })
    }

    expect((await sql.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(0)
    await client.expectNoMessage(300)
  })

  test('unknown ids get 404 and a reused id gets 409', async ({ api }) => {
    const input = newOrder()
    await api.create(input)

    expect(await apiError(api.create(input))).toMatchObject({ status: 409, code: 'order_exists' })
    expect(await apiError(api.get(randomUUID()))).toMatchObject({ status: 404, code: 'order_not_found' })
    expect(await apiError(api.update(randomUUID(), { status: 'shipped' }))).toMatchObject({ status: 404 })
  })
})
