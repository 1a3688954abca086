import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AckedStream, checkStream } from '../test/failover-stream.js'
import { testBrokerDefaults } from './broker/broker-config.js'
import type { KafkaFixture } from './kafka-fixture.js'
import { startKafka } from './start-kafka.js'
import { idsCoveringPartitions } from './topics/transaction-warmup.js'
import { findCoordinator, initTransactionalProducer } from './wire/kafka-wire.js'

// one 3-node cluster for the file; every test leaves all 3 brokers running
let kafka: KafkaFixture

beforeAll(async () => {
  kafka = await startKafka({ nodes: 3, transactions: true })
})

afterAll(async () => {
  await kafka?.stop()
})

describe('3-node KRaft cluster', () => {
  it('has three combined broker+controller nodes on distinct ports, all registered', async () => {
    expect(kafka.nodeIds).toEqual([1, 2, 3])
    const ports = kafka.nodes.flatMap((n) => [n.brokerPort, n.controllerPort])
    expect(new Set(ports).size).toBe(6)
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const c = await admin.describeCluster()
      expect(c.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
    } finally {
      await admin.disconnect()
    }
    expect([1, 2, 3]).toContain(await kafka.activeController())
  })

  it('transactions: true — every coordinator answers at once after start; a transactional producer commits on each', async () => {
    const topic = await kafka.createTopic({ partitions: 3 })
    // one transactional id per __transaction_state partition: coordinators on all three nodes
    const txnPartitions = Number(testBrokerDefaults(3)['transaction.state.log.num.partitions'])
    const ids = idsCoveringPartitions(`${kafka.topicPrefix}tx-`, txnPartitions)
    // right after start, without retries: each coordinator answers and has its partition loaded
    const coordinators = new Set<number>()
    for (const id of ids) {
      const c = await findCoordinator('127.0.0.1', kafka.nodes[0]!.brokerPort, id, 'transaction')
      expect(c.errorCode, `FindCoordinator for '${id}'`).toBe(0)
      expect((await initTransactionalProducer('127.0.0.1', c.port, id)).errorCode).toBe(0)
      coordinators.add(c.nodeId)
    }
    expect(coordinators.size).toBeGreaterThan(1)
    for (const id of ids) {
      const producer = kafka.client().producer({
        transactionalId: id,
        idempotent: true,
        maxInFlightRequests: 1,
      })
      await producer.connect()
      try {
        const tx = await producer.transaction()
        await tx.send({ topic, messages: [{ value: id }] })
        await tx.commit()
      } finally {
        await producer.disconnect()
      }
    }
    expect(await kafka.consume(topic, { count: 4 })).toHaveLength(4)
  })

  it('RF 3 + min ISR 2 + acks=all: replicated on every broker', async () => {
    const topic = await kafka.createTopic({ partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 })
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const md = await admin.fetchTopicMetadata({ topics: [topic] })
      for (const p of md.topics[0]!.partitions) {
        expect(p.replicas.sort()).toEqual([1, 2, 3])
        expect(p.isr.sort()).toEqual([1, 2, 3])
      }
      const cfg = await admin.describeConfigs({
        resources: [{ type: 2, name: topic, configNames: ['min.insync.replicas'] }],
        includeSynonyms: false,
      })
      expect(cfg.resources[0]!.configEntries[0]!.configValue).toBe('2')
    } finally {
      await admin.disconnect()
    }
    const sent = Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `v${i}` }))
    const acks = await kafka.produce(topic, sent, { acks: -1 })
    expect(acks.every((a) => a.errorCode === 0)).toBe(true)
    const got = await kafka.consume(topic, { count: 30 })
    expect(got.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort())
  })

  it('partition leader SIGKILLed mid-stream, then restarted: no acknowledged message lost, order kept per partition', async () => {
    const topic = await kafka.createTopic({ partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 })
    const leader = await kafka.partitionLeader(topic, 0)
    const stream = new AckedStream(kafka, topic, 3)
    await stream.start()
    try {
      await stream.waitForMoreAcks(300)
      await kafka.killBroker(leader)
      const killedAt = Date.now()
      await stream.waitForMoreAcks(300, 40_000) // the producer resumed on the new leaders
      expect(await kafka.partitionLeader(topic, 0)).not.toBe(leader)
      expect(stream.firstAckAfter(killedAt)).toBeDefined()
      await kafka.restartBroker(leader)
      await stream.waitForMoreAcks(300, 40_000)
    } finally {
      await stream.stop()
    }
    await kafka.waitForTopic(topic, { fullIsr: true, timeoutMs: 45_000 })
    const result = await checkStream(kafka, stream)
    if (result.lost) {
      console.log(
        'LOST',
        result.lostValues,
        'acked',
        stream.ackedCount,
        'consumed',
        result.consumed,
        'failures',
        stream.failures,
        String(stream.lastError),
      )
      for (const v of result.lostValues) {
        const [p, s] = v.split(':').map(Number) as [number, number]
        const list = result.seen.get(p)!
        const i = list.findIndex((x) => x > s)
        console.log(
          p,
          s,
          'around',
          list.slice(Math.max(0, i - 3), i + 3),
          'acked around',
          stream.acked.get(p)!.filter((x) => Math.abs(x - s) < 40),
        )
      }
    }
    expect(result.lost).toBe(0)
    expect(result.outOfOrder).toBe(0)
    expect(result.duplicates).toBe(0)
    expect(result.consumed).toBeGreaterThanOrEqual(stream.ackedCount)
  })

  it('controller failover: killing the active controller elects another; the cluster keeps working', async () => {
    await kafka.waitForBrokers(3)
    const before = await kafka.activeController()
    await kafka.killBroker(before)
    const after = await kafka.activeController({ timeoutMs: 30_000 })
    expect(after).not.toBe(before)
    expect([1, 2, 3]).toContain(after)
    // metadata changes need the new controller: creating a topic proves it serves
    const topic = await kafka.createTopic({ partitions: 2, replicationFactor: 2 })
    await kafka.produce(topic, ['during-failover'])
    expect((await kafka.consume(topic, { count: 1 }))[0]!.value).toBe('during-failover')
    await kafka.restartBroker(before)
    await kafka.waitForBrokers(3, 45_000)
    expect(kafka.nodes.every((n) => n.running)).toBe(true)
  })
})
