import { InvalidOptionsError } from '@infra/fixture-core'
import { expect, inject, test } from 'vitest'
import { createInfluxFixtures } from '../../src/vitest.js'

type WorkerFixture = [(ctx: object, use: (value: unknown) => Promise<void>) => Promise<void>, object]

test('server options beside the global setup throw InvalidOptionsError instead of being ignored', async () => {
  expect(inject('infraInfluxDB').url).toMatch(/^http:/)
  const [rejected] = createInfluxFixtures({ retention: { duration: '1h' } })
    .influxServer as unknown as WorkerFixture
  let used = false
  const error = await rejected({}, async () => {
    used = true
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InvalidOptionsError)
  expect((error as Error).message).toMatch(/createInfluxFixtures\(\).*'retention'.*influxGlobalSetup\(\)/s)
  expect(used).toBe(false)
})
