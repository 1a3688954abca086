import { InvalidOptionsError } from '@infra/fixture-core'
import { expect, inject, test } from 'vitest'
import { createKafkaFixtures } from '../../src/vitest.js'

// Runs under vitest.global-setup.config.ts: the global setup owns the brokers, so broker options given to the
// fixtures would not apply and throw instead of being ignored.
type WorkerFixture = [(ctx: object, use: (value: unknown) => Promise<void>) => Promise<void>, object]

test('broker options for the fixtures conflict with the global setup: InvalidOptionsError, not ignored', async () => {
  expect(inject('infraKafka').brokers.length).toBeGreaterThan(0)
  const [serverFixture] = createKafkaFixtures({ nodes: 3, heapMb: 256 })
    .kafkaServer as unknown as WorkerFixture
  let used = false
  const error = await serverFixture({}, async () => {
    used = true
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(InvalidOptionsError)
  expect((error as Error).message).toMatch(
    /createKafkaFixtures\(\) got 'nodes', 'heapMb'.*kafkaGlobalSetup\(\).*topicPrefix, clientLogLevel/,
  )
  expect(used).toBe(false)
})

test('per-worker options still apply to the handle on the shared brokers', async () => {
  const [serverFixture] = createKafkaFixtures({ topicPrefix: 'gs-own-', clientLogLevel: 'nothing' })
    .kafkaServer as unknown as WorkerFixture
  let prefix: string | undefined
  await serverFixture({}, async (kafka) => {
    const k = kafka as { topicPrefix: string; brokers: string[] }
    prefix = k.topicPrefix
    expect(k.brokers).toEqual(inject('infraKafka').brokers)
  })
  expect(prefix).toBe('gs-own-')
})
