import { InvalidOptionsError } from '@infra/fixture-core'
import { expect, inject, test } from 'vitest'
import { createClickHouseFixtures } from '../../src/vitest.js'

type WorkerFixture = [(ctx: object, use: (value: unknown) => Promise<void>) => Promise<void>, object]

test('server options beside the global setup throw InvalidOptionsError; migrations and poolSize are per worker', async () => {
  expect(inject('infraClickHouse').url).toMatch(/^http:/)
  const [rejected] = createClickHouseFixtures({ config: { timezone: 'UTC' } })
    .clickhouseServer as unknown as WorkerFixture
  const error = await rejected({}, async () => {}).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InvalidOptionsError)
  expect((error as Error).message).toMatch(
    /createClickHouseFixtures\(\).*'config'.*clickhouseGlobalSetup\(\)/s,
  )
  const [accepted] = createClickHouseFixtures({ poolSize: 0 }).clickhouseServer as unknown as WorkerFixture
  let used = false
  await accepted({}, async (server) => {
    used = (server as { provider: string }).provider === 'local'
  })
  expect(used).toBe(true)
})
