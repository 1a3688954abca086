// Compile-time check (tsc): pgFixtures composes with vitest's own test without explicit generics.
import { test as base } from 'vitest'
import { pgFixtures } from '../src/vitest.js'

export const composed = base.extend(pgFixtures).extend({ answer: 42 })

composed('types flow through', async ({ db, pool, pg, answer }) => {
  const url: string = db.url
  const n: number = answer
  const total: number = pool.totalCount
  const port: number = pg.port
  void [url, n, total, port]
})
