import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Mysql, startMysql, UnsupportedOperationError } from './index.js'

const migrations = new URL('../test/fixtures/migrations/ok', import.meta.url).pathname
// a local server stands in for a shared one (INFRA_MYSQL_URL): the external handle must touch only its own
let shared: Mysql
let admin: mysql.Connection

beforeAll(async () => {
  shared = await startMysql({ poolSize: 0 })
  admin = await mysql.createConnection(shared.url)
  await admin.query('CREATE DATABASE someone_elses')
})
afterAll(async () => {
  await admin?.end()
  await shared?.stop()
})

async function databases(): Promise<string[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SHOW DATABASES')
  return rows.map((r) => String(r.Database))
}

describe("provider 'external'", () => {
  it('creates its own template and databases and drops exactly those', async () => {
    const before = await databases()
    const ext = await startMysql({ provider: 'external', url: shared.url, migrations, poolSize: 1 })
    expect(ext.provider).toBe('external')
    const db = await ext.database()
    const c = await mysql.createConnection(db.url)
    const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT owner FROM account')
    expect(rows).toEqual([{ owner: 'seed' }])
    await c.end()
    const during = await databases()
    expect(during).toContain(ext.template)
    expect(during).toContain(db.name)
    await expect(ext.kill()).rejects.toBeInstanceOf(UnsupportedOperationError)
    await ext.stop()
    const after = await databases()
    expect(after.sort()).toEqual(before.sort())
    expect(after).toContain('someone_elses')
  })

  it('is chosen by INFRA_MYSQL_URL', async () => {
    const saved = process.env.INFRA_MYSQL_URL
    process.env.INFRA_MYSQL_URL = shared.url
    try {
      await using ext = await startMysql({ poolSize: 0 })
      expect(ext.provider).toBe('external')
      expect(ext.port).toBe(shared.port)
    } finally {
      if (saved === undefined) delete process.env.INFRA_MYSQL_URL
      else process.env.INFRA_MYSQL_URL = saved
    }
  })

  it('terminateConnections() without a database kills only connections on its own databases', async () => {
    await using ext = await startMysql({ provider: 'external', url: shared.url, poolSize: 0 })
    await using db = await ext.database()
    const mine = await mysql.createConnection(db.url)
    mine.on('error', () => {})
    const theirs = await mysql.createConnection(shared.urlFor('someone_elses'))
    expect(await ext.terminateConnections()).toBe(1)
    const [[row]] = await theirs.query<mysql.RowDataPacket[]>('SELECT 1 AS v')
    expect(row!.v).toBe(1)
    await theirs.end()
    mine.destroy()
  })
})
