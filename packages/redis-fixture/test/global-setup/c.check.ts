import { InvalidOptionsError } from '@infra/fixture-core'
import { expect, inject, test } from 'vitest'
import { createRedisFixtures } from '../../src/vitest.js'

type WorkerFixture = [(ctx: object, use: (value: unknown) => Promise<void>) => Promise<void>, object]

test('fixture options for the server conflict with the global setup: InvalidOptionsError, not ignored', async () => {
  expect(inject('infraRedis').port).toBeGreaterThan(0)
  const [serverFixture] = createRedisFixtures({ databases: 8 }).redisServer as unknown as WorkerFixture
  let used = false
  const error = await serverFixture({}, async () => {
    used = true
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InvalidOptionsError)
  expect((error as Error).message).toMatch(/createRedisFixtures\(\) got 'databases'.*redisGlobalSetup\(\)/)
  expect(used).toBe(false)
})
