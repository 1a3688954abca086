import { test as base } from 'vitest'
import { redisFixtures } from './vitest.js'
const t1 = base.extend(redisFixtures)
t1('x', async ({ redis }) => {
  const n: number = redis.db
  void n
})
