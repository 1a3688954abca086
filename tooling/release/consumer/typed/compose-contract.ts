// The fixture contract's composition, exactly as the design writes it: no type arguments. Type errors
// here are reported as a warning by the release test (soft check), not as a failure.
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { wsFixtures } from '@infra/ws-harness/vitest'
import { test as baseTest } from 'vitest'

export const test = baseTest.extend(pgFixtures).extend(redisFixtures).extend(wsFixtures)

test('composes without type arguments', async ({ pool, db, redis, wsServer }) => {
  await pool.query('select 1')
  void db.name
  await redis.client().ping()
  void wsServer.url
})
