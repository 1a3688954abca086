import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@infra/fixture-core'
import type { RowDataPacket } from 'mysql2/promise'
import { afterAll, describe, expect } from 'vitest'
import { spawnVitest } from './nested-vitest.js'
import { test } from './vitest.js'

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('vitest fixtures without a global setup', () => {
  // no mysqlGlobalSetup here: the worker starts its own server
  test('gives each test a database and a pool on it', async ({ mysqlServer, db, pool }) => {
    expect(mysqlServer.provider).toBe('local')
    const [rows] = await pool.query<RowDataPacket[]>('SELECT DATABASE() AS d')
    expect(rows[0]!.d).toBe(db.name)
  })

  test('the pool is ended after the test: no connection of an earlier test is left', async ({
    mysqlServer,
    db,
  }) => {
    const others = async () =>
      (await mysqlServer.processList()).filter((p) => p.database !== null && p.database !== db.name)
    // the server closes a connection a moment after the client's COM_QUIT
    await waitFor(async () => (await others()).length === 0, {
      what: 'the connections of the earlier test to be closed',
      timeoutMs: 5_000,
    })
  })
})

describe('two vitest workers sharing one server from the global setup', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mysql-parallel-'))
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

  test('run 2 × 30 tests, each on a database of its own (+ the options-conflict check)', {
    timeout: 120_000,
  }, async () => {
    const child = spawnVitest('test/fixtures/parallel/vitest.config.ts', { MYSQL_PARALLEL_OUT: out }, pkg)
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
    expect(output).toMatch(/61 passed/)
    const seen = fs
      .readdirSync(out)
      .map((name) => ({ name, ...JSON.parse(fs.readFileSync(path.join(out, name), 'utf8')) }))
    expect(seen).toHaveLength(60)
    expect(new Set(seen.map((s) => s.name)).size).toBe(60)
    // two worker processes, each handing out from its own pool
    expect(new Set(seen.map((s) => s.pid)).size).toBe(2)
  })
})
