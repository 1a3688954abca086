import fs from 'node:fs'
import path from 'node:path'
import { InvalidOptionsError } from '@infra/fixture-core'
import { ClickHouseMigrationError } from '../errors.js'
import type { ClickHouseMigrate } from '../options.js'
import type { ClickHouseDatabase } from './database.js'

export interface MigrationFile {
  /** Path shown in errors. */
  file: string
  statements: string[]
}

export interface Migrations {
  /** The directory the files came from. */
  dir: string | undefined
  files: MigrationFile[]
  migrate: ClickHouseMigrate | undefined
}

/**
 * Splits SQL text into statements at `;` outside quotes, backquotes and comments (the HTTP interface runs
 * one statement per request). Empty statements are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = []
  let current = ''
  let i = 0
  while (i < sql.length) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1
      current += sql.slice(i, j + 1)
      i = j + 1
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? sql.length : end
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 2
    } else if (c === ';') {
      out.push(current)
      current = ''
      i++
    } else {
      current += c
      i++
    }
  }
  out.push(current)
  return out.map((s) => s.trim()).filter((s) => s.length > 0)
}

/** Reads a directory of `.sql` files (lexical order) or takes a function. */
export function loadMigrations(option: string | ClickHouseMigrate | undefined): Migrations {
  if (option === undefined) return { dir: undefined, files: [], migrate: undefined }
  if (typeof option === 'function') return { dir: undefined, files: [], migrate: option }
  const dir = path.resolve(option)
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch (err) {
    throw new InvalidOptionsError('migrations', `cannot read the directory ${dir}: ${(err as Error).message}`)
  }
  const files = names
    .filter((n) => n.endsWith('.sql'))
    .sort()
    .map((n) => ({
      file: path.join(dir, n),
      statements: splitStatements(fs.readFileSync(path.join(dir, n), 'utf8')),
    }))
  return { dir, files, migrate: undefined }
}

/** Applies the files' statements, then the function, to `db`; a failure names the file and statement. */
export async function applyMigrations(db: ClickHouseDatabase, set: Migrations): Promise<void> {
  for (const { file, statements } of set.files) {
    for (const [i, statement] of statements.entries()) {
      try {
        await db.command(statement)
      } catch (err) {
        throw new ClickHouseMigrationError(file, i, err)
      }
    }
  }
  if (set.migrate) {
    try {
      await set.migrate(db)
    } catch (err) {
      throw new ClickHouseMigrationError(
        `migrate function${set.migrate.name ? ` '${set.migrate.name}'` : ''}`,
        undefined,
        err,
      )
    }
  }
}
