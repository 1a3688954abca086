import { UnsupportedOperationError } from '@infra/fixture-core'
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
  // the handle reports the provider of the global setup's brokers (local: started by the setup process)
  expect(kafkaServer.provider).toBe('local')
  expect(kafkaServer.env()).toEqual({ KAFKA_BROKERS: provided.brokers.join(',') })
  expect(topic.name.startsWith(kafkaServer.topicPrefix)).toBe(true)
  expect(kafkaServer.topicPrefix).toMatch(/^w-[0-9a-f]{8}-$/)
  await kafkaServer.produce(topic, 'via-global-setup')
  expect((await kafkaServer.consume(topic, { count: 1 }))[0]!.value).toBe('via-global-setup')
  // broker faults belong to the process that started the broker
  await expect(kafkaServer.killBroker(1)).rejects.toBeInstanceOf(UnsupportedOperationError)
  await expect(kafkaServer.pause()).rejects.toThrow(/brokers this handle started/)
})

test('each test still gets its own topic', async ({ kafkaServer, topic, expect }) => {
  await expect(kafkaServer.consume(topic, { count: 1, timeoutMs: 1_500 })).rejects.toThrow(
    /Received 0 message/,
  )
})
