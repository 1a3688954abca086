import { InfluxDB as InfluxClient, toNanoDate } from 'influx'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InfluxDB } from '../influxdb.js'
import { startInfluxDB } from '../start.js'

// the fixture's helpers are thin; a team's own v1 client must work against the same server and database
describe('the `influx` package (node-influx 5.x) against the fixture', () => {
  let influx: InfluxDB
  beforeAll(async () => {
    influx = await startInfluxDB()
  })
  afterAll(async () => {
    await influx?.stop()
  })

  it('writes points and reads them back, nanoseconds included, in a test database', async () => {
    await using db = await influx.database()
    const client = new InfluxClient({ host: influx.host, port: influx.port, database: db.name })
    expect((await client.ping(2_000))[0]!.online).toBe(true)
    await client.writePoints(
      [
        {
          measurement: 'exec',
          tags: { sym: 'ACME' },
          fields: { qty: 100, px: 10.25 },
          timestamp: toNanoDate('1700000000123456789'),
        },
        {
          measurement: 'exec',
          tags: { sym: 'ACME' },
          fields: { qty: 50, px: 10.5 },
          timestamp: toNanoDate('1700000000123456790'),
        },
      ],
      { precision: 'n' },
    )
    const rows = await client.query<{ time: { getNanoTime(): string }; qty: number }>('SELECT qty FROM exec')
    expect(rows.map((r) => [r.time.getNanoTime(), r.qty])).toEqual([
      ['1700000000123456789', 100],
      ['1700000000123456790', 50],
    ])
    // and the fixture's helper sees the same points
    expect((await db.query('SELECT qty FROM exec')).map((r) => r.time)).toEqual([
      1_700_000_000_123_456_789n,
      1_700_000_000_123_456_790n,
    ])
  })
})
