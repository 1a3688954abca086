import { UnsupportedOperationError } from '@infra/fixture-core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Postgres } from './postgres.js'
import { connectPostgres, startPostgres } from './start.js'

// a local server plays the "external" one (a CI service or a shared cluster)
let host: Postgres

beforeAll(async () => {
  host = await startPostgres({ migrationsKey: 'external.integration', poolSize: 0 })
  const c = new pg.Client({ connectionString: host.url })
  await c.connect()
  await c.query('CREATE DATABASE app_data')
  await c.end()
})
afterAll(async () => {
  await host?.stop()
})

async function databases(): Promise<string[]> {
  const c = new pg.Client({ connectionString: host.url })
  await c.connect()
  try {
    return (await c.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).rows.map(
      (r) => r.datname,
    )
  } finally {
    await c.end()
  }
}

describe("provider 'external'", () => {
  it('builds its template once, hands out its own databases, and drops only those', async () => {
    const migrate = async (c: pg.Client) => {
      await c.query('CREATE TABLE ext_items (id int PRIMARY KEY)')
    }
    const ext = await startPostgres({ provider: 'external', url: host.url, migrate, poolSize: 2 })
    expect(ext.provider).toBe('external')
    const a = await ext.database()
    const b = await ext.database()
    const s = await ext.schema()
    expect(a.name).toMatch(/^infra_t\d+_/)
    const c = new pg.Client({ connectionString: a.url })
    await c.connect()
    expect((await c.query('SELECT count(*)::int AS n FROM ext_items')).rows[0].n).toBe(0)
    await c.end()
    const during = await databases()
    expect(during).toEqual(expect.arrayContaining([a.name, b.name, ext.template, 'app_data']))

    await expect(ext.kill()).rejects.toThrow(UnsupportedOperationError)
    await expect(ext.pause()).rejects.toThrow(UnsupportedOperationError)

    // a second handle (another run or worker) reuses the template instead of migrating again
    const again = await startPostgres({ provider: 'external', url: host.url, migrate, poolSize: 1 })
    expect(again.template).toBe(ext.template)
    const d = await again.database()
    await again.stop()
    expect(await databases()).not.toContain(d.name)

    await ext.stop()
    await ext.stop()
    const after = await databases()
    expect(after).not.toContain(a.name)
    expect(after).not.toContain(b.name)
    expect(after.filter((n) => n.startsWith(`infra_t${process.pid}_`))).toEqual([])
    // what it did not create stays; the template stays for the next run
    expect(after).toEqual(expect.arrayContaining(['app_data', 'postgres', ext.template]))
    const sc = new pg.Client({ connectionString: host.urlFor(s.database) })
    await sc.connect()
    const left = await sc.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [s.name])
    await sc.end()
    expect(left.rowCount).toBe(0)
  })

  it('INFRA_PG_URL selects the external provider', async () => {
    const saved = process.env.INFRA_PG_URL
    process.env.INFRA_PG_URL = host.url
    try {
      const ext = await startPostgres({ poolSize: 0 })
      expect(ext.provider).toBe('external')
      await ext.stop()
    } finally {
      if (saved === undefined) delete process.env.INFRA_PG_URL
      else process.env.INFRA_PG_URL = saved
    }
  })

  it('connectPostgres() (what vitest workers use) reports the server’s provider, shares the template and drops its own clones', async () => {
    const worker = connectPostgres(host.connectionInfo, { poolSize: 1 })
    expect(worker.provider).toBe('local')
    expect(worker.attached).toBe(true)
    const db = await worker.database()
    expect(await databases()).toContain(db.name)
    await expect(worker.restart()).rejects.toThrow(UnsupportedOperationError)
    await expect(worker.kill()).rejects.toThrow(/shared by every worker/)
    const spare = (await databases()).filter((n) => n.startsWith(db.name.replace(/\d+$/, '')))
    expect(spare.length).toBeGreaterThan(1)
    await worker.stop()
    // the ready clone of its pool too, although the server (local to the run) lives on
    const after = await databases()
    for (const name of spare) expect(after).not.toContain(name)
  })
})
