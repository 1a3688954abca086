// Module 1 — database: repositories, transaction integrity, pool management and query plans on a real
// PostgreSQL (a database of each test's own, cloned from the migrated template).
import { poolStats } from '@infra/pg-fixture'
import pg from 'pg'
import { describe, expect } from 'vitest'
import { AccountsRepository, TransferError } from '../src/index.js'
import { test } from './support/fixtures.js'

/** A pool of the test's own size; the fixture terminates its connections when it drops the database. */
function ownPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max })
  pool.on('error', () => {})
  return pool
}

describe('repositories', () => {
  test('create, read, list by owner, rename and delete an account', async ({ pool }) => {
    const repo = new AccountsRepository(pool)
    const a = await repo.create('ada', 100)
    const b = await repo.create('ada', 5, 'USD')
    expect(await repo.get(a.id)).toEqual({ id: a.id, owner: 'ada', currency: 'EUR', balance: 100 })
    expect((await repo.byOwner('ada')).map((x) => x.id)).toEqual([a.id, b.id])
    expect(await repo.rename(b.id, 'grace')).toMatchObject({ id: b.id, owner: 'grace', currency: 'USD' })
    expect(await repo.byOwner('grace')).toHaveLength(1)
    expect(await repo.remove(a.id)).toBe(true)
    expect(await repo.remove(a.id)).toBe(false)
    expect(await repo.get(a.id)).toBeUndefined()
  })

  test('a constraint violation surfaces as the Postgres error and writes nothing', async ({ pool }) => {
    const repo = new AccountsRepository(pool)
    await expect(repo.create('ada', -1)).rejects.toMatchObject({ code: '23514' }) // check_violation
    expect(await repo.byOwner('ada')).toEqual([])
  })
})

describe('transaction integrity', () => {
  test('a step failing after the debit rolls the whole transfer back', async ({ pool }) => {
    const repo = new AccountsRepository(pool)
    const from = await repo.create('ada', 100)
    const to = await repo.create('bob', 0)
    const boom = new Error('ledger service down')
    await expect(repo.transfer(from.id, to.id, 40, async () => Promise.reject(boom))).rejects.toBe(boom)
    expect((await repo.get(from.id))!.balance).toBe(100)
    expect((await repo.get(to.id))!.balance).toBe(0)
    expect(await repo.transfersFrom(from.id)).toEqual([])
  })

  test('an overdraft is refused with a typed error and changes nothing', async ({ pool }) => {
    const repo = new AccountsRepository(pool)
    const from = await repo.create('ada', 10)
    const to = await repo.create('bob', 0)
    const error = await repo.transfer(from.id, to.id, 11).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransferError)
    expect(error).toMatchObject({ code: 'insufficient_funds' })
    await expect(repo.transfer(from.id, 999_999, 1)).rejects.toMatchObject({ code: 'unknown_account' })
    expect((await repo.get(from.id))!.balance).toBe(10)
  })

  test('200 concurrent transfers in both directions keep the total and never overdraw', async ({ db }) => {
    const pool = ownPool(db.url, 8)
    try {
      const repo = new AccountsRepository(pool)
      const accounts = await Promise.all([0, 1, 2, 3, 4].map((i) => repo.create(`u${i}`, 100)))
      let seed = 7
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        return seed % n
      }
      const jobs = Array.from({ length: 200 }, () => {
        const from = accounts[rand(5)]!.id
        const to = accounts[(rand(4) + 1 + accounts.findIndex((a) => a.id === from)) % 5]!.id
        return repo.transfer(from, to, 1 + rand(60)).then(
          () => 'ok',
          (e: unknown) => (e instanceof TransferError ? e.code : Promise.reject(e)),
        )
      })
      const outcomes = await Promise.all(jobs)
      expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(50)
      expect(new Set(outcomes)).toEqual(
        new Set(outcomes.filter((o) => o === 'ok' || o === 'insufficient_funds')),
      )
      expect(await repo.totalBalance()).toBe(500)
      const balances = await Promise.all(accounts.map(async (a) => (await repo.get(a.id))!.balance))
      expect(Math.min(...balances)).toBeGreaterThanOrEqual(0)
      // each account's balance is explained by the committed transfers alone
      const { rows } = await pool.query<{ id: number; net: string }>(
        `SELECT a.id::int, a.balance - 100 - coalesce((SELECT sum(amount) FROM transfers WHERE to_account = a.id), 0)
           + coalesce((SELECT sum(amount) FROM transfers WHERE from_account = a.id), 0) AS net FROM accounts a`,
      )
      expect(rows.map((r) => Number(r.net))).toEqual([0, 0, 0, 0, 0])
    } finally {
      await pool.end()
    }
  })
})

describe('pool management', () => {
  test('a pool never opens more than its limit: extra queries wait for a free client', async ({ db }) => {
    const pool = ownPool(db.url, 3)
    try {
      const queries = Array.from({ length: 8 }, () => pool.query('SELECT pg_sleep(0.2)'))
      await new Promise((resolve) => setTimeout(resolve, 50))
      const during = poolStats(pool)
      expect(during.total).toBeLessThanOrEqual(3)
      expect(during.waiting).toBeGreaterThan(0)
      await Promise.all(queries)
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()',
      )
      expect(rows[0]!.n).toBeLessThanOrEqual(3)
    } finally {
      await pool.end()
    }
  })

  test('failed transactions and failed queries leak no client', async ({ db }) => {
    const pool = ownPool(db.url, 2)
    try {
      const repo = new AccountsRepository(pool)
      const a = await repo.create('ada', 1)
      const b = await repo.create('bob', 1)
      for (let i = 0; i < 20; i++) {
        await expect(repo.transfer(a.id, b.id, 5)).rejects.toBeInstanceOf(TransferError)
        await expect(repo.transfer(a.id, b.id, 1, () => Promise.reject(new Error('x')))).rejects.toThrow('x')
        await expect(pool.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' })
      }
      expect(poolStats(pool)).toMatchObject({ checkedOut: 0, waiting: 0 })
      // with max 2, a leaked client would now block this transfer until the test times out
      await expect(repo.transfer(a.id, b.id, 1)).resolves.toMatchObject({ amount: 1 })
    } finally {
      await pool.end()
    }
  })
})

describe('query plans', () => {
  test('lookups by owner and by source account use their indexes (EXPLAIN)', async ({ pool }) => {
    await pool.query(
      `INSERT INTO accounts (owner, balance) SELECT 'owner-' || g, 100 FROM generate_series(1, 5000) g`,
    )
    await pool.query(
      `INSERT INTO transfers (from_account, to_account, amount)
         SELECT 1 + g % 5000, 1 + (g + 1) % 5000, 1 FROM generate_series(1, 20000) g`,
    )
    await pool.query('ANALYZE accounts; ANALYZE transfers')
    const repo = new AccountsRepository(pool)
    const byOwner = await repo.plan('SELECT * FROM accounts WHERE owner = $1', ['owner-42'])
    expect(byOwner.map((n) => n.index)).toContain('accounts_owner_idx')
    expect(byOwner.map((n) => n.node)).not.toContain('Seq Scan')
    const byFrom = await repo.plan(
      'SELECT * FROM transfers WHERE from_account = $1 ORDER BY created_at',
      [42],
    )
    expect(byFrom.map((n) => n.index)).toContain('transfers_from_idx')
    // the anchor: an unindexed column is scanned, so the check above can fail
    const byAmount = await repo.plan('SELECT * FROM transfers WHERE amount = $1', [1])
    expect(byAmount.map((n) => n.node)).toContain('Seq Scan')
  })
})
