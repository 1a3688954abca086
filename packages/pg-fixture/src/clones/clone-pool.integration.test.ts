import { waitFor } from '@infra/fixture-core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminConnection } from '../connection/admin-connection.js'
import type { TestDatabase } from '../connection/handles.js'
import type { Postgres } from '../server/postgres.js'
import { connectPostgres, startPostgres } from '../server/start.js'
import { fingerprint, tryReuse } from './clone-reuse.js'

let server: Postgres
/** Reconnects after the crash test's kill. */
let admin: AdminConnection

beforeAll(async () => {
  server = await startPostgres({
    poolSize: 1,
    migrate: async (c) => {
      await c.query('CREATE TABLE item (id serial PRIMARY KEY, label text NOT NULL)')
    },
    migrationsKey: 'clone-pool.integration',
  })
  admin = new AdminConnection(server.url)
})
afterAll(async () => {
  await admin?.close()
  await server?.stop()
})

const oidOf = async (name: string): Promise<string | undefined> =>
  (await admin.query<{ oid: string }>('SELECT oid::text FROM pg_database WHERE datname = $1', [name])).rows[0]
    ?.oid
const nameOf = async (oid: string): Promise<string | undefined> =>
  (await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE oid = $1::oid', [oid]))
    .rows[0]?.datname

/** Gives `db` back; resolves to the name its database carries once the pool is done with it (undefined: dropped). */
async function giveBack(db: TestDatabase): Promise<string | undefined> {
  const oid = (await oidOf(db.name))!
  await db.drop()
  let now: string | undefined
  await waitFor(
    async () => {
      now = await nameOf(oid)
      return now !== db.name // renamed (handed out again) or dropped
    },
    { what: `the pool to rename or drop ${db.name}`, timeoutMs: 10_000, intervalMs: 5 },
  )
  return now
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

describe('the clone pool against a real server', () => {
  it('hands a database given back untouched out again under a new name, without a re-clone', async () => {
    const db = await server.database()
    const renamed = await giveBack(db)
    expect(renamed).toMatch(/^infra_t\d+_[0-9a-f]+_\d+$/)
    expect(renamed).not.toBe(db.name)
    // it waits among the ready clones: the next handouts reach it
    const taken: TestDatabase[] = []
    for (let n = server.clonePool.ready; n > 0 && !taken.some((t) => t.name === renamed); n--) {
      taken.push(await server.database())
    }
    expect(taken.map((t) => t.name)).toContain(renamed)
    // a late client of the old name cannot reach it
    await expect(withClient(db.url, async () => {})).rejects.toMatchObject({ code: '3D000' })
    for (const t of taken) await t.drop()
  })

  it('re-clones a database a test wrote to: the next test never sees the row', async () => {
    const db = await server.database()
    await withClient(db.url, (c) => c.query("INSERT INTO item (label) VALUES ('dirty')"))
    expect(await giveBack(db)).toBeUndefined()
    for (let i = 0; i < 3; i++) {
      await using next = await server.database()
      const rows = await withClient(next.url, (c) => c.query('SELECT count(*)::int AS n FROM item'))
      expect(rows.rows[0].n).toBe(0)
    }
  })

  it('re-clones after a read-only session too (conservative: it may have used a sequence or a lock)', async () => {
    const db = await server.database()
    await withClient(db.url, (c) => c.query("SELECT nextval('item_id_seq')"))
    expect(await giveBack(db)).toBeUndefined()
  })

  it('re-clones a database still in use when given back, and ends that connection', async () => {
    const db = await server.database()
    const c = new pg.Client({ connectionString: db.url })
    c.on('error', () => {}) // terminated by the drop
    await c.connect()
    expect(await giveBack(db)).toBeUndefined()
    await expect(c.query('SELECT 1')).rejects.toThrow()
    await c.end().catch(() => {})
  })

  it('re-clones a database altered from outside (ALTER DATABASE … SET, GRANT)', async () => {
    const set = await server.database()
    await admin.query(`ALTER DATABASE "${set.name}" SET work_mem = '8MB'`)
    expect(await giveBack(set)).toBeUndefined()
    const grant = await server.database()
    await admin.query(`GRANT CONNECT ON DATABASE "${grant.name}" TO PUBLIC`)
    expect(await giveBack(grant)).toBeUndefined()
  })

  it('gives workers the data dir, so their pools size by its free space too', async () => {
    expect(server.connectionInfo.dataDir).toBe(server.dataDir)
    const worker = connectPostgres(server.connectionInfo, { poolSize: 1 })
    try {
      await using db = await worker.database()
      await withClient(db.url, (c) => c.query('SELECT 1'))
    } finally {
      await worker.stop()
    }
  })

  it('re-clones a database handed out before a crash (the crash discarded the statistics)', async () => {
    // the rule itself, on databases of our own: the control is reused, the one checked after a crash is not
    const conn = new AdminConnection(server.url)
    try {
      for (const n of ['ctl', 'crash'])
        await conn.query(`CREATE DATABASE reuse_${n} TEMPLATE "${server.template}"`)
      const ctl = await fingerprint(conn, 'reuse_ctl')
      expect(await tryReuse(conn, 'reuse_ctl', 'reuse_ctl2', ctl)).toBe(true)
      const before = await fingerprint(conn, 'reuse_crash')
      await server.kill()
      conn.reset()
      admin.reset()
      await server.restart()
      expect((await fingerprint(conn, 'reuse_crash')).row).toBe(before.row) // it survived the crash unchanged
      expect(await tryReuse(conn, 'reuse_crash', 'reuse_crash2', before)).toBe(false)
      for (const n of ['ctl2', 'crash']) await conn.query(`DROP DATABASE reuse_${n}`)
    } finally {
      await conn.close()
    }
    // and the pool still hands out databases
    await using next = await server.database()
    await withClient(next.url, (c) => c.query('SELECT 1'))
  })
})
