import fs from 'node:fs'
import { afterAll, describe, expect, vi } from 'vitest'
import { kafkaGlobalSetup, test } from './vitest.js'

// No global setup in this package's config: the `kafkaServer` fixture falls back to one broker per worker.
describe('vitest fixtures', () => {
  const seen: string[] = []

  test('each test gets its own topic on a real broker', async ({ kafkaServer, topic }) => {
    seen.push(topic.name)
    expect(topic.name.startsWith(kafkaServer.topicPrefix)).toBe(true)
    await kafkaServer.produce(topic, ['one', 'two'])
    const got = await kafkaServer.consume(topic, { count: 2 })
    expect(got.map((m) => m.value)).toEqual(['one', 'two'])
  })

  test('without a global setup the worker owns its broker: faults are available', async ({ kafkaServer }) => {
    expect(kafkaServer.provider).toBe('local')
    const [id] = kafkaServer.nodeIds
    await kafkaServer.pauseBroker(id!)
    expect(kafkaServer.nodes[0]!.paused).toBe(true)
    await kafkaServer.resumeBroker(id!)
    expect(kafkaServer.nodes[0]!.paused).toBe(false)
    await kafkaServer.waitForBrokers()
  })

  test('a second test gets a different, empty topic', async ({ kafkaServer, topic }) => {
    seen.push(topic.name)
    expect(new Set(seen).size).toBe(seen.length)
    await expect(kafkaServer.consume(topic, { count: 1, timeoutMs: 1_500 })).rejects.toThrow(
      /Received 0 message/,
    )
    // the shared producer sent to the first test's topic, which is gone now: producing still works
    await kafkaServer.produce(topic, 'three')
    expect((await kafkaServer.consume(topic, { count: 1 }))[0]!.value).toBe('three')
  })

  test('the per-test topic is deleted afterwards', async ({ kafkaServer }) => {
    const admin = kafkaServer.client().admin()
    await admin.connect()
    try {
      const topics = await admin.listTopics()
      for (const t of seen) expect(topics).not.toContain(t)
    } finally {
      await admin.disconnect()
    }
  })

  afterAll(() => {
    expect(seen).toHaveLength(2)
  })
})

describe('kafkaGlobalSetup', () => {
  test('starts one Kafka, provides its brokers, and the teardown stops it', async () => {
    const provide = vi.fn()
    const teardown = await kafkaGlobalSetup({ nodes: 1 })({ provide })
    expect(provide).toHaveBeenCalledTimes(1)
    const [key, value] = provide.mock.calls[0]!
    expect(key).toBe('infraKafka')
    expect(value.brokers).toHaveLength(1)
    expect(value.version).toMatch(/^\d+\.\d+\.\d+$/)
    await teardown()
    const { fetchMetadata } = await import('./wire/kafka-wire.js')
    const [host, port] = (value.brokers[0] as string).split(':')
    await expect(fetchMetadata(host!, Number(port), [], { timeoutMs: 1_000 })).rejects.toThrow()
  })

  test('a cluster in the global setup runs in one JVM: every provided broker is served by it', async () => {
    const provide = vi.fn()
    const teardown = await kafkaGlobalSetup({ nodes: 3 })({ provide })
    try {
      const brokers: string[] = provide.mock.calls[0]![1].brokers
      expect(brokers).toHaveLength(3)
      const launchers = sharedJvmLaunchers()
      const ours = launchers.find((props) =>
        brokers.every((b) => props.some((p) => p.includes(`listeners=PLAINTEXT://${b}`))),
      )
      expect(ours, `one InfraKafkaNodes JVM serving ${brokers.join(', ')}`).toBeDefined()
      expect(ours).toHaveLength(3)
    } finally {
      await teardown()
    }
  })
})

/** The server.properties texts of every running shared-JVM launcher (one array per JVM), from /proc. */
function sharedJvmLaunchers(): string[][] {
  const found: string[][] = []
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let args: string[]
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    if (!args.includes('InfraKafkaNodes')) continue
    // another run's JVM may stop meanwhile: its files are gone, it is not ours
    const read = (f: string) => {
      try {
        return fs.readFileSync(f, 'utf8')
      } catch {
        return ''
      }
    }
    found.push(args.filter((a) => a.endsWith('server.properties')).map(read))
  }
  return found
}
