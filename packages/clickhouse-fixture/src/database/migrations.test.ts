import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { loadMigrations, splitStatements } from './migrations.js'

describe('splitStatements', () => {
  it('splits at semicolons outside quotes and comments', () => {
    const sql = `
      -- a comment; not a statement
      CREATE TABLE t (s String DEFAULT 'a;b', \`c;d\` UInt8) ENGINE = Memory;
      /* block; comment */ INSERT INTO t VALUES ('x\\'y;', 1);;
      SELECT 1`
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE t (s String DEFAULT 'a;b', `c;d` UInt8) ENGINE = Memory",
      "INSERT INTO t VALUES ('x\\'y;', 1)",
      'SELECT 1',
    ])
  })
})

describe('loadMigrations', () => {
  it('reads .sql files in lexical order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-mig-'))
    fs.writeFileSync(path.join(dir, '002_b.sql'), 'SELECT 2;')
    fs.writeFileSync(path.join(dir, '001_a.sql'), 'SELECT 1; SELECT 11')
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored')
    try {
      const set = loadMigrations(dir)
      expect(set.files.map((f) => path.basename(f.file))).toEqual(['001_a.sql', '002_b.sql'])
      expect(set.files[0]!.statements).toEqual(['SELECT 1', 'SELECT 11'])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a missing directory is an InvalidOptionsError', () => {
    expect(() => loadMigrations('/nonexistent/migrations')).toThrow(InvalidOptionsError)
  })
})
