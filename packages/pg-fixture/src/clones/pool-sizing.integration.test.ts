import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { waitFor } from '@infra/fixture-core'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminConnection } from '../connection/admin-connection.js'
import type { Postgres } from '../server/postgres.js'
import { startPostgres } from '../server/start.js'
import { ClonePool } from './clone-pool.js'
import { databasePrefix } from './names.js'
import type { PoolSizing } from './pool-sizing.js'

const MB = 2 ** 20
let server: Postgres

/** A ~60 MB template (built once, then cached like any migrated template). */
const BIG_TEMPLATE = {
  migrate: async (c: pg.Client) => {
    await c.query(
      'CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 16) AS payload FROM generate_series(1, 100000) g',
    )
  },
  migrationsKey: 'pool-sizing.integration',
}

beforeAll(async () => {
  server = await startPostgres({ poolSize: 0, ...BIG_TEMPLATE })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

/** A pool on the real server whose free-space reading is `free` (the statfs result, injected). */
async function poolWithFreeSpace(free: number, size: number) {
  const admin = new AdminConnection(server.url)
  const sizings: PoolSizing[] = []
  const pool = new ClonePool({
    admin,
    connect: () => new AdminConnection(server.url),
    template: server.template,
    prefix: databasePrefix(),
    size,
    fileCopy: server.serverVersionNum >= 150000,
    freeBytes: () => free,
    onSizing: (s) => sizings.push(s),
  })
  pool.warm()
  await waitFor(() => sizings.length === 1 && pool.readyCount === sizings[0]!.size, {
    what: 'the pool to size itself and fill',
    timeoutMs: 60_000,
  })
  return {
    pool,
    sizing: sizings[0]!,
    async close() {
      await pool.close({ drop: 'all' })
      await admin.close()
    },
  }
}

describe('clone pool sizing on a real server', () => {
  it('keeps fewer clones of a big template when the data dir has little free space', async () => {
    const admin = new AdminConnection(server.url)
    const size = Number(
      (await admin.query<{ n: string }>('SELECT pg_database_size($1) AS n', [server.template])).rows[0]!.n,
    )
    await admin.close()
    expect(size).toBeGreaterThan(40 * MB)

    // room for 2.5 clones in half the free space: 2 live at most (one handed out, one ready), not 5 ready
    const tight = await poolWithFreeSpace(size * 2 * 2.5, 5)
    try {
      expect(tight.sizing).toMatchObject({ size: 1, maxLive: 2, reason: expect.stringMatching(/MB free/) })
      const held = await tight.pool.acquire()
      // the pool refills up to the cap and no further
      await waitFor(() => tight.pool.liveCount === tight.sizing.maxLive, {
        what: 'the refill',
        timeoutMs: 30_000,
      })
      tight.pool.release(held)
      const next = await tight.pool.acquire()
      await waitFor(() => tight.pool.readyCount === tight.sizing.size, {
        what: 'the refill',
        timeoutMs: 30_000,
      })
      expect(tight.pool.liveCount).toBeLessThanOrEqual(tight.sizing.maxLive)
      tight.pool.release(next)
    } finally {
      await tight.close()
    }

    const tiny = await poolWithFreeSpace(64 * MB, 5)
    try {
      expect(tiny.sizing).toMatchObject({ size: 1, maxLive: 1 }) // the floor
    } finally {
      await tiny.close()
    }

    const roomy = await poolWithFreeSpace(20_000 * MB, 5)
    try {
      expect(roomy.sizing.size).toBe(5)
    } finally {
      await roomy.close()
    }
  })
})

/** A small tmpfs of `mb` MB (root only, e.g. in CI containers); undefined when mounting is not allowed. */
function mountSmallTmpfs(mb: number): { dir: string; unmount(): void } | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-pg-small-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0711`, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    fs.rmdirSync(dir)
    return undefined
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' })
      fs.rmdirSync(dir)
    },
  }
}

const small = mountSmallTmpfs(450)
afterAll(() => small?.unmount())

describe.skipIf(!small)('clone pool sizing on a really small tmpfs (root only)', () => {
  it('a server whose data dir has little room keeps 2 live clones of a ~60 MB template, not poolSize 5', async () => {
    const tight = await startPostgres({ poolSize: 5, tmpDir: small!.dir, ...BIG_TEMPLATE })
    const admin = new AdminConnection(tight.url)
    const clones = async () =>
      Number(
        (
          await admin.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_database WHERE datname ~ '^infra_t[0-9]+_'",
          )
        ).rows[0]!.n,
      )
    try {
      await waitFor(() => tight.clonePool.ready === 1, { what: 'the first clone', timeoutMs: 30_000 })
      // sized from the real statfs of the small tmpfs: half of its free space holds 2 clones of ~60 MB
      expect(tight.clonePool).toMatchObject({ size: 1, maxLive: 2 })
      const seen: number[] = []
      const held = await tight.database()
      await waitFor(async () => seen.push(await clones()) > 0 && seen.at(-1) === 2, {
        what: 'the held clone and one ready one',
        timeoutMs: 30_000,
      })
      // a second test takes the ready one; at the cap with both handed out, none is made ahead
      const second = await tight.database()
      expect(tight.clonePool).toMatchObject({ ready: 0, live: 2 })
      await held.drop()
      await second.drop()
      await using again = await tight.database()
      await waitFor(async () => seen.push(await clones()) > 0 && tight.clonePool.ready === 1, {
        what: 'the refill after the drops',
        timeoutMs: 30_000,
      })
      expect(Math.max(...seen)).toBeLessThanOrEqual(2)
      expect(tight.clonePool.live).toBeLessThanOrEqual(2)
      expect(again.name).not.toBe(held.name)
    } finally {
      await admin.close()
      await tight.stop()
    }
  })
})
