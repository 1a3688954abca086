import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BinaryNotFoundError, type FixtureServer, InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { checkVersionOfHome, fetchCommand, resolveKafkaLibs, versionOfLibs } from './broker/jars.js'
import { DEFAULT_KAFKA_VERSION } from './broker/kafka-version.js'
import type { KafkaFixture } from './kafka-fixture.js'
import { connectKafka, parseBrokerList, startKafka } from './start-kafka.js'
import type { KafkaTopic } from './topics/kafka-topic.js'
import { isLegalTopicName, NameGenerator } from './topics/topic-names.js'

describe('startKafka option validation (nothing starts)', () => {
  it.each([
    [{ nodes: 0 }, 'nodes'],
    [{ nodes: 2.5 }, 'nodes'],
    [{ version: 'latest' }, 'version'],
    [{ version: '2.8.2' }, 'version'],
    [{ heapMb: 10 }, 'heapMb'],
    [{ startTimeoutMs: Number.POSITIVE_INFINITY }, 'startTimeoutMs'],
    [{ topicPrefix: 'has space' }, 'topicPrefix'],
    [{ provider: 'docker' as never }, 'provider'],
    [{ brokerConfig: { 'bad key!': 1 } }, 'brokerConfig'],
    [{ firstNodeId: -1 }, 'firstNodeId'],
    [{ firstNodeId: 0.5 }, 'firstNodeId'],
    [{ advertisedHost: '0.0.0.0' as never }, 'advertisedHost'],
    [{ nodeConfig: { 'broker.rack': 'a' } as never }, 'nodeConfig'],
    [{ transactions: 'yes' as never }, 'transactions'],
    [{ nodes: 3, sharedJvm: 1 as never }, 'sharedJvm'],
  ])('rejects %j', async (opts, option) => {
    const err = await startKafka(opts).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as InvalidOptionsError).option).toBe(option)
  })

  it('an unknown key throws, naming the nearest option', async () => {
    const err = await startKafka({ node: 3 } as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as InvalidOptionsError).option).toBe('node')
    expect((err as Error).message).toContain("Did you mean 'nodes'?")
    expect(() => connectKafka({ brokers: ['127.0.0.1:1'], topicprefix: 'x-' } as never)).toThrow(
      /Did you mean 'topicPrefix'\?/,
    )
  })

  it.each([
    'listeners',
    'advertised.listeners',
    'node.id',
    'process.roles',
    'controller.quorum.voters',
    'log.dirs',
  ])('brokerConfig may not set %s (the fixture owns it)', async (key) => {
    const err = await startKafka({ brokerConfig: { [key]: 'x' } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as InvalidOptionsError).option).toBe('brokerConfig')
    expect((err as Error).message).toContain(`'${key}' is set by the fixture`)
  })

  it('nodeConfig is called for every node id and checked before anything starts', async () => {
    const seen: number[] = []
    const err = await startKafka({
      nodes: 3,
      firstNodeId: 0,
      nodeConfig: (id): Record<string, string | number> => {
        seen.push(id)
        return id === 2 ? { 'node.id': 7 } : { 'broker.rack': `r${id}` }
      },
      // would fail later if anything started: no such jars
      version: '3.99.0',
    }).catch((e: unknown) => e)
    expect(seen).toEqual([0, 1, 2])
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as InvalidOptionsError).option).toBe('nodeConfig(2)')
    expect((err as Error).message).toContain('use the firstNodeId option')
    const thrown = await startKafka({
      nodeConfig: () => {
        throw new Error('boom')
      },
    }).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(InvalidOptionsError)
    expect((thrown as Error).message).toContain('boom')
    const bad = await startKafka({ nodeConfig: () => ({ 'x.y': [] as never }) }).catch((e: unknown) => e)
    expect((bad as InvalidOptionsError).option).toBe('nodeConfig(1).x.y')
  })

  it('external provider needs brokers', async () => {
    const saved = process.env.INFRA_KAFKA_BROKERS
    delete process.env.INFRA_KAFKA_BROKERS
    try {
      await expect(startKafka({ provider: 'external' })).rejects.toThrow(/INFRA_KAFKA_BROKERS/)
    } finally {
      if (saved !== undefined) process.env.INFRA_KAFKA_BROKERS = saved
    }
  })

  it('connectKafka validates addresses', () => {
    expect(() => connectKafka({ brokers: ['nohostport'] })).toThrow(InvalidOptionsError)
    expect(connectKafka({ brokers: ['127.0.0.1:1'] }).brokers).toEqual(['127.0.0.1:1'])
  })

  it('connectKafka validates the topic prefix and takes connectionInfo', async () => {
    expect(() => connectKafka({ brokers: ['127.0.0.1:1'], topicPrefix: 'bad prefix' })).toThrow(
      InvalidOptionsError,
    )
    const kafka = connectKafka({ brokers: ['127.0.0.1:1'], version: '4.3.1', topicPrefix: 'mine-' })
    expect(kafka.topicPrefix).toBe('mine-')
    expect(connectKafka(kafka.connectionInfo).connectionInfo).toEqual({
      brokers: ['127.0.0.1:1'],
      version: '4.3.1',
      provider: 'external',
    })
    // a worker's handle on a global setup's local brokers reports that provider
    const attached = connectKafka({ brokers: ['127.0.0.1:1'], provider: 'local' })
    expect(attached.provider).toBe('local')
    expect(attached.env()).toEqual({ KAFKA_BROKERS: '127.0.0.1:1' })
    // … and, not owning the brokers, deletes only its own topics (checked before any request)
    await expect(attached.deleteTopic('someone-elses')).rejects.toThrow(/not created by this fixture/)
  })

  it('KafkaFixture is a FixtureServer whose isolated resource is a KafkaTopic (type-level)', () => {
    expectTypeOf<KafkaFixture>().toExtend<FixtureServer<KafkaTopic>>()
    expectTypeOf<Awaited<ReturnType<KafkaFixture['isolated']>>>().toEqualTypeOf<KafkaTopic>()
  })

  it('parses broker lists', () => {
    expect(parseBrokerList(' a:1, b:2 ,,c:3')).toEqual(['a:1', 'b:2', 'c:3'])
  })
})

