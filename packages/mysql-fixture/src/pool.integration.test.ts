// The seed's pool behaviour (001-im-chat): a mysql2 pool of 25 max open and 5 idle against a real server.
import { waitFor } from '@infra/fixture-core'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Mysql, startMysql, type TestDatabase } from './index.js'

const migrations = new URL('../test/fixtures/migrations/ok', import.meta.url).pathname
let server: Mysql

beforeAll(async () => {
  server = await startMysql({ migrations })
})
afterAll(() => server?.stop())

/** mysql2's own counters (the pool has no public API for them). */
function counts(pool: mysql.Pool) {
  const inner = (pool as unknown as { pool: Record<string, { length: number }> }).pool
  return { all: inner._allConnections!.length, free: inner._freeConnections!.length }
}

describe('a mysql2 pool (connectionLimit 25, maxIdle 5)', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await server.database()
  })
  afterAll(() => db?.drop())

  it('40 concurrent inserts never open more than 25 server connections; the rest queue and reuse them; 5 stay idle; pool.end() closes them all', async () => {
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 25, maxIdle: 5, idleTimeout: 500 })
    let peak = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await server.processList({ database: db })).length)
        await new Promise((r) => setTimeout(r, 20))
      }
    })()
    const threads: number[] = []
    const work = Array.from({ length: 40 }, async (_, i) => {
      const conn = await pool.getConnection()
      try {
        threads.push(conn.threadId)
        await conn.query('INSERT INTO account (owner, balance) VALUES (?, ?)', [`user-${i}`, i])
        await conn.query('SELECT SLEEP(0.3)')
      } finally {
        conn.release()
      }
    })
    await Promise.all(work)
    sampling = false
    await sampler
    const [[n]] = await pool.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM account')
    expect(Number(n!.n)).toBe(41) // the seed row + 40 inserts: every queued query completed
    expect(peak).toBeGreaterThan(5)
    expect(peak).toBeLessThanOrEqual(25)
    // 40 checkouts on at most 25 connections: 15+ of them were reused
    expect(new Set(threads).size).toBeLessThanOrEqual(25)
    expect(threads.length - new Set(threads).size).toBeGreaterThanOrEqual(15)
    expect(counts(pool).all).toBeLessThanOrEqual(25)
    // idle connections above maxIdle are closed after idleTimeout: 5 stay open
    await waitFor(async () => (await server.processList({ database: db })).length === 5, {
      what: 'the pool to shrink to its 5 idle connections',
      timeoutMs: 10_000,
    })
    expect(counts(pool)).toEqual({ all: 5, free: 5 })
    await pool.end()
    // the server closes a connection a moment after the client's COM_QUIT: wait for it (bounded)
    await waitFor(async () => (await server.processList({ database: db })).length === 0, {
      what: 'the server to show none of the pool connections after pool.end()',
      timeoutMs: 5_000,
    })
  })

  it('a query over its timeout fails with the driver error, the pool serves the next query, and the connection comes back', async () => {
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 2, maxIdle: 1 })
    const t0 = Date.now()
    const error = await pool.query({ sql: 'SELECT SLEEP(3)', timeout: 500 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'PROTOCOL_SEQUENCE_TIMEOUT', message: 'Query inactivity timeout' })
    // the next query runs at once, while the server still sleeps on the first connection
    const [[row]] = await pool.query<mysql.RowDataPacket[]>('SELECT 1 + 1 AS v')
    expect(row!.v).toBe(2)
    expect(Date.now() - t0).toBeLessThan(2_900)
    // mysql2 releases the timed-out connection once the server answers: nothing stays checked out
    await waitFor(() => counts(pool).all === counts(pool).free, {
      what: 'the timed-out connection to be released to the pool',
      timeoutMs: 10_000,
    })
    expect(counts(pool).all).toBeLessThanOrEqual(2)
    const [[again]] = await pool.query<mysql.RowDataPacket[]>('SELECT 2 + 2 AS v')
    expect(again!.v).toBe(4)
    await pool.end()
  })
})
