import { test as base, inject } from 'vitest'
import { kafkaFixtures } from '../../src/vitest.js'

// Runs under vitest.global-setup.config.ts: one broker for the run, handed to workers by provide/inject.
// Composes like any other fixture set.
const test = base.extend({ greeting: 'hi' }).extend(kafkaFixtures)

test('workers get a handle on the global setup’s broker', async ({
  kafkaServer,
  topic,
  greeting,
  expect,
}) => {
  expect(greeting).toBe('hi')
  const provided = inject('infraKafka')
  expect(provided.brokers).toEqual(kafkaServer.brokers)
  expect(kafkaServer.connectionInfo).toEqual(provided)
  expect(kafkaServer.provider).toBe('external')
  await kafkaServer.produce(topic, 'via-global-setup')
  expect((await kafkaServer.consume(topic, { count: 1 }))[0]!.value).toBe('via-global-setup')
  // broker faults belong to the process that started the broker
  await expect(kafkaServer.killBroker(1)).rejects.toThrow(/local/)
  await expect(kafkaServer.pause()).rejects.toThrow(/local/)
})

test('each test still gets its own topic', async ({ kafkaServer, topic, expect }) => {
  await expect(kafkaServer.consume(topic, { count: 1, timeoutMs: 1_500 })).rejects.toThrow(
    /Received 0 message/,
  )
})
