import { FixtureStateError, isPidAlive } from '@infra/fixture-core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Postgres } from './postgres.js'
import { startPostgres } from './start.js'

let server: Postgres

beforeAll(async () => {
  // durable: with synchronous_commit=off a crash may lose the last ~200 ms of commits
  server = await startPostgres({ migrationsKey: 'faults.integration', durable: true })
})
afterAll(async () => {
  await server?.stop()
})

async function connect(url: string, extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, ...extra })
  c.on('error', () => {})
  await c.connect()
  return c
}

describe('faults', () => {
  it('pause() hangs the server (clients time out) and resume() continues', async () => {
    const c = await connect(server.url, { query_timeout: 300 })
    await server.pause()
    await expect(c.query('SELECT 1')).rejects.toThrow(/timeout/i)
    await server.resume()
    const c2 = await connect(server.url)
    expect((await c2.query('SELECT 1 AS one')).rows[0].one).toBe(1)
    await c2.end()
    await c.end().catch(() => {})
  })

  it('kill() crashes the server; restart() brings it back on the same port with the data kept', async () => {
    const db = await server.database()
    const c = await connect(db.url)
    await c.query('CREATE TABLE kept (v text)')
    await c.query("INSERT INTO kept VALUES ('before-crash')")
    await c.end()
    const port = server.port
    const pid = server.process!.pid!
    await server.kill()
    expect(isPidAlive(pid)).toBe(false)
    await expect(connect(db.url, { connectionTimeoutMillis: 1_000 })).rejects.toThrow()
    await server.restart()
    expect(server.port).toBe(port)
    const c2 = await connect(db.url)
    expect((await c2.query('SELECT v FROM kept')).rows).toEqual([{ v: 'before-crash' }])
    await c2.end()
    // the clone pool recovers too
    const next = await server.database()
    expect(next.name).not.toBe(db.name)
    await next.drop()
    await db.drop()
  })

  it('restart() of a running server keeps data and port', async () => {
    const db = await server.database()
    const c = await connect(db.url)
    await c.query('CREATE TABLE t (v int)')
    await c.query('INSERT INTO t VALUES (42)')
    await c.end()
    await server.restart()
    const c2 = await connect(db.url)
    expect((await c2.query('SELECT v FROM t')).rows).toEqual([{ v: 42 }])
    await c2.end()
    await db.drop()
  })

  it('stop() is idempotent, also after a crash, and removes everything', async () => {
    const s = await startPostgres({ migrationsKey: 'faults.integration' })
    const pid = s.process!.pid!
    await s.kill()
    await s.stop()
    await s.stop()
    expect(isPidAlive(pid)).toBe(false)
    // anything but stop() after stop() is a state error
    await expect(s.database()).rejects.toThrow(FixtureStateError)
    await expect(s.isolated()).rejects.toThrow(FixtureStateError)
    await expect(s.restart()).rejects.toThrow(/Cannot restart\(\) the postgres fixture: it is stopped/)
    await expect(s.kill()).rejects.toThrow(FixtureStateError)
    await expect(s.schema()).rejects.toThrow(FixtureStateError)
  })
})