describe('jar resolution', () => {
  it('names the fetch command when jars are missing', () => {
    let err: unknown
    try {
      resolveKafkaLibs({ version: '3.99.0' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    expect((err as Error).message).toContain('npx infra-kafka-fetch --version 3.99.0')
    expect((err as Error).message).toContain('bash tooling/kafka/fetch-jars.sh 3.99.0')
    expect((err as Error).message).not.toContain('bootstrap.sh') // it fetches the default version only
    expect(fetchCommand(DEFAULT_KAFKA_VERSION)).toContain('bash tooling/bootstrap.sh')
  })

  it('uses a KAFKA_HOME distribution and reads its version', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'khome-'))
    try {
      expect(() => resolveKafkaLibs({ version: '4.3.1', kafkaHome: home })).toThrow(
        /not an Apache Kafka distribution/,
      )
      fs.mkdirSync(path.join(home, 'libs'))
      fs.writeFileSync(path.join(home, 'libs', 'kafka_2.13-3.9.1.jar'), '')
      expect(versionOfLibs(path.join(home, 'libs'))).toBe('3.9.1')
      expect(resolveKafkaLibs({ version: '4.3.1', kafkaHome: home })).toMatchObject({
        version: '3.9.1',
        source: 'KAFKA_HOME',
      })
      // an explicit version that is not the distribution's is refused before anything starts
      expect(() => checkVersionOfHome('4.3.1', home)).toThrow(/kafkaHome=.* is Kafka 3\.9\.1/)
      expect(() => checkVersionOfHome('3.9.1', home)).not.toThrow()
      expect(() => checkVersionOfHome(undefined, home)).not.toThrow()
    } finally {
      fs.rmSync(home, { recursive: true, force: true })
    }
  })
})

describe('topic names', () => {
  it('are unique, prefixed and legal', () => {
    const g = new NameGenerator('p-')
    const names = new Set(Array.from({ length: 100 }, () => g.next('t')))
    expect(names.size).toBe(100)
    for (const n of names) {
      expect(n.startsWith('p-t')).toBe(true)
      expect(isLegalTopicName(n)).toBe(true)
    }
    expect(isLegalTopicName('a/b')).toBe(false)
    expect(isLegalTopicName('..')).toBe(false)
  })
})
