import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { MigrationError } from '../errors.js'
import { startPostgres } from '../server/start.js'

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/migrations')

async function rows<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<R>(sql)).rows
  } finally {
    await c.end()
  }
}

describe('migrations', () => {
  it('applies a directory of .sql files in lexical order into the template every clone starts from', async () => {
    await using server = await startPostgres({ migrations: path.join(fixtures, 'ok'), poolSize: 1 })
    expect(server.template).toMatch(/^infra_tpl_[0-9a-f]{16}$/)
    await using db = await server.database()
    expect(await rows(db.url, 'SELECT owner FROM account')).toEqual([{ owner: 'seed' }])
    const idx = await rows<{ indexname: string }>(
      db.url,
      "SELECT indexname FROM pg_indexes WHERE tablename = 'account'",
    )
    expect(idx.map((r) => r.indexname)).toContain('account_owner_idx')
  })

  it('migrates once per content hash: a second server reuses the cached template', async () => {
    // a private cache, so the first start really migrates and nothing piles up across runs
    const cache = fs.mkdtempSync('/tmp/pg-mig-cache-')
    fs.chmodSync(cache, 0o755)
    const saved = process.env.INFRA_CACHE_DIR
    process.env.INFRA_CACHE_DIR = cache
    const counter = path.join(cache, 'migrate-runs')
    const migrate = async (c: pg.Client) => {
      fs.appendFileSync(counter, 'x')
      await c.query('CREATE TABLE from_fn (id int)')
    }
    try {
      const first = await startPostgres({ migrate, poolSize: 1 })
      const second = await startPostgres({ migrate, poolSize: 1 })
      try {
        expect(first.template).toBe(second.template)
        expect(fs.readFileSync(counter, 'utf8')).toBe('x')
        const db = await second.database()
        expect(await rows(db.url, 'SELECT count(*)::int AS n FROM from_fn')).toEqual([{ n: 0 }])
        await db.drop()
        // a different hash is a different template
        const third = await startPostgres({ migrate, migrationsKey: 'changed', poolSize: 1 })
        expect(third.template).not.toBe(first.template)
        expect(fs.readFileSync(counter, 'utf8')).toBe('xx')
        await third.stop()
      } finally {
        await first.stop()
        await second.stop()
      }
    } finally {
      if (saved === undefined) delete process.env.INFRA_CACHE_DIR
      else process.env.INFRA_CACHE_DIR = saved
      fs.rmSync(cache, { recursive: true, force: true })
    }
  })

  it('a failing migration names the file, line and column, and caches nothing', async () => {
    const attempt = async () => {
      try {
        await startPostgres({ migrations: path.join(fixtures, 'bad') })
      } catch (err) {
        return err as MigrationError
      }
      throw new Error('expected the migration to fail')
    }
    const err = await attempt()
    expect(err).toBeInstanceOf(MigrationError)
    expect(err.file).toMatch(/002_broken\.sql$/)
    expect(err.line).toBe(3)
    expect(err.column).toBe(8)
    expect(err.message).toContain('002_broken.sql failed at line 3, column 8')
    expect(err.message).toMatch(/syntax error at or near "TABEL"/)
    // nothing cached: the same input fails again instead of handing out a half-migrated template
    const again = await attempt()
    expect(again).toBeInstanceOf(MigrationError)
  })

  it('a failing migrate() function is reported as such', async () => {
    await expect(
      startPostgres({
        migrate: async function seedData(c) {
          await c.query('INSERT INTO missing_table VALUES (1)')
        },
        migrationsKey: `fn-fail-${Date.now()}`,
      }),
    ).rejects.toThrow(/migrate\(\) function 'seedData' failed: relation "missing_table" does not exist/)
  })
})
