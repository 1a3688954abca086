import fs from 'node:fs'
import {
  BinaryNotFoundError,
  getRunDir,
  InvalidOptionsError,
  ProcessExitedError,
  StartupTimeoutError,
} from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { startKafka } from './start-kafka.js'

async function failure(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  )
  if (r.ok) {
    await (r.v as { stop(): Promise<void> }).stop()
    throw new Error('expected startKafka to fail')
  }
  return r.e as Error
}

describe('bad input', () => {
  it('no Java (bogus INFRA_KAFKA_JAVA): says so and how to install it', async () => {
    const saved = process.env.INFRA_KAFKA_JAVA
    process.env.INFRA_KAFKA_JAVA = '/nonexistent/jdk/bin/java'
    try {
      const err = await failure(startKafka())
      expect(err).toBeInstanceOf(BinaryNotFoundError)
      expect(err.message).toContain('Java 17')
      expect(err.message).toContain('apt-get install openjdk-17-jre-headless')
      expect(err.message).toContain('INFRA_KAFKA_JAVA')
    } finally {
      if (saved === undefined) delete process.env.INFRA_KAFKA_JAVA
      else process.env.INFRA_KAFKA_JAVA = saved
    }
  })

  it('jars missing: names the bootstrap and fetch commands', async () => {
    const err = await failure(startKafka({ version: '3.99.0' }))
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    expect(err.message).toContain('npx infra-kafka-fetch --version 3.99.0')
    expect(err.message).toContain('bash tooling/kafka/fetch-jars.sh 3.99.0')
  })

  it('a KAFKA_HOME that is not a Kafka distribution is an error, not a silent fallback', async () => {
    const err = await failure(startKafka({ kafkaHome: '/tmp' }))
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    expect(err.message).toContain('not an Apache Kafka distribution')
  })

  it('a broker that dies at start shows its log', async () => {
    const err = await failure(startKafka({ brokerConfig: { 'num.io.threads': 'lots' }, cds: false }))
    expect(err).toBeInstanceOf(ProcessExitedError)
    expect(err.message).toContain('kafka-1')
    expect(err.message).toMatch(/num\.io\.threads/)
    // … and its whole kept log is in a file under the run dir, named in the message
    const file = /Broker log \(until the test run ends\): (\S+\.log)/.exec(err.message)?.[1]
    expect(file, err.message).toBeDefined()
    expect(file!.startsWith(getRunDir())).toBe(true)
    const text = fs.readFileSync(file!, 'utf8')
    expect(text).toContain('# Kafka node 1')
    expect(text).toContain('the cluster failed to start')
    expect(text).toMatch(/num\.io\.threads/)
  })

  it('sharedJvm: one node with a bad config ends the one JVM, and the error shows its log', async () => {
    const err = await failure(
      startKafka({
        nodes: 3,
        sharedJvm: true,
        nodeConfig: (id) => (id === 2 ? { 'num.io.threads': 'lots' } : undefined),
      }),
    )
    expect(err).toBeInstanceOf(ProcessExitedError)
    expect(err.message).toContain('kafka-1+2+3')
    expect(err.message).toMatch(/num\.io\.threads/)
    const file = /Broker log \(until the test run ends\): (\S+\.log)/.exec(err.message)?.[1]
    expect(file, err.message).toBeDefined()
    const text = fs.readFileSync(file!, 'utf8')
    expect(text).toContain('one JVM runs every node of the cluster')
    expect(text).toMatch(/num\.io\.threads/)
  })

  it('a start that cannot finish in time fails with a finite timeout naming what it waited for', async () => {
    const err = await failure(startKafka({ startTimeoutMs: 200, cds: false }))
    expect(err).toBeInstanceOf(StartupTimeoutError)
    expect(err.message).toMatch(/Kafka node 1 .*unfenced broker/)
  })

  it('invalid options are rejected before anything starts', async () => {
    const err = await failure(startKafka({ nodes: 0 }))
    expect(err).toBeInstanceOf(InvalidOptionsError)
  })
})
