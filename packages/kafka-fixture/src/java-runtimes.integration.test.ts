import { describe, expect, it } from 'vitest'
import { fetchedJava } from './broker/java.js'
import type { KafkaFixture } from './kafka-fixture.js'
import { startKafka } from './start-kafka.js'

// The two class-archive paths: Java 25's AOT cache (the runtime bootstrap.sh fetches) and AppCDS on the
// machine's Java 17. Each start builds its archive on the first run on a machine, then maps it.
const JAVA_17 = '/usr/lib/jvm/java-17-openjdk-amd64/bin/java'

async function roundTrip(kafka: KafkaFixture): Promise<void> {
  const topic = await kafka.createTopic()
  await kafka.produce(topic, ['a', 'b'])
  const got = await kafka.consume(topic, { count: 2 })
  expect(got.map((m) => m.value)).toEqual(['a', 'b'])
}

describe('Java runtimes', () => {
  it('runs on the fetched Java 25 by default, from its AOT class cache', async () => {
    const fetched = fetchedJava()
    expect(fetched, 'bash tooling/kafka/fetch-java.sh fetches it (bootstrap.sh runs it)').toBeDefined()
    await using kafka = await startKafka()
    expect(kafka.jvm).toEqual({ java: fetched, major: 25, classArchive: 'aot' })
    await roundTrip(kafka)
  }, 120_000)

  it('runs on Java 17 when asked, from its AppCDS archive', async () => {
    await using kafka = await startKafka({ java: JAVA_17 })
    expect(kafka.jvm).toEqual({ java: JAVA_17, major: 17, classArchive: 'cds' })
    await roundTrip(kafka)
  }, 120_000)
})
