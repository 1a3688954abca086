// What another local user can reach: TCP only, and TCP needs the per-run password (SCRAM) that only
// whoever holds `.url` has. The unix socket sits in the 0700 data dir of the server's own user.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Postgres } from '../server/postgres.js'
import { serverDirBase } from '../server/server-dir.js'
import { startPostgres } from '../server/start.js'
import { tryQuery as query } from './try-query.test-helper.js'

let server: Postgres
beforeAll(async () => {
  server = await startPostgres({ migrationsKey: 'security.integration' })
})
afterAll(async () => {
  await server?.stop()
})

async function tryConnect(config: pg.ClientConfig): Promise<unknown> {
  const row = await query(config, 'SELECT current_user AS u')
  return row instanceof Error ? row : row.u
}

describe('a local server is not open to every local user', () => {
  it('TCP without the password is refused; .url, database urls and env() carry it', async () => {
    const u = new URL(server.url)
    expect(u.password.length).toBeGreaterThanOrEqual(20)
    for (const password of [undefined, 'wrong']) {
      const err = await tryConnect({ host: '127.0.0.1', port: server.port, user: 'postgres', password })
      expect(err).toBeInstanceOf(Error)
      expect(String((err as Error).message)).toMatch(/password/i)
    }
    expect(await tryConnect({ connectionString: server.url })).toBe('postgres')
    const db = await server.database()
    expect(await tryConnect({ connectionString: db.url })).toBe('postgres')
    await db.drop()
    expect(server.env().PGPASSWORD).toBe(decodeURIComponent(u.password))
  })

  it('the password survives restart() (same data dir)', async () => {
    await server.restart()
    expect(await tryConnect({ connectionString: server.url })).toBe('postgres')
  })

  it('each server has its own password', async () => {
    await using other = await startPostgres({ migrationsKey: 'security.integration' })
    expect(new URL(other.url).password).not.toBe(new URL(server.url).password)
    const crossed = new URL(other.url)
    crossed.password = new URL(server.url).password
    expect(await tryConnect({ connectionString: crossed.toString() })).toBeInstanceOf(Error)
  })

  it('the data dir (and its unix socket) is private to the server user', () => {
    const mode = fs.statSync(server.dataDir!).mode & 0o777
    expect(mode & 0o077).toBe(0)
  })
})

const isRoot = process.getuid?.() === 0

describe.runIf(isRoot)('a small /dev/shm', () => {
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-smallshm-'))
  beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]))
  afterAll(() => {
    execFileSync('umount', [mnt])
    fs.rmSync(mnt, { recursive: true, force: true })
  })

  it('is not used for data dirs: the disk temp dir is, with a warning', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.message)
    process.on('warning', onWarning)
    try {
      expect(serverDirBase(undefined, 40 * 2 ** 20, mnt)).toBeUndefined()
      await new Promise((resolve) => setTimeout(resolve, 10))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.join('\n')).toContain(`${mnt} has`)
  })

  it('a big enough tmpfs gets a per-user dir (0700, 0711 as root) that nobody else can write', () => {
    execFileSync('mount', ['-o', 'remount,size=2g', mnt])
    const base = serverDirBase(undefined, 1 * 2 ** 20, mnt)!
    expect(base).toBe(path.join(mnt, `infra-fixtures-${process.getuid!()}`))
    expect(fs.statSync(base).mode & 0o777).toBe(0o711)
  })
})
