// Seed 001: "Kafka > 10,000 messages/sec". Publishes chat events to a 3-broker cluster (RF 3, min ISR 2,
// acks=all) through the service's MessagePublisher (one send per partition, batched per partition), beside the
// anchor: plain kafkajs, one idempotent producer.send() per batch spanning every partition (the loss-prone way).
// Then consumes them all with one consumer group. Writes bench/results/im-chat.json. Not a test: no assertions.
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { startKafka } from '@infra/kafka-fixture'
import { ensureChatTopic, MessagePublisher } from '../src/index.js'

const N = 20_000
const BATCH = 1_000
const body = 'x'.repeat(200)

await using kafka = await startKafka({ nodes: 3 })
const load: number[] = [loadavg()[0] ?? 0]

async function topic(name: string) {
  await ensureChatTopic(kafka.client(), name, { partitions: 6 })
  await kafka.waitForTopic(name, { fullIsr: true })
  return name
}
const events = Array.from({ length: N }, (_, n) => ({
  conversationId: `conv-${n % 100}`,
  payload: { n, body },
}))

async function ours(name: string) {
  const publisher = new MessagePublisher(kafka.client(), name)
  await publisher.publishMany(events.slice(0, 500)) // warm-up: connect, metadata
  const start = performance.now()
  for (let i = 0; i < N; i += BATCH) await publisher.publishMany(events.slice(i, i + BATCH))
  const ms = performance.now() - start
  // pipelined: every batch at once, as concurrent HTTP sends would; the per-partition queues batch them
  const startPipelined = performance.now()
  const batches = []
  for (let i = 0; i < N; i += BATCH) batches.push(publisher.publishMany(events.slice(i, i + BATCH)))
  await Promise.all(batches)
  const pipelinedMs = performance.now() - startPipelined
  await publisher.close()
  return { sequential: (N / ms) * 1000, pipelined: (N / pipelinedMs) * 1000 }
}

async function anchor(name: string) {
  const producer = kafka.client().producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const toMessages = (slice: typeof events) =>
    slice.map((e) => ({ key: e.conversationId, value: JSON.stringify(e.payload) }))
  await producer.send({ topic: name, acks: -1, messages: toMessages(events.slice(0, 500)) })
  const start = performance.now()
  for (let i = 0; i < N; i += BATCH) {
    await producer.send({ topic: name, acks: -1, messages: toMessages(events.slice(i, i + BATCH)) })
  }
  const ms = performance.now() - start
  await producer.disconnect()
  return (N / ms) * 1000
}

const oursTopic = await topic('bench-ours')
const anchorTopic = await topic('bench-anchor')
const { sequential: publish_msgs_per_s, pipelined: publish_pipelined_msgs_per_s } = await ours(oursTopic)
load.push(loadavg()[0] ?? 0)
const anchor_kafkajs_send_msgs_per_s = await anchor(anchorTopic)
load.push(loadavg()[0] ?? 0)
const consumeStart = performance.now()
const consumed = await kafka.consume(oursTopic, { count: 2 * N + 500, timeoutMs: 120_000 })
const consume_msgs_per_s = (consumed.length / (performance.now() - consumeStart)) * 1000
load.push(loadavg()[0] ?? 0)

const result = {
  messages: N,
  batch: BATCH,
  message_bytes: body.length,
  cluster: '3 brokers, RF 3, min ISR 2, acks=all, 6 partitions',
  publish_msgs_per_s: Math.round(publish_msgs_per_s),
  anchor_kafkajs_send_msgs_per_s: Math.round(anchor_kafkajs_send_msgs_per_s),
  publish_pipelined_msgs_per_s: Math.round(publish_pipelined_msgs_per_s),
  ratio_vs_anchor: Number((publish_msgs_per_s / anchor_kafkajs_send_msgs_per_s).toFixed(2)),
  consume_msgs_per_s: Math.round(consume_msgs_per_s),
  goal_msgs_per_s: 10_000,
  load_avg_1m: load.map((l) => Number(l.toFixed(2))),
  cores: 2,
  at: new Date().toISOString(),
}
writeFileSync(new URL('./results/im-chat.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`)
console.log(result)
