import fs from 'node:fs'
import { BinaryNotFoundError, ProcessExitedError, perUserName } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { MigrationError, startMysql } from './index.js'

const fixtures = new URL('../test/fixtures/migrations', import.meta.url).pathname

describe('bad input', () => {
  it('a failing migration is a MigrationError naming the file and the line', async () => {
    const error = await startMysql({ migrations: `${fixtures}/bad` }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationError)
    const m = error as MigrationError
    expect(m.file).toMatch(/bad\/002_broken\.sql$/)
    expect(m.line).toBe(6)
    expect(m.sqlCode).toBe('ER_PARSE_ERROR')
    expect(m.message).toContain("DEFALT 'x'")
  })

  it('a failing migrations function is a MigrationError naming the function', async () => {
    const error = await startMysql({
      migrations: async function seedUsers(conn) {
        await conn.query('INSERT INTO no_such_table VALUES (1)')
      },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationError)
    expect((error as MigrationError).file).toBe("migrations function 'seedUsers'")
    expect((error as MigrationError).sqlCode).toBe('ER_NO_SUCH_TABLE')
  })

  it('a server that crashes at start shows its last log lines, and leaves no directory', async () => {
    const root = perUserName('/dev/shm', 'infra-fixtures') // where the server dirs go (per user)
    const before = fs.existsSync(root) ? fs.readdirSync(root) : []
    const error = await startMysql({ config: { 'no-such-directive': 1 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProcessExitedError)
    expect((error as ProcessExitedError).message).toMatch(/unknown variable 'no-such-directive=1'/)
    const after = fs.existsSync(root) ? fs.readdirSync(root) : []
    expect(after.filter((d) => d.startsWith(`mysql-${process.pid}-`) && !before.includes(d))).toEqual([])
  })

  it('a missing mariadbd is a BinaryNotFoundError naming the Debian package', async () => {
    const saved = process.env.MARIADBD_BIN
    process.env.MARIADBD_BIN = '/nonexistent/mariadbd'
    try {
      const error = await startMysql().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(BinaryNotFoundError)
      expect((error as Error).message).toMatch(/mariadb-server/)
    } finally {
      if (saved === undefined) delete process.env.MARIADBD_BIN
      else process.env.MARIADBD_BIN = saved
    }
  })
})
