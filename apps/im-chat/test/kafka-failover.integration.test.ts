// Seed 001 §2, Kafka broker failover, on one 3-broker KRaft cluster for the whole file (each test its own
// topic and group; every broker running again at the end of each test): the service's topic has RF 3 / min ISR
// 2; the service's publisher keeps going while a partition leader is killed and every acknowledged message is
// consumed exactly once in per-conversation order; the service's fan-out worker keeps delivering to WebSocket
// clients while a broker dies and comes back; a 10k-message run. Throughput is in bench/, not here.
import { type Etcd, startEtcd } from '@infra/etcd-fixture'
import { type KafkaFixture, startKafka } from '@infra/kafka-fixture'
import { mysqlFixtures } from '@infra/mysql-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { afterAll, afterEach, test as base, beforeAll, describe, expect } from 'vitest'
import { ChatService, ensureChatTopic, MessagePublisher } from '../src/index.js'
import { api, ChatClient } from './support/chat-client.js'
import { waitUntil } from './support/wait.js'

const test = base.extend(mysqlFixtures).extend(redisFixtures)

let kafka: KafkaFixture
let etcd: Etcd
let topics = 0

beforeAll(async () => {
  ;[kafka, etcd] = await Promise.all([startKafka({ nodes: 3 }), startEtcd({ nodes: 1, provider: 'local' })])
})
afterEach(async () => {
  for (const node of kafka.nodes) if (!node.running) await kafka.restartBroker(node.id)
})
afterAll(async () => {
  await Promise.all([kafka?.stop(), etcd?.stop()])
})

async function chatTopic(partitions = 6): Promise<string> {
  const topic = `im-chat-${process.pid}-${++topics}`
  await ensureChatTopic(kafka.client(), topic, { partitions })
  await kafka.waitForTopic(topic, { fullIsr: true })
  // every broker serves the topic's metadata before a test relies on it
  await waitUntil(`every broker to know ${topic}`, async () => {
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [topic] })
      return meta[0]?.partitions.length === partitions
    } finally {
      await admin.disconnect()
    }
  })
  return topic
}

/** Per conversation, the sequence numbers in the order they were consumed. */
function orderByConversation(values: { c: string; n: number }[]) {
  const by = new Map<string, number[]>()
  for (const v of values) by.set(v.c, [...(by.get(v.c) ?? []), v.n])
  return by
}

