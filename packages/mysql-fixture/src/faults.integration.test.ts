import { UnsupportedOperationError } from '@infra/fixture-core'
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
      await new Promise((r) => setTimeout(r, 200))
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
