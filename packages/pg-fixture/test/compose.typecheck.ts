// Compile-time check (tsc): pgFixtures composes with vitest's own test and other fixture sets without type
// arguments, in any order (apps/map-presence checks the composition with redis-fixture and ws-harness).
import { test as base } from 'vitest'
import { createPgFixtures, type PgFixtures, pgFixtures } from '../src/vitest.js'

export const composed = base.extend(pgFixtures).extend({ answer: 42 })
export const reversed = base.extend({ answer: 42 }).extend(createPgFixtures({ poolMax: 2 }))

for (const t of [composed, reversed]) {
  t('types flow through', async ({ db, pool, pgServer, answer }) => {
    const ctx: PgFixtures = { db, pool, pgServer }
    const n: number = answer
    void [ctx, n]
  })
}
