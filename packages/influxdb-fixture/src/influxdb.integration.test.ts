import { FixtureStateError, InvalidOptionsError, listeningAddresses, waitFor } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nanosToRfc3339 } from './database/results.js'
import type { InfluxDB } from './influxdb.js'
import { startInfluxDB } from './start.js'

describe('startInfluxDB (local)', () => {
  let influx: InfluxDB
  beforeAll(async () => {
    influx = await startInfluxDB({ config: { coordinator: { 'query-timeout': '10s' } } })
  })
  afterAll(async () => {
    await influx?.stop()
  })

  it('serves Debian’s InfluxDB 1.x on loopback', async () => {
    expect(influx.version).toMatch(/^1\./)
    expect(influx.url).toBe(`http://127.0.0.1:${influx.port}`)
    expect(influx.env()).toEqual({ INFLUXDB_URL: influx.url })
    // HTTP and the RPC bind address listen on loopback only
    expect(listeningAddresses(influx.port)).toEqual(['127.0.0.1'])
    expect(listeningAddresses(influx.rpcPort!)).toEqual(['127.0.0.1'])
    // reporting and the _internal monitor store are off
    const dbs = await influx.query<{ name: string }>('SHOW DATABASES')
    expect(dbs.map((r) => r.name)).not.toContain('_internal')
  })

  it('line-protocol writes with nanosecond timestamps read back exactly', async () => {
    await using db = await influx.database()
    const times = [1_700_000_000_123_456_789n, 1_700_000_000_123_456_790n, 1_700_000_000_999_999_999n, 1n]
    await db.write(
      times.map((t, i) => `trade,sym=ACME,side=${i % 2 ? 'buy' : 'sell'} px=${10 + i}.25,qty=${i + 1}i ${t}`),
    )
    const rows = await db.query<{ time: bigint; px: number; qty: number; sym: string }>(
      'SELECT px, qty, sym FROM trade ORDER BY time ASC',
    )
    expect(rows.map((r) => r.time)).toEqual([...times].sort((a, b) => (a < b ? -1 : 1)))
    expect(rows[1]).toEqual({
      measurement: 'trade',
      time: 1_700_000_000_123_456_789n,
      px: 10.25,
      qty: 1,
      sym: 'ACME',
    })
    // the exact instant selects exactly one point
    const exact = await db.query(
      `SELECT px FROM trade WHERE time = '${nanosToRfc3339(1_700_000_000_123_456_790n)}'`,
    )
    expect(exact).toEqual([{ measurement: 'trade', time: 1_700_000_000_123_456_790n, px: 11.25 }])
    // other precisions
    await db.write('tick v=1 1700000000123', { precision: 'ms' })
    expect((await db.query('SELECT v FROM tick'))[0]!.time).toBe(1_700_000_000_123_000_000n)
  })

  it('gives each test its own database with its retention policy, dropped on release', async () => {
    const a = await influx.database()
    const b = await influx.database({ duration: '2h', shardDuration: '1h', name: 'short' })
    expect(a.name).not.toBe(b.name)
    await a.write('m v=1')
    expect(await a.query('SELECT count(v) AS n FROM m')).toEqual([{ measurement: 'm', time: 0n, n: 1 }])
    expect(await b.query('SELECT count(v) AS n FROM m')).toEqual([])
    const policies = await b.query<{
      name: string
      duration: string
      shardGroupDuration: string
      default: boolean
    }>('SHOW RETENTION POLICIES')
    expect(policies).toEqual([
      { name: 'short', duration: '2h0m0s', shardGroupDuration: '1h0m0s', replicaN: 1, default: true },
    ])
    expect(a.retentionPolicy).toBe('rp')
    expect(await a.query('SHOW RETENTION POLICIES')).toMatchObject([
      { name: 'rp', duration: '0s', default: true },
    ])
    await a.release()
    await a.release() // idempotent
    await b[Symbol.asyncDispose]()
    const names = (await influx.query<{ name: string }>('SHOW DATABASES')).map((r) => r.name)
    expect(names).not.toContain(a.name)
    expect(names).not.toContain(b.name)
    await expect(a.write('m v=2')).rejects.toThrow(FixtureStateError)
    await expect(influx.database({ duration: 'forever' })).rejects.toThrow(InvalidOptionsError)
  })

  it('keeps poolSize databases ready, made in the background; a custom retention bypasses them', async () => {
    await using first = await influx.database()
    const prefix = first.name.replace(/_\d+$/, '_')
    const ours = async () =>
      (await influx.query<{ name: string }>('SHOW DATABASES'))
        .map((r) => r.name)
        .filter((n) => n.startsWith(prefix))
    await waitFor(async () => (await ours()).length >= 3, { timeoutMs: 10_000, what: 'two ready databases' })
    const ready = (await ours()).filter((n) => n !== first.name)
    await using next = await influx.database()
    expect(ready).toContain(next.name)
    await using custom = await influx.database({ duration: '1h' })
    expect(ready).not.toContain(custom.name)
  })

  it('server-level helpers take the database as an option', async () => {
    await using db = await influx.database()
    await influx.write(['cpu,host=a usage=0.5 10', 'cpu,host=b usage=0.75 20'], { db: db.name })
    const rows = await influx.query('SELECT mean(usage) AS m FROM cpu GROUP BY host', { db: db.name })
    expect(rows).toEqual([
      { measurement: 'cpu', host: 'a', time: 0n, m: 0.5 },
      { measurement: 'cpu', host: 'b', time: 0n, m: 0.75 },
    ])
    await expect(influx.write('cpu v=1', {} as never)).rejects.toThrow(InvalidOptionsError)
    const raw = await influx.queryRaw('SHOW MEASUREMENTS', { db: db.name })
    expect(raw[0]!.series![0]!.values).toEqual([['cpu']])
  })

  it('writes 10k points in batches of 1k and aggregates them per minute', async () => {
    await using db = await influx.database()
    const start = 1_700_000_000_000_000_000n
    for (let batch = 0; batch < 10; batch++) {
      const lines = Array.from({ length: 1000 }, (_, i) => {
        const n = batch * 1000 + i
        return `exec,venue=v${n % 4} qty=${n}i,px=${(n % 100) / 4} ${start + BigInt(n) * 1_000_000_000n}`
      })
      await db.write(lines)
    }
    const [total] = await db.query<{ n: number; q: number }>(
      'SELECT count(qty) AS n, sum(qty) AS q FROM exec',
    )
    expect(total).toMatchObject({ n: 10_000, q: (9_999 * 10_000) / 2 })
    const perVenue = await db.query('SELECT count(qty) AS n FROM exec GROUP BY venue')
    expect(perVenue.map((r) => r.n)).toEqual([2500, 2500, 2500, 2500])
    const perMinute = await db.query(
      `SELECT count(qty) AS n FROM exec WHERE time >= ${start} AND time < ${start + 600n * 1_000_000_000n} GROUP BY time(1m)`,
    )
    // 1700000000 s is 20 s into a minute: 40 points, nine whole minutes, then the last 20
    expect(perMinute.map((r) => r.n)).toEqual([40, ...Array(9).fill(60), 20])
  })
})
