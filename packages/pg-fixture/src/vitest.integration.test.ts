import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnVitest } from '@infra/vitest-config/spawn'
import { afterAll, describe, expect } from 'vitest'
import { poolStats, test } from './vitest.js'

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('vitest fixtures without a global setup', () => {
  // no postgresGlobalSetup here: the worker starts its own server
  test('gives each test a database and a pool on it', async ({ pgServer, db, pool }) => {
    expect(pgServer.provider).toBe('local')
    const { rows } = await pool.query<{ d: string }>('SELECT current_database() AS d')
    expect(rows[0]!.d).toBe(db.name)
    expect(poolStats(pool).checkedOut).toBe(0)
  })

  test('the next test gets another database', async ({ db, pool }) => {
    await pool.query('CREATE TABLE mine (id int)')
    expect(db.name).toMatch(/^infra_t\d+_/)
  })
})

const composed = test.extend<{ dbName: string }>({
  dbName: async ({ db }, use) => {
    await use(db.name)
  },
})

describe('the exported test composes like any vitest test', () => {
  composed('extend() builds on pgServer, db and pool', async ({ dbName, pool }) => {
    const { rows } = await pool.query<{ d: string }>('SELECT current_database() AS d')
    expect(rows[0]!.d).toBe(dbName)
  })
  test.skip('skip() works through the export', () => {
    throw new Error('skipped tests do not run')
  })
  test.for([1, 2])('for() works through the export: %i', async (n, { db }) => {
    expect(db.name).toMatch(/^infra_t/)
    expect(n).toBeGreaterThan(0)
  })
})

describe('two vitest workers sharing one server from the global setup', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-parallel-'))
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

  test('run 2 × 50 tests, each on a database of its own (+ the options-conflict check)', {
    timeout: 150_000,
  }, async () => {
    const child = spawnVitest('test/fixtures/parallel/vitest.config.ts', { PG_PARALLEL_OUT: out }, pkg)
    let output = ''
    child.stdout!.on('data', (c) => {
      output += c
    })
    child.stderr!.on('data', (c) => {
      output += c
    })
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 140_000)
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    clearTimeout(timer)
    expect(code, output).toBe(0)
    expect(output).toMatch(/101 passed/)
    const seen = fs
      .readdirSync(out)
      .map((name) => ({ name, ...JSON.parse(fs.readFileSync(path.join(out, name), 'utf8')) }))
    expect(seen).toHaveLength(100)
    expect(new Set(seen.map((s) => s.name)).size).toBe(100)
    // two worker processes, each handing out from its own clone pool
    expect(new Set(seen.map((s) => s.pid)).size).toBe(2)
  })
})

describe('a global setup with tls, password, users and a relative hba_file', () => {
  test('the worker connects over verified TLS, as the users of the run server', {
    timeout: 120_000,
  }, async () => {
    const child = spawnVitest('test/fixtures/secured/vitest.config.ts', {}, pkg)
    let output = ''
    child.stdout!.on('data', (c) => {
      output += c
    })
    child.stderr!.on('data', (c) => {
      output += c
    })
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 110_000)
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    clearTimeout(timer)
    expect(code, output).toBe(0)
    expect(output).toMatch(/1 passed/)
  })
})