describe('Kafka broker failover (3 brokers)', () => {
  test('the service creates its topic with replication factor 3 and min ISR 2', async () => {
    const topic = await chatTopic(4)
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [topic] })
      expect(meta[0]?.partitions).toHaveLength(4)
      for (const p of meta[0]?.partitions ?? []) expect(p.replicas).toHaveLength(3)
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ['min.insync.replicas'] }],
      })
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('2')
      await ensureChatTopic(kafka.client(), topic) // idempotent
    } finally {
      await admin.disconnect()
    }
  })

  test('a partition leader killed mid-run: the publisher continues, every acked message arrives exactly once, in order per conversation; the broker rejoins', async () => {
    const topic = await chatTopic()
    const publisher = new MessagePublisher(kafka.client(), topic)
    try {
      const acked: { c: string; n: number }[] = []
      const batch = async (from: number) => {
        const events = Array.from({ length: 100 }, (_, i) => ({
          conversationId: `conv-${(from + i) % 20}`,
          payload: { c: `conv-${(from + i) % 20}`, n: from + i },
        }))
        await publisher.publishMany(events)
        acked.push(...events.map((e) => e.payload))
      }
      for (let from = 0; from < 1000; from += 100) await batch(from)
      const victim = await kafka.partitionLeader(topic, 0)
      const killing = kafka.killBroker(victim)
      for (let from = 1000; from < 3000; from += 100) await batch(from)
      await killing
      expect(acked).toHaveLength(3000)

      const consumed = await kafka.consume(topic, { count: 3000, timeoutMs: 90_000 })
      const values = consumed.map((m) => JSON.parse(m.value ?? '{}') as { c: string; n: number })
      expect(new Set(values.map((v) => v.n)).size).toBe(3000) // none lost, none twice
      for (const [, seq] of orderByConversation(values)) expect(seq).toEqual([...seq].sort((a, b) => a - b))

      await kafka.restartBroker(victim)
      await kafka.waitForTopic(topic, { fullIsr: true }) // the restarted broker is back in every ISR
      const admin = kafka.client().admin()
      await admin.connect()
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics: [topic] })
        for (const p of meta[0]?.partitions ?? []) expect(p.isr).toHaveLength(3)
      } finally {
        await admin.disconnect()
      }
    } finally {
      await publisher.close()
    }
  })

  test('end to end: HTTP send → MySQL → Kafka → elected worker → WebSocket, through a broker kill and restart', async ({
    db,
    redis,
  }) => {
    const topic = await chatTopic()
    await using ns = await etcd.isolated()
    const service = await new ChatService({
      mysqlUrl: db.url,
      kafka: { brokers: kafka.brokers, topic, groupId: `fanout-${topic}` },
      redis: { url: redis.url },
      etcd: { endpoints: etcd.endpoints, prefix: ns.prefix },
      presence: { rateLimit: 10_000 },
    }).start()
    const alice = await ChatClient.open(service.url, 'alice')
    try {
      await waitUntil(
        'the worker to be active',
        async () => (await api(service.url, 'GET', '/worker')).body.active,
      )
      await alice.join('room-1')
      const sent = await api(service.url, 'POST', '/conversations/room-1/messages', {
        userId: 'bob',
        text: 'hi',
      })
      expect(sent.status).toBe(201)
      const [first] = await alice.waitForMessages(1)
      expect(first).toMatchObject({
        conversationId: 'room-1',
        senderId: 'bob',
        body: 'hi',
        id: sent.body.message.id,
      })

      // a broker dies while the worker consumes: delivery continues, nothing lost, in order
      const victim = await kafka.partitionLeader(topic, 0)
      const killing = kafka.killBroker(victim)
      for (let i = 0; i < 30; i++) {
        const r = await api(service.url, 'POST', '/conversations/room-1/messages', {
          userId: 'bob',
          text: `m${i}`,
        })
        expect(r.status).toBe(201)
      }
      await killing
      const got = await alice.waitForMessages(31, 90_000)
      expect(got.map((m) => m.body)).toEqual(['hi', ...Array.from({ length: 30 }, (_, i) => `m${i}`)])
      await kafka.restartBroker(victim)
      await kafka.waitForTopic(topic, { fullIsr: true })
      await api(service.url, 'POST', '/conversations/room-1/messages', { userId: 'bob', text: 'after' })
      await alice.waitForMessages(32, 60_000)
      // everything was persisted too
      const history = await api(service.url, 'GET', '/conversations/room-1/messages')
      expect(history.body.messages).toHaveLength(32)
      // and written to Kafka once each: the idempotent producer's retries to the new leader added nothing
      const written = await kafka.consume(topic, { count: 32, timeoutMs: 30_000 })
      expect(written.map((m) => (JSON.parse(m.value ?? '{}') as { body: string }).body)).toEqual([
        'hi',
        ...Array.from({ length: 30 }, (_, i) => `m${i}`),
        'after',
      ])
    } finally {
      alice.close()
      await service.stop()
    }
  })

  test('the worker moves to a second instance; it resumes from the committed offsets, nothing delivered twice', async ({
    db,
    redis,
  }) => {
    const topic = await chatTopic(3)
    await using ns = await etcd.isolated()
    const options = {
      mysqlUrl: db.url,
      kafka: { brokers: kafka.brokers, topic, groupId: `fanout-${topic}` },
      redis: { url: redis.url },
      etcd: { endpoints: etcd.endpoints, prefix: ns.prefix },
      presence: { rateLimit: 10_000 },
    }
    const a = await new ChatService({ ...options, instanceId: 'a' }).start()
    await waitUntil('a to be active', () => a.election.isLeader)
    const b = await new ChatService({ ...options, instanceId: 'b' }).start()
    const carol = await ChatClient.open(b.url, 'carol') // connected to b, delivered via a's worker
    try {
      await carol.join('room-2')
      for (let i = 0; i < 10; i++)
        await api(a.url, 'POST', '/conversations/room-2/messages', { userId: 'x', text: `a${i}` })
      await carol.waitForMessages(10)
      expect(b.election.isLeader).toBe(false)
      await a.stop() // resigns: b is elected and joins the same consumer group
      await waitUntil('b to be active', () => b.election.isLeader, { timeoutMs: 30_000 })
      for (let i = 0; i < 10; i++)
        await api(b.url, 'POST', '/conversations/room-2/messages', { userId: 'x', text: `b${i}` })
      const got = await carol.waitForMessages(20, 60_000)
      expect(got.map((m) => m.body)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => `a${i}`),
        ...Array.from({ length: 10 }, (_, i) => `b${i}`),
      ])
      expect(b.delivered.map((d) => (d.payload as { body: string }).body)).toEqual(
        Array.from({ length: 10 }, (_, i) => `b${i}`),
      )
    } finally {
      carol.close()
      await a.stop().catch(() => undefined)
      await b.stop()
    }
  })

  test('10k messages through the service publisher are all delivered, once each, in order per conversation', async () => {
    const topic = await chatTopic()
    const publisher = new MessagePublisher(kafka.client(), topic)
    try {
      const events = Array.from({ length: 10_000 }, (_, n) => ({
        conversationId: `conv-${n % 50}`,
        payload: { c: `conv-${n % 50}`, n },
      }))
      for (let i = 0; i < events.length; i += 1000) await publisher.publishMany(events.slice(i, i + 1000))
      const consumed = await kafka.consume(topic, { count: 10_000, timeoutMs: 120_000 })
      const values = consumed.map((m) => JSON.parse(m.value ?? '{}') as { c: string; n: number })
      expect(values).toHaveLength(10_000)
      expect(new Set(values.map((v) => v.n)).size).toBe(10_000)
      for (const [, seq] of orderByConversation(values)) expect(seq).toEqual([...seq].sort((a, b) => a - b))
    } finally {
      await publisher.close()
    }
  })
})
