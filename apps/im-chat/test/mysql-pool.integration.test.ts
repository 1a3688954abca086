// Seed 001 §4, MySQL connection pooling: 25 max open / 5 idle; 25+ concurrent queries respect the limit
// (counted on the server), the rest queue, connections are reused, nothing leaks after close; a long query is
// cut by its timeout, its connection released, and the pool recovers.
import { test } from '@infra/mysql-fixture/vitest'
import type mysql from 'mysql2/promise'
import { describe, expect } from 'vitest'
import { createMessagePool, MessagesRepository, POOL_SETTINGS, poolStats } from '../src/index.js'
import { rejectionOf, waitUntil } from './support/wait.js'

async function connectionIds(pool: mysql.Pool, n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT CONNECTION_ID() AS id, SLEEP(0.2) AS s')
      return Number(rows[0]?.id)
    }),
  )
}

describe('MySQL connection pooling', () => {
  test('the pool is configured as the seed says: 25 max open, 5 idle, bounded waits', async ({ db }) => {
    expect(POOL_SETTINGS).toMatchObject({ connectionLimit: 25, maxIdle: 5 })
    const pool = createMessagePool(db.url)
    try {
      const config = (pool as unknown as { pool: { config: Record<string, unknown> } }).pool.config
      expect(config).toMatchObject({ connectionLimit: 25, maxIdle: 5, queueLimit: 0 })
      expect(config.idleTimeout).toBeGreaterThan(0)
    } finally {
      await pool.end()
    }
  })

  test('40 concurrent queries: at most 25 connections on the server, the rest queued, all succeed', async ({
    db,
    mysqlServer,
  }) => {
    const pool = createMessagePool(db.url)
    try {
      let maxOnServer = 0
      let maxQueued = 0
      let sampling = true
      const sampler = (async () => {
        while (sampling) {
          const list = await mysqlServer.processList({ database: db })
          maxOnServer = Math.max(maxOnServer, list.length)
          maxQueued = Math.max(maxQueued, poolStats(pool).queued)
          await new Promise((r) => setTimeout(r, 20))
        }
      })()
      const ids = await Promise.all(
        Array.from({ length: 40 }, () =>
          pool.query<mysql.RowDataPacket[]>('SELECT CONNECTION_ID() AS id, SLEEP(0.5) AS s'),
        ),
      )
      sampling = false
      await sampler
      expect(ids).toHaveLength(40)
      expect(maxOnServer).toBeLessThanOrEqual(25)
      expect(maxOnServer).toBeGreaterThan(5)
      expect(maxQueued).toBeGreaterThan(0)
      expect(poolStats(pool).open).toBeLessThanOrEqual(25)
      const distinct = new Set(ids.map(([rows]) => rows[0]?.id))
      expect(distinct.size).toBeLessThanOrEqual(25)
    } finally {
      await pool.end()
    }
  })

  test('connections are reused: 60 queries over a warm pool open no new connection', async ({ db }) => {
    const pool = createMessagePool(db.url)
    try {
      const first = new Set(await connectionIds(pool, 25))
      const again = new Set(await connectionIds(pool, 60))
      for (const id of again) expect(first.has(id)).toBe(true)
      expect(poolStats(pool).open).toBeLessThanOrEqual(25)
    } finally {
      await pool.end()
    }
  })

  test('idle connections beyond maxIdle (5) are closed after the idle timeout', async ({
    db,
    mysqlServer,
  }) => {
    const pool = createMessagePool(db.url, { idleTimeout: 300 })
    try {
      await connectionIds(pool, 20)
      expect((await mysqlServer.processList({ database: db })).length).toBeGreaterThan(5)
      await waitUntil(
        'the pool to keep 5 idle connections',
        async () =>
          (await mysqlServer.processList({ database: db })).length <= 5 && poolStats(pool).free <= 5,
        { timeoutMs: 20_000 },
      )
    } finally {
      await pool.end()
    }
  })

  test('nothing leaks after close: the server sees no connection of the pool', async ({
    db,
    mysqlServer,
  }) => {
    const pool = createMessagePool(db.url)
    await connectionIds(pool, 30)
    expect((await mysqlServer.processList({ database: db })).length).toBeGreaterThan(0)
    await pool.end()
    await waitUntil('every pool connection to leave the server', async () =>
      (await mysqlServer.processList({ database: db })).length === 0 ? true : undefined,
    )
    expect(await mysqlServer.processList({ database: db })).toEqual([])
  })

  test('a long query is cut by the server-side statement timeout, the connection released, the pool recovers', async ({
    db,
    mysqlServer,
  }) => {
    const pool = createMessagePool(db.url, { connectionLimit: 2 }, 0.3)
    try {
      // a runaway scan (SLEEP would just return 1 when interrupted): cut by the server after 0.3 s
      const error = await rejectionOf(
        pool.query('SELECT COUNT(*) AS n FROM seq_1_to_100000000000 a WHERE SHA2(a.seq, 256) = 0'),
      )
      expect(error).toMatchObject({ errno: 1969 }) // ER_STATEMENT_TIMEOUT
      expect(error.message).toMatch(/max_statement_time exceeded/)
      // the slot is free again: both connections of the tiny pool serve new queries at once
      const both = await Promise.all([pool.query('SELECT 1 AS one'), pool.query('SELECT 2 AS two')])
      expect(both.map(([rows]) => rows)).toEqual([[{ one: 1 }], [{ two: 2 }]])
      const list = await mysqlServer.processList({ database: db })
      expect(list.filter((p) => String(p.info ?? '').includes('seq_1_to'))).toEqual([])
      expect(poolStats(pool)).toMatchObject({ queued: 0 })
    } finally {
      await pool.end()
    }
  })

  test('a client-side query timeout rejects at once, drops that connection, and the pool recovers', async ({
    db,
    mysqlServer,
  }) => {
    const pool = createMessagePool(db.url, { connectionLimit: 1 })
    try {
      const error = await rejectionOf(pool.query({ sql: 'SELECT SLEEP(2)', timeout: 200 }))
      expect((error as { code?: string }).code).toBe('PROTOCOL_SEQUENCE_TIMEOUT')
      // a pool of ONE connection still answers: the timed-out one was released (destroyed), a new one opened
      const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT 42 AS answer')
      expect(rows).toEqual([{ answer: 42 }])
      await waitUntil('the abandoned SLEEP to end on the server', async () => {
        const list = await mysqlServer.processList({ database: db })
        return list.every((p) => !String(p.info ?? '').includes('SLEEP(2)'))
      })
    } finally {
      await pool.end()
    }
  })

  test('the repository persists messages under 50 concurrent sends and lists them in order', async ({
    db,
  }) => {
    const pool = createMessagePool(db.url)
    try {
      const repo = new MessagesRepository(pool)
      await Promise.all(Array.from({ length: 50 }, (_, i) => repo.insert(`c${i % 5}`, `u${i}`, `m${i}`)))
      const c0 = await repo.list('c0')
      expect(c0).toHaveLength(10)
      expect(c0.map((m) => m.id)).toEqual([...c0.map((m) => m.id)].sort((a, b) => a - b))
      expect(poolStats(pool).open).toBeLessThanOrEqual(25)
    } finally {
      await pool.end()
    }
  })
})
