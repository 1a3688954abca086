import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KafkaFixture } from './kafka-fixture.js'
import { startKafka } from './start-kafka.js'
import { idsCoveringPartitions, TRANSACTION_STATE_TOPIC } from './topics/transaction-warmup.js'
import { fetchMetadata, findCoordinator, initTransactionalProducer } from './wire/kafka-wire.js'

// one broker for the file, started with every option a docker-compose suite tends to need
let kafka: KafkaFixture

beforeAll(async () => {
  kafka = await startKafka({
    firstNodeId: 0,
    advertisedHost: 'localhost',
    transactions: true,
    brokerConfig: { 'message.max.bytes': 2_000_000 },
    nodeConfig: (id) => ({ 'broker.rack': `rack-${id}` }),
  })
})

afterAll(async () => {
  await kafka?.stop()
})

describe('startKafka options (one broker: ids from 0, localhost, per-node config, transactions)', () => {
  it('numbers nodes from firstNodeId and advertises the asked host (binding 127.0.0.1)', async () => {
    expect(kafka.nodeIds).toEqual([0])
    const [node] = kafka.nodes
    expect(node).toMatchObject({ id: 0, broker: `localhost:${node!.brokerPort}` })
    expect(kafka.brokers).toEqual([`localhost:${node!.brokerPort}`])
    expect(kafka.env().KAFKA_BROKERS).toBe(`localhost:${node!.brokerPort}`)
    // the broker's own metadata (what every client connects to) names localhost and node 0
    const md = await fetchMetadata('127.0.0.1', node!.brokerPort, [])
    expect(md.brokers).toEqual([{ nodeId: 0, host: 'localhost', port: node!.brokerPort }])
    expect(await kafka.activeController()).toBe(0)
  })

  it('applies brokerConfig to every node and nodeConfig(id) to its node', async () => {
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const cfg = await admin.describeConfigs({
        resources: [{ type: 4, name: '0', configNames: ['broker.rack', 'message.max.bytes'] }],
        includeSynonyms: false,
      })
      const entries = Object.fromEntries(
        cfg.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
      )
      expect(entries).toEqual({ 'broker.rack': 'rack-0', 'message.max.bytes': '2000000' })
    } finally {
      await admin.disconnect()
    }
  })

  it('transactions: true — every transaction coordinator answers at once after start', async () => {
    // raw requests, no retries: without the warm-up the first FindCoordinator answers 15
    // (COORDINATOR_NOT_AVAILABLE) while the broker creates __transaction_state
    const port = kafka.nodes[0]!.brokerPort
    const md = await fetchMetadata('127.0.0.1', port, [TRANSACTION_STATE_TOPIC])
    const partitions = md.topics[0]!.partitions.length
    expect(partitions).toBeGreaterThan(0)
    for (const id of idsCoveringPartitions('probe-', partitions)) {
      const c = await findCoordinator('127.0.0.1', port, id, 'transaction')
      expect(c.errorCode, `FindCoordinator for '${id}'`).toBe(0)
      const r = await initTransactionalProducer('127.0.0.1', c.port, id)
      expect(r.errorCode, `InitProducerId for '${id}'`).toBe(0)
    }
  })

  it('a kafkajs transactional producer commits right away and a read_committed consumer sees it', async () => {
    const topic = await kafka.createTopic()
    const producer = kafka.client().producer({
      transactionalId: `${kafka.topicPrefix}tx`,
      idempotent: true,
      maxInFlightRequests: 1,
      // the fixture's finite retries: the raw test above proves the coordinators were ready; this one that
      // kafkajs transactions (commit, abort, read_committed) work on them
    })
    await producer.connect()
    try {
      const tx = await producer.transaction()
      await tx.send({ topic, messages: [{ value: 'committed' }] })
      await tx.commit()
      const aborted = await producer.transaction()
      await aborted.send({ topic, messages: [{ value: 'aborted' }] })
      await aborted.abort()
    } finally {
      await producer.disconnect()
    }
    await kafka.produce(topic, 'after')
    const consumer = await kafka.startConsumer({
      topics: [topic],
      consumerConfig: { readUncommitted: false },
    })
    try {
      const got = await consumer.waitForMessages(2)
      expect(got.map((m) => m.value)).toEqual(['committed', 'after'])
    } finally {
      await consumer.stop()
    }
  })
})
