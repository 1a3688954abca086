import { FixtureStateError, UnsupportedOperationError, WaitTimeoutError } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JoinedConsumer } from './clients/consume.js'
import type { KafkaFixture } from './kafka-fixture.js'
import { startKafka } from './start-kafka.js'

// one broker for the whole file; tests isolate by topic
let kafka: KafkaFixture

beforeAll(async () => {
  kafka = await startKafka({ nodes: 1 })
})

afterAll(async () => {
  await kafka?.stop()
})

describe('single broker', () => {
  it('runs a real Kafka 4.x broker on loopback', () => {
    expect(kafka.brokers).toHaveLength(1)
    expect(kafka.brokers[0]).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(kafka.version).toMatch(/^4\.\d+\.\d+$/)
    expect(kafka.nodes[0]).toMatchObject({ id: 1, running: true, paused: false })
  })

  it('round-trips messages: produce, then consume them in order', async () => {
    const topic = await kafka.createTopic()
    const sent = Array.from({ length: 50 }, (_, i) => `m${i}`)
    await kafka.produce(topic, sent)
    const got = await kafka.consume(topic, { count: 50 })
    expect(got.map((m) => m.value)).toEqual(sent)
    expect(got.every((m) => m.topic === topic && m.partition === 0)).toBe(true)
  })

  it('creates unique topics with the requested partitions, leaders ready', async () => {
    const [a, b] = await Promise.all([
      kafka.createTopic({ partitions: 3 }),
      kafka.createTopic({ partitions: 2 }),
    ])
    expect(a).not.toBe(b)
    expect(a.startsWith(kafka.topicPrefix)).toBe(true)
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const md = await admin.fetchTopicMetadata({ topics: [a, b] })
      const byName = Object.fromEntries(md.topics.map((t) => [t.name, t.partitions]))
      expect(byName[a]).toHaveLength(3)
      expect(byName[b]).toHaveLength(2)
      for (const p of [...byName[a]!, ...byName[b]!]) expect(p.leader).toBe(1)
    } finally {
      await admin.disconnect()
    }
  })

  it('consume(until) stops at the condition and keys/headers come through', async () => {
    const topic = await kafka.createTopic({ partitions: 2 })
    await kafka.produce(topic, [
      { key: 'a', value: '1', partition: 0 },
      { key: 'b', value: '2', partition: 1, headers: { h: 'x' } },
      { key: 'c', value: 'stop', partition: 0 },
    ])
    const got = await kafka.consume(topic, {
      until: (_m, all) => all.some((x) => x.value === 'stop') && all.length >= 3,
    })
    expect(got.map((m) => m.value).sort()).toEqual(['1', '2', 'stop'])
    expect(got.find((m) => m.key === 'b')?.headers.h?.toString()).toBe('x')
  })

  it('consume() times out finitely and says how many messages arrived', async () => {
    const topic = await kafka.createTopic()
    await kafka.produce(topic, 'only-one')
    const err = await kafka.consume(topic, { count: 2, timeoutMs: 3_000 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect((err as Error).message).toContain('Received 1 message')
  })

  it('startConsumer resolves once joined; messages produced afterwards arrive', async () => {
    const topic = await kafka.createTopic({ partitions: 2 })
    const consumer = await kafka.startConsumer({ topics: [topic] })
    try {
      expect(consumer.memberId).toBeTruthy()
      expect(consumer.assignment[topic]?.sort()).toEqual([0, 1])
      await kafka.produce(topic, ['x', 'y', 'z'])
      const got = await consumer.waitForMessages(3)
      expect(got.map((m) => m.value).sort()).toEqual(['x', 'y', 'z'])
    } finally {
      await consumer.stop()
    }
  })

  it('reports node 1 as the KRaft active controller', async () => {
    expect(await kafka.activeController()).toBe(1)
  })

  it('pause makes the broker hang; resume brings it back', async () => {
    const topic = await kafka.createTopic()
    await kafka.pauseBroker(1)
    expect(kafka.nodes[0]!.paused).toBe(true)
    const client = kafka.client({ requestTimeout: 1_000, retry: { retries: 0 } })
    const producer = client.producer()
    const attempt = producer
      .connect()
      .then(() => producer.send({ topic, messages: [{ value: 'p' }], acks: -1 }))
    await expect(attempt).rejects.toThrow()
    await kafka.resumeBroker(1)
    await producer.disconnect().catch(() => {})
    await kafka.produce(topic, 'after-resume')
    expect((await kafka.consume(topic, { count: 1 }))[0]!.value).toBe('after-resume')
  })

  it('restartBroker keeps the data and the port', async () => {
    const topic = await kafka.createTopic()
    await kafka.produce(topic, ['before-1', 'before-2'])
    const port = kafka.nodes[0]!.brokerPort
    const pid = kafka.brokerPid(1)
    await kafka.restartBroker(1)
    expect(kafka.nodes[0]!.brokerPort).toBe(port)
    expect(kafka.brokerPid(1)).not.toBe(pid)
    await kafka.waitForTopic(topic)
    await kafka.produce(topic, 'after')
    const got = await kafka.consume(topic, { count: 3 })
    expect(got.map((m) => m.value)).toEqual(['before-1', 'before-2', 'after'])
  })

  it('restart() restarts the whole cluster on the same ports with the same data', async () => {
    const topic = await kafka.createTopic()
    await kafka.produce(topic, 'kept')
    const before = kafka.nodes.map((n) => n.brokerPort)
    await kafka.restart()
    expect(kafka.nodes.map((n) => n.brokerPort)).toEqual(before)
    expect(kafka.nodes.every((n) => n.running)).toBe(true)
    await kafka.waitForTopic(topic)
    expect((await kafka.consume(topic, { count: 1 }))[0]!.value).toBe('kept')
  })

  it('external provider namespaces its topics and deletes only those', async () => {
    const foreign = await kafka.createTopic({ name: `foreign-${Date.now()}` })
    const ext = await startKafka({ provider: 'external', externalBrokers: kafka.brokers })
    const own = await ext.createTopic()
    expect(own.startsWith(ext.topicPrefix)).toBe(true)
    expect(ext.topicPrefix).toMatch(/^infra-[0-9a-f]{8}-$/)
    await ext.produce(own, 'hello')
    expect((await ext.consume(own, { count: 1 }))[0]!.value).toBe('hello')
    await expect(ext.deleteTopic(foreign)).rejects.toThrow(/not created by this fixture/)
    // naming an existing topic does not make it "own"
    await expect(ext.createTopic({ name: foreign })).rejects.toThrow(/already exists/)
    await expect(ext.killBroker(1)).rejects.toBeInstanceOf(UnsupportedOperationError)
    await ext.stop()
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const topics = await admin.listTopics()
      expect(topics).toContain(foreign)
      expect(topics).not.toContain(own)
    } finally {
      await admin.disconnect()
    }
  })
  it('INFRA_KAFKA_BROKERS switches the default provider to external', async () => {
    const saved = process.env.INFRA_KAFKA_BROKERS
    process.env.INFRA_KAFKA_BROKERS = kafka.brokers.join(',')
    try {
      const ext = await startKafka()
      try {
        expect(ext.provider).toBe('external')
        expect(ext.brokers).toEqual(kafka.brokers)
        const own = await ext.createTopic()
        expect(own.startsWith(ext.topicPrefix)).toBe(true)
      } finally {
        await ext.stop()
      }
    } finally {
      if (saved === undefined) delete process.env.INFRA_KAFKA_BROKERS
      else process.env.INFRA_KAFKA_BROKERS = saved
    }
  })
})

