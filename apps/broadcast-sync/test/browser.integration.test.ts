// Layer 3 — E2E in a real, headless Chromium: page → WebSocket → backend → Redis → WebSocket → page.
import { randomUUID } from 'node:crypto'
import { describe, expect } from 'vitest'
import { OrdersApi } from '../src/index.js'
import { type PageGlobals, pageSteps, submitOrder, waitForSubscribed } from './support/browser.js'
import { browserTest } from './support/browser-test.js'
import { holdOrderWrites, orderCount } from './support/hold-writes.js'

const test = browserTest()

const row = (id: string) => `#orders li[data-id="${id}"]`
const rowOf = (customer: string) => `#orders li:has-text("${customer}:")`

describe('E2E in Chromium', () => {
  test('single client: the page lists the orders and adds one through the form', async ({
    app,
    api,
    pages,
    sql,
  }) => {
    const { order: existing } = await api.create({
      id: randomUUID(),
      customer: 'Old',
      item: 'jam',
      quantity: 1,
    })
    const page = await pages.open(app.url)
    await page.waitForSelector(row(existing.id))

    await submitOrder(page, { customer: 'Zed', item: 'soup', quantity: 4 })

    const added = page.locator(rowOf('Zed'))
    await added.and(page.locator('[data-pending=false]')).waitFor()
    const id = (await added.getAttribute('data-id'))!
    expect((await sql.query('SELECT item, quantity FROM orders WHERE id = $1', [id])).rows).toEqual([
      { item: 'soup', quantity: 4 },
    ])
    // and an update through the page ("ship") is stored and shown
    await added.locator('button').click()
    await page.waitForSelector(`${row(id)}[data-status=shipped][data-pending=false]`)
    expect((await api.get(id)).status).toBe('shipped')
    expect(await page.textContent('#state')).toBe('open')
  })

  test('two browser contexts stay in sync through the server (WebSocket, not BroadcastChannel)', async ({
    app,
    pages,
  }) => {
    const alice = await pages.open(app.url, { name: 'alice' })
    const bob = await pages.open(app.url, { name: 'bob' })

    await submitOrder(alice, { customer: 'Alice', item: 'bread', quantity: 2 })

    await bob.waitForSelector(`${rowOf('Alice')}[data-pending=false]`)
    const id = (await bob.getAttribute(rowOf('Alice'), 'data-id'))!
    expect(await pageSteps(bob, id)).toEqual(['ws:order.created']) // separate contexts share no channel
    await expect
      .poll(() => alice.locator('#orders li').allTextContents())
      .toEqual(await bob.locator('#orders li').allTextContents())
  })

  test('multi-tab: tab 2 shows the new order through BroadcastChannel before the server broadcast', async ({
    app,
    pages,
    sql,
  }) => {
    const context = await pages.newContext()
    const tab1 = await pages.open(app.url, { context, name: 'tab1' })
    const tab2 = await pages.open(app.url, { context, name: 'tab2' })
    const release = await holdOrderWrites(sql) // the server cannot store (nor broadcast) it yet
    try {
      await submitOrder(tab1, { customer: 'Tabby', item: 'milk', quantity: 1 })

      await tab2.waitForSelector(`${rowOf('Tabby')}[data-pending=true]`)
      expect(await orderCount(sql)).toBe(0)
      const id = (await tab2.getAttribute(rowOf('Tabby'), 'data-id'))!
      expect(await pageSteps(tab2, id)).toEqual(['crosstab:order.optimistic'])
      await release()

      await tab2.waitForSelector(`${row(id)}[data-pending=false]`)
      await expect.poll(() => pageSteps(tab2, id)).toContain('ws:order.created')
      const steps = await pageSteps(tab2, id)
      expect(steps[0]).toBe('crosstab:order.optimistic')
      expect(steps.indexOf('crosstab:order.optimistic')).toBeLessThan(steps.indexOf('ws:order.created'))
      expect(await orderCount(sql)).toBe(1)
    } finally {
      await release()
    }
  })

  test('an order the API rejects is rolled back on the page, with the error shown', async ({
    app,
    pages,
    sql,
  }) => {
    const page = await pages.open(app.url)

    await submitOrder(page, { customer: 'Nobody', item: 'air', quantity: 0 })

    await page.waitForSelector('#error:has-text("quantity")')
    await page.waitForSelector(rowOf('Nobody'), { state: 'detached' })
    const steps = (await pageSteps(page)).filter((step) => !step.startsWith('fetch:'))
    expect(steps).toEqual(['mutation:order.create.optimistic', 'mutation:order.create.rolledBack'])
    expect(await orderCount(sql)).toBe(0)
  })

  test('after a backend restart the page reconnects, resubscribes and shows new orders', async ({
    app,
    startApp,
    pages,
  }) => {
    const page = await pages.open(app.url)

    await app.close()
    await page.waitForSelector('#state[data-state=reconnecting]')
    const again = await startApp({ port: app.port })
    await page.waitForSelector('#state[data-state=open]')
    await waitForSubscribed(page)

    const { order } = await new OrdersApi(again.url).create({
      id: randomUUID(),
      customer: 'Back',
      item: 'tea',
      quantity: 1,
    })
    await page.waitForSelector(`${row(order.id)}[data-pending=false]`)
    const { states, reconnects } = await page.evaluate(() => {
      const { states, client } = (window as unknown as PageGlobals).broadcastSync
      return { states, reconnects: client.reconnects }
    })
    expect(states.slice(0, 3)).toEqual(['connecting', 'open', 'reconnecting'])
    expect(states.at(-1)).toBe('open')
    expect(reconnects).toBeGreaterThanOrEqual(1)
  })
})
