import * as core from '@infra/fixture-core'
import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it, vi } from 'vitest'
import { composeGlobalSetups, createKafkaFixtures, kafkaFixtures, kafkaGlobalSetup, test } from './vitest.js'

type WorkerFixture = [
  (ctx: object, use: (value: unknown) => Promise<void>) => Promise<void>,
  { scope: string },
]

// Nothing here starts a broker: these are the shapes and the option checks that come before any start.
describe('@infra/kafka-fixture/vitest', () => {
  it('kafkaServer is a worker-scoped fixture, topic a per-test one', () => {
    const [fn, opts] = kafkaFixtures.kafkaServer as unknown as WorkerFixture
    expect(typeof fn).toBe('function')
    expect(opts).toEqual({ scope: 'worker' })
    expect(typeof kafkaFixtures.topic).toBe('function')
    expect(Object.keys(kafkaFixtures).sort()).toEqual(['kafkaServer', 'topic'])
  })

  it('the ready test is vitest’s test extended with the fixtures', () => {
    expect(typeof test).toBe('function')
    expect(typeof test.extend).toBe('function')
    expect(typeof test.skip).toBe('function')
  })

  it('re-exports composeGlobalSetups from fixture-core', () => {
    expect(composeGlobalSetups).toBe(core.composeGlobalSetups)
  })

  it('kafkaGlobalSetup checks its options before starting anything', async () => {
    const provide = vi.fn()
    await expect(kafkaGlobalSetup({ nodes: 0 })({ provide })).rejects.toBeInstanceOf(InvalidOptionsError)
    expect(provide).not.toHaveBeenCalled()
  })

  it('without a global setup, the worker’s server is started with the fixture options (checked first)', async () => {
    const [fn] = createKafkaFixtures({ version: 'latest' }).kafkaServer as unknown as WorkerFixture
    const use = vi.fn(async () => {})
    await expect(fn({}, use)).rejects.toThrow(/version/)
    expect(use).not.toHaveBeenCalled()
  })
})
