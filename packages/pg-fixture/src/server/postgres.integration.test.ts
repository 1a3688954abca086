import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { poolStats } from '../connection/handles.js'
import type { Postgres } from './postgres.js'
import { startPostgres } from './start.js'

let server: Postgres

beforeAll(async () => {
  server = await startPostgres({
    migrate: async (c) => {
      await c.query('CREATE TABLE account (id serial PRIMARY KEY, owner text NOT NULL, balance int NOT NULL)')
    },
    migrationsKey: 'postgres.integration',
  })
})
afterAll(async () => {
  await server?.stop()
})

async function query<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values?: unknown[],
): Promise<R[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<R>(sql, values)).rows
  } finally {
    await c.end()
  }
}

describe('startPostgres (local)', () => {
  it('serves on 127.0.0.1 with an ephemeral port, as the admin database', async () => {
    expect(server.provider).toBe('local')
    expect(server.service).toBe('postgres')
    expect(server.env()).toEqual({
      DATABASE_URL: server.url,
      PGHOST: '127.0.0.1',
      PGPORT: String(server.port),
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
      PGPASSWORD: decodeURIComponent(new URL(server.url).password), // per run, see security.integration
    })
    expect(server.host).toBe('127.0.0.1')
    expect(server.port).toBeGreaterThan(0)
    const [row] = await query<{ db: string; v: string; fsync: string }>(
      server.url,
      "SELECT current_database() AS db, current_setting('server_version_num') AS v, current_setting('fsync') AS fsync",
    )
    expect(row).toMatchObject({ db: 'postgres', fsync: 'off' })
    expect(Number(row!.v)).toBeGreaterThanOrEqual(170000)
  })

  it('database() hands out distinct clones of the migrated template', async () => {
    const a = await server.database()
    const b = await server.isolated()
    expect(a.name).not.toBe(b.name)
    expect(a.name).toContain(String(process.pid))
    await query(a.url, "INSERT INTO account (owner, balance) VALUES ('alice', 10)")
    expect(await query(a.url, 'SELECT owner FROM account')).toEqual([{ owner: 'alice' }])
    expect(await query(b.url, 'SELECT owner FROM account')).toEqual([])
    await a.drop({ wait: true })
    const left = await query(server.url, 'SELECT 1 FROM pg_database WHERE datname = $1', [a.name])
    expect(left).toHaveLength(0)
    await b.drop()
  })

  it('hands out many databases in a row and drops them in the background', async () => {
    const names = new Set<string>()
    for (let i = 0; i < 20; i++) {
      await using db = await server.database()
      names.add(db.name)
      await query(db.url, 'INSERT INTO account (owner, balance) VALUES ($1, 1)', [`u${i}`])
    }
    expect(names.size).toBe(20)
  })

  it('schema() gives a test_<id> schema first on search_path', async () => {
    const s1 = await server.schema()
    const s2 = await server.schema()
    expect(s1.name).toMatch(/^test_[0-9a-f]+$/)
    expect(s1.database).toBe(s2.database)
    const [sp] = await query<{ search_path: string }>(s1.url, 'SHOW search_path')
    expect(sp!.search_path).toContain(s1.name)
    await query(s1.url, 'CREATE TABLE orders (id int)')
    await query(s1.url, 'INSERT INTO orders VALUES (1)')
    await query(s2.url, 'CREATE TABLE orders (id int)')
    expect(await query(s2.url, 'SELECT * FROM orders')).toEqual([])
    await s1.drop()
    const gone = await query(server.urlFor(s1.database), 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      s1.name,
    ])
    expect(gone).toHaveLength(0)
    await s2.drop()
  })

  it('transaction() rolls everything back', async () => {
    const tx = await server.transaction()
    await tx.client.query("INSERT INTO account (owner, balance) VALUES ('tx', 5)")
    expect((await tx.client.query('SELECT count(*)::int AS n FROM account')).rows[0].n).toBe(1)
    await tx.rollback()
    const rows = await query(server.urlFor(tx.database), "SELECT * FROM account WHERE owner = 'tx'")
    expect(rows).toEqual([])
  })

  it('transaction() reuses connections without leaking session state', async () => {
    const first = await server.transaction()
    const pid = (await first.client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
    await first.client.query("SET application_name = 'leaky'")
    await first.client.query('CREATE TEMP TABLE scratch (v int)')
    // session-level state that a ROLLBACK alone would keep
    await first.client.query('SELECT pg_advisory_lock(4242)')
    await first.rollback()
    await first.rollback()
    const second = await server.transaction()
    const row = (
      await second.client.query(
        `SELECT pg_backend_pid() AS pid, current_setting('application_name') AS app,
                to_regclass('pg_temp.scratch') AS t,
                (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS locks`,
      )
    ).rows[0]
    expect(row.locks).toBe(0)
    expect(row.pid).toBe(pid)
    expect(row.app).not.toBe('leaky')
    expect(row.t).toBeNull()
    await second.rollback()
  })

  it('counts and terminates client connections; poolStats shows checked-out clients', async () => {
    const db = await server.database()
    const pool = new pg.Pool({ connectionString: db.url, max: 3 })
    pool.on('error', () => {})
    const held = await pool.connect()
    expect(poolStats(pool)).toMatchObject({ total: 1, checkedOut: 1, idle: 0 })
    expect(await server.connectionCount(db.name)).toBe(1)
    const errored = new Promise((resolve) => held.on('error', resolve))
    expect(await server.terminateConnections(db.name)).toBe(1)
    await errored
    held.release(true)
    expect(await server.connectionCount(db.name)).toBe(0)
    expect(poolStats(pool).checkedOut).toBe(0)
    await pool.end()
    await db.drop()
  })
})
