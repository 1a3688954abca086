import { getFreePort, UnsupportedOperationError, waitFor } from '@infra/fixture-core'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachMysql, type Mysql, startMysql } from './index.js'

const migrations = new URL('../test/fixtures/migrations/ok', import.meta.url).pathname
let server: Mysql

beforeAll(async () => {
  server = await startMysql({ migrations })
})
afterAll(() => server?.stop())

describe('fault controls', () => {
  it('kill() mid-query gives the client a typed error; after restart() the same pool recovers on the same port', async () => {
    const db = await server.database()
    const port = server.port
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 5 })
    try {
      await pool.query("INSERT INTO account (owner, balance) VALUES ('before', 1)")
      const running = pool.query('SELECT SLEEP(10)').catch((e: unknown) => e)
      await waitFor(
        async () => (await server.processList({ database: db })).some((p) => p.info?.includes('SLEEP(10)')),
        {
          what: 'the query to run on the server',
          timeoutMs: 10_000,
        },
      )
      await server.kill()
      const error = await running
      expect(error).toMatchObject({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true })
      expect(server.process!.running).toBe(false)
      await server.restart()
      expect(server.port).toBe(port)
      const [[row]] = await pool.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM account')
      expect(Number(row!.n)).toBeGreaterThanOrEqual(1)
    } finally {
      await pool.end()
      await db.drop()
    }
  })

  it('restart() keeps the data and the password', async () => {
    await using db = await server.database()
    const c = await mysql.createConnection(db.url)
    await c.query("INSERT INTO account (owner, balance) VALUES ('kept', 7)")
    await c.end()
    await server.restart()
    const d = await mysql.createConnection(db.url)
    const [rows] = await d.query<mysql.RowDataPacket[]>("SELECT balance FROM account WHERE owner = 'kept'")
    expect(rows).toEqual([{ balance: '7.00' }])
    await d.end()
  })

  it('pause() hangs the server (clients time out) until resume()', async () => {
    await using db = await server.database()
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 2 })
    try {
      await pool.query('SELECT 1')
      await server.pause()
      const error = await pool.query({ sql: 'SELECT 1', timeout: 300 }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' })
      await server.resume()
      const [[row]] = await pool.query<mysql.RowDataPacket[]>('SELECT 5 AS v')
      expect(row!.v).toBe(5)
    } finally {
      await pool.end()
    }
  })

  it('durable: true keeps every acknowledged commit through kill() and restart(), on the port asked for', async () => {
    const port = await getFreePort()
    await using durable = await startMysql({ durable: true, port, migrations, poolSize: 1 })
    expect(durable.port).toBe(port)
    await using db = await durable.database()
    const c = await mysql.createConnection(db.url)
    const [[settings]] = await c.query<mysql.RowDataPacket[]>(
      'SELECT @@innodb_flush_log_at_trx_commit AS f, @@innodb_doublewrite AS d',
    )
    expect(settings).toMatchObject({ f: 1, d: 1 })
    for (let i = 0; i < 20; i++) await c.query('INSERT INTO account (owner) VALUES (?)', [`durable-${i}`])
    c.destroy()
    await durable.kill()
    await durable.restart()
    const d = await mysql.createConnection(db.url)
    const [[row]] = await d.query<mysql.RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM account WHERE owner LIKE 'durable-%'",
    )
    expect(Number(row!.n)).toBe(20)
    await d.end()
  })

  it('a worker handle on a shared server refuses fault controls', async () => {
    const attached = attachMysql(server.connectionInfo, { poolSize: 0 })
    try {
      await expect(attached.kill()).rejects.toBeInstanceOf(UnsupportedOperationError)
      await expect(attached.restart()).rejects.toThrow(/every worker of the run shares this server/)
      await using db = await attached.database()
      expect(db.url).toContain(`:${server.port}/`)
    } finally {
      await attached.stop()
    }
  })
})
