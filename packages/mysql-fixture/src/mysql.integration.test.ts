import { FixtureStateError, waitFor } from '@infra/fixture-core'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Mysql, startMysql } from './index.js'

const migrations = new URL('../test/fixtures/migrations/ok', import.meta.url).pathname
let server: Mysql

beforeAll(async () => {
  server = await startMysql({
    migrations,
    users: [{ name: 'app', password: 'app-pw', grant: 'SELECT ON *.*' }],
    config: { max_connections: 120 },
  })
})
afterAll(() => server?.stop())

async function connect(url: string) {
  return mysql.createConnection({ uri: url, multipleStatements: true })
}

describe('a local MariaDB', () => {
  it('runs as a local server on 127.0.0.1 with a per-run root password', async () => {
    expect(server.provider).toBe('local')
    expect(server.url).toMatch(/^mysql:\/\/root:[0-9a-f]{32}@127\.0\.0\.1:\d+\/$/)
    const env = server.env()
    expect(env).toMatchObject({
      MYSQL_HOST: '127.0.0.1',
      MYSQL_PORT: String(server.port),
      MYSQL_USER: 'root',
    })
    expect(env.MYSQL_PASSWORD).toBe(server.password)
    // without the password root is refused, also on 127.0.0.1
    await expect(
      mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root' }),
    ).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' })
    const c = await connect(server.url)
    const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT @@max_connections AS m, @@bind_address AS b')
    expect(rows[0]).toMatchObject({ m: 120, b: '127.0.0.1' })
    await c.end()
  })

  it('creates the extra users with their grants', async () => {
    const c = await mysql.createConnection({
      host: '127.0.0.1',
      port: server.port,
      user: 'app',
      password: 'app-pw',
    })
    await c.query('SELECT 1')
    await expect(c.query('CREATE DATABASE nope')).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' })
    await c.end()
  })

  it('gives each test its own copy of the migrated template: tables, seed rows, FKs, views, triggers, functions', async () => {
    await using a = await server.database()
    await using b = await server.database()
    expect(a.name).not.toBe(b.name)
    const c = await connect(a.url)
    const [[seed]] = await c.query<mysql.RowDataPacket[]>('SELECT owner, owner_upper FROM account')
    expect(seed).toMatchObject({ owner: 'seed', owner_upper: 'SEED' })
    await c.query("INSERT INTO account (owner, balance) VALUES ('alice', 500)")
    await c.query('INSERT INTO orders (account_id, amount) VALUES (2, 10)')
    const [audit] = await c.query<mysql.RowDataPacket[]>('SELECT note FROM order_audit')
    expect(audit).toEqual([{ note: 'created' }])
    const [view] = await c.query<mysql.RowDataPacket[]>('SELECT owner FROM rich_accounts ORDER BY id')
    expect(view.map((r) => r.owner)).toEqual(['seed', 'alice'])
    const [[fn]] = await c.query<mysql.RowDataPacket[]>('SELECT double_it(21) AS v')
    expect(fn!.v).toBe(42)
    await expect(c.query('INSERT INTO orders (account_id, amount) VALUES (999, 1)')).rejects.toMatchObject({
      code: 'ER_NO_REFERENCED_ROW_2',
    })
    await c.end()
    // the other database saw none of it
    const d = await connect(b.url)
    const [[n]] = await d.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM account')
    expect(Number(n!.n)).toBe(1)
    await d.end()
  })

  it('drops a database with its open connections', async () => {
    const db = await server.database()
    const c = await connect(db.url)
    await c.query('START TRANSACTION; INSERT INTO account (owner) VALUES ("locker")')
    c.on('error', () => {})
    await db.drop({ wait: true })
    const admin = await connect(server.url)
    const [rows] = await admin.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [db.name])
    expect(rows).toEqual([])
    await admin.end()
    c.destroy()
  })

  it('lists connections and terminates those of one database', async () => {
    await using db = await server.database()
    const conns = await Promise.all([connect(db.url), connect(db.url), connect(db.url)])
    for (const c of conns) c.on('error', () => {})
    const listed = await server.processList({ database: db })
    expect(listed.map((p) => p.id).sort()).toEqual(conns.map((c) => c.threadId).sort())
    expect(listed[0]).toMatchObject({ user: 'root', database: db.name, command: 'Sleep' })
    expect(await server.terminateConnections(db)).toBe(3)
    await waitFor(async () => (await server.processList({ database: db.name })).length === 0, {
      what: 'the killed connections to leave the process list',
      timeoutMs: 5_000,
    })
    await expect(conns[0]!.query('SELECT 1')).rejects.toMatchObject({ fatal: true })
    for (const c of conns) c.destroy()
  })

  it('is a FixtureServer: isolated() is database(), and stop() ends the handle for good', async () => {
    const own = await startMysql({ migrations })
    const db = await own.isolated()
    expect(db.name).toMatch(/^infra_t\d+_/)
    const dir = own.dataDir!
    await Promise.all([own.stop(), own.stop()])
    await own[Symbol.asyncDispose]()
    const { existsSync } = await import('node:fs')
    expect(existsSync(dir)).toBe(false)
    await expect(own.database()).rejects.toBeInstanceOf(FixtureStateError)
    await expect(own.restart()).rejects.toBeInstanceOf(FixtureStateError)
  })
})
