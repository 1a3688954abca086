import fs from 'node:fs'
import path from 'node:path'
import { hashInputs, InvalidOptionsError } from '@infra/fixture-core'
import pg from 'pg'
import { MigrationError } from '../errors.js'
import type { MigrateFn } from '../options.js'
import { excerptAt, lineColumn } from './sql-position.js'

export interface SqlFile {
  /** Path relative to the migrations directory. */
  file: string
  sql: string
}

export interface MigrationSet {
  files: SqlFile[]
  migrate: MigrateFn | undefined
  /** Content hash of everything that shapes the template. */
  hash: string
  /** Where the .sql files came from (for messages). */
  dir: string | undefined
}

/** Reads the `.sql` files of `dir` in lexical order. */
export function readSqlFiles(dir: string): SqlFile[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch (err) {
    throw new InvalidOptionsError('migrations', `cannot read the directory ${dir}: ${(err as Error).message}`)
  }
  return names
    .filter((n) => n.endsWith('.sql'))
    .sort()
    .map((file) => ({ file, sql: fs.readFileSync(path.join(dir, file), 'utf8') }))
}

export function loadMigrations(opts: {
  migrations?: string
  migrate?: MigrateFn
  migrationsKey?: string
}): MigrationSet {
  const dir = opts.migrations ? path.resolve(opts.migrations) : undefined
  const files = dir ? readSqlFiles(dir) : []
  const hash = hashInputs({
    files: files.map((f) => [f.file, f.sql]),
    migrate: opts.migrate ? opts.migrate.toString() : null,
    key: opts.migrationsKey ?? null,
  })
  return { files, migrate: opts.migrate, hash, dir }
}

/** Name of the template database for a migrations hash. */
export function templateName(hash: string): string {
  return `infra_tpl_${hash.slice(0, 16)}`
}

interface PgError extends Error {
  position?: string
  code?: string
}

/** Applies the files (one simple-protocol query each) and then the function; errors name file and position. */
async function applyMigrations(client: pg.Client, set: MigrationSet): Promise<void> {
  for (const { file, sql } of set.files) {
    const shown = set.dir ? path.join(set.dir, file) : file
    try {
      await client.query(sql)
    } catch (err) {
      const e = err as PgError
      const pos = e.position ? Number(e.position) : undefined
      const lc = pos ? lineColumn(sql, pos) : undefined
      throw new MigrationError({
        file: shown,
        line: lc?.line,
        column: lc?.column,
        pgCode: e.code,
        message: e.message,
        excerpt: lc ? excerptAt(sql, lc.line, lc.column) : undefined,
        cause: err,
      })
    }
  }
  if (set.migrate) {
    try {
      await set.migrate(client)
    } catch (err) {
      const e = err as PgError
      throw new MigrationError({
        file: `migrate() function${set.migrate.name ? ` '${set.migrate.name}'` : ''}`,
        pgCode: e.code,
        message: e.message,
        cause: err,
      })
    }
  }
}

/** Connects to the database at `url` and applies the migrations to it. */
export async function migrateDatabase(url: string, set: MigrationSet): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect()
  try {
    await applyMigrations(client, set)
  } finally {
    await client.end().catch(() => {})
  }
}
