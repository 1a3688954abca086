import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pool } from 'pg'

/** This app's `.sql` migrations (applied in lexical order). */
export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url))

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in a transaction, under an advisory
 * lock. For `main.ts`; the tests get a migrated template database from @infra/pg-fixture instead.
 */
export async function migrate(pool: Pool, dir = migrationsDir): Promise<string[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort()
  const client = await pool.connect()
  const applied: string[] = []
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('broadcast-sync:migrate'))")
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    )
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    )
    for (const file of files.filter((f) => !done.has(f))) {
      const sql = await readFile(join(dir, file), 'utf8')
      await client.query('BEGIN')
      try {
        await client.query(sql)
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error })
      }
      applied.push(file)
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('broadcast-sync:migrate'))").catch(() => {})
    client.release()
  }
  return applied
}
