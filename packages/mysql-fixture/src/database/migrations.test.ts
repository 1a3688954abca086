import { describe, expect, it } from 'vitest'
import { errorLine, loadMigrations } from './migrations.js'

describe('errorLine', () => {
  it('adds the line the server names inside the statement', () => {
    const statement = { sql: 'CREATE TABLE t (\n  id INT,\n  oops oops\n)', line: 10 }
    const message = "You have an error in your SQL syntax; check the manual ... near 'oops\n)' at line 3"
    expect(errorLine(statement, message)).toBe(12)
  })

  it('is the statement line when the server names none', () => {
    expect(errorLine({ sql: 'INSERT INTO nope VALUES (1)', line: 4 }, "Table 'x.nope' doesn't exist")).toBe(4)
  })
})

describe('loadMigrations', () => {
  it('hashes a function by its source and key', () => {
    const a = loadMigrations({ migrations: async () => {} })
    const b = loadMigrations({ migrations: async () => {}, migrationsKey: 'v2' })
    expect(a.hash).not.toBe(b.hash)
    expect(a.files).toEqual([])
    expect(loadMigrations({}).hash).toBe(loadMigrations({}).hash)
  })
})
