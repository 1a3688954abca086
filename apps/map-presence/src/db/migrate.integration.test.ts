// The production migration path (main.ts), on a schema of its own: the suites' databases come already
// migrated from the fixture's template, so this is where `migrate()` itself is checked.
import pg from 'pg'
import { describe, expect } from 'vitest'
import { test } from '../../test/support/map-test.js'
import { migrate } from './migrate.js'

describe('migrate', () => {
  test('applies every migration once, in order, and is a no-op the second time', async ({
    pgServer: server,
  }) => {
    await using schema = await server.schema()
    const pool = new pg.Pool({ connectionString: schema.url, max: 2 })
    try {
      expect(await migrate(pool)).toEqual(['0001_maps_users_sessions.sql', '0002_pois.sql'])
      expect(await migrate(pool)).toEqual([])
      const { rows } = await pool.query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
        [schema.name],
      )
      expect(rows.map((row) => row.table_name)).toEqual([
        'maps',
        'poi_participants',
        'pois',
        'schema_migrations',
        'sessions',
        'users',
      ])
    } finally {
      await pool.end()
    }
  })

  test('concurrent starts do not race: the advisory lock lets one apply and the others see it done', async ({
    pgServer: server,
  }) => {
    await using schema = await server.schema()
    const pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: schema.url, max: 1 }))
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool)))
      expect(applied.flat().sort()).toEqual(['0001_maps_users_sessions.sql', '0002_pois.sql'])
    } finally {
      await Promise.all(pools.map((pool) => pool.end()))
    }
  })
})
