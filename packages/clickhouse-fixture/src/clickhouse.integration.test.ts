import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createClient } from '@clickhouse/client'
import { FixtureStateError, listeningAddresses, waitFor } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickHouse } from './clickhouse.js'
import { startClickHouse } from './start.js'

describe('startClickHouse (local)', () => {
  let ch: ClickHouse
  beforeAll(async () => {
    ch = await startClickHouse({
      config: { timezone: 'Asia/Tokyo' },
      users: { profiles: { default: { max_memory_usage: 3_000_000_000 } } },
    })
  })
  afterAll(async () => {
    await ch?.stop()
  })

  it('serves Debian’s ClickHouse on loopback with a per-server password carried in .url', async () => {
    expect(ch.version).toMatch(/^\d+\.\d+/)
    expect(ch.url).toMatch(new RegExp(`^http://default:[0-9a-f]{24}@127\\.0\\.0\\.1:${ch.port}$`))
    expect(ch.env()).toEqual({ CLICKHOUSE_URL: ch.url })
    // HTTP and the native protocol listen on loopback only
    expect(listeningAddresses(ch.port)).toEqual(['127.0.0.1'])
    expect(listeningAddresses(ch.tcpPort!)).toEqual(['127.0.0.1'])
    // an own client from the URL alone
    const client = createClient({ url: ch.url })
    try {
      const rs = await client.query({ query: 'SELECT 1 + 1 AS two', format: 'JSONEachRow' })
      expect(await rs.json()).toEqual([{ two: 2 }])
    } finally {
      await client.close()
    }
    // without the password the server says no
    const res = await fetch(`http://127.0.0.1:${ch.port}/?query=SELECT%201`)
    expect(res.status).not.toBe(200)
    expect(await res.text()).toMatch(/[Pp]assword/)
  })

  it('applies config and users overrides', async () => {
    await using db = await ch.database()
    expect(await db.query('SELECT timezone() AS tz')).toEqual([{ tz: 'Asia/Tokyo' }])
    expect(await db.query("SELECT value FROM system.settings WHERE name = 'max_memory_usage'")).toEqual([
      { value: '3000000000' },
    ])
  })

  it('gives each test its own database, dropped on release', async () => {
    const a = await ch.database()
    const b = await ch.database()
    expect(a.name).not.toBe(b.name)
    for (const db of [a, b]) {
      await db.command('CREATE TABLE t (x UInt32) ENGINE = MergeTree ORDER BY x')
    }
    await a.insert('t', [{ x: 1 }, { x: 2 }])
    expect(await a.query('SELECT count() AS n FROM t')).toEqual([{ n: '2' }])
    expect(await b.query('SELECT count() AS n FROM t')).toEqual([{ n: '0' }])
    // a client from db.url lands in that database
    const own = createClient({ url: a.url })
    try {
      const rs = await own.query({ query: 'SELECT currentDatabase() AS d', format: 'JSONEachRow' })
      expect(await rs.json()).toEqual([{ d: a.name }])
    } finally {
      await own.close()
    }
    await a.release()
    await a.release() // idempotent
    await b[Symbol.asyncDispose]()
    const admin = ch.client()
    const rs = await admin.query({
      query: `SELECT name FROM system.databases WHERE name IN ('${a.name}', '${b.name}')`,
      format: 'JSONEachRow',
    })
    expect(await rs.json()).toEqual([])
    expect(() => a.client()).toThrow(FixtureStateError)
  })

  it('keeps poolSize databases ready, made in the background', async () => {
    await using first = await ch.database()
    const listed = async () => {
      const rs = await ch.client().query({
        query: `SELECT name FROM system.databases WHERE name LIKE '${first.name.replace(/_\d+$/, '')}%' ORDER BY name`,
        format: 'JSONEachRow',
      })
      return (await rs.json<{ name: string }>()).map((r) => r.name)
    }
    await waitFor(async () => (await listed()).length >= 3, {
      timeoutMs: 10_000,
      what: 'two ready databases',
    })
    const ready = (await listed()).filter((n) => n !== first.name)
    await using next = await ch.database()
    expect(ready).toContain(next.name)
  })

  it('inserts 100k rows as JSONEachRow and aggregates them', async () => {
    await using db = await ch.database()
    await db.command(
      'CREATE TABLE metrics (ts DateTime, host String, value Float64) ENGINE = MergeTree ORDER BY (host, ts)',
    )
    const start = 1_700_000_000
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ ts: start + i, host: `h${i % 10}`, value: i }))
    await db.client().insert({ table: 'metrics', values: rows, format: 'JSONEachRow' })
    const byHost = await db.query<{ host: string; n: string; total: number }>(
      'SELECT host, count() AS n, sum(value) AS total FROM metrics GROUP BY host ORDER BY host',
    )
    expect(byHost).toHaveLength(10)
    expect(byHost[0]).toEqual({ host: 'h0', n: '10000', total: 499_950_000 })
    const perMinute = await db.query<{ m: string; n: string }>(
      'SELECT toStartOfMinute(ts) AS m, count() AS n FROM metrics GROUP BY m ORDER BY m LIMIT 2',
    )
    expect(perMinute.map((r) => Number(r.n))).toEqual([60 - ((start % 60) as number), 60])
  })

  it('runs migrations (a directory and a function) in every new database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-migrations-'))
    fs.writeFileSync(
      path.join(dir, '001_events.sql'),
      "CREATE TABLE events (id UInt64, kind String DEFAULT 'a;b') ENGINE = MergeTree ORDER BY id;\n" +
        'CREATE TABLE totals (kind String, n UInt64) ENGINE = SummingMergeTree ORDER BY kind;',
    )
    await using withDir = await startClickHouse({ migrations: dir })
    await using fromFn = await startClickHouse({
      migrations: async (db) => db.command('CREATE TABLE seeded (x UInt8) ENGINE = Memory'),
    })
    try {
      for (let i = 0; i < 2; i++) {
        await using db = await withDir.database()
        expect(
          await db.query('SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name'),
        ).toEqual([{ name: 'events' }, { name: 'totals' }])
      }
      await using db = await fromFn.database()
      expect(await db.query('EXISTS TABLE seeded')).toEqual([{ result: 1 }])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
