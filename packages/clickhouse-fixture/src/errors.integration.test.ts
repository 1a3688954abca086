import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickHouse } from './clickhouse.js'
import { ClickHouseMigrationError, ClickHouseQueryError } from './errors.js'
import { startClickHouse } from './start.js'

describe('server errors arrive typed, with the server’s text', () => {
  let ch: ClickHouse
  beforeAll(async () => {
    ch = await startClickHouse()
  })
  afterAll(async () => {
    await ch?.stop()
  })

  it('bad SQL: ClickHouseQueryError with code 62 and the syntax error', async () => {
    await using db = await ch.database()
    const err = await db.query('SELEC 1').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClickHouseQueryError)
    const e = err as ClickHouseQueryError
    expect(e.serverCode).toBe(62)
    expect(e.serverMessage).toMatch(/^Syntax error/)
    expect(e.query).toBe('SELEC 1')
    expect(e.message).toContain('Syntax error')
  })

  it('an unknown table: code 60 naming the table', async () => {
    await using db = await ch.database()
    const err = (await db
      .command('INSERT INTO nope SELECT 1')
      .catch((e: unknown) => e)) as ClickHouseQueryError
    expect(err).toBeInstanceOf(ClickHouseQueryError)
    expect(err.serverCode).toBe(60)
    expect(err.serverMessage).toContain(`${db.name}.nope`)
  })

  it('a failing migration names its file and statement', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-bad-migration-'))
    fs.writeFileSync(
      path.join(dir, '001.sql'),
      'CREATE TABLE ok (x UInt8) ENGINE = Memory;\nCREATE TABLE bad (x Nope) ENGINE = Memory;',
    )
    try {
      await using own = await startClickHouse({ migrations: dir })
      const err = (await own.database().catch((e: unknown) => e)) as ClickHouseMigrationError
      expect(err).toBeInstanceOf(ClickHouseMigrationError)
      expect(err.source).toBe(path.join(dir, '001.sql'))
      expect(err.statement).toBe(1)
      expect(err.cause).toBeInstanceOf(ClickHouseQueryError)
      expect(err.message).toMatch(/statement 2 failed.*Nope/s)
      // the half-migrated database was dropped
      const rs = await own.client().query({
        query: "SELECT count() AS n FROM system.databases WHERE name LIKE 'infra\\\\_%'",
        format: 'JSONEachRow',
      })
      expect(await rs.json()).toEqual([{ n: '0' }])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
