import { waitFor } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminConnection } from './admin-connection.js'
import { ClonePool } from './clone-pool.js'
import { databasePrefix } from './names.js'
import type { PoolSizing } from './pool-sizing.js'
import type { Postgres } from './postgres.js'
import { startPostgres } from './start.js'

const MB = 2 ** 20
let server: Postgres

beforeAll(async () => {
  // a ~60 MB template (built once, then cached like any migrated template)
  server = await startPostgres({
    poolSize: 0,
    migrate: async (c) => {
      await c.query(
        'CREATE TABLE big AS SELECT g AS id, repeat(md5(g::text), 16) AS payload FROM generate_series(1, 100000) g',
      )
    },
    migrationsKey: 'pool-sizing.integration',
  })
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
