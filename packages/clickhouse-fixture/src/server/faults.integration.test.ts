import { createClient } from '@clickhouse/client'
import { FixtureStateError, isPidAlive } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { startClickHouse } from '../start.js'

describe('fault controls', () => {
  it('kill() crashes the server; restart() brings it back with the same url and data', async () => {
    await using ch = await startClickHouse()
    const db = await ch.database()
    await db.command('CREATE TABLE trades (id UInt32, px Float64) ENGINE = MergeTree ORDER BY id')
    await db.insert('trades', [
      { id: 1, px: 10.5 },
      { id: 2, px: 11.25 },
    ])
    const pid = ch.pid!
    await ch.kill()
    expect(isPidAlive(pid)).toBe(false)
    await expect(db.query('SELECT 1')).rejects.toThrow()
    await ch.restart()
    expect(ch.pid).not.toBe(pid)
    // inserted parts are on disk before the insert returns: they survive even a crash
    expect(await db.query('SELECT id, px FROM trades ORDER BY id')).toEqual([
      { id: 1, px: 10.5 },
      { id: 2, px: 11.25 },
    ])
  })

  it('data written before a graceful restart() survives it; clients from .url keep working', async () => {
    await using ch = await startClickHouse()
    await using db = await ch.database()
    await db.command('CREATE TABLE rollup (k String, n UInt64) ENGINE = SummingMergeTree ORDER BY k')
    await db.insert('rollup', [
      { k: 'a', n: 1 },
      { k: 'a', n: 2 },
      { k: 'b', n: 5 },
    ])
    const url = ch.url
    await ch.restart()
    expect(ch.url).toBe(url)
    const client = createClient({ url: db.url })
    try {
      const rs = await client.query({
        query: 'SELECT k, sum(n) AS n FROM rollup GROUP BY k ORDER BY k',
        format: 'JSONEachRow',
      })
      expect(await rs.json()).toEqual([
        { k: 'a', n: '3' },
        { k: 'b', n: '5' },
      ])
    } finally {
      await client.close()
    }
  })

  it('pause() makes queries hang until resume()', async () => {
    await using ch = await startClickHouse()
    const client = ch.client({ request_timeout: 500 })
    await ch.pause()
    await expect(client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).rejects.toThrow(/[Tt]imeout/)
    await ch.resume()
    const rs = await ch.client().query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([{ one: 1 }])
  })

  // a hang here would be the 30 s request timeout of the refill's CREATE DATABASE: the test timeout catches it
  it('stop() of a paused server with a refill in flight does not hang', { timeout: 25_000 }, async () => {
    const ch = await startClickHouse({ stopGraceMs: 5_000 })
    await using db = await ch.database() // starts the background refill
    await ch.pause()
    await ch.stop()
    expect(ch.pid === undefined || !isPidAlive(ch.pid)).toBe(true)
    expect(db.name).toMatch(/^infra_/)
  })

  it('stop() is idempotent, removes the run dir, and later calls are FixtureStateError', async () => {
    const ch = await startClickHouse()
    const dir = ch.dataDir!
    const pid = ch.pid!
    await Promise.all([ch.stop(), ch.stop()])
    await ch.stop()
    expect(isPidAlive(pid)).toBe(false)
    const { existsSync } = await import('node:fs')
    expect(existsSync(dir)).toBe(false)
    await expect(ch.database()).rejects.toThrow(FixtureStateError)
    await expect(ch.restart()).rejects.toThrow(FixtureStateError)
    expect(() => ch.client()).toThrow(FixtureStateError)
  })
})
