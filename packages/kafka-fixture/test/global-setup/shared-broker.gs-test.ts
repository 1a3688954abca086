import { inject } from 'vitest'
import { test } from '../../src/vitest.js'

// Runs under vitest.global-setup.config.ts: one broker for the run, handed to workers by provide/inject.
test('workers get a handle on the global setup’s broker', async ({ kafka, topic, expect }) => {
  const provided = inject('infraKafka')
  expect(provided.brokers).toEqual(kafka.brokers)
  expect(kafka.provider).toBe('external')
  await kafka.produce(topic, 'via-global-setup')
  expect((await kafka.consume(topic, { count: 1 }))[0]!.value).toBe('via-global-setup')
  // broker faults belong to the process that started the broker
  await expect(kafka.killBroker(1)).rejects.toThrow(/local/)
})

test('each test still gets its own topic', async ({ kafka, topic, expect }) => {
  await expect(kafka.consume(topic, { count: 1, timeoutMs: 1_500 })).rejects.toThrow(/Received 0 message/)
})
