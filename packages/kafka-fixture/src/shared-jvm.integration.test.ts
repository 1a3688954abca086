import fs from 'node:fs'
import { isPidAlive, UnsupportedOperationError } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KafkaFixture } from './kafka-fixture.js'
import { startKafka } from './start-kafka.js'
import { fetchMetadata } from './wire/kafka-wire.js'

// one 3-node cluster in one JVM for the file; every test leaves it running
let kafka: KafkaFixture

beforeAll(async () => {
  kafka = await startKafka({ nodes: 3, sharedJvm: true })
})

afterAll(async () => {
  await kafka?.stop()
})

function pidOfCluster(): number {
  const pids = new Set(kafka.nodes.map((n) => n.pid))
  expect(pids.size).toBe(1)
  return [...pids][0]!
}

describe('3 nodes in one JVM (sharedJvm)', () => {
  it('runs every node in one JVM: one pid, three brokers and controllers on their own ports', async () => {
    expect(kafka.sharedJvm).toBe(true)
    const pid = pidOfCluster()
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    expect(cmdline).toContain('InfraKafkaNodes')
    expect(cmdline.filter((a) => a.endsWith('server.properties'))).toHaveLength(3)
    const ports = kafka.nodes.flatMap((n) => [n.brokerPort, n.controllerPort])
    expect(new Set(ports).size).toBe(6)
    for (const n of kafka.nodes) {
      const md = await fetchMetadata('127.0.0.1', n.brokerPort, [], { timeoutMs: 2_000 })
      expect(md.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
    }
    expect([1, 2, 3]).toContain(await kafka.activeController())
    // one log for the JVM, whichever node is asked
    expect(kafka.brokerLogs(1).length).toBeGreaterThan(0)
    expect(kafka.brokerLogs(3)).toEqual(kafka.brokerLogs(1))
  })

  it('replicates like separate brokers: RF 3, min ISR 2, acks=all, every replica in sync', async () => {
    const topic = await kafka.createTopic({ partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 })
    const sent = Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `v${i}` }))
    const acks = await kafka.produce(topic, sent, { acks: -1 })
    expect(acks.every((a) => a.errorCode === 0)).toBe(true)
    const admin = kafka.client().admin()
    await admin.connect()
    try {
      const md = await admin.fetchTopicMetadata({ topics: [topic] })
      const leaders = new Set<number>()
      for (const p of md.topics[0]!.partitions) {
        expect(p.replicas.sort()).toEqual([1, 2, 3])
        expect(p.isr.sort()).toEqual([1, 2, 3])
        leaders.add(p.leader)
      }
      expect(leaders.size).toBeGreaterThan(1)
    } finally {
      await admin.disconnect()
    }
    const got = await kafka.consume(topic, { count: 30 })
    expect(got.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort())
  })

  it('refuses single-broker faults with a typed error and leaves the cluster running', async () => {
    const pid = pidOfCluster()
    for (const fault of [
      () => kafka.killBroker(2),
      () => kafka.pauseBroker(2),
      () => kafka.resumeBroker(2),
      () => kafka.restartBroker(2),
    ]) {
      const err = await fault().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(UnsupportedOperationError)
      expect((err as Error).message).toMatch(/sharedJvm/)
    }
    expect(kafka.nodes.every((n) => n.running && !n.paused && n.pid === pid)).toBe(true)
    expect(await kafka.brokersVisible(3)).toBe(true)
  })

  it('pause() freezes every node and resume() thaws them: the JVM is one process', async () => {
    const port = kafka.nodes[1]!.brokerPort
    await kafka.pause()
    try {
      expect(kafka.nodes.every((n) => n.paused)).toBe(true)
      await expect(fetchMetadata('127.0.0.1', port, [], { timeoutMs: 500 })).rejects.toThrow()
    } finally {
      await kafka.resume()
    }
    expect(kafka.nodes.some((n) => n.paused)).toBe(false)
    const md = await fetchMetadata('127.0.0.1', port, [], { timeoutMs: 5_000 })
    expect(md.brokers).toHaveLength(3)
  })

  it('kill() crashes the whole cluster, restart() brings it back on the same ports with its data', async () => {
    const topic = await kafka.createTopic({ partitions: 2, replicationFactor: 3, minInsyncReplicas: 2 })
    await kafka.produce(topic, ['before-1', 'before-2'], { acks: -1 })
    const ports = kafka.nodes.map((n) => n.brokerPort)
    const pid = pidOfCluster()
    await kafka.kill()
    expect(kafka.nodes.some((n) => n.running)).toBe(false)
    expect(isPidAlive(pid)).toBe(false)
    await kafka.restart()
    const newPid = pidOfCluster()
    expect(newPid).not.toBe(pid)
    expect(kafka.nodes.map((n) => n.brokerPort)).toEqual(ports)
    expect(await kafka.brokersVisible(3)).toBe(true)
    await kafka.produce(topic, ['after'], { acks: -1 })
    const got = await kafka.consume(topic, { count: 3 })
    expect(got.map((m) => m.value).sort()).toEqual(['after', 'before-1', 'before-2'])
  })
})