describe('lifecycle', () => {
  it('kill() then stop() works, stop() is idempotent, the JVM is gone, later calls throw FixtureStateError', async () => {
    const k = await startKafka()
    const pid = k.brokerPid(1)!
    await k.kill()
    expect(k.nodes[0]!.running).toBe(false)
    // right after the start the warm-up is still asking the (now dead) broker for producer ids, for up
    // to 5 s: stop() ends it instead of waiting it out (a liveness bound, not a benchmark)
    const stopping = performance.now()
    await Promise.all([k.stop(), k.stop()])
    expect(performance.now() - stopping).toBeLessThan(2_500)
    await k.stop()
    expect(() => process.kill(pid, 0)).toThrow()
    await expect(k.createTopic()).rejects.toBeInstanceOf(FixtureStateError)
    await expect(k.isolated()).rejects.toBeInstanceOf(FixtureStateError)
    await expect(k.restart()).rejects.toBeInstanceOf(FixtureStateError)
    await expect(k.consume('t', { count: 1 })).rejects.toBeInstanceOf(FixtureStateError)
  })
})

describe('the fixture shape', () => {
  it('isolated() gives a topic that `await using` deletes; env() names the brokers', async () => {
    expect(kafka.service).toBe('kafka')
    expect(kafka.env()).toEqual({ KAFKA_BROKERS: kafka.brokers.join(',') })
    let name: string
    {
      await using topic = await kafka.isolated({ partitions: 2 })
      name = topic.name
      expect(topic.partitions).toBe(2)
      await kafka.produce(topic, 'in-scope')
      expect((await kafka.consume(topic, { count: 1 }))[0]!.value).toBe('in-scope')
    }
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      expect(await admin.listTopics()).not.toContain(name)
    } finally {
      await admin.disconnect()
    }
  })

  it('startConsumer() reads from the beginning and `await using` stops it', async () => {
    const topic = await kafka.createTopic()
    await kafka.produce(topic, 'before-join')
    let consumer: JoinedConsumer
    {
      await using c = await kafka.startConsumer(topic)
      consumer = c
      expect((await c.waitForMessages(1))[0]!.value).toBe('before-join')
    }
    // disposed: stop() again is a no-op, and the group has no members left
    await consumer.stop()
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const { groups } = await admin.describeGroups([consumer.groupId])
      expect(groups[0]!.members).toHaveLength(0)
    } finally {
      await admin.disconnect()
    }
  })
})
