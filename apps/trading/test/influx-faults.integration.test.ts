// Seed 002, fault tolerance (InfluxDB): a private InfluxDB server (never the run's shared one) goes down.
// Orders still execute; their execution points wait in a bounded buffer and are written once InfluxDB is
// back; beyond the buffer's capacity the oldest points are dropped and reported as lost.
import { type InfluxDB, startInfluxDB } from '@infra/influxdb-fixture'
import { afterAll, beforeAll, expect } from 'vitest'
import { influxTarget, test } from './support/app-test.js'
import { OrdersClient, orderNo } from './support/orders-client.js'

let server: InfluxDB
beforeAll(async () => {
  server = await startInfluxDB()
})
afterAll(async () => {
  await server?.stop()
})

const metrics = { retryIntervalMs: 200, writeTimeoutMs: 500 }

test('InfluxDB killed: orders execute, points are buffered, then written after restart', async ({
  startApp,
  sql,
}) => {
  const db = await server.database()
  try {
    const app = await startApp({ ...influxTarget(db), metrics })
    const api = new OrdersClient(app.url)
    await api.submit('i-0', orderNo(1))
    await app.metrics.flush()
    expect(app.stats().metrics).toMatchObject({ written: 1, buffered: 0 })

    await server.kill()
    const answers = await Promise.all([1, 2, 3, 4].map((i) => api.submit(`i-${i}`, orderNo(i + 1, 2))))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201])
    await app.metrics.flush()
    expect(app.stats().metrics).toMatchObject({ written: 1, buffered: 8, lost: 0 })
    expect(app.stats().metrics.failedWrites).toBeGreaterThan(0)
    const { rows } = await sql.query('SELECT count(*)::int AS n FROM executions')
    expect(rows[0].n).toBe(9)

    await server.restart()
    await expect.poll(() => app.stats().metrics.buffered, { timeout: 15_000, interval: 100 }).toBe(0)
    expect(app.stats().metrics).toMatchObject({ written: 9, lost: 0 })
    const [count] = await db.query('SELECT count(seq) AS n FROM execution')
    expect(count?.n).toBe(9)
  } finally {
    await db.release().catch(() => {})
  }
})

test('InfluxDB hung beyond the buffer: the oldest points are dropped and reported as lost', async ({
  startApp,
}) => {
  const db = await server.database()
  try {
    const app = await startApp({ ...influxTarget(db), metrics: { ...metrics, bufferCapacity: 3 } })
    const api = new OrdersClient(app.url)
    await server.pause()
    try {
      for (let i = 0; i < 5; i++) expect((await api.submit(`h-${i}`, orderNo(i + 1))).status).toBe(201)
      await app.metrics.flush()
      // 5 points, 3 fit: 2 lost; the in-flight batch came back and the buffer was trimmed to its capacity
      expect(app.stats().metrics).toMatchObject({ buffered: 3, lost: 2, written: 0 })
    } finally {
      await server.resume()
    }
    await expect.poll(() => app.stats().metrics.buffered, { timeout: 15_000, interval: 100 }).toBe(0)
    const points = await db.query('SELECT idempotency_key FROM execution')
    // the three newest are written; h-0's write timed out while the server hung and was counted lost, but a
    // hung server may still apply it when it resumes: lost means "not known to be written"
    const keys = points.map((p) => p.idempotency_key)
    expect(keys).toEqual(expect.arrayContaining(['h-2', 'h-3', 'h-4']))
    expect(keys).not.toContain('h-1')
    expect(app.stats().metrics).toMatchObject({ written: 3, lost: 2 })
  } finally {
    await db.release().catch(() => {})
  }
})

test('closing the service while InfluxDB is down counts what is still buffered as lost', async ({
  startApp,
}) => {
  const db = await server.database()
  const app = await startApp({ ...influxTarget(db), metrics })
  await server.kill()
  try {
    await new OrdersClient(app.url).submit('c-1', orderNo(1, 3))
    await app.close()
    expect(app.stats().metrics).toMatchObject({ written: 0, buffered: 0, lost: 3 })
  } finally {
    await server.restart()
    await db.release().catch(() => {})
  }
})
