import fs from 'node:fs'
import path from 'node:path'
import { hashInputs, InvalidOptionsError } from '@infra/fixture-core'
import type mysql from 'mysql2/promise'
import { MigrationError } from '../errors.js'
import type { MigrateFn } from '../options.js'
import { type SqlStatement, splitSql } from './sql-split.js'

export interface SqlFile {
  /** Path relative to the migrations directory. */
  file: string
  statements: SqlStatement[]
}

export interface MigrationSet {
  files: SqlFile[]
  migrate: MigrateFn | undefined
  /** Content hash of everything that shapes the template. */
  hash: string
  /** Where the `.sql` files came from (for messages). */
  dir: string | undefined
}

/** Reads and splits the `.sql` files of `dir`, in lexical order. */
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
    .map((file) => ({ file, statements: splitSql(fs.readFileSync(path.join(dir, file), 'utf8')) }))
}

/** The migrations of a `migrations` option (a directory or a function) and their hash. */
export function loadMigrations(opts: {
  migrations?: string | MigrateFn
  migrationsKey?: string
}): MigrationSet {
  const dir = typeof opts.migrations === 'string' ? path.resolve(opts.migrations) : undefined
  const migrate = typeof opts.migrations === 'function' ? opts.migrations : undefined
  const files = dir ? readSqlFiles(dir) : []
  const hash = hashInputs({
    files: files.map((f) => [f.file, f.statements.map((s) => s.sql)]),
    migrate: migrate ? migrate.toString() : null,
    key: opts.migrationsKey ?? null,
  })
  return { files, migrate, hash, dir }
}

interface SqlError extends Error {
  code?: string
  sqlMessage?: string
}

/** The line in the file: the statement's first line, moved by the server's `at line N` (parse errors). */
export function errorLine(statement: SqlStatement, message: string): number {
  const m = /at line (\d+)\s*$/.exec(message)
  return statement.line + (m ? Number(m[1]) - 1 : 0)
}

function excerpt(statement: SqlStatement, line: number): string {
  const lines = statement.sql.split('\n')
  const text = lines[line - statement.line] ?? lines[0] ?? ''
  return `  ${line} | ${text}`
}

/**
 * Applies the files (one statement at a time, on the connection's current database) and then the function.
 * A failure is a `MigrationError` naming the file and the line.
 */
export async function applyMigrations(conn: mysql.Connection, set: MigrationSet): Promise<void> {
  for (const { file, statements } of set.files) {
    const shown = set.dir ? path.join(set.dir, file) : file
    for (const statement of statements) {
      try {
        await conn.query(statement.sql)
      } catch (err) {
        const e = err as SqlError
        const message = e.sqlMessage ?? e.message
        const line = errorLine(statement, message)
        throw new MigrationError({
          file: shown,
          line,
          sqlCode: e.code,
          message,
          excerpt: excerpt(statement, line),
          cause: err,
        })
      }
    }
  }
  if (set.migrate) {
    try {
      await set.migrate(conn)
    } catch (err) {
      const e = err as SqlError
      throw new MigrationError({
        file: `migrations function${set.migrate.name ? ` '${set.migrate.name}'` : ''}`,
        sqlCode: e.code,
        message: e.sqlMessage ?? e.message,
        cause: err,
      })
    }
  }
}
