import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@infra/fixture-core'
import { runVitest } from '@infra/vitest-config/spawn'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Postgres } from './postgres.js'
import { startPostgres } from './start.js'

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

// a local server plays the external one (INFRA_PG_URL): what is left on it after a run is what we check
let host: Postgres

beforeAll(async () => {
  host = await startPostgres({ migrationsKey: 'external-leaks.integration', poolSize: 0 })
})
afterAll(async () => {
  await host?.stop()
})

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: host.url })
  await c.connect()
  try {
    return (await c.query<R>(text)).rows
  } finally {
    await c.end()
  }
}

const databases = async () =>
  (await sql<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).map((r) => r.datname)

/** What the README says stays on an external server after a run: its own databases and our templates. */
const documented = (name: string) =>
  ['postgres', 'template0', 'template1'].includes(name) || /^infra_tpl_[0-9a-f]{16}$/.test(name)

describe('an external server after a vitest run (INFRA_PG_URL)', () => {
  it('keeps only the cached templates, also when a worker was SIGKILLed holding databases', {
    timeout: 120_000,
  }, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-external-'))
    try {
      const { code, output } = await runVitest('test/fixtures/external-run/vitest.config.ts', {
        cwd: pkg,
        env: { INFRA_PG_URL: host.url, PG_EXTERNAL_OUT: out },
        timeoutMs: 100_000,
      })
      // the killed worker fails the run; the others passed and the global teardown still ran
      expect(fs.existsSync(path.join(out, 'crashed')), output).toBe(true)
      expect(code, output).not.toBe(0)
      expect(output).toMatch(/10 passed/)
    } finally {
      fs.rmSync(out, { recursive: true, force: true })
    }
    const left = await databases()
    expect(left.filter((n) => !documented(n))).toEqual([])
    expect(left.some((n) => n.startsWith('infra_tpl_'))).toBe(true)
  })
})

describe('clones whose owner is gone', () => {
  it('are dropped by the next external start; a live owner’s clones are not', async () => {
    const live = await startPostgres({ provider: 'external', url: host.url, poolSize: 2 })
    // the server's own (local) handle is a live owner too
    const hostDb = await host.database()
    try {
      const mine = await live.database()
      // what a process killed before stop() leaves: clones named like ours, no session holding their owner lock
      for (const name of ['infra_t1_dead_1', 'infra_t1_dead_2']) {
        await sql(`CREATE DATABASE ${name} TEMPLATE ${live.template}`)
      }
      await waitFor(async () => (await databases()).filter((n) => n.startsWith('infra_t')).length >= 5, {
        what: 'the live handle’s pool to fill',
        timeoutMs: 10_000,
      })
      const liveClones = (await databases()).filter(
        (n) => /^infra_t\d+_[0-9a-f]+_\d+$/.test(n) && !n.includes('dead'),
      )
      const next = await startPostgres({ provider: 'external', url: host.url, poolSize: 0 })
      await next.stop()
      const left = await databases()
      expect(left).not.toContain('infra_t1_dead_1')
      expect(left).not.toContain('infra_t1_dead_2')
      expect(left).toEqual(expect.arrayContaining([mine.name, hostDb.name, ...liveClones]))
    } finally {
      await live.stop()
      await hostDb.drop({ wait: true })
    }
    expect((await databases()).filter((n) => !documented(n))).toEqual([])
  })
})
